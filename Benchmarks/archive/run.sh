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

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$REPO/Benchmarks/.work"
GENERATOR="${MAKE_CORPUS:-$REPO/../shared/bench/make_corpus.py}"
ARCHIVE="$WORK/corpora/archive"
SCRATCH="$REPO/.build-compare"
mkdir -p "$WORK"

ensure_debian_packages() {
    local pkgs=(python3-icu manpages-zh fortunes-zh man-db groff-base bsdextrautils)
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

ensure_corpus() {
    if [[ "${ARCHIVE_REGENERATE:-0}" != 1 && -f "$ARCHIVE/copies.json" ]]; then return; fi
    [[ -f "$GENERATOR" ]] || { echo "corpus generator not found: $GENERATOR (set MAKE_CORPUS)" >&2; exit 1; }
    echo "generating the archive corpus in $ARCHIVE (a few minutes)"
    # Debian's python3 sees python3-icu; the archive's sentence pool needs seeds, manpages and fortunes.
    local parts="archive"
    for p in seeds manpages fortunes; do [[ -d "$WORK/corpora/$p" ]] || parts="$p,$parts"; done
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 "$GENERATOR" "$WORK" --only "$parts" >"$WORK/make_corpus-archive.log"
}

build_bench() {
    [[ "${IPSEARCH_NO_BUILD:-0}" == 1 ]] && return
    echo "swift build -c release --product ipsearch-bench"
    (cd "$REPO" && swift build -c release --product ipsearch-bench --scratch-path "$SCRATCH" \
        >"$WORK/swift-build-ipsearch-bench.log" 2>&1) \
        || { echo "build failed: see $WORK/swift-build-ipsearch-bench.log" >&2; exit 1; }
}

ensure_debian_packages
ensure_corpus
build_bench
exec "$SCRATCH/release/ipsearch-bench" archive "$ARCHIVE" "$@"
