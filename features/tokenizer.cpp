#include "features/tokenizer.h"

#include <unicode/uchar.h>

#include <vector>

#include "io/utf8.h"

namespace rasid {

namespace {
// Word-character bitmap for the BMP, computed once from ICU properties.
const std::vector<bool>& bmp_word_chars() {
  static const std::vector<bool> table = [] {
    std::vector<bool> t(0x10000);
    for (UChar32 c = 0; c < 0x10000; ++c) {
      int8_t type = u_charType(c);
      t[c] = u_isalnum(c) || type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK ||
             type == U_ENCLOSING_MARK;
    }
    return t;
  }();
  return table;
}
}  // namespace

bool is_word_char(char32_t cp) {
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp < 0x10000) return bmp_word_chars()[cp];
  return u_isalnum(static_cast<UChar32>(cp));
}

void tokenize(std::string_view s, std::vector<Token>& out) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    if (s[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t start = i;
    char32_t cp = utf8::decode(s, i);
    if (!is_word_char(cp)) {
      out.push_back({s.substr(start, i - start), false});
      continue;
    }
    std::size_t end = i;
    while (end < n) {
      std::size_t next = end;
      if (!is_word_char(utf8::decode(s, next))) break;
      end = next;
    }
    i = end;
    out.push_back({s.substr(start, end - start), true});
  }
}

}  // namespace rasid
