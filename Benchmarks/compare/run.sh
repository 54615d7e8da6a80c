#!/usr/bin/env bash
# Compare ipsearch with ripgrep, SQLite FTS5 (trigram) and Tantivy+jieba on the same machine.
#
#   Benchmarks/compare/run.sh [--quick] [bench.py options...]
#
# Idempotent setup (only what is missing): Debian packages (ripgrep, hyperfine, time, python3-icu and
# what shared/bench/make_corpus.py needs), a venv in Benchmarks/.work/venv (system site packages for
# PyICU; tantivy, jieba, rjieba from PyPI), release builds of ipsearch and ipsearch-bench in
# .build-compare (set IPSEARCH_NO_BUILD=1 to skip). Then runs bench.py, which prints the table and
# writes Benchmarks/results/compare.json (--quick: compare-quick.json). See bench.py --help.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$REPO/Benchmarks/.work"
VENV="$WORK/venv"
mkdir -p "$WORK"

ensure_debian_packages() {
    local pkgs=(ripgrep hyperfine time python3-icu python3-venv manpages-zh fortunes-zh man-db groff-base bsdextrautils)
    local missing=()
    for p in "${pkgs[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if ((${#missing[@]})); then
        echo "installing: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
}

ensure_venv() {
    if "$VENV/bin/python" -c 'import icu, tantivy, jieba' 2>/dev/null; then return; fi
    rm -rf "$VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"   # Debian's python3: sees python3-icu
    "$VENV/bin/pip" install -q tantivy jieba
    "$VENV/bin/pip" install -q rjieba || echo "rjieba unavailable: Tantivy will use pure-Python jieba (slow)"
}

build_ipsearch() {
    [[ "${IPSEARCH_NO_BUILD:-0}" == 1 ]] && return
    for product in ipsearch ipsearch-bench; do
        echo "swift build -c release --product $product"
        (cd "$REPO" && swift build -c release --product "$product" --scratch-path "$REPO/.build-compare" \
            >"$WORK/swift-build-$product.log" 2>&1) \
            || echo "  build of $product failed (see $WORK/swift-build-$product.log): reported as n/a"
    done
}

ensure_debian_packages
ensure_venv
build_ipsearch
cd "$REPO"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
export COMPARE_COMMAND="Benchmarks/compare/run.sh${*:+ $*}"
exec "$VENV/bin/python" "$REPO/Benchmarks/compare/bench.py" "$@"
