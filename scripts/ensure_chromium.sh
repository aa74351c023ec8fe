#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (tests/browser).
# Installs it with apt-get when missing and we are root (as in CI); otherwise explains what to do.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [ -x "${JSNA_CHROMIUM:-/nonexistent}" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: installing Debian chromium for the browser tests (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  exit 0
fi
echo "ensure_chromium: chromium not found. Install it (Debian/Ubuntu: sudo apt-get install chromium)" >&2
echo "or set JSNA_CHROMIUM=/path/to/chrome. The browser tests are skipped without it unless CI=true." >&2
exit 0
