#!/usr/bin/env bash
# Reproduces the choice of rasid's default settings: 5-fold stratified
# cross-validation on the bundled corpus's TRAIN split only (the test split
# is never looked at), over feature and regularisation settings. Each line
# prints mean ± std of accuracy and macro-F1 for event_type and stance.
# The grid fixes every option explicitly, so it does not depend on the
# current defaults. Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
rasid=${RASID:-build/rasid}
data=datasets/iraq_news/train.jsonl
# Each setting names every option it varies; the rest are fixed here.
fixed="--min-df 2 --bucket-bits 22 --minn 2"
for args in "-c 5 --maxn 5 --word-ngrams 1" "-c 20 --maxn 5 --word-ngrams 1" "-c 80 --maxn 5 --word-ngrams 1" \
            "-c 200 --maxn 5 --word-ngrams 1" "-c 20 --maxn 4 --word-ngrams 1" "-c 80 --maxn 4 --word-ngrams 1" \
            "-c 20 --maxn 6 --word-ngrams 1" "-c 20 --maxn 5 --word-ngrams 1 --balanced" \
            "-c 20 --maxn 5 --word-ngrams 1 --fold-teh-marbuta --fold-hamza" "-c 20 --maxn 5 --word-ngrams 2" \
            "-c 80 --maxn 5 --word-ngrams 2" "-c 80 --maxn 4 --word-ngrams 2" "-c 300 --maxn 4 --word-ngrams 1"; do
  echo "== $args"
  # shellcheck disable=SC2086
  $rasid cv --data $data --label event_type,stance --folds 5 --seed 1 -q $fixed $args
done
