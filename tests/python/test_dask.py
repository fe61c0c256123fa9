"""rasid.dask: one task per file on a LocalCluster of worker processes,
ordered one-line-per-line output, and resuming an interrupted job."""
import json
import os
import subprocess
import sys

import pytest

pytest.importorskip("dask")
pytest.importorskip("distributed")

from rasid import dask as rdask  # noqa: E402
from conftest import make_corpus  # noqa: E402

SIZES = {"a.jsonl": 40, "b.jsonl": 55, "c.jsonl": 31}


@pytest.fixture(scope="module")
def job(tmp_path_factory, model):
    root = tmp_path_factory.mktemp("dask")
    model_path = root / "m.rasid"
    model.save(model_path)
    (root / "in").mkdir()
    expected = {}
    for n, (name, size) in enumerate(SIZES.items()):
        texts, topics, _ = make_corpus(size, seed=100 + n)
        lines = [json.dumps({"id": f"{name}-{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
        ids = [f"{name}-{i}" for i in range(size)]
        if name == "b.jsonl":  # a bad line keeps its place, as an error record
            lines.insert(7, "{not json")
            ids.insert(7, None)
            topics.insert(7, None)
        (root / "in" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected[name] = (ids, topics)
    return root, model_path, expected


def run_cli(root, model_path, *extra):
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "rasid.dask", "classify", "--model", str(model_path),
           "--input", str(root / "in" / "*.jsonl"), "--output", str(root / "out"), "--workers", "2", *extra]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def check_output(root, expected, name):
    rows = [json.loads(line) for line in (root / "out" / name).read_text(encoding="utf-8").splitlines()]
    ids, topics = expected[name]
    assert len(rows) == len(ids)
    for row, id_, topic in zip(rows, ids, topics):
        if id_ is None:
            assert "malformed JSON" in row["error"]
        else:
            assert row["id"] == id_ and row["topic"]["label"] == topic


def test_cli_classifies_every_file_in_order_then_resumes(job):
    root, model_path, expected = job
    r = run_cli(root, model_path)
    assert r.returncode == 0, r.stderr
    assert "files: 3 (3 classified, 0 skipped" in r.stdout
    assert f"lines: {sum(SIZES.values()) + 1} (1 with an error field)" in r.stdout
    out = root / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(SIZES)  # no temporaries left
    for name in SIZES:
        check_output(root, expected, name)

    # Second run: nothing to do.
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    r = run_cli(root, model_path)
    assert r.returncode == 0, r.stderr
    assert "files: 3 (0 classified, 3 skipped" in r.stdout
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps

    # An interrupted job: one output missing plus a dead worker's temporary.
    before = (out / "b.jsonl").read_bytes()
    (out / "b.jsonl").unlink()
    (out / "b.jsonl.tmp.AbC123").write_text("partial")
    r = run_cli(root, model_path)
    assert r.returncode == 0, r.stderr
    assert "files: 3 (1 classified, 2 skipped" in r.stdout
    assert f"lines: {SIZES['b.jsonl'] + 1} " in r.stdout
    assert (out / "b.jsonl").read_bytes() == before
    assert {n: s for n, s in stamps.items() if n != "b.jsonl"} == {
        p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.name != "b.jsonl"}
    assert sorted(p.name for p in out.iterdir()) == sorted(SIZES)


def test_model_loaded_once_per_worker_process(job, tmp_path):
    from dask.distributed import Client, LocalCluster

    root, model_path, expected = job
    many = tmp_path / "in"
    many.mkdir()
    for k in range(3):  # six files on two workers
        for name in ("a.jsonl", "c.jsonl"):
            (many / f"{k}{name}").write_bytes((root / "in" / name).read_bytes())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        s = rdask.classify(str(model_path), [str(many / "*.jsonl")], str(tmp_path / "out"), client=client)
    assert s["done"] == 6 and not s["failed"]
    pids = {r["pid"] for r in s["results"]}
    assert os.getpid() not in pids  # the work ran in worker processes
    assert s["model_loads"] == len(pids) <= 2
    assert s["lines"] == 3 * (SIZES["a.jsonl"] + SIZES["c.jsonl"])


def test_cli_errors(job, tmp_path):
    root, model_path, _ = job
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "rasid.dask", "classify", "--model", str(model_path), "--input",
                        str(tmp_path / "none*.jsonl"), "--output", str(tmp_path / "o")],
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "matches no file" in r.stderr
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    (tmp_path / "x" / "p.jsonl").write_text("{}\n")
    (tmp_path / "y" / "p.jsonl").write_text("{}\n")
    with pytest.raises(ValueError, match="would both be written to"):
        rdask.plan([str(tmp_path / "*" / "p.jsonl")], str(tmp_path / "o"))
    with pytest.raises(ValueError, match="model '.*missing.rasid' does not exist"):
        rdask.classify(str(tmp_path / "missing.rasid"), [str(root / "in" / "*.jsonl")], str(tmp_path / "o"))


def test_a_failing_file_is_reported_and_others_finish(job, tmp_path):
    root, model_path, _ = job
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.jsonl").write_bytes((root / "in" / "a.jsonl").read_bytes())
    (tmp_path / "in" / "bad.csv").write_text("id,id\n1,2\n")  # unusable header: the whole file fails
    cmd = [sys.executable, "-m", "rasid.dask", "classify", "--model", str(model_path), "--input",
           str(tmp_path / "in" / "*"), "--output", str(tmp_path / "out"), "--workers", "1"]
    r = subprocess.run(cmd, env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "files: 2 (1 classified, 0 skipped as already done, 1 failed)" in r.stdout
    assert "bad.csv" in r.stderr and "duplicate column 'id'" in r.stderr and "rerun" in r.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.jsonl"]
