#!/usr/bin/env bash
# Trains the default model on datasets/iraq_news/train.jsonl, classifies
# the sample articles (from files and from stdin) and evaluates on the test
# split. Needs a built build/rasid (scripts/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
rasid=${RASID:-build/rasid}
corpus=datasets/iraq_news
mkdir -p models/default
echo "== training the default model on $corpus/train.jsonl"
$rasid train --data $corpus/train.jsonl --label event_type,stance -o models/default/iraq_news.rasid --seed 1
echo
echo "== classifying sample articles (files)"
$rasid infer -m models/default/iraq_news.rasid --format tsv --input-format text $corpus/samples/*.txt
echo
echo "== classifying from stdin"
printf '%s\n' "أعلنت فصائل المقاومة استئناف عملياتها ضد قوات الاحتلال الأمريكي ما لم تنسحب قبل نهاية الشهر" \
  | $rasid infer -m models/default/iraq_news.rasid --input-format text
echo
echo "== evaluation on $corpus/test.jsonl"
$rasid eval -m models/default/iraq_news.rasid --data $corpus/test.jsonl --report models/default/report.html
echo
echo "HTML report: models/default/report.html"
