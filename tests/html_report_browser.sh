#!/usr/bin/env bash
# Renders `rasid eval --report` in headless Chromium: the page must load
# without network, show the summary table and the three SVG figures per
# task, and its screenshot must not be blank. Exit 77 (skipped) without
# Chromium. Usage: html_report_browser.sh RASID_BINARY SOURCE_DIR [SCREENSHOT_COPY]
set -euo pipefail
rasid=$1
src=$2
copy_to=${3:-}
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  echo "chromium not installed: skipping"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A small model on part of the bundled corpus keeps this test fast.
head -n 300 "$src/datasets/iraq_news/train.jsonl" > "$work/train.jsonl"
"$rasid" train --data "$work/train.jsonl" --label event_type,stance -o "$work/m.rasid" -q --max-iter 40
"$rasid" eval -m "$work/m.rasid" --data "$src/datasets/iraq_news/test.jsonl" --report "$work/report.html" -q > /dev/null
if grep -Eq '<script|src="http|href="http' "$work/report.html"; then
  echo "report is not self-contained"; exit 1
fi
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir="$work/profile")
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/chrome.log"
for needle in 'id="summary"' 'class="bars"' 'class="heatmap"' 'class="reliability"' 'class="mistakes"' \
              'id="task-event_type"' 'id="task-stance"' 'id="settings"'; do
  grep -q "$needle" "$work/dom.html" || { echo "rendered page lacks $needle"; exit 1; }
done
timeout 120 "$chrome" "${flags[@]}" --window-size=1200,1600 --screenshot="$work/shot.png" \
  "file://$work/report.html" 2>> "$work/chrome.log" > /dev/null
/usr/bin/python3 - "$work/shot.png" <<'PY'
import sys
from PIL import Image
img = Image.open(sys.argv[1]).convert("RGB")
w, h = img.size
assert (w, h) == (1200, 1600), (w, h)
colors = img.getcolors(maxcolors=1 << 20)
assert colors is not None and len(colors) > 50, "screenshot looks blank"
dark = sum(n for n, (r, g, b) in colors if r + g + b < 200)
assert dark > 2000, "almost no text or drawing on the page"
blue = sum(n for n, (r, g, b) in colors if b > 150 and r < 120)
assert blue > 500, "no chart colours on the page"
print("screenshot ok:", len(colors), "colours,", dark, "dark pixels,", blue, "blue pixels")
PY
if [ -n "$copy_to" ]; then cp "$work/shot.png" "$copy_to"; fi
echo "html report renders"
