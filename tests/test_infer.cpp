#include <catch2/catch.hpp>

#include "common/error.h"
#include "helpers.h"
#include "infer/stream.h"
#include "io/utf8.h"
#include "train/trainer.h"

using namespace rasid;

namespace {
const Model& shared_model() {
  static const Model m = [] {
    TrainOptions o;
    o.features.bucket_bits = 14;
    o.features.min_df = 1;
    o.max_iterations = 30;
    o.threads = 1;
    return train_model(test::tiny_corpus(), nullptr, test::tiny_fields(), o);
  }();
  return m;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

std::string run(const std::string& input, InferOptions o, InferStats* stats = nullptr) {
  test::TempDir dir;
  test::write_file(dir.file("in.jsonl"), input);
  std::FILE* out = std::tmpfile();
  InferStats s = run_infer(shared_model(), {dir.file("in.jsonl")}, out, o);
  if (stats) *stats = s;
  std::rewind(out);
  std::string text;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, out)) > 0) text.append(buf, n);
  std::fclose(out);
  return text;
}
}  // namespace

TEST_CASE("infer writes one line per input line, in order, with errors in place", "[infer]") {
  std::string input =
      "{\"id\": \"a\", \"text\": \"خبر صاروخ ممتاز\"}\n"
      "\n"
      "{\"id\": \"b\", \"text\": \"خبر مباراة سيئ\"}\n"
      "{\"id\": \"c\", \"text\": \"\xff\xfe broken\"}\n"
      "{\"id\": \"d\", \"text\": }\n"
      "{\"id\": \"e\", \"body\": \"no text field\"}\n"
      "{\"id\": \"f\", \"text\": \"خبر نفط سيئ\"}\n";
  InferOptions o;
  o.threads = 2;
  o.batch = 2;  // several batches
  InferStats stats;
  std::string out = run(input, o, &stats);
  CHECK(utf8::is_valid(out));
  auto lines = lines_of(out);
  REQUIRE(lines.size() == 7);
  CHECK(stats.lines == 7);
  CHECK(stats.errors == 4);
  CHECK(lines[0].find("\"id\": \"a\"") != std::string::npos);
  CHECK(lines[0].find("\"topic\": {\"label\": \"war\"") != std::string::npos);
  CHECK(lines[1].find("\"error\": \"empty line\"") != std::string::npos);
  CHECK(lines[2].find("\"label\": \"sport\"") != std::string::npos);
  CHECK(lines[3].find("invalid UTF-8") != std::string::npos);
  CHECK(lines[3].find("\"topic\"") == std::string::npos);
  CHECK(lines[4].find("malformed JSON") != std::string::npos);
  CHECK(lines[5].find("missing text field") != std::string::npos);
  CHECK(lines[5].find("\"id\": \"e\"") != std::string::npos);
  CHECK(lines[6].find("\"label\": \"economy\"") != std::string::npos);
}

TEST_CASE("infer output does not depend on the thread count", "[infer][determinism]") {
  std::string input;
  for (int i = 0; i < 200; ++i) input += "{\"text\": \"خبر " + std::string(i % 2 ? "هدف" : "نفط") + " رقم " + std::to_string(i) + "\"}\n";
  InferOptions one, many;
  one.threads = 1;
  many.threads = 3;
  many.batch = 7;
  CHECK(run(input, one) == run(input, many));
}

TEST_CASE("strict mode turns the first bad line into an error naming it", "[infer]") {
  InferOptions o;
  o.strict = true;
  try {
    run("{\"text\": \"خبر\"}\n{oops}\n", o);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(":2: malformed JSON") != std::string::npos);
  }
}

TEST_CASE("tsv output has a header and label/probability columns", "[infer]") {
  InferOptions o;
  o.output = OutputFormat::Tsv;
  o.top_k = 2;
  auto lines = lines_of(run("{\"id\": \"x\", \"text\": \"خبر صاروخ ممتاز\"}\n", o));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "id\ttopic\ttopic_prob\ttopic_top\ttone\ttone_prob\ttone_top");
  CHECK(lines[1].rfind("x\twar\t", 0) == 0);
}

TEST_CASE("explanations name n-grams from the document", "[infer]") {
  InferOptions o;
  o.explain = 3;
  std::string out = run("{\"text\": \"خبر صاروخ ممتاز\"}\n", o);
  CHECK(out.find("\"explain\": [[") != std::string::npos);
}

TEST_CASE("a failing output stream is an IoError, not silent loss", "[infer][robustness]") {
  test::TempDir dir;
  std::string input;
  for (int i = 0; i < 3000; ++i) input += "{\"text\": \"خبر صاروخ\"}\n";
  test::write_file(dir.file("in.jsonl"), input);
  std::FILE* full = std::fopen("/dev/full", "w");
  REQUIRE(full != nullptr);
  InferOptions o;
  CHECK_THROWS_AS(run_infer(shared_model(), {dir.file("in.jsonl")}, full, o), IoError);
  std::fclose(full);
}
