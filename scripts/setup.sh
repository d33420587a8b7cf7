#!/usr/bin/env bash
# Sets up a fresh Debian/Ubuntu machine for Rsync Tray: the system packages (rsync for the
# engine, Chromium for the browser tests), then the npm dependencies — which include a Node 24
# binary from the npm registry, so the machine's own Node may be older (>= 18 for npm itself).
#   bash scripts/setup.sh            everything for running and testing
#   bash scripts/setup.sh --bench    also lsyncd and inotify-tools, for `npm run bench`
set -euo pipefail
cd "$(dirname "$0")/.."

# systemd and python3 for the service tests: systemd-analyze verify checks the generated unit,
# systemd-notify sends sd_notify, and Python listens on the NOTIFY_SOCKET (Node has no unix datagrams).
# prometheus for its promtool: the metrics test checks /metrics with `promtool check metrics`.
packages=(rsync chromium systemd python3 prometheus)
[[ " $* " == *" --bench "* ]] && packages+=(lsyncd inotify-tools)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null; then
    echo "Please install: ${missing[*]} (this script knows only apt-get)." >&2
    exit 1
  fi
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  echo "Installing ${missing[*]} with apt-get…"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ -f package-lock.json ]]; then npm ci --no-fund --no-audit; else npm install --no-fund --no-audit; fi
# The headless CLI as one bundle (starts in ~0.08 s instead of ~0.17 s); bin/rsync-tray.mjs runs
# the sources instead whenever they differ from what the bundle was built from — or when the
# build failed, which is why a failure here only warns.
npm run --silent build:cli || echo "Warning: the CLI bundle was not built; rsync-tray runs from its sources (slower to start)." >&2
echo "Set up: $(rsync --version | head -1); Node for npm scripts: $(node_modules/.bin/node --version)"
