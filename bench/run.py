#!/usr/bin/python3
"""Benchmark rasid against fastText, LIBLINEAR and scikit-learn on the shared
public Arabic datasets (../shared/datasets relative to the repository root).

    /usr/bin/python3 bench/run.py [--datasets a,b] [--quick]

For every dataset and label field each system is tuned on dev over a small
grid, the best configuration is retrained once under /usr/bin/time -v (wall
time and peak RSS of the whole pipeline, feature extraction included), and
the final model predicts the dev file (end-to-end, also timed). Macro-F1 and
accuracy of every system come from the same function (`scores`) applied to
the gold and predicted label lists.

A full run writes bench/RESULTS.md and bench/results.json. A partial run
(--quick or --datasets) writes to --out, by default a new directory under
/tmp, so it never overwrites the reference results. Without the datasets
directory the script prints why and exits 0.
"""
import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = (ROOT / ".." / "shared" / "datasets").resolve()
RASID = ROOT / "build" / "rasid"
EXTRACT_SPEED = ROOT / "build" / "rasid_extract_speed"
PY = "/usr/bin/python3"
PEERS = BENCH / "peers.py"
TIME = "/usr/bin/time"

sys.path.insert(0, str(BENCH))
import peers  # noqa: E402  (same loader the peer workers use)

# (dataset, label field, claim field or None). rasid gets --claim-field, the
# peers get "claim ||| text" (peers.load).
TASKS = [
    ("ant_news", "topic", None),
    ("plover_events", "event_type", None),
    ("baly_stance", "stance", "claim"),
    ("ans_stance", "stance", "claim"),
    ("mawqif", "stance", "target"),
    ("mawqif", "sentiment", None),
    ("mawqif", "sarcasm", None),
    ("asnd", "topic", None),
    ("astd", "sentiment", None),
]
QUICK_DATASETS = ["asnd", "ans_stance"]

SYSTEMS = ["rasid", "liblinear", "sklearn", "fasttext"]
# Tuning grids (selected by dev macro-F1).
GRID = {
    # A first full run with rasid {5, 20, 80}, LIBLINEAR {1, 10, 100}, sklearn
    # {10, 100} picked the largest C for most tasks and never the smallest, so
    # the grids were shifted up one step.
    "rasid": [20.0, 80.0, 320.0],                    # rasid train -c
    "liblinear": [10.0, 100.0, 1000.0],              # liblinear-train -s 0 -c
    "sklearn": [10.0, 100.0, 1000.0],                # LogisticRegression(C=), newton-cg
    "fasttext": [(0.5, 25), (1.0, 10)],              # (lr, epoch)
}
QUICK_GRID = {"rasid": [20.0], "liblinear": [10.0], "sklearn": [10.0], "fasttext": [(0.5, 25)]}
# Reduced grids where the full grid would not fit the ~1 hour budget on the
# 2-core machine. ant_news (73 MB of training text): one configuration per
# system (sklearn's pure-Python char_wb analyzer plus a fit on ~55M non-zeros
# takes minutes; fastText needs ~2 min per epoch) -- rasid gets no tuning
# either. baly_stance (~7,300-character documents): fastText ~40 s per epoch.
GRID_OVERRIDE = {
    "ant_news": {"rasid": [20.0], "liblinear": [10.0], "sklearn": [10.0], "fasttext": [(0.5, 5)]},
    "baly_stance": {"fasttext": [(1.0, 10)]},
}
FT_FIXED = ["-minn", "2", "-maxn", "5", "-wordNgrams", "2", "-dim", "100", "-thread", "2"]
STAGE_FRACTIONS = [0.10, 0.25, 0.50, 1.00]
STAGE_C = 20.0
LARGE_DEV_BYTES = 5_000_000   # predict timing: best of 3 runs, or 1 run above this
LARGE_TRAIN_BYTES = 5_000_000  # final training timing: best of 3 runs, or 1 run above this

T0 = time.perf_counter()


def log(msg):
    print(f"[{time.perf_counter() - T0:7.1f}s] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- metrics
def scores(gold, pred):
    """Accuracy and macro-F1 over the union of gold and predicted labels
    (scikit-learn's convention; F1 of a class with no support and no
    predictions is not counted because such a class is not in the union)."""
    assert len(gold) == len(pred), (len(gold), len(pred))
    labels = sorted(set(gold) | set(pred))
    f1s = []
    for c in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / len(gold)
    return {"macro_f1": sum(f1s) / len(f1s), "accuracy": acc}


# ---------------------------------------------------------------- processes
def run(cmd, stdout=None, check=True):
    """Run a command (untimed step); stderr is kept for error messages."""
    p = subprocess.run(cmd, stdout=stdout if stdout is not None else subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if check and p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))[:300]} failed ({p.returncode}): {p.stderr[-2000:]}")
    return p


