#!/usr/bin/env bash
# tests/browser/install.sh BUILD_DIR — installs the browser tests' npm packages (the exact
# versions of package-lock.json: playwright-core, which brings no browser of its own) into
# BUILD_DIR/tests/browser/node_modules, once per lockfile change; npm's cache (~/.npm) makes
# a re-install offline. Chromium itself is the Debian package (deploy/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$1/tests/browser"
mkdir -p "$dest"
if ! cmp -s "$here/package-lock.json" "$dest/package-lock.json" ||
   [ ! -f "$dest/node_modules/playwright-core/package.json" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$dest/"
  (cd "$dest" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "browser tests: /usr/bin/chromium is missing (deploy/install-deps.sh installs it)" >&2
  exit 1
fi
