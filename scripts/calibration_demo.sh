#!/usr/bin/env bash
# Measures what `--calibrate` does on real data (ans_stance, from
# ../shared/datasets): the last 500 rows of its train split are held out to
# fit the temperature (and for early stopping), and both models are scored
# on the dev split. Prints log-loss, ECE and Brier before and after.
set -euo pipefail
cd "$(dirname "$0")/.."
rasid=${RASID:-build/rasid}
data=../shared/datasets/ans_stance
if [ ! -f "$data/train.jsonl" ]; then
  echo "skipping: $data not found"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=$(wc -l < "$data/train.jsonl")
head -n $((total - 500)) "$data/train.jsonl" > "$work/fit.jsonl"
tail -n 500 "$data/train.jsonl" > "$work/calibration.jsonl"
for mode in plain calibrated; do
  flag=""
  [ "$mode" = calibrated ] && flag="--calibrate"
  # shellcheck disable=SC2086
  $rasid train --data "$work/fit.jsonl" --claim-field claim --label stance --dev "$work/calibration.jsonl" \
    -o "$work/$mode.rasid" -q $flag
  echo "== $mode"
  $rasid eval -m "$work/$mode.rasid" --data "$data/dev.jsonl" -q | grep -E "macro-F1|log-loss|ECE"
done
