#!/usr/bin/env bash
# Compare ipsearch with ripgrep, SQLite FTS5 (trigram), Tantivy+jieba and Lucene (CJK bigrams) on the same machine.
#
#   Benchmarks/compare/run.sh [--quick] [bench.py options...]
#
# Idempotent setup (only what is missing): Debian packages (ripgrep, hyperfine, time, python3-icu,
# openjdk-17-jdk-headless, liblucene8-java and what shared/bench/make_corpus.py needs), a venv in
# Benchmarks/.work/venv (system site packages for PyICU; tantivy, jieba, rjieba from PyPI), release
# builds of ipsearch and ipsearch-bench in .build-compare (set IPSEARCH_NO_BUILD=1 to skip). Then runs
# bench.py, which prints the table and writes Benchmarks/results/compare.json (--quick:
# compare-quick.json). See bench.py --help.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"   # REPO, WORK, VENV and the setup steps

build_ipsearch() {
    # A failed build is reported by bench.py as n/a rather than stopping the comparison.
    (build_release "$REPO/.build-compare" ipsearch ipsearch-bench) || say "  a build failed: its engine is reported as n/a"
}

ensure_debian_packages ripgrep hyperfine time python3-icu python3-venv manpages-zh fortunes-zh man-db groff-base bsdextrautils
# Lucene (8.8 in bookworm) and a JDK to compile Benchmarks/compare/lucene/LuceneBench.java; without
# them bench.py reports lucene as n/a and runs the rest.
ensure_debian_packages openjdk-17-jdk-headless liblucene8-java || say "  Lucene or a JDK did not install: lucene is reported as n/a"
ensure_venv
build_ipsearch
cd "$REPO"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
export COMPARE_COMMAND="Benchmarks/compare/run.sh${*:+ $*}"
exec "$VENV/bin/python" "$REPO/Benchmarks/compare/bench.py" "$@"
