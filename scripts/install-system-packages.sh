#!/usr/bin/env bash
# Debian packages the project uses: a CJK font so plots and the analysis report show Chinese, Chromium
# for the browser tests (Playwright drives /usr/bin/chromium; nothing is downloaded by Playwright itself),
# and poppler-utils (pdftotext, pdftoppm) with which the tests read the report PDF back.
# Idempotent; skipped with a note when not root or apt-get is missing.
set -u
packages=(fonts-wqy-microhei chromium poppler-utils)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: please install ${missing[*]} (apt-get): Chinese labels in plots, browser tests, PDF checks" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; } \
  || echo "note: could not install ${missing[*]}; plots will label classes with codes, browser tests will fail" >&2
exit 0
