"""The rasid Python module: training, prediction, explanations, model files,
errors and GIL release."""
import json
import pickle
import threading
import time

import numpy as np
import pytest

import rasid
from conftest import make_corpus


def test_train_predict_labels_right(model):
    assert model.heads == ["topic", "stance"]
    assert model.labels == {"topic": ["economy", "politics", "sport"], "stance": ["anti", "pro"]}
    texts, topics, stances = make_corpus(60, seed=99)  # unseen documents
    preds = model.predict(texts)
    assert len(preds) == len(texts)
    for p, topic, stance in zip(preds, topics, stances):
        assert set(p) == {"topic", "stance"}
        assert p["topic"]["label"] == topic
        if stance:
            assert p["stance"]["label"] == stance
        probs = p["topic"]["probs"]
        assert list(probs) == sorted(probs, key=probs.get, reverse=True)  # most probable first
        assert p["topic"]["prob"] == max(probs.values()) > 0.5
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_predict_proba_is_numpy_and_agrees_with_predict(model):
    texts, _, _ = make_corpus(30, seed=5)
    proba = model.predict_proba(texts)
    assert list(proba) == model.heads
    preds = model.predict(texts)
    for field, arr in proba.items():
        assert isinstance(arr, np.ndarray) and arr.dtype == np.float32
        assert arr.shape == (len(texts), len(model.labels[field]))
        assert arr.flags["C_CONTIGUOUS"] and arr.flags["OWNDATA"]  # filled in place, owned by Python
        np.testing.assert_allclose(arr.sum(axis=1), 1.0, atol=1e-5)
        for i, p in enumerate(preds):
            assert model.labels[field][int(arr[i].argmax())] == p[field]["label"]
            for j, label in enumerate(model.labels[field]):
                assert p[field]["probs"][label] == pytest.approx(float(arr[i, j]), abs=0)


def test_predict_empty_list(model):
    assert model.predict([]) == []
    proba = model.predict_proba([])
    assert proba["topic"].shape == (0, 3)


def test_threads_do_not_change_results(model):
    texts, _, _ = make_corpus(600, seed=11)
    one = model.predict_proba(texts, threads=1)
    two = model.predict_proba(texts, threads=2)
    for field in one:
        assert np.array_equal(one[field], two[field])


def test_save_load_round_trip(model, tmp_path):
    texts, _, _ = make_corpus(40, seed=3)
    before = model.predict_proba(texts)
    path = tmp_path / "m.rasid"
    model.save(path)
    loaded = rasid.Model.load(str(path))
    assert loaded.heads == model.heads and loaded.labels == model.labels
    assert loaded.info == model.info and loaded.n_features == model.n_features
    for copy in (loaded, rasid.Model.from_bytes(model.to_bytes()), pickle.loads(pickle.dumps(model))):
        after = copy.predict_proba(texts)
        for field in before:
            assert np.array_equal(before[field], after[field])
    assert list(tmp_path.iterdir()) == [path]  # the atomic write left no temporary file


def test_explain_returns_ngrams(model):
    text = "فاز الفريق في المباراة النهائية للبطولة"
    r = model.explain(text, top=4)
    assert r["topic"]["label"] == "sport"
    ex = r["topic"]["explain"]
    assert 1 <= len(ex) <= 4
    weights = [w for _, w in ex]
    assert all(w > 0 for w in weights) and weights == sorted(weights, reverse=True)
    for ngram, _ in ex:
        # Character n-grams carry word-boundary marks < >, word features [ ].
        core = ngram.strip("[]").replace("<", "").replace(">", "")
        assert core and core in text, ngram
    # The explained prediction is the ordinary prediction.
    assert r["topic"]["probs"] == model.predict([text])[0]["topic"]["probs"]


def test_two_heads_with_missing_labels_and_info(model, corpus):
    assert model.info["documents"] == str(len(corpus[0]))
    assert model.info["text_field"] == "text"
    assert not model.pair
    assert "topic(3 classes)" in repr(model)


def test_pair_model_needs_claims():
    texts, topics, _ = make_corpus(60, seed=1)
    claims = ["ادعاء " + t.split()[0] for t in texts]
    m = rasid.train(texts, {"topic": topics}, claims=claims, min_df=1)
    assert m.pair and m.info["claim_field"] == "claim"
    assert len(m.predict(texts[:3], claims=claims[:3])) == 3
    with pytest.raises(ValueError, match="classifies claim/text pairs: pass claims"):
        m.predict(texts[:3])
    with pytest.raises(ValueError, match="claims has 2 items but texts has 3"):
        m.predict(texts[:3], claims=claims[:2])


