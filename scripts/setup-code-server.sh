#!/usr/bin/env bash
# Installs what the integration tests need on a machine without internet, on demand:
# Debian's Chromium (driven headless by playwright-core) and code-server 4.100.3
# (VS Code 1.100.3 with a Node extension host) into a cache folder (~/.cache/convlens, or
# $CONVLENS_CACHE) — not into the project's dependencies. Reuses an existing install. See ../shared/vscode-offline-testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${CONVLENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/convlens}"
CS_DIR="$CACHE/code-server"
CS_VERSION=4.100.3

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
for lib in libkrb5-dev libsecret-1-dev libxkbfile-dev; do
  dpkg -s "$lib" >/dev/null 2>&1 || need_apt+=("$lib")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x "$CS_DIR/node_modules/.bin/code-server" ]; then
  echo "setup: code-server $CS_VERSION already in $CS_DIR"
  exit 0
fi

mkdir -p "$CS_DIR"
# @vscode/ripgrep downloads a binary at install time; it reuses an archive it finds in $TMPDIR.
export TMPDIR="$CACHE/tmp"
RG_CACHE="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
if [ ! -f "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  ( cd "$TMPDIR" && cp "$(command -v rg)" rg && tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg && rm rg )
fi
cd "$CS_DIR"
[ -f package.json ] || echo '{"name":"convlens-code-server","private":true}' > package.json
echo "setup: npm install code-server@$CS_VERSION (a few minutes)"
# node-pty's build runs npx, which refuses without yes=true; code-server's postinstall
# refuses to run as root unless npm_config_unsafe_perm is set.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-audit --no-fund \
  "code-server@$CS_VERSION" >"$CACHE/code-server-install.log" 2>&1 || {
  echo "setup: code-server install failed; see $CACHE/code-server-install.log" >&2
  tail -20 "$CACHE/code-server-install.log" >&2
  exit 1
}
test -x node_modules/.bin/code-server
echo "setup: code-server ready"
