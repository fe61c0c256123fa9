// L2-regularised multinomial logistic loss over sparse rows:
//   f(W, b) = (1/S) * sum_i s_i * CE(softmax(x_i W + b), y_i) + ||W||^2 / (2 C S)
// with sample weights s_i and S = sum_i s_i, i.e. LIBLINEAR's C-scaled
// objective divided by S to keep values near 1. Rows with label -1 do not
// take part. Parameters are W (columns × classes, row-major) then b.
#pragma once
#include <vector>

#include "features/csr_matrix.h"
#include "train/objective.h"

namespace rasid {

class SoftmaxLoss final : public Objective {
 public:
  // Column-major copy of x (rows ascending within each column), kept when
  // x has at most this many non-zeros: both passes then walk W and the
  // gradient in order and scatter only into per-row arrays (scores,
  // residuals) small enough to stay in cache, instead of gathering from and
  // scattering into the F x K parameters row by row. Larger inputs skip it
  // to keep peak memory down (it costs 8 bytes per non-zero). Both ways add
  // the same terms in the same order, so the results are identical.
  static constexpr std::size_t kColumnCopyMaxNnz = std::size_t{1} << 24;

  // `x` (columns ascending within each row) must outlive the loss.
  SoftmaxLoss(const CsrMatrix& x, std::vector<int> labels, std::vector<double> weights, int n_classes, double c,
              int threads, std::size_t column_copy_max_nnz = kColumnCopyMaxNnz);

  Eigen::Index dim() const override { return static_cast<Eigen::Index>((x_.n_cols + 1) * k_); }
  double evaluate(const Eigen::VectorXd& w, Eigen::VectorXd& grad) override;

 private:
  const CsrMatrix& x_;
  std::vector<int> y_;
  std::vector<double> s_;  // per-row weight / S
  std::size_t k_;
  double reg_;  // 1 / (C S)
  int threads_;
  // The gradient is split into column ranges with about equal non-zeros,
  // one per thread: range t is [col_split_[t], col_split_[t+1]).
  std::vector<std::size_t> col_split_;
  std::vector<double> residual_;  // rows × classes: s_i (p_i - onehot(y_i))
  std::vector<float> w_float_;    // single-precision copy of W for the forward pass
  std::vector<double> row_loss_;
  // The column-major copy (see kColumnCopyMaxNnz); empty when not kept.
  std::vector<std::size_t> col_ptr_;
  std::vector<std::int32_t> col_row_;
  std::vector<float> col_val_;
  // The forward pass over the copy is split into row parts, one per
  // thread: part t is rows [row_split_[t], row_split_[t+1]), and its
  // entries in column j are [part_begin(t)[j], part_begin(t+1)[j]).
  std::vector<std::size_t> row_split_;
  std::vector<std::vector<std::size_t>> part_ptr_;  // part_begin of the inner parts
  const std::size_t* part_begin(std::size_t part) const;
  std::vector<float> scores_;  // rows x classes, x W + b
};

// Class probabilities of one row under parameters w (same layout as the
// loss's) in single precision, as a saved model holds them; float weights
// also halve the memory traffic of the forward pass.
void softmax_probabilities(const CsrMatrix& x, const float* w, std::size_t n_classes, std::size_t row,
                           double* probs);

}  // namespace rasid
