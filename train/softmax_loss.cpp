#include "train/softmax_loss.h"

#include <algorithm>
#include <cmath>

#include "common/parallel.h"
#include "train/chunked_sums.h"
#include "train/probabilities.h"

namespace rasid {

namespace {
// A column's fixed cost in the gradient pass, in units of one entry's:
// per row part (reading its two offsets), and once (its k gradients).
constexpr std::size_t kColumnCostPerPart = 2;
constexpr std::size_t kColumnCost = 4;
}  // namespace

SoftmaxLoss::SoftmaxLoss(const ColumnMatrix& x, std::vector<int> labels, std::vector<double> weights, int n_classes,
                         double c, int threads)
    : x_(x), y_(std::move(labels)), s_(std::move(weights)), k_(static_cast<std::size_t>(n_classes)),
      threads_(threads) {
  double total = 0.0;
  for (std::size_t i = 0; i < y_.size(); ++i)
    if (y_[i] >= 0) total += s_[i];
  if (total <= 0) total = 1.0;
  for (double& s : s_) s /= total;
  reg_ = 1.0 / (c * total);
  residual_.assign(x_.rows() * ColumnMatrix::row_stride(k_), 0.0);
  row_loss_.assign(x_.rows(), 0.0);
  // Ranges of about equal cost: a column costs its entries plus a fixed
  // amount (its offsets in every row part, its gradient's load and store).
  // Most-frequent-first columns put the long ones at the start and a long
  // tail of two-entry columns at the end, so splitting on entries alone
  // gave the last thread twice the work of the first.
  const std::size_t parts = static_cast<std::size_t>(std::max(1, threads_));
  const std::size_t column_cost = kColumnCostPerPart * x_.parts() + kColumnCost;
  const auto cost_before = [&](std::size_t j) { return x_.entries_before(j) + j * column_cost; };
  const std::size_t total_cost = cost_before(x_.cols());
  col_split_.assign(1, 0);
  for (std::size_t j = 0; j < x_.cols() && col_split_.size() < parts; ++j)
    if (cost_before(j + 1) * parts >= total_cost * col_split_.size()) col_split_.push_back(j + 1);
  col_split_.push_back(x_.cols());
}

double SoftmaxLoss::value(const Eigen::VectorXd& w) {
  const std::size_t k = k_, f = x_.cols(), stride = ColumnMatrix::row_stride(k);
  const double* wp = w.data();
  // The float copy for the forward pass and ||W||^2 in one pass over w.
  w_float_.resize(static_cast<std::size_t>(w.size()));
  float* wf = w_float_.data();
  const double sq = chunked_sums<1>(f * k, threads_, [=](std::size_t begin, std::size_t end) {
    return lane_sums<1>(begin, end, [=](std::size_t i, std::array<double, 1>& acc) {
      wf[i] = static_cast<float>(wp[i]);
      acc[0] += wp[i] * wp[i];
    });
  })[0];
  for (std::size_t i = f * k; i < w_float_.size(); ++i) wf[i] = static_cast<float>(wp[i]);  // the bias
  // Forward pass: each row writes only its own slots (unlabelled rows keep
  // their zero residual and loss).
  for_each_labelled_row(x_, w_float_.data(), k, y_, threads_, scores_, [&](std::size_t i, const double* p) {
    double* r = residual_.data() + i * stride;
    const std::size_t yi = static_cast<std::size_t>(y_[i]);
    row_loss_[i] = -s_[i] * std::log(std::max(p[yi], 1e-300));
    for (std::size_t c = 0; c < k; ++c) r[c] = s_[i] * (p[c] - (c == yi ? 1.0 : 0.0));
  });
  double loss = 0.0;
  for (double l : row_loss_) loss += l;  // fixed order: deterministic
  return loss + 0.5 * reg_ * sq;
}

void SoftmaxLoss::gradient(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
  const std::size_t n = x_.rows(), k = k_, f = x_.cols(), stride = ColumnMatrix::row_stride(k);
  const double* wp = w.data();
  // Each thread owns a column range and adds its columns' rows in row
  // order, so every sum has the same order whatever the thread count.
  double* g = grad.data();
  parallel_slices(col_split_.size() - 1, threads_, [&](std::size_t, std::size_t pb, std::size_t pe) {
    for (std::size_t part = pb; part < pe; ++part) {
      const std::size_t lo = col_split_[part], hi = col_split_[part + 1];
      for (std::size_t j = lo * k; j < hi * k; ++j) g[j] = reg_ * wp[j];
      x_.add_gradients(lo, hi, residual_.data(), k, g);
    }
  }, Workers::kPooled);
  double* gb = g + f * k;
  for (std::size_t c = 0; c < k; ++c) gb[c] = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < k; ++c) gb[c] += residual_[i * stride + c];
}

}  // namespace rasid
