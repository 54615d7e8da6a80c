#!/usr/bin/env bash
# Near-duplicate grouping on the 100,000-document press-release archive.
#
#   Benchmarks/archive/run.sh [ipsearch-bench archive options...]
#
# Idempotent setup (only what is missing): the Debian packages that shared/bench/make_corpus.py needs
# (python3-icu for the Traditional copies, manpages-zh and fortunes-zh for the sentence pool), then
# the archive corpus in Benchmarks/.work/corpora/archive (git-ignored; same seed, same corpus; set
# ARCHIVE_REGENERATE=1 to rebuild it), then a release build of ipsearch-bench in .build-compare (set
# IPSEARCH_NO_BUILD=1 to skip). Runs `ipsearch-bench archive` on the corpus: signature throughput,
# grouping time, precision and recall of the groups against archive/copies.json. See README.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"   # REPO, WORK and the setup steps
GENERATOR="${MAKE_CORPUS:-$REPO/../shared/bench/make_corpus.py}"
ARCHIVE="$WORK/corpora/archive"
SCRATCH="$REPO/.build-compare"

ensure_corpus() {
    if [[ "${ARCHIVE_REGENERATE:-0}" != 1 && -f "$ARCHIVE/copies.json" ]]; then return; fi
    [[ -f "$GENERATOR" ]] || { echo "corpus generator not found: $GENERATOR (set MAKE_CORPUS)" >&2; exit 1; }
    echo "generating the archive corpus in $ARCHIVE (a few minutes)"
    # Debian's python3 sees python3-icu; the archive's sentence pool needs seeds, manpages and fortunes.
    local parts="archive"
    for p in seeds manpages fortunes; do [[ -d "$WORK/corpora/$p" ]] || parts="$p,$parts"; done
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$GENERATOR" "$WORK" --only "$parts" >"$WORK/make_corpus-archive.log"
}

ensure_debian_packages python3-icu manpages-zh fortunes-zh man-db groff-base bsdextrautils
ensure_corpus
build_release "$SCRATCH" ipsearch-bench
exec "$SCRATCH/release/ipsearch-bench" archive "$ARCHIVE" "$@"
