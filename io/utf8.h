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

constexpr std::size_t kMaxBytes = 4;  // of one code point

// Writes the UTF-8 encoding of cp (1 to kMaxBytes bytes) at p and returns the end
// of what it wrote. Inline: the normaliser calls it for every character it
// keeps.
inline char* write(char* p, char32_t cp) {
  if (cp < 0x80) {
    *p++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *p++ = static_cast<char>(0xC0 | (cp >> 6));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *p++ = static_cast<char>(0xE0 | (cp >> 12));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *p++ = static_cast<char>(0xF0 | (cp >> 18));
    *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *p++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return p;
}

// Appends the UTF-8 encoding of cp.
inline void append(std::string& out, char32_t cp) {
  char buf[kMaxBytes];
  out.append(buf, static_cast<std::size_t>(write(buf, cp) - buf));
}

// Whether valid `s` is empty or only Unicode White_Space (the characters the
// normaliser turns into spaces, such as U+00A0 and U+3000; not the invisible
// format characters it deletes).
bool is_white_space(std::string_view s);

// Copy of `s` with every invalid sequence replaced by U+FFFD, for echoing
// untrusted text (ids, error context) into valid output.
std::string sanitize(std::string_view s);

}  // namespace rasid::utf8
