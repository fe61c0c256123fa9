#include <catch2/catch.hpp>

#include "eval/compare.h"
#include "eval/uncertainty.h"

using namespace rasid;

namespace {
// A task result where the model is right on the documents in `right`.
TaskResult result(const std::vector<int>& gold, const std::vector<bool>& right) {
  TaskResult t;
  t.metrics.field = "x";
  t.metrics.labels = {"a", "b"};
  for (std::size_t i = 0; i < gold.size(); ++i) {
    int pred = right[i] ? gold[i] : 1 - gold[i];
    t.gold.push_back(gold[i]);
    t.probs.push_back(pred == 0 ? std::vector<float>{0.9f, 0.1f} : std::vector<float>{0.1f, 0.9f});
    t.docs.push_back(i);
  }
  return t;
}
}  // namespace

TEST_CASE("paired bootstrap finds a clearly better model and not an equal one", "[compare]") {
  std::vector<int> gold;
  std::vector<bool> all, half;
  for (int i = 0; i < 200; ++i) {
    gold.push_back(i % 2);
    all.push_back(true);
    half.push_back(i % 4 < 2);
  }
  EvalResult good, poor;
  good.tasks.push_back(result(gold, all));
  poor.tasks.push_back(result(gold, half));
  auto c = compare_models(good, poor, 500, 3);
  REQUIRE(c.size() == 1);
  CHECK(c[0].n == 200);
  CHECK(c[0].a_accuracy == Approx(1.0));
  CHECK(c[0].b_accuracy == Approx(0.5));
  CHECK(c[0].accuracy_p < 0.05);
  CHECK(c[0].accuracy_diff_ci.low > 0.3);
  auto same = compare_models(good, good, 500, 3);
  CHECK(same[0].accuracy_p == Approx(1.0));
  CHECK(same[0].macro_f1_diff_ci.low == Approx(0.0));
  CHECK(comparison_json(c).find("\"accuracy_p\"") != std::string::npos);
}

TEST_CASE("uncertainty ranks the least sure documents first", "[suggest]") {
  CHECK(uncertainty({0.5f, 0.5f}, Uncertainty::Margin) == Approx(1.0));
  CHECK(uncertainty({1.0f, 0.0f}, Uncertainty::Margin) == Approx(0.0));
  CHECK(uncertainty({0.5f, 0.5f}, Uncertainty::Entropy) == Approx(1.0));
  CHECK(uncertainty({0.7f, 0.3f}, Uncertainty::LeastConfident) == Approx(0.3));
  // Three documents, two heads: the score is the least sure head.
  std::vector<std::vector<std::vector<float>>> p = {
      {{0.99f, 0.01f}, {0.98f, 0.02f}},
      {{0.99f, 0.01f}, {0.55f, 0.45f}},
      {{0.7f, 0.3f}, {0.9f, 0.1f}}};
  std::vector<double> scores;
  auto order = most_uncertain(p, Uncertainty::Margin, 2, &scores);
  CHECK(order == std::vector<std::size_t>{1, 2});
  CHECK(scores[1] == Approx(0.9));
  CHECK_THROWS(parse_uncertainty("random"));
}
