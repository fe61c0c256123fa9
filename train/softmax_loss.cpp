#include "train/softmax_loss.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "common/parallel.h"

namespace rasid {

namespace {

// Calls fn(std::integral_constant<std::size_t, K>{}) with K = k for the
// small class counts most tasks have, so the per-non-zero loops over
// classes are unrolled and vectorised; K = 0 stands for "k, at run time".
template <class Fn>
void with_class_count(std::size_t k, Fn&& fn) {
  switch (k) {
    case 2: return fn(std::integral_constant<std::size_t, 2>{});
    case 3: return fn(std::integral_constant<std::size_t, 3>{});
    case 4: return fn(std::integral_constant<std::size_t, 4>{});
    case 5: return fn(std::integral_constant<std::size_t, 5>{});
    case 6: return fn(std::integral_constant<std::size_t, 6>{});
    case 7: return fn(std::integral_constant<std::size_t, 7>{});
    case 8: return fn(std::integral_constant<std::size_t, 8>{});
    default: return fn(std::integral_constant<std::size_t, 0>{});
  }
}

// s += x_row W over the row's non-zeros (s holds k scores).
template <std::size_t K, class Weight>
void add_row_scores(const CsrMatrix& x, const Weight* w, std::size_t k, std::size_t row, Weight* s) {
  const std::size_t kk = K ? K : k;
  for (std::size_t j = x.ptr[row]; j < x.ptr[row + 1]; ++j) {
    const Weight* wr = w + static_cast<std::size_t>(x.idx[j]) * kk;
    const Weight v = x.val[j];
    for (std::size_t c = 0; c < kk; ++c) s[c] += v * wr[c];
  }
}

// g[col] += x[i, col] * r_i for the row's columns in [lo, hi).
template <std::size_t K>
void add_row_gradient(const CsrMatrix& x, std::size_t k, std::size_t row, std::size_t lo, std::size_t hi,
                      const double* r, double* g) {
  const std::size_t kk = K ? K : k;
  const std::int32_t* first = x.idx.data() + x.ptr[row];
  const std::int32_t* last = x.idx.data() + x.ptr[row + 1];
  for (const std::int32_t* t = std::lower_bound(first, last, static_cast<std::int32_t>(lo));
       t != last && static_cast<std::size_t>(*t) < hi; ++t) {
    const double v = x.val[static_cast<std::size_t>(t - x.idx.data())];
    double* gj = g + static_cast<std::size_t>(*t) * kk;
    for (std::size_t c = 0; c < kk; ++c) gj[c] += v * r[c];
  }
}

// g[col] += sum over the column's rows (ascending) of x[row, col] * r_row,
// for columns [lo, hi) of the column-major copy: the same additions in the
// same order as add_row_gradient over all rows, so the same result.
template <std::size_t K>
void add_column_gradients(const std::vector<std::size_t>& ptr, const std::vector<std::int32_t>& row,
                          const std::vector<float>& val, std::size_t k, std::size_t lo, std::size_t hi,
                          const double* r, double* g) {
  const std::size_t kk = K ? K : k;
  for (std::size_t j = lo; j < hi; ++j) {
    double* gj = g + j * kk;
    if constexpr (K > 0) {
      double acc[K];  // in registers: gj may alias r as far as the compiler knows
      for (std::size_t c = 0; c < K; ++c) acc[c] = gj[c];
      for (std::size_t t = ptr[j]; t < ptr[j + 1]; ++t) {
        const double v = val[t];
        const double* rr = r + static_cast<std::size_t>(row[t]) * K;
        for (std::size_t c = 0; c < K; ++c) acc[c] += v * rr[c];
      }
      for (std::size_t c = 0; c < K; ++c) gj[c] = acc[c];
    } else {
      for (std::size_t t = ptr[j]; t < ptr[j + 1]; ++t) {
        const double v = val[t];
        const double* rr = r + static_cast<std::size_t>(row[t]) * kk;
        for (std::size_t c = 0; c < kk; ++c) gj[c] += v * rr[c];
      }
    }
  }
}

// s_i += x_i W for the rows of one part, from the column-major copy:
// column j's entries for those rows are [begin[j], end[j]). W is read in
// order and the scattered additions go to the rows' scores, which stay in
// cache. Each row's columns are added in ascending order, as in
// add_row_scores, so the scores are identical.
template <std::size_t K>
void add_column_scores(const std::vector<std::int32_t>& row, const std::vector<float>& val, const std::size_t* begin,
                       const std::size_t* end, std::size_t n_cols, const float* w, std::size_t k, float* s) {
  const std::size_t kk = K ? K : k;
  for (std::size_t j = 0; j < n_cols; ++j) {
    const float* wj = w + j * kk;
    if constexpr (K > 0) {
      float wl[K];  // in registers: s may alias w as far as the compiler knows
      for (std::size_t c = 0; c < K; ++c) wl[c] = wj[c];
      for (std::size_t t = begin[j]; t < end[j]; ++t) {
        float* si = s + static_cast<std::size_t>(row[t]) * K;
        for (std::size_t c = 0; c < K; ++c) si[c] += val[t] * wl[c];
      }
    } else {
      for (std::size_t t = begin[j]; t < end[j]; ++t) {
        float* si = s + static_cast<std::size_t>(row[t]) * kk;
        for (std::size_t c = 0; c < kk; ++c) si[c] += val[t] * wj[c];
      }
    }
  }
}

// p = softmax(s), computed in double.
void softmax_of(const float* s, std::size_t k, double* p) {
  double mx = *std::max_element(s, s + k), sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(static_cast<double>(s[c]) - mx));
  for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
}

}  // namespace

