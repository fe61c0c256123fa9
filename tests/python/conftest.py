"""Shared fixtures: a tiny, perfectly separable Arabic corpus and a model
trained on it in memory. Run with the module built:
    PYTHONPATH=<build>/python /usr/bin/python3 -m pytest tests/python
(ctest does this)."""
import random

import pytest

try:
    import rasid  # noqa: F401
except ImportError as e:  # a clear message instead of a wall of collection errors
    pytest.exit(f"cannot import rasid ({e}): build first and set PYTHONPATH=<build dir>/python", returncode=4)

TOPIC_WORDS = {
    "sport": ["فاز", "الفريق", "المباراة", "الدوري", "هدف", "اللاعب", "الملعب", "البطولة"],
    "economy": ["النفط", "الأسواق", "سعر", "البورصة", "الاستثمار", "التضخم", "البنك", "الدولار"],
    "politics": ["الحكومة", "البرلمان", "الانتخابات", "الوزير", "الرئيس", "الحزب", "المعارضة", "القانون"],
}
STANCE_WORDS = {"pro": ["نجاح", "تقدم", "إنجاز", "ممتاز"], "anti": ["فشل", "أزمة", "تراجع", "خسارة"]}
FILLER = ["في", "على", "من", "اليوم", "قال", "إن"]


def make_corpus(n, seed):
    """n documents; every 5th has no stance label ('' = missing)."""
    rng = random.Random(seed)
    texts, topics, stances = [], [], []
    for i in range(n):
        topic = list(TOPIC_WORDS)[i % 3]
        stance = ["pro", "anti"][(i // 3) % 2]
        words = rng.sample(TOPIC_WORDS[topic], 5) + rng.sample(STANCE_WORDS[stance], 2) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        texts.append(" ".join(words))
        topics.append(topic)
        stances.append("" if i % 5 == 4 else stance)
    return texts, topics, stances


@pytest.fixture(scope="session")
def corpus():
    return make_corpus(120, seed=7)


@pytest.fixture(scope="session")
def model(corpus):
    texts, topics, stances = corpus
    return rasid.train(texts, labels={"topic": topics, "stance": stances}, min_df=1, threads=2)
