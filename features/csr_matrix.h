// Compressed sparse rows: a batch of documents as model input.
#pragma once
#include <cstdint>
#include <cstddef>
#include <vector>

namespace rasid {

struct CsrMatrix {
  std::size_t n_cols = 0;
  std::vector<std::size_t> ptr{0};  // row r spans [ptr[r], ptr[r+1])
  std::vector<std::int32_t> idx;
  std::vector<float> val;

  std::size_t rows() const { return ptr.size() - 1; }
  std::size_t nnz() const { return idx.size(); }
};

}  // namespace rasid
