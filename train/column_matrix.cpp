#include "train/column_matrix.h"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "common/parallel.h"
#include "train/class_count.h"
#include "train/vector_lanes.h"

namespace rasid {

namespace {

// Walks only the columns listed in `cols` (those with entries in the part);
// the part's entries of column j are [ptr[j], ptr[j + 1]).
template <std::size_t K>
void scores_by_column(const std::vector<std::int32_t>& cols, const std::size_t* ptr, const std::int32_t* row,
                      const float* val, const float* w, std::size_t k, float* s) {
  if constexpr (K > 0) {
    constexpr std::size_t S = ColumnMatrix::row_stride(K);
    // One row's scores padded to a whole vector (train/vector_lanes.h).
    using Lanes = FloatLanes<S>;
    for (const std::int32_t col : cols) {
      const auto j = static_cast<std::size_t>(col);
      Lanes wl = {};  // padding lanes add 0
      for (std::size_t c = 0; c < K; ++c) wl[c] = w[j * K + c];
      for (std::size_t t = ptr[j], te = ptr[j + 1]; t < te; ++t) {
        float* si = s + static_cast<std::size_t>(row[t]) * S;
        store_lanes(si, load_lanes<Lanes>(si) + val[t] * wl);
      }
    }
  } else {
    for (const std::int32_t col : cols) {
      const auto j = static_cast<std::size_t>(col);
      const float* wj = w + j * k;
      for (std::size_t t = ptr[j], te = ptr[j + 1]; t < te; ++t) {
        float* si = s + static_cast<std::size_t>(row[t]) * k;
        for (std::size_t c = 0; c < k; ++c) si[c] += val[t] * wj[c];
      }
    }
  }
}

// The same sums as scores_by_column, row by row: each row's entries are
// in ascending column order, so its score adds the same products in the
// same order. W is read K floats per entry, a whole vector of lanes at a
// time where the row after column j's is still W's (the last column's
// lanes are read one by one, as W may end there).
template <std::size_t K>
void scores_by_row(std::size_t rb, std::size_t re, const std::size_t* ptr, const std::int32_t* col, const float* val,
                   const float* w, std::size_t n_cols, float* s) {
  static_assert(K > 0);
  constexpr std::size_t S = ColumnMatrix::row_stride(K);
  using Lanes = FloatLanes<S>;
  const auto last = static_cast<std::int32_t>(n_cols) - 1;
  for (std::size_t i = rb; i < re; ++i) {
    float* si = s + i * S;
    Lanes acc = load_lanes<Lanes>(si);
    for (std::size_t t = ptr[i], te = ptr[i + 1]; t < te; ++t) {
      const float* wj = w + static_cast<std::size_t>(col[t]) * K;
      Lanes wl = {};
      if (col[t] != last) {
        wl = load_first_lanes<Lanes, K>(wj);
      } else {
        for (std::size_t c = 0; c < K; ++c) wl[c] = wj[c];
      }
      acc += val[t] * wl;
    }
    store_lanes(si, acc);
  }
}

// Column j's entries are those of each part in turn (rows ascending):
// [ptr[j], ptr[j + 1]) for each part's offsets `ptr` in `part_ptr`.
template <std::size_t K>
void gradients_by_column(std::size_t lo, std::size_t hi, const std::vector<std::vector<std::size_t>>& part_ptr,
                         const std::int32_t* row, const float* val, const double* r, std::size_t k, double* g) {
  if constexpr (K > 0) {
    constexpr std::size_t S = ColumnMatrix::row_stride(K), H = S / 2;
    for (std::size_t j = lo; j < hi; ++j) {
      double* gj = g + j * K;
      Double2 acc[H] = {};  // in registers: gj may alias r as far as the compiler knows
      for (std::size_t c = 0; c < K; ++c) acc[c / 2][c % 2] = gj[c];
      for (const std::vector<std::size_t>& ptr : part_ptr)
        for (std::size_t t = ptr[j], te = ptr[j + 1]; t < te; ++t) {
          const double v = val[t];
          const double* rr = r + static_cast<std::size_t>(row[t]) * S;
          for (std::size_t h = 0; h < H; ++h) acc[h] += v * load_lanes<Double2>(rr + 2 * h);
        }
      for (std::size_t c = 0; c < K; ++c) gj[c] = acc[c / 2][c % 2];
    }
  } else {
    for (std::size_t j = lo; j < hi; ++j) {
      double* gj = g + j * k;
      for (const std::vector<std::size_t>& ptr : part_ptr)
        for (std::size_t t = ptr[j], te = ptr[j + 1]; t < te; ++t) {
          const double v = val[t];
          const double* rr = r + static_cast<std::size_t>(row[t]) * k;
          for (std::size_t c = 0; c < k; ++c) gj[c] += v * rr[c];
        }
    }
  }
}

}  // namespace

void ColumnMatrix::split_rows(const std::vector<std::size_t>& row_end, std::size_t parts) {
  parts = std::max<std::size_t>(1, parts);
  const std::size_t nnz = row_end.empty() ? 0 : row_end.back();
  row_split_.assign(1, 0);
  for (std::size_t i = 0; i < row_end.size() && row_split_.size() < parts; ++i)
    if (row_end[i] * parts >= nnz * row_split_.size()) row_split_.push_back(i + 1);
  row_split_.push_back(row_end.size());
}

template <class RowOf>
void ColumnMatrix::build(std::vector<std::size_t> row_end, std::size_t parts, int threads, RowOf&& row_of) {
  const std::size_t n = row_end.size(), f = n_cols_;
  for (std::size_t i = 1; i < n; ++i) row_end[i] += row_end[i - 1];
  split_rows(row_end, parts);
  // Entries are stored part by part, column-major within a part: count them
  // per part and column first (rows are made twice, once to count and once
  // to fill, so that no row-major copy of the whole matrix ever exists).
  const std::size_t p = this->parts();
  part_ptr_.assign(p, {});
  parallel_slices(p, threads, [&](std::size_t, std::size_t pb, std::size_t pe) {
    SparseRow row;
    for (std::size_t q = pb; q < pe; ++q) {
      std::vector<std::size_t>& count = part_ptr_[q];  // becomes the part's offsets below
      count.assign(f + 1, 0);
      for (std::size_t i = row_split_[q]; i < row_split_[q + 1]; ++i) {
        row_of(i, row, false);
        for (std::int32_t c : row.cols) ++count[static_cast<std::size_t>(c) + 1];
      }
    }
  });
  part_cols_.assign(p, {});
  std::size_t nnz = 0;
  for (std::size_t q = 0; q < p; ++q) {
    std::vector<std::size_t>& ptr = part_ptr_[q];
    ptr[0] = nnz;
    for (std::size_t j = 0; j < f; ++j) {
      if (ptr[j + 1] > 0) part_cols_[q].push_back(static_cast<std::int32_t>(j));
      ptr[j + 1] += ptr[j];
    }
    nnz = ptr[f];
  }
  row_.resize(nnz);
  val_.resize(nnz);
  // The fill writes where the counts say: a row made differently the second
  // time would misplace entries, so every slot is checked to be in its
  // part's range and, at the end, each part's columns exactly full.
  const auto disagree = [] { return std::logic_error("ColumnMatrix: a row's columns differ between its two passes"); };
  parallel_slices(p, threads, [&](std::size_t, std::size_t pb, std::size_t pe) {
    SparseRow row;
    for (std::size_t q = pb; q < pe; ++q) {
      const std::vector<std::size_t>& ptr = part_ptr_[q];
      std::vector<std::size_t> next(ptr.begin(), ptr.end() - 1);
      for (std::size_t i = row_split_[q]; i < row_split_[q + 1]; ++i) {
        row_of(i, row, true);
        for (std::size_t t = 0; t < row.size(); ++t) {
          const std::size_t at = next[static_cast<std::size_t>(row.cols[t])]++;
          if (at >= ptr[f]) throw disagree();
          row_[at] = static_cast<std::int32_t>(i);
          val_[at] = row.vals[t];
        }
      }
      if (!std::equal(next.begin(), next.end(), ptr.begin() + 1)) throw disagree();
    }
  });
}

void ColumnMatrix::make_row_copy(int threads) {
  const std::size_t n = rows(), f = n_cols_;
  row_ptr_.assign(n + 1, 0);
  row_col_.resize(nnz());
  row_val_.resize(nnz());
  // Each part's rows take the same offsets as its column-major entries
  // (part q's start at ptr[0]; it writes row_ptr_[i + 1] for its rows i
  // only, so parts never share a slot); its columns are walked in
  // ascending order, so every row receives its entries columns ascending.
  parallel_slices(parts(), threads, [&](std::size_t, std::size_t pb, std::size_t pe) {
    for (std::size_t q = pb; q < pe; ++q) {
      const std::vector<std::size_t>& ptr = part_ptr_[q];
      const std::size_t rb = row_split_[q], re = row_split_[q + 1];
      std::vector<std::size_t> next(re - rb, 0);  // entries per row, then where each row's next one goes
      for (std::size_t t = ptr[0]; t < ptr[f]; ++t) ++next[static_cast<std::size_t>(row_[t]) - rb];
      std::size_t end = ptr[0];
      for (std::size_t i = rb; i < re; ++i) {
        const std::size_t begin = end;
        end += next[i - rb];
        next[i - rb] = begin;
        row_ptr_[i + 1] = end;
      }
      for (const std::int32_t j : part_cols_[q])
        for (std::size_t t = ptr[static_cast<std::size_t>(j)]; t < ptr[static_cast<std::size_t>(j) + 1]; ++t) {
          const std::size_t at = next[static_cast<std::size_t>(row_[t]) - rb]++;
          row_col_[at] = j;
          row_val_[at] = val_[t];
        }
    }
  });
}

ColumnMatrix::ColumnMatrix(const CsrMatrix& x, std::size_t parts, int threads, bool row_copy)
    : n_cols_(x.n_cols) {
  std::vector<std::size_t> row_size(x.rows());
  for (std::size_t i = 0; i < x.rows(); ++i) row_size[i] = x.ptr[i + 1] - x.ptr[i];
  build(std::move(row_size), parts, threads, [&](std::size_t i, SparseRow& row, bool) {
    const auto b = static_cast<std::ptrdiff_t>(x.ptr[i]), e = static_cast<std::ptrdiff_t>(x.ptr[i + 1]);
    row.cols.assign(x.idx.begin() + b, x.idx.begin() + e);
    row.vals.assign(x.val.begin() + b, x.val.begin() + e);
  });
  if (row_copy && nnz() <= kRowCopyMaxEntries) make_row_copy(threads);
}

ColumnMatrix ColumnMatrix::from_documents(std::vector<DocFeatures>&& docs, const Vocabulary& vocab,
                                          bool sublinear_tf, std::size_t parts, int threads, bool row_copy) {
  ColumnMatrix m;
  m.n_cols_ = vocab.size();
  // Parts are balanced on the entries before the vocabulary filters them.
  std::vector<std::size_t> row_cost(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) row_cost[i] = docs[i].counts.size() + docs[i].extras.size();
  m.build(std::move(row_cost), parts, threads, [&](std::size_t i, SparseRow& row, bool filling) {
    if (!filling) {  // columns only; the fill pass then reads them without a lookup
      DocFeatures& doc = docs[i];
      vocab.to_columns(doc);
      row.cols.clear();
      for (const auto& entry : doc.counts) row.cols.push_back(static_cast<std::int32_t>(entry.first));
      for (const auto& entry : doc.extras) row.cols.push_back(static_cast<std::int32_t>(entry.first));
      return;
    }
    vocab.transform(docs[i], sublinear_tf, row);
    docs[i] = DocFeatures();  // consumed: its memory goes back now
  });
  docs.clear();
  docs.shrink_to_fit();
  if (row_copy && m.nnz() <= kRowCopyMaxEntries) m.make_row_copy(threads);
  return m;
}

std::size_t ColumnMatrix::entries_before(std::size_t j) const {
  std::size_t n = 0;
  for (const std::vector<std::size_t>& ptr : part_ptr_) n += ptr[j] - ptr[0];
  return n;
}

std::size_t ColumnMatrix::first_row(std::size_t j) const {
  for (const std::vector<std::size_t>& ptr : part_ptr_)
    if (ptr[j] < ptr[j + 1]) return static_cast<std::size_t>(row_[ptr[j]]);
  return rows();
}

void ColumnMatrix::add_scores(std::size_t part, const float* w, std::size_t k, float* s) const {
  with_class_count(k, [&](auto K) {
    if constexpr (K() > 0) {  // rows_pay holds only for class counts of one vector
      if (has_row_copy() && rows_pay(n_cols_, k)) {
        scores_by_row<K()>(row_split_[part], row_split_[part + 1], row_ptr_.data(), row_col_.data(),
                           row_val_.data(), w, n_cols_, s);
        return;
      }
    }
    scores_by_column<K()>(part_cols_[part], part_ptr_[part].data(), row_.data(), val_.data(), w, k, s);
  });
}

void ColumnMatrix::add_gradients(std::size_t lo, std::size_t hi, const double* r, std::size_t k, double* g) const {
  with_class_count(k, [&](auto K) { gradients_by_column<K()>(lo, hi, part_ptr_, row_.data(), val_.data(), r, k, g); });
}

}  // namespace rasid
