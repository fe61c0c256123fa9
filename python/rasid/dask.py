"""Classify an archive of files on a Dask cluster, one task per file.

    python3 -m rasid.dask classify --model m.rasid --input 'archive/*.jsonl' \\
        --output out/ [--scheduler ADDR] [--workers N] [--threads-per-worker T] \\
        [--text-field text] [--claim-field claim] [--id-field id]

Each input file is one partition. Its output, out/<stem>.jsonl, holds one
line per input line in input order, exactly as ``rasid infer`` writes it
(lines that cannot be classified get an "error" field). The C++ core writes
it to a temporary file and renames it into place, so an output file exists
only once complete: a rerun skips every input whose output exists, and
redoes only those that were unfinished or failed.

Without --scheduler a LocalCluster of --workers processes starts on this
machine. With --scheduler (e.g. `dask scheduler` on one machine and
`PYTHONPATH=<build>/python dask worker ADDR --nworkers N --nthreads 1` on
each), the workers must import rasid and see the model, input and output
paths at the same names (a shared file system). Each worker process loads
the model once and keeps it for all the files it classifies. Do not run two
jobs on the same output directory at once.
"""
import argparse
import glob
import os
import sys
import threading
import time

# name -> (key, Model); one entry per worker process (see _model()).
_MODELS = {}
_MODELS_LOCK = threading.Lock()


def _model_key(path):
    st = os.stat(path)
    return (os.path.realpath(path), st.st_mtime_ns, st.st_size)


def _model(path):
    """The model at `path`, loaded once per process (reloaded if the file changes).

    Returns (model, loaded_now)."""
    from . import Model

    key = _model_key(path)
    with _MODELS_LOCK:
        hit = _MODELS.get(key[0])
        if hit is not None and hit[0] == key:
            return hit[1], False
        model = Model.load(path)
        _MODELS[key[0]] = (key, model)
        return model, True


def output_path(input_path, output_dir):
    """out/<input name without its extension>.jsonl"""
    stem = os.path.splitext(os.path.basename(input_path))[0]
    return os.path.join(output_dir, stem + ".jsonl")


def classify_partition(model_path, input_path, out_path, text_field=None, claim_field=None, id_field="id",
                       threads=1):
    """Task body: classifies one file into `out_path` unless it already exists.

    Returns a dict with the input, status ("done" or "skipped"), lines,
    errors, input bytes, seconds, the worker's pid and whether this call
    loaded the model (False: it came from the process's cache)."""
    start = time.perf_counter()
    result = {"input": input_path, "output": out_path, "pid": os.getpid(), "model_loaded": False,
              "lines": 0, "errors": 0, "bytes": os.path.getsize(input_path), "status": "skipped"}
    if os.path.exists(out_path):
        return result
    model, loaded = _model(model_path)
    stats = model.classify_file(input_path, out_path, text_field=text_field, claim_field=claim_field,
                                id_field=id_field, threads=threads)
    result.update(stats)
    result["status"] = "done"
    result["model_loaded"] = loaded
    result["seconds"] = time.perf_counter() - start
    return result


def plan(inputs, output_dir):
    """(input, output) pairs for the given glob patterns, sorted; refuses two
    inputs that would write the same output file."""
    files = []
    for pattern in inputs:
        matched = sorted(glob.glob(pattern))
        if not matched:
            raise ValueError(f"--input '{pattern}' matches no file")
        files.extend(f for f in matched if os.path.isfile(f))
    files = sorted(set(files))
    if not files:
        raise ValueError("no input files (the patterns match only directories)")
    seen = {}
    pairs = []
    for f in files:
        out = output_path(f, output_dir)
        if out in seen:
            raise ValueError(f"'{seen[out]}' and '{f}' would both be written to '{out}'; rename one")
        seen[out] = f
        pairs.append((f, out))
    return pairs


def _remove_stale_temporaries(pairs):
    # A worker killed mid-file leaves <out>.tmp.XXXXXX behind; its output was
    # never renamed into place, so the file is redone and the leftover removed.
    for _, out in pairs:
        for tmp in glob.glob(glob.escape(out) + ".tmp.*"):
            try:
                os.unlink(tmp)
            except OSError:
                pass