def timed(cmd, tmp, stdout=subprocess.DEVNULL):
    """Run under /usr/bin/time -v: wall seconds (perf_counter around the whole
    process) and peak RSS in MB (largest process of the pipeline)."""
    rep = Path(tmp) / "time.txt"
    t = time.perf_counter()
    p = subprocess.run([TIME, "-v", "-o", str(rep)] + [str(c) for c in cmd], stdout=stdout,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))[:300]} failed ({p.returncode}): {p.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", rep.read_text())
    return {"wall_s": wall, "rss_mb": int(m.group(1)) / 1024 if m else None, "stderr": p.stderr}


def sh(*parts):
    """A sequential pipeline for /usr/bin/time: sh -c 'a && b'."""
    import shlex
    return ["sh", "-c", " && ".join(" ".join(shlex.quote(str(x)) for x in p) for p in parts)]


def timed_best(cmd, tmp, repeats, stdout_path=None):
    """Best (shortest) of `repeats` timed runs."""
    best = None
    for _ in range(repeats):
        if stdout_path:
            with open(stdout_path, "w") as out:
                r = timed(cmd, tmp, stdout=out)
        else:
            r = timed(cmd, tmp)
        if best is None or r["wall_s"] < best["wall_s"]:
            best = r
    return best


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def size_mb(*paths):
    return sum(Path(p).stat().st_size for p in paths) / 1e6


# ---------------------------------------------------------------- systems
class Task:
    def __init__(self, ds, field, claim, train, dev, tmp, quick):
        self.ds, self.field, self.claim = ds, field, claim
        self.train, self.dev = Path(train), Path(dev)
        self.dir = Path(tmp) / f"{ds}.{field}"
        self.dir.mkdir(parents=True, exist_ok=True)
        texts, self.gold = peers.load(self.dev, field, claim)
        raw = [r for r in map(json.loads, open(self.dev, encoding="utf-8")) if r]
        # input text volume: UTF-8 bytes of the text (+ claim) fields
        self.dev_bytes = sum(len(r["text"].encode()) + (len(str(r[claim]).encode()) if claim else 0)
                             for r in raw)
        self.n_dev = len(self.gold)
        self.n_train = sum(1 for line in open(self.train, encoding="utf-8") if line.strip())
        self.train_bytes = self.train.stat().st_size
        self.repeats = 1 if self.dev_bytes > LARGE_DEV_BYTES else 3
        # Short trainings (about a second for rasid, a few for the peers) are
        # at the mercy of the shared machine's noise: every system's final
        # training is then timed as the best of 3, like prediction.
        self.train_repeats = 1 if self.train_bytes > LARGE_TRAIN_BYTES else 3
        grid = dict(QUICK_GRID if quick else GRID)
        if not quick:
            grid.update(GRID_OVERRIDE.get(ds, {}))
        self.grid = grid

    def throughput(self, t):
        return {"predict_wall_s": t["wall_s"], "predict_rss_mb": t["rss_mb"],
                "docs_per_s": self.n_dev / t["wall_s"],
                "mb_per_s": self.dev_bytes / 1e6 / t["wall_s"]}


def bench_rasid(t):
    d = t.dir / "rasid"
    d.mkdir(exist_ok=True)
    claim = ["--claim-field", t.claim] if t.claim else []

    def train_cmd(C, out):
        return [RASID, "train", "--data", t.train, "--label", t.field, *claim, "-o", out, "-q",
                "--dev", t.dev, "-c", f"{C:g}"]

    tuning = []
    for C in t.grid["rasid"] if len(t.grid["rasid"]) > 1 else []:
        m = d / f"C{C:g}.rasid"
        run(train_cmd(C, m))
        ev = json.loads(run([RASID, "eval", "-m", m, "--data", t.dev, *claim, "--json",
                             "--bootstrap", "0"]).stdout)["tasks"][t.field]
        tuning.append({"C": C, "macro_f1": ev["macro_f1"], "accuracy": ev["accuracy"]})
        m.unlink()
        log(f"  rasid C={C:g}: macro-F1 {ev['macro_f1']:.4f}")
    best = max(tuning, key=lambda r: r["macro_f1"]) if tuning else {"C": t.grid["rasid"][0]}
    model = d / "final.rasid"
    tr = timed_best(train_cmd(best["C"], model), d, t.train_repeats)
    ev = json.loads(run([RASID, "eval", "-m", model, "--data", t.dev, *claim, "--json",
                         "--bootstrap", "0"]).stdout)["tasks"][t.field]
    pred_file = d / "pred.tsv"
    run([RASID, "infer", "-m", model, *claim, "--format", "tsv", "--top-k", "1", "-o", pred_file, t.dev])
    rows = [line.split("\t") for line in read_lines(pred_file)]
    col = rows[0].index(t.field)
    pred = [r[col] for r in rows[1:]]
    pt = timed_best([RASID, "infer", "-m", model, *claim, t.dev], d, t.repeats)
    res = {"config": f"C={best['C']:g}", "tuning": tuning, **scores(t.gold, pred),
           "rasid_eval": {"macro_f1": ev["macro_f1"], "accuracy": ev["accuracy"]},
           "train_wall_s": tr["wall_s"], "train_rss_mb": tr["rss_mb"], **t.throughput(pt),
           "model_mb": size_mb(model), "model_path": str(model)}
    return res


def tune_liblinear(t, d, feats):
    """Vectorize once, then liblinear-train / liblinear-predict for each C."""
    run(feats + ["--label", t.field, "--fit", "--train", t.train, "--train-svm", d / "train.svm",
                 "--vec", d / "vec.pkl", "--data", t.dev, "--data-svm", d / "dev.svm",
                 "--classes-out", d / "classes.txt"])
    classes = read_lines(d / "classes.txt")
    tuning = []
    for C in t.grid["liblinear"]:
        run(["liblinear-train", "-q", "-s", "0", "-c", f"{C:g}", d / "train.svm", d / "m.model"])
        run(["liblinear-predict", d / "dev.svm", d / "m.model", d / "pred.txt"])
        pred = [classes[int(x)] for x in read_lines(d / "pred.txt")]
        tuning.append({"C": C, **scores(t.gold, pred)})
        log(f"  liblinear C={C:g}: macro-F1 {tuning[-1]['macro_f1']:.4f}")
    for f in ("train.svm", "dev.svm", "m.model", "vec.pkl", "pred.txt"):
        (d / f).unlink()
    return tuning


def bench_liblinear(t):
    d = t.dir / "liblinear"
    d.mkdir(exist_ok=True)
    claim = ["--claim", t.claim] if t.claim else []
    feats = [PY, PEERS, "ll-feats", *claim]
    grid = t.grid["liblinear"]
    tuning = tune_liblinear(t, d, feats) if len(grid) > 1 else []
    best = max(tuning, key=lambda r: r["macro_f1"]) if tuning else {"C": grid[0]}
    model, vec = d / "final.model", d / "final_vec.pkl"
    tr = timed_best(sh(feats + ["--label", t.field, "--fit", "--train", t.train, "--train-svm",
                                d / "final_train.svm", "--vec", vec, "--classes-out", d / "classes.txt"],
                       ["liblinear-train", "-q", "-s", "0", "-c", f"{best['C']:g}", d / "final_train.svm", model]),
                    d, t.train_repeats)
    (d / "final_train.svm").unlink()
    classes = read_lines(d / "classes.txt")
    pt = timed_best(sh(feats + ["--vec", vec, "--data", t.dev, "--data-svm", d / "pdev.svm"],
                          ["liblinear-predict", d / "pdev.svm", model, d / "pred.txt"]), d, t.repeats)
    pred = [classes[int(x)] for x in read_lines(d / "pred.txt")]
    return {"config": f"-s 0 -c {best['C']:g}", "tuning": tuning, **scores(t.gold, pred),
            "train_wall_s": tr["wall_s"], "train_rss_mb": tr["rss_mb"], **t.throughput(pt),
            "model_mb": size_mb(model), "vectorizer_mb": size_mb(vec)}


def tune_sklearn(t, d, claim, Cs):
    """Vectorize once, fit one LogisticRegression per C (in one worker process)."""
    run([PY, PEERS, "sk-tune", *claim, "--label", t.field, "--train", t.train, "--dev", t.dev,
         "--cs", ",".join(f"{c:g}" for c in Cs), "--out", d / "tune.json"])
    tj = json.loads((d / "tune.json").read_text())
    tuning = []
    for C in Cs:
        r = tj[str(float(C))]
        tuning.append({"C": C, **scores(t.gold, r["pred"]), "fit_s": r["fit_s"], "n_iter": r["n_iter"]})
        log(f"  sklearn C={C:g}: macro-F1 {tuning[-1]['macro_f1']:.4f} ({r['n_iter']} iter, {r['fit_s']:.1f}s fit)")
    return tuning


def bench_sklearn(t):
    d = t.dir / "sklearn"
    d.mkdir(exist_ok=True)
    claim = ["--claim", t.claim] if t.claim else []
    Cs = t.grid["sklearn"]
    tuning = tune_sklearn(t, d, claim, Cs) if len(Cs) > 1 else []
    best = max(tuning, key=lambda r: r["macro_f1"]) if tuning else {"C": Cs[0]}
    model = d / "final.pkl"
    tr = timed_best([PY, PEERS, "sk-train", *claim, "--label", t.field, "--train", t.train,
                     "--C", f"{best['C']:g}", "--model", model], d, t.train_repeats)
    pt = timed_best([PY, PEERS, "sk-predict", *claim, "--model", model, "--data", t.dev,
                        "--out", d / "pred.txt"], d, t.repeats)
    pred = read_lines(d / "pred.txt")
    return {"config": f"C={best['C']:g} newton-cg", "tuning": tuning, **scores(t.gold, pred),
            "train_wall_s": tr["wall_s"], "train_rss_mb": tr["rss_mb"], **t.throughput(pt),
            "model_mb": size_mb(model)}


def bench_fasttext(t):
    d = t.dir / "fasttext"
    d.mkdir(exist_ok=True)
    claim = ["--claim", t.claim] if t.claim else []
    prep = [PY, PEERS, "ft-prep", *claim]
    labels = {peers.ft_label(y): y for y in peers.load(t.train, t.field, t.claim)[1]}

    def train_cmd(lr, ep, inp, out):
        return ["fasttext", "supervised", "-input", inp, "-output", out, *FT_FIXED,
                "-lr", f"{lr:g}", "-epoch", str(ep), "-verbose", "0"]

    def decode(path):
        return [labels.get(x.split(" ")[0], x) for x in read_lines(path)]

    grid = t.grid["fasttext"]
    if len(grid) > 1:
        run(prep + ["--label", t.field, "--data", t.train, "--out", d / "train.ft"])
        run(prep + ["--data", t.dev, "--out", d / "dev.txt"])
    tuning = []
    for lr, ep in grid if len(grid) > 1 else []:
        try:
            run(train_cmd(lr, ep, d / "train.ft", d / "m"))
            with open(d / "pred.txt", "w") as out:
                run(["fasttext", "predict", d / "m.bin", d / "dev.txt"], stdout=out)
            tuning.append({"lr": lr, "epoch": ep, **scores(t.gold, decode(d / "pred.txt"))})
            log(f"  fasttext lr={lr:g} epoch={ep}: macro-F1 {tuning[-1]['macro_f1']:.4f}")
        except RuntimeError as e:  # e.g. "Encountered NaN" at a high learning rate
            tuning.append({"lr": lr, "epoch": ep, "error": str(e)[-300:]})
            log(f"  fasttext lr={lr:g} epoch={ep}: failed")
        for f in ("m.bin", "m.vec"):
            if (d / f).exists():
                (d / f).unlink()
    ok = [r for r in tuning if "error" not in r]
    if tuning and not ok:
        raise RuntimeError("every fastText configuration failed")
    best = max(ok, key=lambda r: r["macro_f1"]) if ok else {"lr": grid[0][0], "epoch": grid[0][1]}
    tr = timed_best(sh(prep + ["--label", t.field, "--data", t.train, "--out", d / "final.ft"],
                       train_cmd(best["lr"], best["epoch"], d / "final.ft", d / "final")), d, t.train_repeats)
    pt = timed_best(sh(prep + ["--data", t.dev, "--out", d / "pdev.txt"],
                          ["fasttext", "predict", d / "final.bin", d / "pdev.txt"]),
                       d, t.repeats, stdout_path=d / "pred.txt")
    pred = decode(d / "pred.txt")
    return {"config": f"lr={best['lr']:g} epoch={best['epoch']}", "tuning": tuning,
            **scores(t.gold, pred), "train_wall_s": tr["wall_s"], "train_rss_mb": tr["rss_mb"],
            **t.throughput(pt), "model_mb": size_mb(d / "final.bin")}


BENCH_FN = {"rasid": bench_rasid, "liblinear": bench_liblinear, "sklearn": bench_sklearn,
            "fasttext": bench_fasttext}
NEEDS = {"liblinear": ["liblinear-train", "liblinear-predict"], "fasttext": ["fasttext"]}


def available(system):
    if system == "sklearn" or system == "liblinear":
        p = subprocess.run([PY, "-c", "import sklearn"], capture_output=True)
        if p.returncode != 0:
            return "scikit-learn missing in /usr/bin/python3 (scripts/install_deps.sh bench)"
    for exe in NEEDS.get(system, []):
        if not shutil.which(exe):
            return f"{exe} not found (scripts/install_deps.sh bench)"
    return None


# ---------------------------------------------------------------- rasid stages
def rasid_stages(train, dev, model, tmp):
    """Per-core throughput of `rasid infer --threads 1` (JSON parsing, feature
    extraction and scoring), of feature extraction alone
    (build/rasid_extract_speed, one core), and training time, its stages
    (from the training log) and peak RSS versus corpus size."""
    d = Path(tmp) / "stages"
    d.mkdir(exist_ok=True)
    raw = [json.loads(line) for line in open(dev, encoding="utf-8") if line.strip()]
    dev_bytes = sum(len(r["text"].encode()) for r in raw)
    out = {}
    for threads in (1, 2):
        r = timed_best([RASID, "infer", "--threads", str(threads), "-m", model, dev], d, 3)
        out[f"infer_threads{threads}"] = {"wall_s": r["wall_s"], "rss_mb": r["rss_mb"],
                                          "mb_per_s": dev_bytes / 1e6 / r["wall_s"],
                                          "docs_per_s": len(raw) / r["wall_s"]}
        log(f"  rasid infer --threads {threads}: {dev_bytes / 1e6 / r['wall_s']:.2f} MB/s")
    if EXTRACT_SPEED.exists():
        runs = [json.loads(sh_out([EXTRACT_SPEED, model, dev])) for _ in range(3)]
        out["extract"] = {k: max(r[k] for r in runs) for k in runs[0]}  # best of 3
        log(f"  extraction, one core: {out['extract']}")
    lines = [line for line in open(train, encoding="utf-8") if line.strip()]
    rng = random.Random(13)
    out["train_scaling"] = []
    for frac in STAGE_FRACTIONS:
        k = round(len(lines) * frac)
        keep = sorted(rng.sample(range(len(lines)), k))
        sub = d / f"train_{frac:g}.jsonl"
        with open(sub, "w", encoding="utf-8") as f:
            f.writelines(lines[i] for i in keep)
        mb = sum(len(json.loads(lines[i])["text"].encode()) for i in keep) / 1e6
        r = timed([RASID, "train", "--data", sub, "--label", "topic", "-o", d / "m.rasid",
                   "--dev", dev, "-c", f"{STAGE_C:g}"], d)
        feat = re.search(r"^features: .* in ([0-9.e+-]+) s$", r["stderr"], re.M)
        solver = re.search(r"^topic: (\d+) iterations in ([0-9.e+-]+) s", r["stderr"], re.M)
        out["train_scaling"].append({"fraction": frac, "docs": k, "text_mb": mb, "wall_s": r["wall_s"],
                                     "rss_mb": r["rss_mb"], "mb_per_s": mb / r["wall_s"],
                                     "model_mb": size_mb(d / "m.rasid"),
                                     "features_s": float(feat.group(1)) if feat else None,
                                     "iterations": int(solver.group(1)) if solver else None,
                                     "solver_s": float(solver.group(2)) if solver else None})
        log(f"  rasid train {frac:.0%}: {r['wall_s']:.1f}s, {r['rss_mb']:.0f} MB")
        sub.unlink()
    out["dev_text_mb"] = dev_bytes / 1e6
    out["C"] = STAGE_C
    return out


# ---------------------------------------------------------------- environment
def sh_out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def rasid_train_defaults():
    """Feature/training defaults of the binary under test, from its --help."""
    out = {}
    for line in sh_out([RASID, "train", "--help"]).splitlines():
        m = re.match(r"\s+(?:-\w,)?(--[\w-]+) \w+=(\S+)", line)
        if m and m.group(1) in ("--minn", "--maxn", "--word-ngrams", "--bucket-bits", "--min-df",
                                "--max-iter", "--patience", "--threads"):
            out[m.group(1)] = m.group(2)
        if line.strip().startswith("--no-sublinear-tf"):
            out["sublinear tf"] = "on"
    return out


def environment():
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = ""
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
            break

    def deb(pkg):
        return sh_out(["dpkg-query", "-W", "-f=${Version}", pkg]) or "not installed"

    pyv = sh_out([PY, "-c", "import sys, sklearn, numpy, scipy; print(sys.version.split()[0], "
                            "sklearn.__version__, numpy.__version__, scipy.__version__)"]).split()
    pyv += [""] * (4 - len(pyv))
    return {
        "date_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": cpu, "ram": mem, "kernel": platform.release(),
        "versions": {
            "rasid": sh_out([RASID, "--version"]),
            "fasttext": f"{deb('fasttext')} (Debian package; no --version)",
            "liblinear-tools": deb("liblinear-tools"),
            "scikit-learn": pyv[1], "numpy": pyv[2], "scipy": pyv[3], "python": pyv[0],
        },
    }


# ---------------------------------------------------------------- report
def fmt(x, nd=3):
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{nd}f}" if x < 1 else f"{x:.2f}"


