// Limited-memory BFGS with a backtracking (Armijo) line search. Fully
// deterministic: no randomness, fixed-order arithmetic. The history is kept
// in single precision, which halves memory at no measurable cost in accuracy.
#pragma once
#include <functional>

#include "train/objective.h"

namespace rasid {

struct LbfgsOptions {
  int max_iterations = 200;
  int history = 5;  // correction pairs kept (at least 1)
  double tolerance = 1e-5;  // stop when ||g|| <= tolerance * max(1, ||g0||)
  double min_decrease = 1e-7;  // or when the relative decrease over 5 iterations is below this
  int threads = 1;             // for the vector operations; results do not depend on it
};

struct LbfgsResult {
  int iterations = 0;
  double value = 0.0;
  bool converged = false;
};

// Called after every iteration with (iteration, f, w); returning false stops.
// w is the argument of f's latest value() call (the accepted step), so a
// callback may use what that call left in the objective.
using LbfgsCallback = std::function<bool(int, double, const Eigen::VectorXd&)>;

LbfgsResult minimize_lbfgs(Objective& f, Eigen::VectorXd& w, const LbfgsOptions& options,
                           const LbfgsCallback& callback = {});

}  // namespace rasid
