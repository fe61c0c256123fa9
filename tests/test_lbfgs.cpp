#include <catch2/catch.hpp>

#include "train/lbfgs.h"

using namespace rasid;

namespace {
// f(x) = sum_i (i+1) * (x_i - i)^2: minimum at x_i = i.
struct Quadratic : Objective {
  Eigen::Index n;
  explicit Quadratic(Eigen::Index n) : n(n) {}
  Eigen::Index dim() const override { return n; }
  double value(const Eigen::VectorXd& w) override {
    double f = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
      double d = w[i] - static_cast<double>(i);
      f += static_cast<double>(i + 1) * d * d;
    }
    return f;
  }
  void gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    for (Eigen::Index i = 0; i < n; ++i) g[i] = 2.0 * static_cast<double>(i + 1) * (w[i] - static_cast<double>(i));
  }
};

struct Rosenbrock : Objective {
  Eigen::Index dim() const override { return 2; }
  double value(const Eigen::VectorXd& w) override {
    double a = 1 - w[0], b = w[1] - w[0] * w[0];
    return a * a + 100 * b * b;
  }
  void gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    double a = 1 - w[0], b = w[1] - w[0] * w[0];
    g[0] = -2 * a - 400 * w[0] * b;
    g[1] = 200 * b;
  }
};

// Rosenbrock that counts its calls and checks the contract: gradient() only
// at the point of the latest value().
struct CountingRosenbrock : Rosenbrock {
  int values = 0, gradients = 0;
  bool at_last_value = true;
  Eigen::VectorXd last;
  double value(const Eigen::VectorXd& w) override {
    ++values;
    last = w;
    return Rosenbrock::value(w);
  }
  void gradient(const Eigen::VectorXd& w, Eigen::VectorXd& g) override {
    ++gradients;
    at_last_value = at_last_value && w == last;
    Rosenbrock::gradient(w, g);
  }
};
}  // namespace

TEST_CASE("lbfgs finds the minimum of a scaled quadratic", "[lbfgs]") {
  Quadratic q(20);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(20);
  LbfgsOptions o;
  o.tolerance = 1e-10;
  o.min_decrease = 0;
  LbfgsResult r = minimize_lbfgs(q, w, o);
  for (Eigen::Index i = 0; i < 20; ++i) CHECK(w[i] == Approx(static_cast<double>(i)).margin(1e-4));
  CHECK(r.value < 1e-8);
}

TEST_CASE("lbfgs solves the Rosenbrock valley, with gradients only at the steps it takes", "[lbfgs]") {
  CountingRosenbrock f;
  Eigen::VectorXd w(2);
  w << -1.2, 1.0;
  LbfgsOptions o;
  o.max_iterations = 500;
  o.tolerance = 1e-10;
  o.min_decrease = 0;
  LbfgsResult r = minimize_lbfgs(f, w, o);
  CHECK(w[0] == Approx(1.0).margin(1e-3));
  CHECK(w[1] == Approx(1.0).margin(1e-3));
  CHECK(f.at_last_value);
  CHECK(f.gradients == r.iterations + 1);  // the start, then one per iteration
  CHECK(f.values > f.gradients);           // this valley makes the line search back off
}

TEST_CASE("lbfgs callback can stop early and sees each iteration", "[lbfgs]") {
  Quadratic q(5);
  Eigen::VectorXd w = Eigen::VectorXd::Zero(5);
  int calls = 0;
  LbfgsResult r = minimize_lbfgs(q, w, LbfgsOptions{}, [&](int it, double, const Eigen::VectorXd&) {
    ++calls;
    CHECK(it == calls);
    return it < 3;
  });
  CHECK(calls == 3);
  CHECK(r.iterations == 3);
}
