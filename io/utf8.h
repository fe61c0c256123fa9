// UTF-8 validation and decoding. Everything that enters rasid is validated
// once at the reader; later stages decode without re-checking.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rasid::utf8 {

// Byte offset of the first invalid sequence (overlong forms, surrogates and
// code points above U+10FFFF count as invalid), or npos when `s` is valid.
std::size_t find_invalid(std::string_view s);

inline bool is_valid(std::string_view s) { return find_invalid(s) == std::string_view::npos; }

// Decodes the code point at s[i] of a string already known to be valid and
// advances i past it.
inline char32_t decode(std::string_view s, std::size_t& i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    ++i;
    return c;
  }
  if (c < 0xE0) {
    char32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    i += 2;
    return cp;
  }
  if (c < 0xF0) {
    char32_t cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                  (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    i += 3;
    return cp;
  }
  char32_t cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  i += 4;
  return cp;
}

void append(std::string& out, char32_t cp);

// Whether valid `s` is empty or only Unicode White_Space (the characters the
// normaliser turns into spaces, such as U+00A0 and U+3000; not the invisible
// format characters it deletes).
bool is_white_space(std::string_view s);

// Copy of `s` with every invalid sequence replaced by U+FFFD, for echoing
// untrusted text (ids, error context) into valid output.
std::string sanitize(std::string_view s);

}  // namespace rasid::utf8
