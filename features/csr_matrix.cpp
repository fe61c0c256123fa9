#include "features/csr_matrix.h"

namespace rasid {

CsrMatrix CsrMatrix::transpose() const {
  CsrMatrix t;
  t.n_cols = rows();
  std::vector<std::size_t> count(n_cols + 1, 0);
  for (std::int32_t c : idx) ++count[static_cast<std::size_t>(c) + 1];
  for (std::size_t c = 0; c < n_cols; ++c) count[c + 1] += count[c];
  t.ptr = count;
  t.idx.resize(nnz());
  t.val.resize(nnz());
  std::vector<std::size_t> fill(count.begin(), count.end() - 1);
  for (std::size_t r = 0; r < rows(); ++r)
    for (std::size_t k = ptr[r]; k < ptr[r + 1]; ++k) {
      std::size_t at = fill[static_cast<std::size_t>(idx[k])]++;
      t.idx[at] = static_cast<std::int32_t>(r);
      t.val[at] = val[k];
    }
  return t;
}

}  // namespace rasid
