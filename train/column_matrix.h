// Documents as the solver sees them: a sparse matrix in column-major order
// within each row part (rows ascending within each column; the parts'
// entries one part after another). Scores x W and the gradient X^T R
// then walk the F x K parameters in order and touch per-row data at random
// only in arrays small enough to stay in cache (scores are added to,
// residuals read), instead of gathering from and scattering into the
// parameters row by row. Each row's columns are still added in ascending
// order, so a score is the same sum, in the same order, as a row-wise pass
// would make.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/uninit_vector.h"
#include "features/csr_matrix.h"
#include "features/extractor.h"
#include "features/sparse_row.h"
#include "features/vocabulary.h"

namespace rasid {

class ColumnMatrix {
 public:
  // The rows are split into up to `parts` ranges of about equal non-zeros
  // (one per thread) for add_scores(); parts() says how many there are.
  // Each part keeps a start offset per column (8 bytes x columns).
  //
  // The forward pass (add_scores) over columns pays a fixed cost per column
  // and part (most columns of a small part hold a few entries, and the end
  // of each column's loop is a mispredicted branch); over rows it gathers
  // from W instead, which is fast while W stays in cache. So a small matrix
  // with few columns also keeps a row-major copy (twice the memory of a
  // small matrix) when `row_copy` asks for it and the matrix has at most
  // kRowCopyMaxEntries entries; add_scores then uses it where
  // rows_pay(cols(), k).
  ColumnMatrix(const CsrMatrix& x, std::size_t parts, int threads = 1, bool row_copy = false);
  ColumnMatrix() : row_split_(2, 0), part_ptr_(1, std::vector<std::size_t>(1, 0)), part_cols_(1) {}  // empty

  // The tf-idf rows of `docs`, consuming them as it goes: no row-major copy
  // of the whole matrix is ever made, so peak memory stays at about one
  // copy of the data.
  static ColumnMatrix from_documents(std::vector<DocFeatures>&& docs, const Vocabulary& vocab, bool sublinear_tf,
                                     std::size_t parts, int threads, bool row_copy = false);

  static constexpr std::size_t kRowCopyMaxEntries = std::size_t{1} << 23;
  // Whether scoring k classes row by row beats walking columns: W (a row
  // of row_stride(k) floats per column) must stay in cache, and k fit one
  // vector of lanes. Measured on 2 threads: ans_stance (71k columns, 3
  // classes) 0.09 -> 0.06 s of forward passes per training; asnd (105k
  // columns, 12 classes, so run-time k and a 5 MB W) 30% slower by rows.
  static constexpr bool rows_pay(std::size_t cols, std::size_t k) {
    return k <= 8 && cols * row_stride(k) <= (std::size_t{1} << 20);
  }

  std::size_t rows() const { return row_split_.back(); }
  std::size_t cols() const { return n_cols_; }
  std::size_t nnz() const { return row_.size(); }
  // Non-zeros in columns [0, j).
  std::size_t entries_before(std::size_t j) const;
  // The first row with a non-zero in column j, or rows() when there is none.
  std::size_t first_row(std::size_t j) const;

  std::size_t parts() const { return row_split_.size() - 1; }
  std::size_t part_begin_row(std::size_t part) const { return row_split_[part]; }
  std::size_t part_end_row(std::size_t part) const { return row_split_[part + 1]; }

  // Values per row of the per-row arrays (scores, residuals): k rounded up
  // to 2, 4 or 8 (k itself above 8), so one row's values are one vector
  // add per non-zero instead of k scalar ones. Padding slots of scores
  // stay 0 when they start at 0; those of residuals must be 0.
  static constexpr std::size_t row_stride(std::size_t k) { return k <= 2 ? 2 : k <= 4 ? 4 : k <= 8 ? 8 : k; }

  // s_i += x_i W for the rows of `part`; W is n_cols x k (row-major), s is
  // rows x row_stride(k). In single precision, as a saved model scores.
  // Either walks the part's columns or, when the matrix keeps a row-major
  // copy and rows_pay, its rows: the same sums in the same order (columns
  // ascending).
  void add_scores(std::size_t part, const float* w, std::size_t k, float* s) const;
  bool has_row_copy() const { return !row_ptr_.empty(); }

  // g_j += sum over rows of x[row, j] * r_row for columns [lo, hi); g is
  // n_cols x k, r is rows x row_stride(k).
  void add_gradients(std::size_t lo, std::size_t hi, const double* r, std::size_t k, double* g) const;

 private:
  // Row parts of about equal cost, given each row's cumulative cost.
  void split_rows(const std::vector<std::size_t>& row_end, std::size_t parts);
  // Fills the matrix from rows given one at a time: row_of(i, row, filling)
  // makes row i (in any column order), twice: once to count entries per
  // column and part (filling false: only row.cols is read), once to place
  // them (filling true). `row_cost` (about each row's entry count) only
  // balances the parts.
  template <class RowOf>
  void build(std::vector<std::size_t> row_cost, std::size_t parts, int threads, RowOf&& row_of);
  // Fills row_ptr_/row_col_/row_val_ from the column-major entries.
  void make_row_copy(int threads);

  std::size_t n_cols_ = 0;
  // The entries' arrays are sized on one thread and filled in full by the
  // part threads: uninitialised until then (common/uninit_vector.h).
  UninitVector<std::int32_t> row_;
  UninitVector<float> val_;
  std::vector<std::size_t> row_split_;
  // Entries are stored part after part, column-major within a part: part
  // q's entries in column j are [part_ptr_[q][j], part_ptr_[q][j + 1]). A
  // thread scoring its part then streams through its own entries only,
  // where parts interleaved column by column would make every thread pull
  // nearly every cache line of the matrix.
  std::vector<std::vector<std::size_t>> part_ptr_;
  // Per part, the columns with entries in it, ascending: the forward pass
  // skips the others (most columns of a small dev set's part are empty, and
  // each column visited costs about as much as several entries).
  std::vector<std::vector<std::int32_t>> part_cols_;
  // The optional row-major copy: row i's entries, columns ascending, are
  // [row_ptr_[i], row_ptr_[i + 1]) of row_col_ / row_val_ (empty: no copy).
  std::vector<std::size_t> row_ptr_;
  UninitVector<std::int32_t> row_col_;
  UninitVector<float> row_val_;
};

}  // namespace rasid
