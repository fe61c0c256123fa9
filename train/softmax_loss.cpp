#include "train/softmax_loss.h"

#include <algorithm>
#include <cmath>

#include "common/parallel.h"

namespace rasid {

template <class Weight>
void softmax_probabilities(const CsrMatrix& x, const Weight* w, std::size_t k, std::size_t row, double* p) {
  const Weight* bias = w + x.n_cols * k;
  for (std::size_t c = 0; c < k; ++c) p[c] = bias[c];
  for (std::size_t j = x.ptr[row]; j < x.ptr[row + 1]; ++j) {
    const Weight* wr = w + static_cast<std::size_t>(x.idx[j]) * k;
    const double v = x.val[j];
    for (std::size_t c = 0; c < k; ++c) p[c] += v * wr[c];
  }
  double mx = *std::max_element(p, p + k), sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(p[c] - mx));
  for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
}

template void softmax_probabilities<double>(const CsrMatrix&, const double*, std::size_t, std::size_t, double*);
template void softmax_probabilities<float>(const CsrMatrix&, const float*, std::size_t, std::size_t, double*);

SoftmaxLoss::SoftmaxLoss(const CsrMatrix& x, const CsrMatrix& xt, std::vector<int> labels,
                         std::vector<double> weights, int n_classes, double c, int threads)
    : x_(x), xt_(xt), y_(std::move(labels)), s_(std::move(weights)), k_(static_cast<std::size_t>(n_classes)),
      threads_(threads) {
  double total = 0.0;
  for (std::size_t i = 0; i < y_.size(); ++i)
    if (y_[i] >= 0) total += s_[i];
  if (total <= 0) total = 1.0;
  for (double& s : s_) s /= total;
  reg_ = 1.0 / (c * total);
  residual_.assign(x_.rows() * k_, 0.0);
  row_loss_.assign(x_.rows(), 0.0);
}

double SoftmaxLoss::evaluate(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
  const std::size_t n = x_.rows(), k = k_, f = x_.n_cols;
  const double* wp = w.data();
  w_float_.resize(static_cast<std::size_t>(w.size()));
  parallel_for(w_float_.size(), threads_, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) w_float_[i] = static_cast<float>(wp[i]);
  });
  // Forward pass: each row writes only its own slots.
  parallel_for(n, threads_, [&](std::size_t b, std::size_t e) {
    std::vector<double> p(k);
    for (std::size_t i = b; i < e; ++i) {
      double* r = residual_.data() + i * k;
      if (y_[i] < 0) {
        std::fill(r, r + k, 0.0);
        row_loss_[i] = 0.0;
        continue;
      }
      softmax_probabilities(x_, w_float_.data(), k, i, p.data());
      const std::size_t yi = static_cast<std::size_t>(y_[i]);
      row_loss_[i] = -s_[i] * std::log(std::max(p[yi], 1e-300));
      for (std::size_t c = 0; c < k; ++c) r[c] = s_[i] * (p[c] - (c == yi ? 1.0 : 0.0));
    }
  });
  double loss = 0.0;
  for (double l : row_loss_) loss += l;  // fixed order: deterministic
  // Gradient per feature column from the transpose, also in fixed order.
  double* g = grad.data();
  parallel_for(f, threads_, [&](std::size_t b, std::size_t e) {
    for (std::size_t j = b; j < e; ++j) {
      double* gj = g + j * k;
      const double* wj = wp + j * k;
      for (std::size_t c = 0; c < k; ++c) gj[c] = reg_ * wj[c];
      for (std::size_t t = xt_.ptr[j]; t < xt_.ptr[j + 1]; ++t) {
        const double v = xt_.val[t];
        const double* r = residual_.data() + static_cast<std::size_t>(xt_.idx[t]) * k;
        for (std::size_t c = 0; c < k; ++c) gj[c] += v * r[c];
      }
    }
  });
  double sq = w.head(static_cast<Eigen::Index>(f * k)).squaredNorm();
  double* gb = g + f * k;
  for (std::size_t c = 0; c < k; ++c) gb[c] = 0.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < k; ++c) gb[c] += residual_[i * k + c];
  return loss + 0.5 * reg_ * sq;
}

}  // namespace rasid
