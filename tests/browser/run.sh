#!/usr/bin/env bash
# Real-browser walk-through of Tovholder: see walk.mjs.
# Needs node (>= 20), npm and Debian's chromium (apt-get install -y chromium);
# never downloads a browser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1; then
  echo "run.sh: node is not installed (need Node.js >= 20)" >&2
  exit 1
fi

# npm ci when node_modules is missing or package-lock.json changed since the last install.
stamp=node_modules/.tovholder-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "run.sh: installing test dependencies (npm ci)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "run.sh: /usr/bin/chromium not found. Install Debian's Chromium with: apt-get install -y chromium" >&2
  exit 1
fi

exec node walk.mjs "$@"
