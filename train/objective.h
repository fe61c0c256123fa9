// What a solver minimises: a differentiable function of a parameter vector.
// Losses implement it; solvers (L-BFGS) only see this interface, so a new
// loss reuses the optimiser unchanged. Value and gradient are separate (as
// LIBLINEAR's fun/grad): a line search needs the gradient only at the step
// it accepts, and the value's pass leaves what the gradient needs.
#pragma once
#include <Eigen/Dense>

namespace rasid {

class Objective {
 public:
  virtual ~Objective() = default;
  virtual Eigen::Index dim() const = 0;
  // f(w).
  virtual double value(const Eigen::VectorXd& w) = 0;
  // The gradient at w, written into `grad` (already sized dim()); w must be
  // the argument of the latest value() call.
  virtual void gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) = 0;

  // f(w) and its gradient.
  double evaluate(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
    const double f = value(w);
    gradient(w, grad);
    return f;
  }
};

}  // namespace rasid
