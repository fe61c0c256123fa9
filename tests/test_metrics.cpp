#include <catch2/catch.hpp>

#include <cmath>

#include "eval/metrics.h"

using namespace rasid;

namespace {
std::vector<float> onehotish(int k, int c, float p) {
  std::vector<float> v(static_cast<std::size_t>(k), (1.0f - p) / static_cast<float>(k - 1));
  v[static_cast<std::size_t>(c)] = p;
  return v;
}
}  // namespace

TEST_CASE("metrics match hand-computed values", "[metrics]") {
  // gold: a a a b b c ; predicted: a a b b c c
  std::vector<int> gold{0, 0, 0, 1, 1, 2};
  std::vector<int> pred{0, 0, 1, 1, 2, 2};
  std::vector<std::vector<float>> probs;
  for (int p : pred) probs.push_back(onehotish(3, p, 0.8f));
  TaskMetrics t = compute_metrics("x", {"a", "b", "c"}, gold, probs, 200, 7);
  CHECK(t.n == 6);
  CHECK(t.accuracy == Approx(4.0 / 6));
  // a: P 2/2 R 2/3 F 0.8 ; b: P 1/2 R 1/2 F 0.5 ; c: P 1/2 R 1 F 2/3
  CHECK(t.per_class[0].precision == Approx(1.0));
  CHECK(t.per_class[0].recall == Approx(2.0 / 3));
  CHECK(t.per_class[0].f1 == Approx(0.8));
  CHECK(t.per_class[1].f1 == Approx(0.5));
  CHECK(t.per_class[2].f1 == Approx(2.0 / 3));
  CHECK(t.macro_f1 == Approx((0.8 + 0.5 + 2.0 / 3) / 3));
  CHECK(t.weighted_f1 == Approx((0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6));
  CHECK(t.confusion[0][1] == 1);
  CHECK(t.confusion[1][2] == 1);
  CHECK(t.per_class[0].support == 3);
  // log-loss: correct rows have p=0.8 for gold, wrong rows 0.1.
  CHECK(t.log_loss == Approx((4 * -std::log(0.8) + 2 * -std::log(0.1)) / 6).epsilon(1e-5));
  // Brier for a correct row: 0.2^2 + 0.1^2 + 0.1^2 = 0.06; wrong: 0.9^2 + 0.8^2 + 0.1^2 = 1.46
  CHECK(t.brier == Approx((4 * 0.06 + 2 * 1.46) / 6).epsilon(1e-5));
  // All confidences are 0.8 with accuracy 4/6: ECE = |0.6667 - 0.8|.
  CHECK(t.ece == Approx(0.8 - 4.0 / 6).epsilon(1e-5));
  CHECK(t.accuracy_ci.low <= t.accuracy);
  CHECK(t.accuracy_ci.high >= t.accuracy);
  CHECK(t.macro_f1_ci.low < t.macro_f1_ci.high);
}

TEST_CASE("macro-F1 ignores classes absent from gold and predictions", "[metrics]") {
  std::vector<std::vector<std::size_t>> m{{3, 0, 0}, {0, 2, 0}, {0, 0, 0}};
  CHECK(macro_f1_of(m) == Approx(1.0));
  CHECK(accuracy_of(m) == Approx(1.0));
}

TEST_CASE("bootstrap intervals are reproducible for a seed", "[metrics]") {
  std::vector<int> gold{0, 1, 0, 1, 1, 0, 0, 1};
  std::vector<std::vector<float>> probs;
  for (int i = 0; i < 8; ++i) probs.push_back(onehotish(2, i % 3 == 0 ? 1 - gold[static_cast<std::size_t>(i)] : gold[static_cast<std::size_t>(i)], 0.7f));
  TaskMetrics a = compute_metrics("x", {"n", "p"}, gold, probs, 300, 3);
  TaskMetrics b = compute_metrics("x", {"n", "p"}, gold, probs, 300, 3);
  CHECK(a.macro_f1_ci.low == b.macro_f1_ci.low);
  CHECK(a.macro_f1_ci.high == b.macro_f1_ci.high);
}
