# Sourced by the benchmark scripts (Benchmarks/*/run.sh): the paths they share and their idempotent
# setup steps, so each script only says what it needs.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
#   ensure_debian_packages ripgrep python3-icu   # installs only the missing ones
#   ensure_venv                                   # $VENV with tantivy, jieba (and rjieba if it builds)
#   build_release "$SCRATCH" ipsearch ipsearch-bench   # unless IPSEARCH_NO_BUILD=1

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO/Benchmarks/.work"
VENV="$WORK/venv"
mkdir -p "$WORK"

say() { echo "$*" >&2; }

# Debian packages, installed with apt-get only when some are missing (sudo when not root).
ensure_debian_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    ((${#missing[@]})) || return 0
    say "installing: ${missing[*]}"
    local sudo=""
    [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The Python environment of the comparison engines: Debian's python3 (it sees python3-icu, so install
# that package first) with tantivy and jieba from PyPI; rjieba when it installs (else pure-Python
# jieba segments, slowly).
ensure_venv() {
    if "$VENV/bin/python" -c 'import icu, tantivy, jieba' 2>/dev/null; then return; fi
    rm -rf "$VENV"
    /usr/bin/python3 -m venv --system-site-packages "$VENV"
    "$VENV/bin/pip" install -q tantivy jieba
    "$VENV/bin/pip" install -q rjieba || say "rjieba unavailable: Tantivy will use pure-Python jieba (slow)"
}

# Release builds of the given products into the scratch path $1 (skipped with IPSEARCH_NO_BUILD=1);
# a failed build is reported with its log and stops the script.
build_release() {
    local scratch="$1" product
    shift
    [[ "${IPSEARCH_NO_BUILD:-0}" == 1 ]] && return 0
    # A release build links ICU, libxml2, zstd and lzma statically (Package.swift, cLibraries).
    ensure_debian_packages libicu-dev zlib1g-dev libzstd-dev libxml2-dev liblzma-dev
    for product in "$@"; do
        say "swift build -c release --product $product"
        (cd "$REPO" && swift build -c release --product "$product" --scratch-path "$scratch" \
            >"$WORK/swift-build-$product.log" 2>&1) \
            || { say "build of $product failed: see $WORK/swift-build-$product.log"; exit 1; }
    done
}