void softmax_probabilities(const CsrMatrix& x, const float* w, std::size_t k, std::size_t row, double* p) {
  // Scores are summed in float (twice the SIMD width of double); only the
  // softmax itself is done in double.
  thread_local std::vector<float> score;
  score.assign(w + x.n_cols * k, w + x.n_cols * k + k);  // the bias
  float* s = score.data();
  with_class_count(k, [&](auto K) { add_row_scores<K()>(x, w, k, row, s); });
  softmax_of(s, k, p);
}


SoftmaxLoss::SoftmaxLoss(const CsrMatrix& x, std::vector<int> labels, std::vector<double> weights, int n_classes,
                         double c, int threads, std::size_t column_copy_max_nnz)
    : x_(x), y_(std::move(labels)), s_(std::move(weights)), k_(static_cast<std::size_t>(n_classes)),
      threads_(threads) {
  double total = 0.0;
  for (std::size_t i = 0; i < y_.size(); ++i)
    if (y_[i] >= 0) total += s_[i];
  if (total <= 0) total = 1.0;
  for (double& s : s_) s /= total;
  reg_ = 1.0 / (c * total);
  residual_.assign(x_.rows() * k_, 0.0);
  std::vector<std::size_t> per_col(x_.n_cols, 0);
  for (std::int32_t j : x_.idx) ++per_col[static_cast<std::size_t>(j)];
  const std::size_t parts = static_cast<std::size_t>(std::max(1, threads_));
  col_split_.assign(1, 0);
  std::size_t seen = 0;
  for (std::size_t j = 0; j < x_.n_cols && col_split_.size() < parts; ++j) {
    seen += per_col[j];
    if (seen * parts >= x_.nnz() * col_split_.size()) col_split_.push_back(j + 1);
  }
  col_split_.push_back(x_.n_cols);
  row_loss_.assign(x_.rows(), 0.0);
  if (x_.nnz() <= column_copy_max_nnz) {
    // Row parts with about equal non-zeros, one per thread, for the
    // forward pass over the column-major copy.
    row_split_.assign(1, 0);
    for (std::size_t i = 0; i < x_.rows() && row_split_.size() < parts; ++i)
      if (x_.ptr[i + 1] * parts >= x_.nnz() * row_split_.size()) row_split_.push_back(i + 1);
    row_split_.push_back(x_.rows());
    col_ptr_.assign(x_.n_cols + 1, 0);
    for (std::size_t j = 0; j < x_.n_cols; ++j) col_ptr_[j + 1] = col_ptr_[j] + per_col[j];
    col_row_.resize(x_.nnz());
    col_val_.resize(x_.nnz());
    std::vector<std::size_t> next(col_ptr_.begin(), col_ptr_.end() - 1);
    std::size_t part = 1;
    for (std::size_t i = 0; i < x_.rows(); ++i) {  // rows in order: ascending within each column
      for (; part + 1 < row_split_.size() && row_split_[part] == i; ++part) part_ptr_.push_back(next);
      for (std::size_t t = x_.ptr[i]; t < x_.ptr[i + 1]; ++t) {
        const std::size_t at = next[static_cast<std::size_t>(x_.idx[t])]++;
        col_row_[at] = static_cast<std::int32_t>(i);
        col_val_[at] = x_.val[t];
      }
    }
    for (; part + 1 < row_split_.size(); ++part) part_ptr_.push_back(next);  // parts of no rows at the end
    scores_.resize(x_.rows() * k_);
  }
}