def classify(model, inputs, output_dir, scheduler=None, workers=2, threads_per_worker=1, text_field=None,
             claim_field=None, id_field="id", client=None):
    """Runs the job; returns a summary dict (also used by the tests and the benchmark).

    `inputs` is a list of glob patterns. Pass `client` to reuse a running
    dask.distributed Client; else one is made from `scheduler` or a new
    LocalCluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster, as_completed

    if not os.path.isfile(model):
        raise ValueError(f"model '{model}' does not exist")
    if workers < 1 or threads_per_worker < 1:
        raise ValueError("--workers and --threads-per-worker must be at least 1")
    model = os.path.abspath(model)
    os.makedirs(output_dir, exist_ok=True)
    pairs = [(os.path.abspath(i), os.path.abspath(o)) for i, o in plan(inputs, output_dir)]
    todo = [(i, o) for i, o in pairs if not os.path.exists(o)]
    skipped = len(pairs) - len(todo)
    _remove_stale_temporaries(todo)
    start = time.perf_counter()
    summary = {"files": len(pairs), "skipped": skipped, "done": 0, "failed": [], "lines": 0, "errors": 0,
               "bytes": 0, "model_loads": 0, "results": [], "startup_seconds": 0.0, "scheduler": scheduler}
    cluster = None
    own_client = client is None
    try:
        if todo:
            if client is None:
                if scheduler:
                    client = Client(scheduler)
                else:
                    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None)
                    client = Client(cluster)
            summary["startup_seconds"] = time.perf_counter() - start
            futures = {}
            for inp, out in todo:
                fut = client.submit(classify_partition, model, inp, out, text_field, claim_field, id_field,
                                    threads_per_worker, pure=False)
                futures[fut] = inp
            for fut in as_completed(list(futures)):
                try:
                    r = fut.result()
                except Exception as e:  # one bad file must not stop the others
                    summary["failed"].append((futures[fut], f"{type(e).__name__}: {e}"))
                    print(f"rasid.dask: FAILED {futures[fut]}: {e}", file=sys.stderr)
                    continue
                summary["results"].append(r)
                if r["status"] == "done":
                    summary["done"] += 1
                    summary["lines"] += r["lines"]
                    summary["errors"] += r["errors"]
                    summary["bytes"] += r["bytes"]
                    summary["model_loads"] += int(r["model_loaded"])
                else:
                    summary["skipped"] += 1
    finally:
        if own_client and client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    summary["seconds"] = time.perf_counter() - start
    return summary


def format_summary(s):
    secs = max(s["seconds"], 1e-9)
    line = (f"files: {s['files']} ({s['done']} classified, {s['skipped']} skipped as already done, "
            f"{len(s['failed'])} failed); lines: {s['lines']} ({s['errors']} with an error field); "
            f"{s['seconds']:.1f} s (of which {s['startup_seconds']:.1f} s "
            f"{'connecting to the scheduler' if s.get('scheduler') else 'starting the cluster'}); "
            f"{s['lines'] / secs:,.0f} docs/s; {s['bytes'] / secs / 1e6:.1f} MB/s")
    return line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m rasid.dask",
                                     description="Classify files with a rasid model on a Dask cluster.")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("classify", help="one task per input file; resumable")
    c.add_argument("--model", required=True, help="model file (rasid train -o ...)")
    c.add_argument("--input", required=True, action="append",
                   help="input file or glob pattern (quote it); may be repeated")
    c.add_argument("--output", required=True, help="output directory: <stem>.jsonl per input")
    c.add_argument("--scheduler", help="address of a running dask scheduler (default: start a LocalCluster)")
    c.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="worker processes of the LocalCluster (default: cores)")
    c.add_argument("--threads-per-worker", type=int, default=1, help="C++ threads per file (default: 1)")
    c.add_argument("--text-field", help="field with the text (default: the model's)")
    c.add_argument("--claim-field", help="field with the claim, for pair models (default: the model's)")
    c.add_argument("--id-field", default="id", help="field with the document id (default: id)")
    args = parser.parse_args(argv)
    try:
        s = classify(args.model, args.input, args.output, scheduler=args.scheduler, workers=args.workers,
                     threads_per_worker=args.threads_per_worker, text_field=args.text_field,
                     claim_field=args.claim_field, id_field=args.id_field)
    except (ValueError, OSError) as e:
        print(f"rasid.dask: {e}", file=sys.stderr)
        return 2
    print(format_summary(s))
    if s["failed"]:
        print(f"rasid.dask: {len(s['failed'])} file(s) failed; rerun the same command to retry them",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    # Run through the importable module so that the task functions are
    # pickled by reference and each worker keeps one model cache.
    from rasid.dask import main as _main

    sys.exit(_main())