def test_errors_are_value_and_os_errors_with_the_core_message(model, tmp_path, corpus):
    texts, topics, _ = corpus
    with pytest.raises(OSError, match=r"cannot open model '.*nope\.rasid': No such file or directory"):
        rasid.Model.load(tmp_path / "nope.rasid")
    junk = tmp_path / "junk.rasid"
    junk.write_bytes(b"this is not a model at all, just some text padding it out")
    with pytest.raises(ValueError, match=r"junk\.rasid': not a rasid model file \(wrong magic bytes\)"):
        rasid.Model.load(junk)
    with pytest.raises(rasid.ModelError):
        rasid.Model.from_bytes(model.to_bytes()[:100])
    with pytest.raises(ValueError, match="label field 'topic' has a single class \\('a'\\)"):
        rasid.train(texts, {"topic": ["a"] * len(texts)}, min_df=1)
    with pytest.raises(ValueError, match=r"labels\['topic'\] has 3 items but texts has 120"):
        rasid.train(texts, {"topic": topics[:3]})
    with pytest.raises(ValueError, match=r"<training data>: texts\[2\]: empty text"):
        rasid.train(texts[:2] + [" \n\t"] + texts[3:], {"topic": topics})
    with pytest.raises(ValueError, match=r"dev_texts\[0\]: empty text"):
        rasid.train(texts, {"topic": topics}, dev_texts=[""], dev_labels={"topic": [topics[0]]})
    with pytest.raises(ValueError, match="no training documents"):
        rasid.train([], {"topic": []})
    with pytest.raises(ValueError, match="bucket bits must be between 10 and 26"):
        rasid.train(texts, {"topic": topics}, bucket_bits=40)
    with pytest.raises(ValueError, match="not trained on claim/text pairs"):
        model.predict(["نص"], claims=["ادعاء"])
    with pytest.raises(TypeError, match="not a single string"):
        model.predict("نص واحد")
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str, not int"):
        model.predict(["نص", 5])
    with pytest.raises(ValueError, match=r"texts\[0\] cannot be encoded as UTF-8"):
        model.predict(["\ud800"])
    with pytest.raises(ValueError, match=r"texts\[0\] is not valid UTF-8"):
        model.predict([b"\xff\xfe"])
    with pytest.raises(TypeError, match="labels must be a dict"):
        rasid.train(texts, topics)
    assert issubclass(rasid.InputError, ValueError) and issubclass(rasid.IoError, OSError)


def test_classify_file_like_the_cli(model, tmp_path):
    texts, topics, _ = make_corpus(25, seed=4)
    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
    lines.insert(10, "{broken")
    lines.insert(20, json.dumps({"id": "x", "body": "no text field"}))
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    stats = model.classify_file(src, out, threads=2)
    assert stats == {"lines": 27, "errors": 2}
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 27
    assert "malformed JSON" in rows[10]["error"]
    assert rows[20] == {"id": "x", "error": "missing text field 'text'"}
    good = [r for r in rows if "error" not in r]
    assert [r["id"] for r in good] == [f"d{i}" for i in range(25)]
    assert [r["topic"]["label"] for r in good] == topics
    with pytest.raises(OSError, match="no_such_input"):
        model.classify_file(tmp_path / "no_such_input.jsonl", tmp_path / "o2.jsonl")
    assert not (tmp_path / "o2.jsonl").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def _big_batch():
    texts, _, _ = make_corpus(300, seed=21)
    return [" ".join([t] * 20) for t in texts] * 24  # 7,200 documents of 200 words


def _batch_taking(model, seconds):
    """A batch that one thread needs more than `seconds` to classify here."""
    docs = _big_batch()
    while True:
        start = time.perf_counter()
        model.predict_proba(docs, threads=1)
        if time.perf_counter() - start > seconds:
            return docs
        docs = docs * 2


def test_gil_is_released_while_predicting(model):
    docs = _batch_taking(model, 0.4)
    span = {}

    def work():
        span["start"] = time.perf_counter()
        model.predict_proba(docs, threads=1)
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():  # needs the GIL after every sleep
        time.sleep(0.001)
        ticks.append(time.perf_counter())
    worker.join()
    duration = span["end"] - span["start"]
    assert duration > 0.2, f"batch too small to observe ({duration:.3f} s)"
    # Ticks well inside the C++ call: impossible if it held the GIL.
    inside = [t for t in ticks if span["start"] + 0.05 < t < span["end"] - 0.05]
    assert len(inside) >= 20, f"main thread ran {len(inside)} times during a {duration:.2f} s prediction"


def test_concurrent_threads_match_sequential(model):
    docs = _big_batch()[:1200]
    expected = model.predict_proba(docs, threads=1)
    results = [None, None]

    def work(i):
        results[i] = model.predict_proba(docs, threads=1)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        for field in expected:
            assert np.array_equal(r[field], expected[field])
