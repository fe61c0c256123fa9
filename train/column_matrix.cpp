#include "train/column_matrix.h"

#include <algorithm>

#include "train/class_count.h"

namespace rasid {

namespace {

template <std::size_t K>
void scores_by_column(std::size_t n_cols, const std::size_t* begin, const std::size_t* end,
                      const std::int32_t* row, const float* val, const float* w, std::size_t k, float* s) {
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

template <std::size_t K>
void gradients_by_column(std::size_t lo, std::size_t hi, const std::size_t* ptr, const std::int32_t* row,
                         const float* val, const double* r, std::size_t k, double* g) {
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

}  // namespace

ColumnMatrix::ColumnMatrix(const CsrMatrix& x, std::size_t parts) : n_cols_(x.n_cols) {
  parts = std::max<std::size_t>(1, parts);
  row_split_.assign(1, 0);
  for (std::size_t i = 0; i < x.rows() && row_split_.size() < parts; ++i)
    if (x.ptr[i + 1] * parts >= x.nnz() * row_split_.size()) row_split_.push_back(i + 1);
  row_split_.push_back(x.rows());

  col_ptr_.assign(n_cols_ + 1, 0);
  for (std::int32_t j : x.idx) ++col_ptr_[static_cast<std::size_t>(j) + 1];
  for (std::size_t j = 0; j < n_cols_; ++j) col_ptr_[j + 1] += col_ptr_[j];
  row_.resize(x.nnz());
  val_.resize(x.nnz());
  std::vector<std::size_t> next(col_ptr_.begin(), col_ptr_.end() - 1);
  std::size_t part = 1;
  for (std::size_t i = 0; i < x.rows(); ++i) {  // rows in order: ascending within each column
    for (; part + 1 < row_split_.size() && row_split_[part] == i; ++part) inner_begin_.push_back(next);
    for (std::size_t t = x.ptr[i]; t < x.ptr[i + 1]; ++t) {
      const std::size_t at = next[static_cast<std::size_t>(x.idx[t])]++;
      row_[at] = static_cast<std::int32_t>(i);
      val_[at] = x.val[t];
    }
  }
  for (; part + 1 < row_split_.size(); ++part) inner_begin_.push_back(next);  // parts of no rows at the end
}

const std::size_t* ColumnMatrix::entry_begin(std::size_t part) const {
  if (part == 0) return col_ptr_.data();
  if (part == parts()) return col_ptr_.data() + 1;  // the end of the last part
  return inner_begin_[part - 1].data();
}

void ColumnMatrix::add_scores(std::size_t part, const float* w, std::size_t k, float* s) const {
  with_class_count(k, [&](auto K) {
    scores_by_column<K()>(n_cols_, entry_begin(part), entry_begin(part + 1), row_.data(), val_.data(), w, k,
                          s);
  });
}

void ColumnMatrix::add_gradients(std::size_t lo, std::size_t hi, const double* r, std::size_t k, double* g) const {
  with_class_count(k, [&](auto K) {
    gradients_by_column<K()>(lo, hi, col_ptr_.data(), row_.data(), val_.data(), r, k, g);
  });
}

}  // namespace rasid
