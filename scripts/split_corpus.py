#!/usr/bin/env python3
"""Builds the fixed train/test split of the bundled corpus.

Reads datasets/iraq_news/corpus.jsonl (every document), stratifies by the
pair (event_type, stance), shuffles each stratum with a fixed seed and puts
every fifth document into the test split. Deterministic: running it again
gives the same files.
"""
import json
import pathlib
import random

root = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "iraq_news"
docs = [json.loads(line) for line in (root / "corpus.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
docs.sort(key=lambda d: d["id"])
strata = {}
for d in docs:
    strata.setdefault((d["event_type"], d["stance"]), []).append(d)
rng = random.Random(13)
train, test = [], []
for key in sorted(strata):
    group = strata[key]
    rng.shuffle(group)
    for i, d in enumerate(group):
        (test if i % 5 == 2 else train).append(d)
for name, rows in (("train.jsonl", train), ("test.jsonl", test)):
    rows.sort(key=lambda d: d["id"])
    with open(root / name, "w", encoding="utf-8") as f:
        for d in rows:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
print(f"train {len(train)}  test {len(test)}")
