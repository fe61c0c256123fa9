#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "common/error.h"
#include "helpers.h"
#include "infer/predictor.h"
#include "models/model_file.h"
#include "train/trainer.h"

using namespace rasid;

namespace {
Model small_model(bool quantize = false) {
  TrainOptions o;
  o.features.bucket_bits = 14;
  o.features.min_df = 1;
  o.max_iterations = 30;
  o.threads = 1;
  o.quantize = quantize;
  return train_model(test::tiny_corpus(), nullptr, test::tiny_fields(), o);
}

std::vector<std::vector<float>> predictions(const Model& m) {
  Predictor p(m);
  Prediction out;
  std::vector<std::vector<float>> all;
  for (const std::string& t : test::tiny_corpus().texts) {
    p.predict(t, {}, out);
    for (const auto& h : out.probs) all.push_back(h);
  }
  return all;
}
}  // namespace

TEST_CASE("a saved and reloaded model predicts exactly as the in-memory one", "[model_file]") {
  test::TempDir dir;
  for (bool q : {false, true}) {
    Model m = small_model(q);
    save_model(m, dir.file("m.rasid"));
    Model back = load_model(dir.file("m.rasid"));
    CHECK(predictions(back) == predictions(m));
    CHECK(encode_model(back) == encode_model(m));
    CHECK(back.info == m.info);
  }
}

TEST_CASE("8-bit weights stay close to the float model", "[model_file]") {
  auto a = predictions(small_model(false)), b = predictions(small_model(true));
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t k = 0; k < a[i].size(); ++k) CHECK(std::fabs(a[i][k] - b[i][k]) < 0.05);
}

TEST_CASE("every truncation of a model file is refused cleanly", "[model_file][robustness]") {
  std::string bytes = encode_model(small_model());
  for (std::size_t n = 0; n < bytes.size(); n += (n < 64 ? 1 : 97)) {
    CAPTURE(n);
    CHECK_THROWS_AS(decode_model(bytes.substr(0, n)), ModelError);
  }
}

TEST_CASE("a flipped bit anywhere is detected", "[model_file][robustness]") {
  std::string bytes = encode_model(small_model());
  for (std::size_t i = 0; i < bytes.size(); i += 13) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x10);
    CAPTURE(i);
    CHECK_THROWS_AS(decode_model(bad), ModelError);
  }
}

TEST_CASE("foreign and newer files get their own messages", "[model_file]") {
  std::string bytes = encode_model(small_model());
  try {
    decode_model("{\"not\": \"a model\"}");
    FAIL("accepted a foreign file");
  } catch (const ModelError& e) {
    CHECK(std::string(e.what()).find("not a rasid model") != std::string::npos);
  }
  std::string newer = bytes;
  newer[8] = static_cast<char>(kModelFormatVersion + 1);
  try {
    decode_model(newer);
    FAIL("accepted a newer format");
  } catch (const ModelError& e) {
    CHECK(std::string(e.what()).find("newer") != std::string::npos);
  }
  CHECK_THROWS_AS(decode_model(bytes + "x"), ModelError);
}

TEST_CASE("saving into an unwritable place fails and leaves nothing behind", "[model_file]") {
  test::TempDir dir;
  CHECK_THROWS_AS(save_model(small_model(), dir.file("missing/m.rasid")), IoError);
  CHECK_THROWS_AS(load_model(dir.file("absent.rasid")), IoError);
  struct stat st;
  CHECK(::stat(dir.file("missing").c_str(), &st) != 0);
}
