#!/usr/bin/env bash
# Load benchmark of `ipsearch serve`: wrk for 30 s at 64 and 256 connections against /search, with
# queries cycling through a query file. Usage:
#   Benchmarks/load/run.sh INDEX_DIR QUERY_FILE [DURATION_SECONDS] [CACHE_SIZE]
# CACHE_SIZE is passed to `ipsearch serve --cache-size` (default 4096; 0 measures every search).
# Needs a release build (swift build -c release) and wrk (apt-get install -y wrk, done if missing).
# Prints wrk's summary per run and writes Benchmarks/results/load.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
index=${1:?index directory}; queries=${2:?query file}; duration=${3:-30}; cache=${4:-4096}
source Benchmarks/lib.sh   # the setup steps
ensure_debian_packages wrk
bin=.build/release/ipsearch
[ -x "$bin" ] || swift build -c release --product ipsearch
mkdir -p Benchmarks/results Benchmarks/.work

# One Lua table of percent-encoded request paths.
python3 - "$queries" > Benchmarks/.work/load-paths.lua <<'PY'
import sys, urllib.parse
qs = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
print("paths = {")
for q in qs:
    print('  "/search?limit=10&q=%s",' % urllib.parse.quote(q))
print("}")
PY
cat > Benchmarks/.work/load.lua <<'LUA'
dofile("Benchmarks/.work/load-paths.lua")
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA

"$bin" serve --index "$index" --port 0 --quiet --cache-size "$cache" > Benchmarks/.work/serve.out 2> Benchmarks/.work/serve.err &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s Benchmarks/.work/serve.out ] && break; sleep 0.1; done
url=$(head -1 Benchmarks/.work/serve.out)
echo "server: $url (index $index, cache $cache)"
results=()
for c in 64 256; do
  out=$(wrk -t2 -c"$c" -d"${duration}s" --latency -s Benchmarks/.work/load.lua "$url")
  echo "--- $c connections"; echo "$out" | grep -E "Requests/sec|Latency|RESULT|Socket errors" || true
  line=$(echo "$out" | grep RESULT)
  results+=("{\"connections\": $c, $(echo "$line" | sed -E 's/RESULT //; s/([a-z0-9_]+)=([0-9.]+)/"\1": \2,/g; s/,$//')}")
done
printf '{"date": "%s", "index": "%s", "cache_size": %s, "duration_s": %s, "runs": [%s]}\n' "$(date -u +%FT%TZ)" "$index" "$cache" "$duration" \
  "$(IFS=,; echo "${results[*]}")" > "Benchmarks/results/load-cache$cache.json"
cat "Benchmarks/results/load-cache$cache.json"
