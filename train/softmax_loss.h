// L2-regularised multinomial logistic loss over sparse rows:
//   f(W, b) = (1/S) * sum_i s_i * CE(softmax(x_i W + b), y_i) + ||W||^2 / (2 C S)
// with sample weights s_i and S = sum_i s_i, i.e. LIBLINEAR's C-scaled
// objective divided by S to keep values near 1. Rows with label -1 do not
// take part. Parameters are W (columns × classes, row-major) then b.
#pragma once
#include <vector>

#include "train/column_matrix.h"
#include "train/objective.h"

namespace rasid {

class SoftmaxLoss final : public Objective {
 public:
  // `x` must outlive the loss.
  SoftmaxLoss(const ColumnMatrix& x, std::vector<int> labels, std::vector<double> weights, int n_classes, double c,
              int threads);

  Eigen::Index dim() const override { return static_cast<Eigen::Index>((x_.cols() + 1) * k_); }
  // The forward pass: also keeps each row's residual for gradient().
  double value(const Eigen::VectorXd& w) override;
  void gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) override;

  // W and b of the latest value() call rounded to single precision (what a
  // saved model holds): scoring other rows with them needs no second copy.
  const float* float_weights() const { return w_float_.data(); }

 private:
  const ColumnMatrix& x_;
  std::vector<int> y_;
  std::vector<double> s_;  // per-row weight / S
  std::size_t k_;
  double reg_;  // 1 / (C S)
  int threads_;
  // The gradient is split into column ranges with about equal non-zeros,
  // one per thread: range t is [col_split_[t], col_split_[t+1]).
  std::vector<std::size_t> col_split_;
  std::vector<double> residual_;  // rows × row_stride(classes): s_i (p_i - onehot(y_i)); 0 for unlabelled rows and padding
  std::vector<float> w_float_;    // single-precision copy of W for the forward pass
  std::vector<double> row_loss_;
  std::vector<float> scores_;  // rows × row_stride(classes): x W + b
};

}  // namespace rasid
