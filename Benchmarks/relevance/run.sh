#!/usr/bin/env bash
# Known-item relevance benchmark: ipsearch (before and after) vs. SQLite FTS5 trigram vs. Tantivy + jieba.
#
#   bash Benchmarks/relevance/run.sh [relevance.py options...]
#
# Idempotent setup (only what is missing):
#   - Debian packages python3-icu and python3-venv; the venv Benchmarks/.work/venv (shared with
#     Benchmarks/compare: tantivy, jieba, rjieba from PyPI);
#   - the corpus: `apt-get download` of gimp-help-zh-cn, debian-reference-zh-cn and
#     debian-reference-zh-tw, unpacked with `dpkg-deb -x` into Benchmarks/.work/relevance/pkgs
#     (nothing is installed system-wide: gimp-help-zh-cn would pull in GIMP);
#   - ipsearch "after": `swift build -c release --product ipsearch` of this checkout
#     (IPSEARCH_BIN=path uses a given binary instead, IPSEARCH_NO_BUILD=1 uses .build/release as is);
#   - ipsearch "before": the commit RELEVANCE_BEFORE (default 9fd85a4, the engine before issue 9's
#     ranking work), exported with `git archive` into Benchmarks/.work/relevance/rev-<sha> and built
#     there once (cached; ~8 minutes on 2 cores). RELEVANCE_BEFORE=none skips it.
#   - if this checkout's ipsearch reads .html, "after" is measured a second time on the original
#     HTML pages (RELEVANCE_HTML=0 skips that).
# Then runs relevance.py, which prints one table and writes Benchmarks/results/relevance.json.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"   # REPO, WORK, VENV and the setup steps
RWORK="$WORK/relevance"
PACKAGES=(gimp-help-zh-cn debian-reference-zh-cn debian-reference-zh-tw)
BEFORE="${RELEVANCE_BEFORE-9fd85a4}"
mkdir -p "$RWORK/pkgs" "$RWORK/debs"

ensure_corpus() {
    local p deb
    for p in "${PACKAGES[@]}"; do
        [[ -d "$RWORK/pkgs/$p/usr" ]] && continue
        deb=$(ls "$RWORK/debs/${p}_"*.deb 2>/dev/null | head -1 || true)
        if [[ -z "$deb" ]]; then
            say "apt-get download $p"
            (cd "$RWORK/debs" && { apt-get download "$p" 2>/dev/null \
                || { apt-get update -qq && apt-get download "$p"; }; })
            deb=$(ls "$RWORK/debs/${p}_"*.deb | head -1)
        fi
        rm -rf "$RWORK/pkgs/$p.tmp"
        dpkg-deb -x "$deb" "$RWORK/pkgs/$p.tmp"
        mv "$RWORK/pkgs/$p.tmp" "$RWORK/pkgs/$p"
    done
}

# ipsearch of this checkout ("after").
after_binary() {
    if [[ -n "${IPSEARCH_BIN:-}" ]]; then echo "$IPSEARCH_BIN"; return; fi
    if [[ "${IPSEARCH_NO_BUILD:-0}" != 1 ]]; then
        say "swift build -c release --product ipsearch"
        (cd "$REPO" && swift build -c release --product ipsearch >"$RWORK/swift-build-head.log" 2>&1) \
            || { say "build failed, see $RWORK/swift-build-head.log"; exit 1; }
    fi
    echo "$REPO/.build/release/ipsearch"
}

# ipsearch of commit $BEFORE, built once from a `git archive` export.
before_binary() {
    local sha src
    sha=$(git -C "$REPO" rev-parse --short=7 "$BEFORE^{commit}")
    src="$RWORK/rev-$sha"
    if [[ ! -x "$src/.build/release/ipsearch" ]]; then
        say "building ipsearch at $sha in $src (once)"
        rm -rf "$src" && mkdir -p "$src"
        git -C "$REPO" archive "$sha" | tar -x -C "$src"
        (cd "$src" && swift build -c release --product ipsearch >"$src/swift-build.log" 2>&1) \
            || { say "build of $sha failed, see $src/swift-build.log"; exit 1; }
    fi
    echo "$sha=$src/.build/release/ipsearch"
}

ensure_debian_packages python3-icu python3-venv
ensure_venv
ensure_corpus
HEAD_SHA=$(git -C "$REPO" rev-parse --short=7 HEAD)
DIRTY=$(git -C "$REPO" status --porcelain --untracked-files=no -- Sources Package.swift | grep -q . && echo "+changes" || true)
ARGS=()
if [[ "$BEFORE" != none && -n "$BEFORE" ]]; then ARGS+=(--ipsearch "before@$(before_binary)"); fi
AFTER_BIN=$(after_binary)
ARGS+=(--ipsearch "after@$HEAD_SHA$DIRTY=$AFTER_BIN")
# A checkout whose corpus scan takes .html (Sources/IPSearchIndex/Corpus.swift) is also measured on
# the original HTML pages, with its own HTML reader (RELEVANCE_HTML=0 skips that).
if [[ "${RELEVANCE_HTML:-1}" == 1 ]] && grep -q '"html"' "$REPO/Sources/IPSearchIndex/Corpus.swift" 2>/dev/null; then
    ARGS+=(--ipsearch-html "after@$HEAD_SHA$DIRTY=$AFTER_BIN")
fi

cd "$REPO"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
export RELEVANCE_COMMAND="bash Benchmarks/relevance/run.sh${*:+ $*}"
export RELEVANCE_HEAD="$(git -C "$REPO" rev-parse HEAD)$DIRTY"
exec "$VENV/bin/python" "$REPO/Benchmarks/relevance/relevance.py" --pkgs "$RWORK/pkgs" "${ARGS[@]}" "$@"
