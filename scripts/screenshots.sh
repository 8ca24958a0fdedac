#!/usr/bin/env bash
# Regenerates the README's screenshots of the packer's page (docs/img/station-*.png): the browser tests
# (tests/serve/browser.rs) save them from headless Chromium when SHIPLABEL_SCREENSHOTS names a folder.
# Needs chromium and chromium-driver (Debian packages), as the tests do, and a CJK font for the 中文 button
# (fonts-wqy-zenhei).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/img
SHIPLABEL_SCREENSHOTS="$PWD/docs/img" cargo test --test tests serve::browser:: -- --test-threads=1
ls -l docs/img/station-*.png