const std::size_t* SoftmaxLoss::part_begin(std::size_t part) const {
  if (part == 0) return col_ptr_.data();
  if (part + 1 == row_split_.size()) return col_ptr_.data() + 1;  // the end of the last part
  return part_ptr_[part - 1].data();
}

double SoftmaxLoss::evaluate(const Eigen::VectorXd& w, Eigen::VectorXd& grad) {
  const std::size_t n = x_.rows(), k = k_, f = x_.n_cols;
  const double* wp = w.data();
  w_float_.resize(static_cast<std::size_t>(w.size()));
  parallel_for(w_float_.size(), threads_, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) w_float_[i] = static_cast<float>(wp[i]);
  });
  // Forward pass: each row writes only its own slots.
  auto finish_row = [&](std::size_t i, const double* p) {  // loss and residual of a labelled row
    double* r = residual_.data() + i * k;
    const std::size_t yi = static_cast<std::size_t>(y_[i]);
    row_loss_[i] = -s_[i] * std::log(std::max(p[yi], 1e-300));
    for (std::size_t c = 0; c < k; ++c) r[c] = s_[i] * (p[c] - (c == yi ? 1.0 : 0.0));
  };
  auto skip_row = [&](std::size_t i) {
    std::fill(residual_.data() + i * k, residual_.data() + (i + 1) * k, 0.0);
    row_loss_[i] = 0.0;
  };
  if (!col_ptr_.empty()) {
    const float* bias = w_float_.data() + f * k;
    parallel_slices(row_split_.size() - 1, threads_, [&](std::size_t, std::size_t pb, std::size_t pe) {
      std::vector<double> p(k);
      for (std::size_t part = pb; part < pe; ++part) {
        const std::size_t rb = row_split_[part], re = row_split_[part + 1];
        for (std::size_t i = rb; i < re; ++i) std::copy(bias, bias + k, scores_.data() + i * k);
        with_class_count(k, [&](auto K) {
          add_column_scores<K()>(col_row_, col_val_, part_begin(part), part_begin(part + 1), f, w_float_.data(), k,
                                 scores_.data());
        });
        for (std::size_t i = rb; i < re; ++i) {
          if (y_[i] < 0) {
            skip_row(i);
            continue;
          }
          softmax_of(scores_.data() + i * k, k, p.data());
          finish_row(i, p.data());
        }
      }
    });
  } else {
    parallel_for(n, threads_, [&](std::size_t b, std::size_t e) {
      std::vector<double> p(k);
      for (std::size_t i = b; i < e; ++i) {
        if (y_[i] < 0) {
          skip_row(i);
          continue;
        }
        softmax_probabilities(x_, w_float_.data(), k, i, p.data());
        finish_row(i, p.data());
      }
    });
  }
  double loss = 0.0;
  for (double l : row_loss_) loss += l;  // fixed order: deterministic
  // Gradient: each thread owns a column range and adds row contributions
  // in row order, so every column's sum has the same order whatever the
  // thread count (deterministic).
  double* g = grad.data();
  parallel_slices(col_split_.size() - 1, threads_, [&](std::size_t, std::size_t pb, std::size_t pe) {
    for (std::size_t part = pb; part < pe; ++part) {
      const std::size_t lo = col_split_[part], hi = col_split_[part + 1];
      for (std::size_t j = lo * k; j < hi * k; ++j) g[j] = reg_ * wp[j];
      with_class_count(k, [&](auto K) {
        if (!col_ptr_.empty()) {
          add_column_gradients<K()>(col_ptr_, col_row_, col_val_, k, lo, hi, residual_.data(), g);
          return;
        }
        for (std::size_t i = 0; i < n; ++i)
          if (y_[i] >= 0) add_row_gradient<K()>(x_, k, i, lo, hi, residual_.data() + i * k, g);
      });
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
