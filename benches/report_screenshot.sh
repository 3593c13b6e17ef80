#!/usr/bin/env bash
# Render a clean run's --report to a PNG with headless Chromium, to look at
# it. Installs Debian's chromium when missing (needs root).
#   benches/report_screenshot.sh [REPORT.html] [OUT.png] [HEIGHT]
# Without a report it cleans corpus/sample and reports on that.
set -euo pipefail
cd "$(dirname "$0")/.."
report=${1:-}
png=${2:-docs/report.png}
height=${3:-1600}
if [ -z "$report" ]; then
  cargo build --release -q
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  report=$tmp/report.html
  target/release/boilercut clean corpus/sample/corpus.jsonl -o "$tmp/out.jsonl" \
    --group-field site --report "$report" -q
fi
if ! command -v chromium >/dev/null; then
  apt-get install -y chromium >/dev/null
fi
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1100,"$height" \
  --screenshot="$(realpath -m "$png")" "file://$(realpath "$report")" 2>/dev/null
rm -rf "$profile"
echo "$png"
