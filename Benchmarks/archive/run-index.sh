#!/usr/bin/env bash
# Issue 10's index-time and query-time figures on the 100,000-document archive corpus.
#
#   Benchmarks/archive/run-index.sh [ipsearch-bench archive-index options...]
#
# Uses the corpus of run.sh (Benchmarks/.work/corpora/archive; run.sh generates it when missing),
# a release build of ipsearch and ipsearch-bench in .build (IPSEARCH_NO_BUILD=1 to skip), and:
#   1. `ipsearch index --full` into Benchmarks/.work/archive-index under /usr/bin/time
#      (wall, user+sys CPU, peak RSS), with `perf record` when PERF=1 (profile in .work/archive-perf.data);
#   2. a no-op `ipsearch index` and an incremental run that adds one file (a copy of a document
#      under a new name, removed again afterwards with a third run): the difference is the cost of
#      a commit, dominated by regrouping all 100,000 signatures;
#   3. `ipsearch-bench archive-index`: signature and grouping CPU time recomputed from the stored
#      texts, the index's groups against copies.json, and warm query latency with since, facets,
#      sort and collapse. See README.md.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"   # REPO, WORK and the setup steps
ARCHIVE="$WORK/corpora/archive"
INDEX="$WORK/archive-index"
BIN="$REPO/.build/release"
LOG="$WORK/archive-index.log"

if [[ ! -f "$ARCHIVE/copies.json" ]]; then
    IPSEARCH_NO_BUILD=1 "$REPO/Benchmarks/archive/run.sh" --repeat 1 >/dev/null
fi
build_release "$REPO/.build" ipsearch ipsearch-bench

timed() {  # label, command...: /usr/bin/time figures on one line
    local label="$1"; shift
    /usr/bin/time -f "$label: %e s wall, %U s user + %S s sys CPU, %M KB peak RSS" "$@" 2>&1 | tee -a "$LOG"
}

: >"$LOG"
echo "commit $(git -C "$REPO" rev-parse HEAD), $(date -u +%FT%TZ), load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOG"
rm -rf "$INDEX"
if [[ "${PERF:-0}" == 1 ]]; then
    timed "full build (perf)" perf record -F 250 -g -o "$WORK/archive-perf.data" -- \
        "$BIN/ipsearch" index --full --corpus "$ARCHIVE" --index "$INDEX"
else
    timed "full build" "$BIN/ipsearch" index --full --corpus "$ARCHIVE" --index "$INDEX"
fi
du -sh "$INDEX" | tee -a "$LOG"

EXTRA="$ARCHIVE/zz-bench-extra.txt"
trap 'rm -f "$EXTRA"' EXIT
for k in 1 2 3; do
    timed "no-op run $k" "$BIN/ipsearch" index --corpus "$ARCHIVE" --index "$INDEX"
    cp "$ARCHIVE/0000/doc0000000.txt" "$EXTRA"
    echo "bench run $k" >>"$EXTRA"
    timed "add 1 file $k" "$BIN/ipsearch" index --corpus "$ARCHIVE" --index "$INDEX"
    rm -f "$EXTRA"
    timed "remove 1 file $k" "$BIN/ipsearch" index --corpus "$ARCHIVE" --index "$INDEX"
done

"$BIN/ipsearch-bench" archive-index --index "$INDEX" --copies "$ARCHIVE/copies.json" "$@" | tee -a "$LOG"