def ratio(a, b):
    q = a / b
    return f"{q:.2f}×" if q >= 0.1 else f"{q:.2g}×"


def best_peer(task):
    ok = {s: r for s, r in task["systems"].items() if s != "rasid" and "error" not in r and "skipped" not in r}
    if not ok:
        return None, None
    s = max(ok, key=lambda k: ok[k]["macro_f1"])
    return s, ok[s]


def stages_section(st, a):
    a("## rasid stages (ant_news)\n")
    a(f"Throughput of `rasid infer` on ant_news dev ({st['dev_text_mb']:.2f} MB of text); this "
      "includes JSON parsing and model scoring:\n")
    a("| threads | MB/s | docs/s | RSS MB |")
    a("|---:|---:|---:|---:|")
    for k in ("infer_threads1", "infer_threads2"):
        r = st[k]
        a(f"| {k[-1]} | {fmt(r['mb_per_s'])} | {fmt(r['docs_per_s'])} | {fmt(r['rss_mb'])} |")
    a("")
    ex = st.get("extract")
    if ex:
        a(f"Feature extraction alone on one core (`build/rasid_extract_speed MODEL DEV`, best of 3, "
          f"{ex['docs']:,} documents, {fmt(ex['mb'])} MB): normalisation {fmt(ex['normalise_mb_per_s'])} MB/s; "
          f"normalisation + n-grams into hashed buckets, as in training, {fmt(ex['extract_train_mb_per_s'])} MB/s; "
          f"into the model's columns, as in prediction, {fmt(ex['extract_predict_mb_per_s'])} MB/s.\n")
    a(f"Training on a random fraction of ant_news train (seed 13), C={st['C']:g}, with --dev; features s "
      "(extraction, vocabulary, matrix; all cores) and solver s / iterations from the training log:\n")
    a("| fraction | docs | text MB | train s | MB/s | peak RSS MB | model MB | features s | iterations | solver s |")
    a("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in st["train_scaling"]:
        a(f"| {r['fraction']:.0%} | {r['docs']:,} | {fmt(r['text_mb'])} | {fmt(r['wall_s'])} | "
          f"{fmt(r['mb_per_s'])} | {fmt(r['rss_mb'])} | {fmt(r['model_mb'])} | {fmt(r.get('features_s'))} | "
          f"{r.get('iterations') or ''} | {fmt(r.get('solver_s'))} |")
    a("")


def report(res, path):
    env = res["environment"]
    L = []
    a = L.append
    a("# rasid benchmark results\n")
    a("Generated by `bench/run.py`; every number below was measured by that script in the run "
      "described here (nothing is hand-edited). Dev-set scores are tuning scores, not final "
      "test results: each system's configuration was selected on the same dev set.\n")
    a(f"- Date: {env['date_utc']}")
    a(f"- Command: `{res['command']}` (from the repository root)")
    a(f"- Total wall time of the run: {res['total_wall_s'] / 60:.1f} min")
    a(f"- Machine: {env['nproc']} cores ({env['cpu']}), {env['ram']} RAM, Linux {env['kernel']}; "
      "shared machine, so timings are noisy -- all systems were measured in the same run.")
    v = env["versions"]
    b = res.get("rasid_binary", {})
    a(f"- rasid binary: `build/rasid` built {b.get('mtime', '?')[:19]}, sha256 {b.get('sha256', '?')[:16]}… "
      "(copied at start so a concurrent rebuild cannot change it mid-run)")
    a(f"- Versions: {v['rasid']}; fastText {v['fasttext']}; LIBLINEAR liblinear-tools {v['liblinear-tools']}; "
      f"scikit-learn {v['scikit-learn']} (numpy {v['numpy']}, scipy {v['scipy']}, Python {v['python']})")
    a("")
    names = {"rasid": "rasid", "liblinear": "LIBLINEAR", "sklearn": "scikit-learn", "fasttext": "fastText"}
    a("## Method\n")
    dflt = res.get("rasid_train_defaults") or {}
    dtxt = ", ".join(f"{k} {v}" for k, v in dflt.items()) or "see `rasid train --help`"
    a("- **rasid**: `rasid train --data TRAIN --label FIELD [--claim-field CLAIM] -o M -q --dev DEV -c C`, "
      f"other options at the binary's defaults ({dtxt}; read from `rasid train --help` in this run); "
      "scored with `rasid eval --json`; throughput from `rasid infer -m M DEV > /dev/null`.")
    a("- **LIBLINEAR**: scikit-learn `TfidfVectorizer(analyzer='char_wb', ngram_range=(2,5), sublinear_tf=True, "
      "min_df=2)` fitted on train, libsvm files written with `dump_svmlight_file`, then "
      "`liblinear-train -s 0 -c C` (L2-regularised logistic regression) and `liblinear-predict`.")
    a("- **scikit-learn**: the same vectorizer + `LogisticRegression(C, max_iter=1000, solver='newton-cg')` "
      "(multinomial). newton-cg minimises the same objective as the default lbfgs (identical dev predictions "
      "on asnd and an ant_news sample in our checks) and was about 2x faster, so it is the fairer choice; "
      "saga was slower than both. Model = pickled {vectorizer, model} (`stop_words_` dropped, as sklearn "
      "documents). min_df=2 matches rasid's default and scored at least as well as min_df=1 on asnd.")
    a("- **fastText**: `fasttext supervised " + " ".join(FT_FIXED) + " -lr LR -epoch E` on `__label__X` lines "
      "(punctuation split off, lowercased, one document per line); `fasttext predict` on dev.")
    a("- Pair datasets: rasid gets `--claim-field` (`claim`, or `target` for mawqif stance); the peers get "
      "the text `CLAIM ||| TEXT`. baly_stance: train on folds 1-3, score on fold 4 (temporary split files "
      "outside the repository).")
    a("- Tuning on dev macro-F1: rasid C ∈ {" + ", ".join(f"{c:g}" for c in GRID["rasid"]) + "}, "
      "LIBLINEAR C ∈ {" + ", ".join(f"{c:g}" for c in GRID["liblinear"]) + "}, "
      "sklearn C ∈ {" + ", ".join(f"{c:g}" for c in GRID["sklearn"]) + "}, "
      "fastText (lr, epoch) ∈ {" + ", ".join(f"({a_:g}, {b})" for a_, b in GRID["fasttext"]) + "}.")
    def cfg(s, v):
        return ", ".join(f"(lr {x[0]:g}, epoch {x[1]})" if isinstance(x, tuple) else f"C {x:g}" for x in v)
    for ds, ov in GRID_OVERRIDE.items():
        a(f"  Reduced for {ds} to keep the run near an hour on this machine (no tuning where one value): " +
          "; ".join(f"{names[s]} {cfg(s, ov[s])}" for s in ov) + ".")
    if res["quick"]:
        a("  **This was a --quick run: no tuning grid** (rasid C=20, LIBLINEAR C=10, sklearn C=10, "
          "fastText lr 0.5 epoch 25).")
    a("- Macro-F1 / accuracy: one Python function over gold and predicted labels for every system "
      "(macro over the union of gold and predicted classes). rasid's own `eval --json` numbers are "
      "cross-checked against it (max |difference| below).")
    a("- **Train s / RSS**: a separate final run with the best configuration under `/usr/bin/time -v` "
      "(the shortest of 3 runs, for every system, when the training file is at most 5 MB): wall "
      "time of the whole pipeline (process start, reading JSONL, feature extraction, writing the peer's "
      "input files, fitting, saving the model) and the largest process's peak RSS (\"Maximum resident set "
      "size\"). Threads: rasid all cores (2), fastText `-thread 2`; LIBLINEAR and the sklearn pipeline "
      "are essentially single-threaded (only numpy's BLAS may use a second core).")
    a("- **Predict**: end-to-end on the dev file (process start, model load, feature extraction, "
      "prediction, output); best of 3 runs (1 for dev files > 5 MB). MB/s counts the UTF-8 bytes of the "
      "text (+ claim) fields, 1 MB = 10^6 bytes. On small dev sets model loading dominates.")
    a("- **Model MB**: rasid `.rasid`; LIBLINEAR its model file (the fitted vectorizer it also needs is "
      "listed separately as +vocab); sklearn the pickle; fastText the `.bin`.")
    a("")

    # summary
    a("## Summary\n")
    a("Dev macro-F1 (best per row in bold):\n")
    a("| dataset / field | " + " | ".join(names[s] for s in SYSTEMS) + " |")
    a("|---|" + "---:|" * len(SYSTEMS))
    for t in res["tasks"]:
        ss = t["systems"]
        vals = {s: ss[s]["macro_f1"] for s in SYSTEMS if s in ss and "macro_f1" in ss[s]}
        top = max(vals.values()) if vals else None
        cells = []
        for s in SYSTEMS:
            if s not in vals:
                cells.append("–")
            else:
                c = f"{vals[s]:.3f}"
                cells.append(f"**{c}**" if vals[s] == top else c)
        a(f"| {t['dataset']} / {t['field']} | " + " | ".join(cells) + " |")
    a("")
    a("rasid relative to the best peer (the peer with the highest dev macro-F1 on that row). "
      "ΔF1 = rasid − peer; time, RSS and size ratios are rasid / peer (< 1: rasid is faster / smaller); "
      "throughput ratio is rasid / peer (> 1: rasid is faster).\n")
    a("| dataset / field | best peer | ΔF1 | train time | train RSS | predict docs/s | model size |")
    a("|---|---|---:|---:|---:|---:|---:|")
    for t in res["tasks"]:
        r = t["systems"].get("rasid", {})
        s, p = best_peer(t)
        if "macro_f1" not in r or p is None:
            a(f"| {t['dataset']} / {t['field']} | – | – | – | – | – | – |")
            continue
        a(f"| {t['dataset']} / {t['field']} | {names[s]} | {r['macro_f1'] - p['macro_f1']:+.3f} | "
          f"{ratio(r['train_wall_s'], p['train_wall_s'])} | {ratio(r['train_rss_mb'], p['train_rss_mb'])} | "
          f"{ratio(r['docs_per_s'], p['docs_per_s'])} | {ratio(r['model_mb'], p['model_mb'])} |")
    a("")
    diffs = [abs(t["systems"]["rasid"]["macro_f1"] - t["systems"]["rasid"]["rasid_eval"]["macro_f1"])
             for t in res["tasks"] if "rasid_eval" in t["systems"].get("rasid", {})]
    adiffs = [abs(t["systems"]["rasid"]["accuracy"] - t["systems"]["rasid"]["rasid_eval"]["accuracy"])
              for t in res["tasks"] if "rasid_eval" in t["systems"].get("rasid", {})]
    if diffs:
        a(f"Cross-check: max |rasid eval − bench| macro-F1 {max(diffs):.2g}, accuracy {max(adiffs):.2g}.\n")

    # per-task
    a("## Per dataset\n")
    for t in res["tasks"]:
        a(f"### {t['dataset']} / {t['field']}\n")
        a(f"train {t['n_train']:,} docs ({t['train_file_mb']:.1f} MB file), dev {t['n_dev']:,} docs "
          f"({t['dev_text_mb']:.2f} MB text){'; ' + t['note'] if t.get('note') else ''}\n")
        a("| system | best config | macro-F1 | accuracy | train s | train RSS MB | predict docs/s | "
          "predict MB/s | model MB |")
        a("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for s in SYSTEMS:
            r = t["systems"].get(s)
            if r is None:
                continue
            if "macro_f1" not in r:
                a(f"| {names[s]} | {r.get('skipped') or 'failed: ' + r.get('error', '')[:80]} |" + " – |" * 7)
                continue
            model = fmt(r["model_mb"])
            if "vectorizer_mb" in r:
                model += f" (+vocab {fmt(r['vectorizer_mb'])})"
            a(f"| {names[s]} | {r['config']} | {r['macro_f1']:.4f} | {r['accuracy']:.4f} | "
              f"{fmt(r['train_wall_s'])} | {fmt(r['train_rss_mb'])} | {fmt(r['docs_per_s'])} | "
              f"{fmt(r['mb_per_s'])} | {model} |")
        tun = []
        for s in SYSTEMS:
            r = t["systems"].get(s, {})
            if r.get("tuning") and len(r["tuning"]) > 1:
                parts = []
                for g in r["tuning"]:
                    key = f"lr {g['lr']:g}/ep {g['epoch']}" if "lr" in g else f"C {g['C']:g}"
                    parts.append(f"{key}: {g['macro_f1']:.3f}" if "macro_f1" in g else f"{key}: failed")
                tun.append(f"{names[s]} " + ", ".join(parts))
        if tun:
            a("\nDev macro-F1 over the grid: " + "; ".join(tun) + ".")
        a("")

    flags = []
    for t in res["tasks"]:
        for s in SYSTEMS:
            r = t["systems"].get(s, {})
            tun = [g for g in r.get("tuning", []) if "macro_f1" in g]
            if len(tun) < 2 or "macro_f1" not in r:
                continue
            best = max(tun, key=lambda g: g["macro_f1"])
            if "C" in best and best["C"] == max(g["C"] for g in tun) and best["macro_f1"] > tun[-2]["macro_f1"]:
                flags.append(f"{t['dataset']}/{t['field']}: {names[s]} picked the largest C of its grid "
                             f"(C {best['C']:g}); a larger C might score higher.")
            if abs(best["macro_f1"] - r["macro_f1"]) > 0.005:
                flags.append(f"{t['dataset']}/{t['field']}: {names[s]} final model scored {r['macro_f1']:.3f} "
                             f"vs {best['macro_f1']:.3f} for the same configuration during tuning "
                             "(training is not deterministic); the table reports the final model.")
            f1s = [round(g["macro_f1"], 6) for g in tun]
            if len(set(f1s)) < len(f1s):
                flags.append(f"{t['dataset']}/{t['field']}: {names[s]} scored identically for different "
                             f"settings ({', '.join(f'{x:.4f}' for x in f1s)}).")
    if flags:
        a("## Automatic flags\n")
        for f in flags:
            a(f"- {f}")
        a("")
    st = res.get("rasid_stages")
    if st:
        stages_section(st, a)
    if res.get("skipped"):
        a("## Skipped\n")
        for s in res["skipped"]:
            a(f"- {s}")
        a("")
    Path(path).write_text("\n".join(L), encoding="utf-8")


# ---------------------------------------------------------------- main
def split_baly(tmp):
    """Folds 1-3 for training, fold 4 for scoring (written outside the repo)."""
    src = DATA / "baly_stance" / "train.jsonl"
    d = Path(tmp) / "baly_split"
    d.mkdir(exist_ok=True)
    tr, dv = d / "train_folds123.jsonl", d / "dev_fold4.jsonl"
    with open(src, encoding="utf-8") as f, open(tr, "w", encoding="utf-8") as ft, \
            open(dv, "w", encoding="utf-8") as fd:
        for line in f:
            if line.strip():
                (fd if json.loads(line)["fold"] == 4 else ft).write(line)
    return tr, dv


def main():
    global RASID, EXTRACT_SPEED
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", help="comma-separated subset, e.g. asnd,astd")
    ap.add_argument("--quick", action="store_true",
                    help="asnd and ans_stance only, one configuration per system (smoke check)")
    ap.add_argument("--out", help="directory for RESULTS.md and results.json "
                                  "(default: bench/ for a full run, a new /tmp directory otherwise)")
    ap.add_argument("--systems", default=",".join(SYSTEMS), help=argparse.SUPPRESS)
    ap.add_argument("--stages-only", action="store_true",
                    help="only rasid's own stages on ant_news (no peers): writes STAGES.md and stages.json")
    ap.add_argument("--keep-tmp", action="store_true", help="keep the temporary work directory")
    ap.add_argument("--report-only", metavar="RESULTS_JSON",
                    help="only re-render RESULTS.md (next to the file) from an earlier run's results.json")
    args = ap.parse_args()
    if args.report_only:
        src = Path(args.report_only)
        report(json.loads(src.read_text(encoding="utf-8")), src.parent / "RESULTS.md")
        return 0

    if not DATA.is_dir():
        print(f"bench: datasets not found at {DATA} (../shared/datasets from the repository root); "
              "skipping the benchmark.")
        return 0
    if not RASID.exists():
        print(f"bench: {RASID} not built; run `ninja -C build rasid` first.", file=sys.stderr)
        return 1
    if not Path(TIME).exists():
        print(f"bench: {TIME} missing (scripts/install_deps.sh bench).", file=sys.stderr)
        return 1

    wanted = QUICK_DATASETS if args.quick else None
    if args.datasets:
        wanted = [x.strip() for x in args.datasets.split(",") if x.strip()]
        known = {t[0] for t in TASKS}
        bad = [x for x in wanted if x not in known]
        if bad:
            ap.error(f"unknown dataset(s) {bad}; known: {sorted(known)}")
    tasks = [t for t in TASKS if wanted is None or t[0] in wanted]
    partial = wanted is not None or args.systems != ",".join(SYSTEMS)
    systems = [s for s in args.systems.split(",") if s in SYSTEMS]

    tmp = tempfile.mkdtemp(prefix="rasid-bench-")
    # Use a private copy of the binary so a concurrent rebuild cannot change it mid-run.
    res_bin = {"path": str(RASID), "mtime": dt.datetime.fromtimestamp(RASID.stat().st_mtime).isoformat(),
               "sha256": hashlib.sha256(RASID.read_bytes()).hexdigest()}
    RASID = Path(tmp) / "rasid"
    shutil.copy2(ROOT / "build" / "rasid", RASID)
    if EXTRACT_SPEED.exists():
        EXTRACT_SPEED = Path(tmp) / "rasid_extract_speed"
        shutil.copy2(ROOT / "build" / "rasid_extract_speed", EXTRACT_SPEED)
    out_dir = Path(args.out) if args.out else (Path(tempfile.mkdtemp(prefix="rasid-bench-out-"))
                                                if partial else BENCH)
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = "/usr/bin/python3 bench/run.py" + "".join(" " + x for x in sys.argv[1:])
    log(f"work dir {tmp}; results to {out_dir}")
    res = {"command": cmd, "quick": args.quick, "environment": environment(), "rasid_binary": res_bin,
           "rasid_train_defaults": rasid_train_defaults(),
           "tasks": [], "skipped": []}
    if args.stages_only:
        return stages_only(res, tmp, out_dir, args.keep_tmp)
    unavailable = {s: available(s) for s in systems}
    for s, why in unavailable.items():
        if why:
            res["skipped"].append(f"{s}: {why}")
            log(f"skipping {s}: {why}")
    stage_inputs = None
    try:
        for ds, field, claim in tasks:
            ddir = DATA / ds
            if ds == "baly_stance":
                if not (ddir / "train.jsonl").exists():
                    res["skipped"].append(f"{ds}: missing")
                    continue
                train, dev = split_baly(tmp)
                note = "train = folds 1-3, dev = fold 4"
            else:
                train, dev = ddir / "train.jsonl", ddir / "dev.jsonl"
                note = ""
                if not (train.exists() and dev.exists()):
                    res["skipped"].append(f"{ds}: missing train/dev")
                    continue
            t = Task(ds, field, claim, train, dev, tmp, args.quick)
            log(f"{ds}/{field}: {t.n_train} train, {t.n_dev} dev")
            entry = {"dataset": ds, "field": field, "claim": claim, "n_train": t.n_train, "n_dev": t.n_dev,
                     "train_file_mb": t.train_bytes / 1e6, "dev_text_mb": t.dev_bytes / 1e6,
                     "note": note, "grid": t.grid, "systems": {}}
            for s in systems:
                if unavailable[s]:
                    entry["systems"][s] = {"skipped": unavailable[s]}
                    continue
                t0 = time.perf_counter()
                try:
                    r = BENCH_FN[s](t)
                except Exception as e:  # record and carry on with the other systems
                    r = {"error": str(e)[-1000:]}
                    log(f"  {s} FAILED: {str(e)[-500:]}")
                r["bench_wall_s"] = time.perf_counter() - t0
                entry["systems"][s] = r
                if "macro_f1" in r:
                    log(f"  {s}: {r['config']} macro-F1 {r['macro_f1']:.4f} acc {r['accuracy']:.4f} "
                        f"train {r['train_wall_s']:.1f}s {r['train_rss_mb']:.0f}MB "
                        f"predict {r['docs_per_s']:.0f} docs/s model {r['model_mb']:.1f}MB "
                        f"({r['bench_wall_s']:.0f}s)")
            model_path = entry["systems"].get("rasid", {}).pop("model_path", None)
            if ds == "ant_news" and model_path:   # kept for the stage measurements
                keep = Path(tmp) / "ant_news.rasid"
                shutil.move(model_path, keep)
                stage_inputs = (train, dev, keep)
            res["tasks"].append(entry)
            shutil.rmtree(t.dir, ignore_errors=True)
            (Path(tmp) / "results.partial.json").write_text(json.dumps(res, indent=1, ensure_ascii=False))
        if stage_inputs and not args.quick:
            log("rasid stages on ant_news")
            res["rasid_stages"] = rasid_stages(*stage_inputs, tmp)
    finally:
        res["total_wall_s"] = time.perf_counter() - T0
        (out_dir / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
        report(res, out_dir / "RESULTS.md")
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"done in {res['total_wall_s'] / 60:.1f} min: {out_dir / 'RESULTS.md'}")
    return 0


def stages_only(res, tmp, out_dir, keep_tmp):
    """rasid's stages alone, with its own model of ant_news (C = STAGE_C)."""
    train, dev = DATA / "ant_news" / "train.jsonl", DATA / "ant_news" / "dev.jsonl"
    try:
        model = Path(tmp) / "ant_news.rasid"
        timed([RASID, "train", "--data", train, "--dev", dev, "--label", "topic", "-q", "-c", f"{STAGE_C:g}",
               "-o", model], tmp)
        res["rasid_stages"] = rasid_stages(train, dev, model, tmp)
    finally:
        res["total_wall_s"] = time.perf_counter() - T0
        (out_dir / "stages.json").write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        env = res["environment"]
        L = ["# rasid stages\n",
             "Generated by `bench/run.py --stages-only`: rasid alone, no peers (their comparison is "
             "[RESULTS.md](RESULTS.md)). Every number below was measured in the run described here.\n",
             f"- Date: {env['date_utc']}", f"- Command: `{res['command']}` (from the repository root)",
             f"- Total wall time of the run: {res['total_wall_s'] / 60:.1f} min",
             f"- Machine: {env['nproc']} cores ({env['cpu']}), {env['ram']} RAM, Linux {env['kernel']}; shared machine.",
             f"- rasid binary: `build/rasid` built {res['rasid_binary']['mtime']}, "
             f"sha256 {res['rasid_binary']['sha256'][:16]}…\n"]
        if res.get("rasid_stages"):
            stages_section(res["rasid_stages"], L.append)
        (out_dir / "STAGES.md").write_text("\n".join(L) + "\n", encoding="utf-8")
        if not keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    log(f"done in {res['total_wall_s'] / 60:.1f} min: {out_dir / 'STAGES.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
