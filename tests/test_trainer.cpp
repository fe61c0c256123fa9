#include <catch2/catch.hpp>

#include "common/error.h"
#include "eval/evaluate.h"
#include "helpers.h"
#include "models/model_file.h"
#include "train/trainer.h"

using namespace rasid;

namespace {
TrainOptions small_options(int threads = 1) {
  TrainOptions o;
  o.features.bucket_bits = 16;
  o.features.min_df = 1;
  o.max_iterations = 60;
  o.threads = threads;
  return o;
}
}  // namespace

TEST_CASE("trainer learns a separable two-head corpus", "[trainer]") {
  Corpus c = test::tiny_corpus();
  Model m = train_model(c, nullptr, test::tiny_fields(), small_options());
  REQUIRE(m.heads.size() == 2);
  CHECK(m.heads[0].labels == std::vector<std::string>{"economy", "sport", "war"});
  CHECK(m.heads[1].labels == std::vector<std::string>{"bad", "good"});
  EvalOptions eo;
  eo.bootstrap = 0;
  EvalResult r = evaluate(m, c, test::tiny_fields(), eo);
  CHECK(r.tasks[0].metrics.accuracy == 1.0);
  CHECK(r.tasks[1].metrics.accuracy == 1.0);
  CHECK(!m.feature_names.empty());
}

TEST_CASE("training is byte-identical across runs and thread counts", "[trainer][determinism]") {
  Corpus c = test::tiny_corpus(10);
  std::string a = encode_model(train_model(c, nullptr, test::tiny_fields(), small_options(1)));
  std::string b = encode_model(train_model(c, nullptr, test::tiny_fields(), small_options(1)));
  std::string t2 = encode_model(train_model(c, nullptr, test::tiny_fields(), small_options(2)));
  std::string t3 = encode_model(train_model(c, nullptr, test::tiny_fields(), small_options(3)));
  CHECK(a == b);
  CHECK(a == t2);
  CHECK(a == t3);
}

TEST_CASE("a row missing one label still trains the other head", "[trainer]") {
  Corpus c = test::tiny_corpus();
  // Remove the tone label from every war document: the tone head must not
  // see them, the topic head must.
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.labels[0][i] == "war") c.labels[1][i].clear();
  Model m = train_model(c, nullptr, test::tiny_fields(), small_options());
  EvalOptions eo;
  eo.bootstrap = 0;
  EvalResult r = evaluate(m, c, test::tiny_fields(), eo);
  CHECK(r.tasks[0].metrics.n == c.size());
  CHECK(r.tasks[1].metrics.n == c.size() - c.size() / 3);
  CHECK(r.tasks[0].metrics.accuracy == 1.0);
}

TEST_CASE("a label field with a single class is a clear error", "[trainer]") {
  Corpus c = test::tiny_corpus();
  for (auto& v : c.labels[1]) v = "good";
  REQUIRE_THROWS_AS(train_model(c, nullptr, test::tiny_fields(), small_options()), InputError);
  try {
    train_model(c, nullptr, test::tiny_fields(), small_options());
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("single class") != std::string::npos);
  }
}

TEST_CASE("an empty corpus is a clear error", "[trainer]") {
  Corpus c;
  c.labels.resize(2);
  c.source = "empty.jsonl";
  CHECK_THROWS_AS(train_model(c, nullptr, test::tiny_fields(), small_options()), InputError);
}

TEST_CASE("texts with nothing left after normalisation are a clear error, not a 0-column model", "[trainer]") {
  Corpus c = test::tiny_corpus(1);
  // Tatweel, harakat and invisible format characters: all removed.
  for (std::size_t i = 0; i < c.size(); ++i) c.texts[i] = i % 2 ? "\u0640\u0640 \u064B\u064F" : "\u200B\u200F\uFEFF";
  CHECK_THROWS_WITH(train_model(c, nullptr, test::tiny_fields(), small_options()),
                    Catch::Matchers::StartsWith("tiny: no features: "));
  // One document with a word is enough (min_df is 1 here).
  c.texts[0] = "\u062E\u0628\u0631";
  CHECK(train_model(c, nullptr, test::tiny_fields(), small_options()).vocabulary.size() > 0);
}

TEST_CASE("early stopping on dev keeps the best iterate and calibration sets a temperature", "[trainer]") {
  Corpus c = test::tiny_corpus(8);
  TrainOptions o = small_options();
  o.calibrate = true;
  o.max_iterations = 40;
  Model m = train_model(c, &c, test::tiny_fields(), o);
  for (const Head& h : m.heads) {
    CHECK(h.temperature > 0.0f);
    CHECK(h.temperature != 1.0f);
  }
}

TEST_CASE("class weighting changes the model", "[trainer]") {
  Corpus c = test::tiny_corpus();
  // Make the tone head unbalanced by dropping most "bad" labels.
  int kept = 0;
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.labels[1][i] == "bad" && kept++ > 2) c.labels[1][i].clear();
  TrainOptions o = small_options();
  std::string plain = encode_model(train_model(c, nullptr, test::tiny_fields(), o));
  o.balanced = true;
  std::string balanced = encode_model(train_model(c, nullptr, test::tiny_fields(), o));
  CHECK(plain != balanced);
}
