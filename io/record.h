// One input row, as read from JSONL, CSV, TSV or plain text: named fields
// holding text. Readers produce it; nothing downstream knows the file format.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rasid {

struct Record {
  std::size_t line = 0;  // 1-based line where the row starts in its file
  std::vector<std::pair<std::string, std::string>> fields;

  // Value of `name`, or nullptr when absent (a JSON null counts as absent).
  const std::string* get(std::string_view name) const {
    for (auto it = fields.rbegin(); it != fields.rend(); ++it)
      if (it->first == name) return &it->second;
    return nullptr;
  }
  void clear() {
    line = 0;
    fields.clear();
  }
};

}  // namespace rasid
