// What a solver minimises: a differentiable function of a parameter vector.
// Losses implement it; solvers (L-BFGS) only see this interface, so a new
// loss reuses the optimiser unchanged.
#pragma once
#include <Eigen/Dense>

namespace rasid {

class Objective {
 public:
  virtual ~Objective() = default;
  virtual Eigen::Index dim() const = 0;
  // Returns f(w) and writes its gradient into `grad` (already sized dim()).
  virtual double evaluate(const Eigen::VectorXd& w, Eigen::VectorXd& grad) = 0;
};

}  // namespace rasid
