// A sparse matrix in column-major order (rows ascending within each
// column), for the solver's passes over small and mid-sized data: scores
// x W and the gradient X^T R then walk the F x K parameters in order and
// scatter only into per-row arrays (scores, residuals) small enough to stay
// in cache, instead of gathering from and scattering into the parameters
// row by row. Every row's columns are still added in ascending order, as a
// row-wise pass adds them, so the sums are identical either way.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "features/csr_matrix.h"

namespace rasid {

class ColumnMatrix {
 public:
  // Above this many non-zeros the copy is not made (it costs 8 bytes per
  // non-zero): large data sets keep the lower peak memory of row passes.
  static constexpr std::size_t kMaxNnz = std::size_t{1} << 24;
  static bool worth_building(const CsrMatrix& x) { return x.nnz() <= kMaxNnz; }

  // The rows are split into `parts` ranges of about equal non-zeros (one
  // per thread) for add_scores().
  ColumnMatrix(const CsrMatrix& x, std::size_t parts);

  std::size_t parts() const { return row_split_.size() - 1; }
  std::size_t part_begin_row(std::size_t part) const { return row_split_[part]; }
  std::size_t part_end_row(std::size_t part) const { return row_split_[part + 1]; }

  // s_i += x_i W for the rows of `part`; W is n_cols x k (row-major), s is
  // rows x k.
  void add_scores(std::size_t part, const float* w, std::size_t k, float* s) const;

  // g_j += sum over rows of x[row, j] * r_row for columns [lo, hi); g is
  // n_cols x k, r is rows x k.
  void add_gradients(std::size_t lo, std::size_t hi, const double* r, std::size_t k, double* g) const;

 private:
  // Entries of `part` in column j: [entry_begin(part)[j], entry_begin(part + 1)[j]).
  const std::size_t* entry_begin(std::size_t part) const;

  std::size_t n_cols_ = 0;
  std::vector<std::size_t> col_ptr_;
  std::vector<std::int32_t> row_;
  std::vector<float> val_;
  std::vector<std::size_t> row_split_;
  std::vector<std::vector<std::size_t>> inner_begin_;  // entry_begin of parts 1 .. parts()-1
};

}  // namespace rasid
