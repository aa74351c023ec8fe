#!/usr/bin/env bash
# Make sure Debian's Chromium (the PDFs beside the reports, and the browser tests in tests/browser) and
# poppler-utils (pdftoppm/pdftotext: the tests that read the PDFs) are installed.
# Installs what is missing with apt-get when we are root (as in CI); otherwise explains what to do.
set -euo pipefail
missing=()
if ! command -v chromium >/dev/null 2>&1 && [ ! -x "${JSNA_CHROMIUM:-/nonexistent}" ]; then
  missing+=(chromium fonts-dejavu-core)
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: installing ${missing[*]} (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "ensure_chromium: ${missing[*]} not installed. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]})" >&2
echo "or set JSNA_CHROMIUM=/path/to/chrome. Without Chromium the reports have no PDF and the browser tests are skipped (unless CI=true)." >&2
exit 0
