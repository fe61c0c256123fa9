#!/usr/bin/python3
"""Throughput of rasid past one thread: the CLI with --threads 1 and 2, and
python3 -m rasid.dask on a LocalCluster with 1 and 2 worker processes.

    /usr/bin/python3 bench/scale.py [--build build] [--repeats 64] [--partitions 16]

The input is ant_news's dev.jsonl (from ../shared/datasets, never copied into
the repository) repeated --repeats times, split into --partitions files in a
temporary directory outside the repository; the model is trained first on the
first --train-docs rows of train.jsonl (or given with --model). Every setup
classifies the same files and must write one output line per input line.
Writes bench/SCALING.md. Exits 0 with a message when the data set is absent.
"""
import argparse
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(os.path.dirname(REPO), "shared", "datasets", "ant_news")


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env=None):
    """Runs cmd; returns (wall seconds, CPU seconds of it and its children, stdout)."""
    cpu0, t0 = cpu_children(), time.perf_counter()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - t0, cpu_children() - cpu0
    if p.returncode != 0:
        sys.exit(f"scale.py: command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
    return wall, cpu, p.stdout


def count_lines(paths):
    n = 0
    for p in paths:
        with open(p, "rb") as f:
            n += sum(1 for _ in f)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build"), help="CMake build directory (rasid, python/)")
    ap.add_argument("--repeats", type=int, default=64, help="copies of dev.jsonl in the input")
    ap.add_argument("--partitions", type=int, default=16, help="input files (Dask tasks)")
    ap.add_argument("--train-docs", type=int, default=5000, help="rows of train.jsonl to train the model on")
    ap.add_argument("--max-iter", type=int, default=100, help="L-BFGS iterations for the model")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs of every setup, interleaved; the fastest of each is reported")
    ap.add_argument("--model", help="use this model instead of training one")
    ap.add_argument("--workdir", help="temporary directory (default: a new one under the system temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--output", default=os.path.join(REPO, "bench", "SCALING.md"))
    args = ap.parse_args()

    dev = os.path.join(DATA, "dev.jsonl")
    train = os.path.join(DATA, "train.jsonl")
    if not (os.path.isfile(dev) and os.path.isfile(train)):
        print(f"scale.py: skipped: {DATA} (ant_news dev.jsonl and train.jsonl) is not there")
        return 0
    rasid = os.path.join(args.build, "rasid")
    pydir = os.path.join(args.build, "python")
    if not os.access(rasid, os.X_OK) or not os.path.isdir(os.path.join(pydir, "rasid")):
        sys.exit(f"scale.py: build first: {rasid} and {pydir}/rasid are needed")
    if args.repeats % args.partitions:
        sys.exit("scale.py: --repeats must be a multiple of --partitions (whole copies per file)")
    env = dict(os.environ, PYTHONPATH=pydir)

    work = args.workdir or tempfile.mkdtemp(prefix="rasid-scale-")
    if os.path.realpath(work).startswith(os.path.realpath(REPO) + os.sep):
        sys.exit("scale.py: the work directory must be outside the repository")
    os.makedirs(work, exist_ok=True)
    try:
        # Model.
        train_note = ""
        if args.model:
            model = os.path.abspath(args.model)
            train_note = f"given model `{os.path.basename(model)}`"
        else:
            subset = os.path.join(work, "train_subset.jsonl")
            with open(train, "rb") as src, open(subset, "wb") as dst:
                for i, line in enumerate(src):
                    if i >= args.train_docs:
                        break
                    dst.write(line)
            model = os.path.join(work, "model.rasid")
            cmd = [rasid, "train", "--data", subset, "--label", "topic", "-o", model, "--max-iter",
                   str(args.max_iter), "-q"]
            wall, _, _ = run(cmd)
            train_note = (f"trained on the first {args.train_docs} rows of train.jsonl, "
                          f"`rasid train --label topic --max-iter {args.max_iter}` ({wall:.0f} s)")
        print(f"model: {train_note}", flush=True)

        # Input: dev.jsonl repeated, split into partitions.
        indir = os.path.join(work, "input")
        os.makedirs(indir, exist_ok=True)
        with open(dev, "rb") as f:
            dev_bytes = f.read()
        dev_docs = dev_bytes.count(b"\n")
        per_file = args.repeats // args.partitions
        parts = []
        for p in range(args.partitions):
            path = os.path.join(indir, f"part-{p:03d}.jsonl")
            with open(path, "wb") as f:
                for _ in range(per_file):
                    f.write(dev_bytes)
            parts.append(path)
        total_bytes = sum(os.path.getsize(p) for p in parts)
        total_docs = dev_docs * args.repeats
        import json

        chars = sum(len(json.loads(line)["text"]) for line in dev_bytes.decode("utf-8").splitlines())
        mean_chars = chars / dev_docs
        print(f"input: {total_docs} documents, {total_bytes / 1e6:.0f} MB in {len(parts)} files", flush=True)

        setups = [
            ("CLI `rasid infer --threads 1`", "cli", 1),
            ("CLI `rasid infer --threads 2`", "cli", 2),
            ("Dask LocalCluster, 1 worker process", "dask", 1),
            ("Dask LocalCluster, 2 worker processes", "dask", 2),
        ]
        best = {}
        for run_no, (name, kind, n) in [(r, s) for r in range(args.runs) for s in setups]:
            out = os.path.join(work, f"out-{kind}-{n}")
            shutil.rmtree(out, ignore_errors=True)
            load = os.getloadavg()[0]
            startup = 0.0
            if kind == "cli":
                os.makedirs(out)
                target = os.path.join(out, "all.jsonl")
                wall, cpu, _ = run([rasid, "infer", "-m", model, "--threads", str(n), "-o", target, *parts], env)
                outputs = [target]
            else:
                wall, cpu, stdout = run([sys.executable, "-m", "rasid.dask", "classify", "--model", model,
                                         "--input", os.path.join(indir, "*.jsonl"), "--output", out,
                                         "--workers", str(n), "--threads-per-worker", "1"], env)
                m = re.search(r"of which ([0-9.]+) s starting the cluster", stdout)
                startup = float(m.group(1)) if m else 0.0
                outputs = [os.path.join(out, os.path.basename(p)) for p in parts]
            lines = count_lines(outputs)
            if lines != total_docs:
                sys.exit(f"scale.py: {name} wrote {lines} lines for {total_docs} documents")
            shutil.rmtree(out)
            row = {"name": name, "wall": wall, "cpu": cpu, "load": load, "startup": startup,
                   "docs_s": total_docs / wall, "mb_s": total_bytes / 1e6 / wall, "docs_cpu_s": total_docs / cpu}
            if name not in best or wall < best[name]["wall"]:
                best[name] = row
            print(f"run {run_no + 1}: {name}: {wall:.1f} s, {row['docs_s']:,.0f} docs/s, {row['mb_s']:.1f} MB/s, "
                  f"CPU {cpu:.1f} s, load {load:.1f}", flush=True)
        rows = [best[name] for name, _, _ in setups]
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    base = rows[0]["docs_s"]
    cmdline = "/usr/bin/python3 bench/scale.py " + " ".join(
        a if not a.startswith(REPO) else os.path.relpath(a, REPO) for a in sys.argv[1:])
    with open("/proc/cpuinfo") as f:
        cpu_model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "unknown")
    lines = [
        "# Scaling past one thread: measured",
        "",
        "Written by `bench/scale.py`; do not edit by hand. Command:",
        "",
        f"    {cmdline.strip()}",
        "",
        f"- Machine: {os.cpu_count()} cores ({cpu_model}), {platform.system()} {platform.release()}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}.",
        f"- Input: ant_news dev.jsonl ({dev_docs} documents, {len(dev_bytes) / 1e6:.1f} MB, "
        f"{len(dev_bytes) / dev_docs:,.0f} bytes and {mean_chars:,.0f} characters of text per document) "
        f"repeated {args.repeats} times: {total_docs:,} documents, {total_bytes / 1e6:,.0f} MB, "
        f"in {len(parts)} files of {per_file} copies each, in a temporary directory.",
        f"- Model: {train_note}; one head (topic).",
        f"- Each setup ran {args.runs} time(s), interleaved with the others; the fastest run is shown. "
        "Every run classifies all the files and is checked to write one line per document. "
        "Times are wall clock for the whole command (model loading, and for Dask starting the "
        "cluster, included). CPU is user + system time of the command and its child processes.",
        f"- Load is the 1-minute load average when the run started: when it is above the "
        f"{os.cpu_count()} cores, other jobs were competing for them and the wall-clock figures "
        "understate what the setup does on an idle machine.",
        "",
        "- Cores busy = CPU s / wall s. Below the threads or workers a setup asked for, it spent "
        "part of the time with nothing to run (a serial phase) or with no free core (other jobs); "
        "below 1, other jobs must have held the cores.",
        "",
        "| setup | wall s | docs/s | MB/s | speed-up | CPU s | cores busy | docs per CPU s | cluster start s | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['wall']:.1f} | {r['docs_s']:,.0f} | {r['mb_s']:.1f} | "
                     f"{r['docs_s'] / base:.2f} | {r['cpu']:.1f} | {r['cpu'] / r['wall']:.2f} | {r['docs_cpu_s']:,.0f} | "
                     f"{r['startup']:.1f} | {r['load']:.1f} |")
    lines.append("")
    with open(args.output, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
