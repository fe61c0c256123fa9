"""Worker steps for the peer systems of the rasid benchmark.

Invoked by bench/run.py as separate processes (under /usr/bin/time -v), so
every timed step -- reading the JSONL, feature extraction, writing the
peer's input files -- is part of the measured wall time and peak RSS.
Run with Debian's /usr/bin/python3 (it has scikit-learn).

Steps (all read the same JSONL files rasid reads):
  sk-tune    vectorize once, fit LogisticRegression for each C, write dev predictions
  sk-train   vectorize + fit one C, pickle {vectorizer, model}
  sk-predict load the pickle, vectorize + predict a file, write one label per line
  ll-feats   vectorize (fit on train, or load a fitted vectorizer) and write libsvm files
  ft-prep    write fastText input (one document per line, lowercased, __label__ prefix)
"""
import argparse
import json
import pickle
import re
import sys

VEC_PARAMS = dict(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)


def load(path, label, claim):
    """Texts and labels of a JSONL file; pairs become 'claim ||| text'."""
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            t = r["text"]
            if claim:
                t = f"{r[claim]} ||| {t}"
            texts.append(t)
            labels.append(r.get(label) if label else None)
    return texts, labels


def vectorizer():
    from sklearn.feature_extraction.text import TfidfVectorizer
    return TfidfVectorizer(**VEC_PARAMS)


def fit_vectorizer(texts):
    vec = vectorizer()
    X = vec.fit_transform(texts)
    # stop_words_ only records pruned n-grams (introspection); sklearn documents
    # that it can be dropped before pickling.
    vec.stop_words_ = None
    return vec, X


def logreg(C):
    from sklearn.linear_model import LogisticRegression
    # newton-cg: same objective and optimum as the default lbfgs (identical dev
    # predictions in our checks) but about 2x faster on these tf-idf matrices.
    return LogisticRegression(C=C, max_iter=1000, solver="newton-cg")


def write_lines(path, items):
    with open(path, "w", encoding="utf-8") as f:
        for x in items:
            f.write(f"{x}\n")


def cmd_sk_tune(a):
    import time
    tr, ytr = load(a.train, a.label, a.claim)
    dv, ydv = load(a.dev, a.label, a.claim)
    vec, Xtr = fit_vectorizer(tr)
    Xdv = vec.transform(dv)
    out = {}
    for C in [float(c) for c in a.cs.split(",")]:
        t = time.perf_counter()
        m = logreg(C).fit(Xtr, ytr)
        out[str(C)] = {"pred": [str(p) for p in m.predict(Xdv)], "fit_s": time.perf_counter() - t,
                       "n_iter": int(max(m.n_iter_))}
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f)


def cmd_sk_train(a):
    tr, ytr = load(a.train, a.label, a.claim)
    vec, Xtr = fit_vectorizer(tr)
    m = logreg(a.C).fit(Xtr, ytr)
    with open(a.model, "wb") as f:
        pickle.dump({"vectorizer": vec, "model": m}, f, protocol=pickle.HIGHEST_PROTOCOL)


def cmd_sk_predict(a):
    with open(a.model, "rb") as f:
        d = pickle.load(f)
    texts, _ = load(a.data, None, a.claim)
    write_lines(a.out, d["model"].predict(d["vectorizer"].transform(texts)))


def cmd_ll_feats(a):
    """libsvm files for liblinear: labels are indices into the sorted training labels."""
    import numpy as np
    from sklearn.datasets import dump_svmlight_file
    if a.fit:
        tr, ytr = load(a.train, a.label, a.claim)
        vec, Xtr = fit_vectorizer(tr)
        classes = sorted(set(ytr))
        with open(a.vec, "wb") as f:
            pickle.dump({"vectorizer": vec, "classes": classes}, f, protocol=pickle.HIGHEST_PROTOCOL)
        idx = {c: i for i, c in enumerate(classes)}
        dump_svmlight_file(Xtr, np.array([idx[y] for y in ytr]), a.train_svm, zero_based=False)
    else:
        with open(a.vec, "rb") as f:
            d = pickle.load(f)
        vec, classes = d["vectorizer"], d["classes"]
    for src, dst in zip(a.data or [], a.data_svm or []):
        texts, _ = load(src, None, a.claim)
        X = vec.transform(texts)
        # the label column is required by the format but unused (gold is scored by run.py)
        dump_svmlight_file(X, np.zeros(X.shape[0], dtype=int), dst, zero_based=False)
    if a.classes_out:
        write_lines(a.classes_out, classes)


_PUNCT = re.compile(r"([.!?,'\"/()\[\]:;،؛؟«»\-])")
_SPACE = re.compile(r"\s+")


def ft_line(text):
    """fastText's usual preprocessing: split punctuation off, lowercase, one line."""
    return _SPACE.sub(" ", _PUNCT.sub(r" \1 ", text)).strip().lower()


def ft_label(y):
    return "__label__" + str(y).replace(" ", "_")


def cmd_ft_prep(a):
    texts, labels = load(a.data, a.label, a.claim)
    with open(a.out, "w", encoding="utf-8") as f:
        for t, y in zip(texts, labels):
            f.write((ft_label(y) + " " if a.label else "") + ft_line(t) + "\n")


def main(argv=None):
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp, label=True):
        sp.add_argument("--claim", default="", help="claim field (pair input)")
        if label:
            sp.add_argument("--label", required=True)

    s = sub.add_parser("sk-tune"); common(s)
    s.add_argument("--train", required=True); s.add_argument("--dev", required=True)
    s.add_argument("--cs", required=True); s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_sk_tune)

    s = sub.add_parser("sk-train"); common(s)
    s.add_argument("--train", required=True); s.add_argument("--C", type=float, required=True)
    s.add_argument("--model", required=True)
    s.set_defaults(fn=cmd_sk_train)

    s = sub.add_parser("sk-predict"); common(s, label=False)
    s.add_argument("--model", required=True); s.add_argument("--data", required=True)
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_sk_predict)

    s = sub.add_parser("ll-feats"); common(s, label=False)
    s.add_argument("--label", default="")
    s.add_argument("--fit", action="store_true", help="fit the vectorizer on --train")
    s.add_argument("--train"); s.add_argument("--train-svm")
    s.add_argument("--vec", required=True)
    s.add_argument("--data", nargs="*"); s.add_argument("--data-svm", nargs="*")
    s.add_argument("--classes-out")
    s.set_defaults(fn=cmd_ll_feats)

    s = sub.add_parser("ft-prep"); common(s, label=False)
    s.add_argument("--label", default="")
    s.add_argument("--data", required=True); s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_ft_prep)

    a = p.parse_args(argv)
    a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
