// A document as the model sees it: weighted feature columns.
#pragma once
#include <cstdint>
#include <vector>

namespace rasid {

struct SparseRow {
  std::vector<std::int32_t> cols;
  std::vector<float> vals;
  void clear() {
    cols.clear();
    vals.clear();
  }
  std::size_t size() const { return cols.size(); }
};

}  // namespace rasid
