#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "helpers.h"
#include "train/probabilities.h"
#include "train/softmax_loss.h"

using namespace rasid;
using rasid::test::random_matrix;

namespace {

struct Problem {
  CsrMatrix csr;
  ColumnMatrix x;
  std::vector<int> y;
  std::vector<double> weights;
  Eigen::VectorXd w;
};

Problem random_problem(std::size_t rows, std::size_t cols, int k, std::uint64_t seed) {
  Problem p{random_matrix(rows, cols, seed), {}, {}, {}, {}};
  p.x = ColumnMatrix(p.csr, 2);
  std::mt19937_64 rng(seed + 1);
  for (std::size_t i = 0; i < rows; ++i) {
    p.y.push_back(i % 5 == 4 ? -1 : static_cast<int>(rng() % static_cast<std::uint64_t>(k)));  // some unlabelled
    p.weights.push_back(0.5 + static_cast<double>(rng() % 3));
  }
  std::normal_distribution<double> normal(0.0, 0.5);
  p.w.resize(static_cast<Eigen::Index>((cols + 1) * static_cast<std::size_t>(k)));
  for (Eigen::Index i = 0; i < p.w.size(); ++i) p.w[i] = normal(rng);
  return p;
}
}  // namespace

TEST_CASE("softmax loss: zero weights give log(K) per document", "[softmax_loss]") {
  Problem p = random_problem(30, 12, 4, 1);
  std::fill(p.weights.begin(), p.weights.end(), 1.0);
  SoftmaxLoss loss(p.x, p.y, p.weights, 4, 1.0, 1);
  Eigen::VectorXd g(loss.dim());
  CHECK(loss.evaluate(Eigen::VectorXd::Zero(loss.dim()), g) == Approx(std::log(4.0)).epsilon(1e-12));
}

TEST_CASE("probabilities: softmax of the row's scores, for labelled rows only", "[softmax_loss]") {
  Problem p = random_problem(50, 20, 3, 3);
  std::vector<float> w(static_cast<std::size_t>(p.w.size()));
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(p.w[static_cast<Eigen::Index>(i)]);
  for (int threads : {1, 2, 5}) {
    std::vector<float> scratch;
    std::vector<std::vector<double>> got(50);
    for_each_labelled_row(p.x, w.data(), 3, p.y, threads, scratch,
                          [&](std::size_t i, const double* pr) { got[i].assign(pr, pr + 3); });
    for (std::size_t i = 0; i < 50; ++i) {
      INFO("row " << i << ", threads " << threads);
      CHECK(got[i].empty() == (p.y[i] < 0));
      if (p.y[i] < 0) continue;
      float s[3] = {w[20 * 3], w[20 * 3 + 1], w[20 * 3 + 2]};  // the bias, then the row's columns in order
      for (std::size_t t = p.csr.ptr[i]; t < p.csr.ptr[i + 1]; ++t)
        for (std::size_t c = 0; c < 3; ++c) s[c] += p.csr.val[t] * w[static_cast<std::size_t>(p.csr.idx[t]) * 3 + c];
      double expected[3];
      softmax_of(s, 3, expected);
      CHECK(got[i] == std::vector<double>(expected, expected + 3));
      CHECK(got[i][0] + got[i][1] + got[i][2] == Approx(1.0));
    }
  }
}

TEST_CASE("softmax loss: the gradient matches finite differences", "[softmax_loss]") {
  for (int k : {2, 3, 11}) {  // 11: the run-time class count path
    INFO("classes " << k);
    Problem p = random_problem(40, 9, k, static_cast<std::uint64_t>(k));
    SoftmaxLoss loss(p.x, p.y, p.weights, k, 2.0, 2);
    Eigen::VectorXd g(loss.dim()), scratch(loss.dim());
    loss.evaluate(p.w, g);
    for (Eigen::Index i = 0; i < loss.dim(); i += 3) {
      // The forward pass rounds weights to float, so a step far above
      // float precision; central differences keep the error at O(h^2).
      const double h = 1e-3;
      Eigen::VectorXd up = p.w, down = p.w;
      up[i] += h;
      down[i] -= h;
      const double numeric = (loss.evaluate(up, scratch) - loss.evaluate(down, scratch)) / (2 * h);
      CHECK(g[i] == Approx(numeric).epsilon(1e-3).margin(1e-6));
    }
  }
}

TEST_CASE("softmax loss: loss and gradient do not depend on the thread count", "[softmax_loss][determinism]") {
  for (std::size_t rows : {200, 4})  // 4 rows: more threads than rows, empty parts
    for (int k : {3, 11})
      for (int threads : {2, 3, 6}) {
        INFO("rows " << rows << ", classes " << k << ", threads " << threads);
        Problem p = random_problem(rows, 60, k, 7);
        const ColumnMatrix one_part(p.csr, 1), parts(p.csr, static_cast<std::size_t>(threads));
        SoftmaxLoss serial(one_part, p.y, p.weights, k, 5.0, 1), parallel(parts, p.y, p.weights, k, 5.0, threads);
        Eigen::VectorXd gs(serial.dim()), gp(parallel.dim());
        CHECK(serial.evaluate(p.w, gs) == parallel.evaluate(p.w, gp));
        CHECK(gs == gp);  // bit for bit, not approximately
      }
}
