#!/usr/bin/env python3
"""Checks corpus files: valid JSONL, schema, labels, near-duplicates (char 5-gram Jaccard > 0.5)."""
import json, sys, collections, itertools
EV = {"attack","threat","truce","withdrawal","negotiation","other"}
ST = {"against","favor","neutral"}
STY = {"wire","faction_media","government","embassy","parliament","analysis","interview","opinion","local_news"}
def grams(t):
    t = " ".join(t.split())
    return {t[i:i+5] for i in range(max(1, len(t)-4))}
docs = []
bad = 0
for path in sys.argv[1:]:
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except Exception as e:
            print(f"{path}:{n}: invalid JSON: {e}"); bad += 1; continue
        for k in ("id","text","event_type","stance","outlet_style","date"):
            if k not in d: print(f"{path}:{n}: missing {k}"); bad += 1
        if d.get("event_type") not in EV: print(f"{path}:{n}: bad event_type {d.get('event_type')}"); bad += 1
        if d.get("stance") not in ST: print(f"{path}:{n}: bad stance {d.get('stance')}"); bad += 1
        if d.get("outlet_style") not in STY: print(f"{path}:{n}: bad outlet_style {d.get('outlet_style')}"); bad += 1
        docs.append(d)
ids = collections.Counter(d["id"] for d in docs)
for i, c in ids.items():
    if c > 1: print("duplicate id", i); bad += 1
G = [grams(d["text"]) for d in docs]
for i, j in itertools.combinations(range(len(docs)), 2):
    a, b = G[i], G[j]
    jac = len(a & b) / max(1, len(a | b))
    if jac > 0.5:
        print(f"near-duplicate {docs[i]['id']} ~ {docs[j]['id']} jaccard={jac:.2f}"); bad += 1
print("docs", len(docs))
print("event_type", dict(collections.Counter(d.get("event_type") for d in docs)))
print("stance", dict(collections.Counter(d.get("stance") for d in docs)))
print("problems", bad)
sys.exit(1 if bad else 0)
