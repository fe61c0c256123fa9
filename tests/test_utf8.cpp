// UTF-8 validation, decoding and sanitising (io/utf8.h).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "io/utf8.h"

using namespace std::string_literals;
namespace utf8 = rasid::utf8;

namespace {
constexpr std::size_t npos = std::string_view::npos;
const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
}  // namespace

TEST_CASE("utf8: valid text of every sequence length", "[utf8]") {
  CHECK(utf8::find_invalid("") == npos);
  CHECK(utf8::find_invalid("plain ASCII, with punctuation! 0123456789") == npos);
  CHECK(utf8::find_invalid("\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645") == npos);  // مرحبا بالعالم
  CHECK(utf8::find_invalid("\xE2\x82\xAC 3") == npos);                   // € (3 bytes)
  CHECK(utf8::find_invalid("\xF0\x9F\x98\x80\xF0\x9F\x91\x8D") == npos);  // 😀👍 (4 bytes)
  CHECK(utf8::find_invalid("\x00\x7F"s) == npos);                        // NUL and DEL are valid
  // Boundary code points.
  CHECK(utf8::is_valid("\xC2\x80"));          // U+0080
  CHECK(utf8::is_valid("\xDF\xBF"));          // U+07FF
  CHECK(utf8::is_valid("\xE0\xA0\x80"));      // U+0800
  CHECK(utf8::is_valid("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  CHECK(utf8::is_valid("\xEE\x80\x80"));      // U+E000, just above them
  CHECK(utf8::is_valid("\xEF\xBF\xBF"));      // U+FFFF
  CHECK(utf8::is_valid("\xF0\x90\x80\x80"));  // U+10000
  CHECK(utf8::is_valid("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST_CASE("utf8: each kind of invalid sequence is found at its exact offset", "[utf8]") {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const std::vector<Case> bad = {
      {"lone continuation 80", "\x80"},
      {"lone continuation BF", "\xBF"},
      {"truncated 2-byte", "\xC3"},
      {"2-byte lead then ASCII", "\xC3" "A"},
      {"truncated 3-byte (1 of 3)", "\xE2"},
      {"truncated 3-byte (2 of 3)", "\xE2\x82"},
      {"truncated 4-byte (1 of 4)", "\xF0"},
      {"truncated 4-byte (2 of 4)", "\xF0\x9F"},
      {"truncated 4-byte (3 of 4)", "\xF0\x9F\x98"},
      {"overlong C0 80", "\xC0\x80"},
      {"overlong C1 BF", "\xC1\xBF"},
      {"overlong E0 80 80", "\xE0\x80\x80"},
      {"overlong E0 9F BF", "\xE0\x9F\xBF"},
      {"overlong F0 80 80 80", "\xF0\x80\x80\x80"},
      {"overlong F0 8F BF BF", "\xF0\x8F\xBF\xBF"},
      {"surrogate ED A0 80 (U+D800)", "\xED\xA0\x80"},
      {"surrogate ED BF BF (U+DFFF)", "\xED\xBF\xBF"},
      {"above U+10FFFF: F4 90 80 80", "\xF4\x90\x80\x80"},
      {"F5", "\xF5\x80\x80\x80"},
      {"F8", "\xF8\x88\x80\x80\x80"},
      {"FC", "\xFC\x84\x80\x80\x80\x80"},
      {"FE", "\xFE"},
      {"FF", "\xFF"},
      {"3-byte lead with a non-continuation", "\xE2\x28\xA1"},
  };
  for (const Case& c : bad) {
    INFO(c.what);
    CHECK(utf8::find_invalid(c.bytes) == 0);
    CHECK_FALSE(utf8::is_valid(c.bytes));
    // After a prefix: the offset is the position of the bad sequence, both
    // right after a short prefix and after a long ASCII run (the 8-byte fast path).
    CHECK(utf8::find_invalid("ab" + c.bytes) == 2);
    CHECK(utf8::find_invalid("\u0639" + c.bytes + "z") == 2);                // after a 2-byte character
    CHECK(utf8::find_invalid(std::string(19, 'x') + c.bytes) == 19);
    CHECK(utf8::find_invalid("\xF0\x9F\x98\x80" + std::string(16, 'y') + c.bytes + "tail") == 20);
  }
  // Every byte F5..FF is invalid on its own.
  for (int b = 0xF5; b <= 0xFF; ++b) {
    std::string s = "ok";
    s.push_back(static_cast<char>(b));
    INFO("byte " << b);
    CHECK(utf8::find_invalid(s) == 2);
  }
  // The first of several errors is reported.
  CHECK(utf8::find_invalid("abc\xC3\xA9\xFF\x80") == 5);
}

TEST_CASE("utf8: decode reads one code point and advances past it", "[utf8]") {
  struct Case {
    std::string bytes;
    char32_t cp;
  };
  const std::vector<Case> cases = {
      {"a", U'a'},
      {"\x7F", 0x7F},
      {"\xC2\x80", 0x80},
      {"\xD8\xB9", 0x0639},  // ع
      {"\xDF\xBF", 0x7FF},
      {"\xE0\xA0\x80", 0x800},
      {"\xE2\x82\xAC", 0x20AC},  // €
      {"\xEF\xBB\xBF", 0xFEFF},
      {"\xEF\xBF\xBF", 0xFFFF},
      {"\xF0\x90\x80\x80", 0x10000},
      {"\xF0\x9F\x98\x80", 0x1F600},  // 😀
      {"\xF4\x8F\xBF\xBF", 0x10FFFF},
  };
  for (const Case& c : cases) {
    INFO("code point " << static_cast<unsigned>(c.cp));
    std::string s = "<" + c.bytes + ">";
    std::size_t i = 1;
    CHECK(utf8::decode(s, i) == c.cp);
    CHECK(i == 1 + c.bytes.size());
    CHECK(s[i] == '>');
    // append is the inverse of decode.
    std::string enc;
    utf8::append(enc, c.cp);
    CHECK(enc == c.bytes);
  }
  // Walking a mixed string yields its code points in order.
  const std::string mixed = "a\u0639\u20AC\U0001F600z";
  std::vector<char32_t> got;
  for (std::size_t i = 0; i < mixed.size();) got.push_back(utf8::decode(mixed, i));
  CHECK(got == std::vector<char32_t>{U'a', 0x0639, 0x20AC, 0x1F600, U'z'});
}

TEST_CASE("utf8: sanitize replaces invalid bytes with U+FFFD and keeps the rest", "[utf8]") {
  // Valid input is returned unchanged.
  const std::string good = "abc \u0645\u0631\u062D\u0628\u0627 \U0001F600";
  CHECK(utf8::sanitize(good) == good);
  CHECK(utf8::sanitize("") == "");

  CHECK(utf8::sanitize("a\x80" "b") == "a" + kReplacement + "b");
  CHECK(utf8::sanitize("\xFF\xFE") == kReplacement + kReplacement);
  CHECK(utf8::sanitize("x\xC0\x80y") == "x" + kReplacement + kReplacement + "y");  // overlong NUL
  CHECK(utf8::sanitize("\xC3" "A") == kReplacement + "A");  // the ASCII after a broken lead survives
  CHECK(utf8::sanitize("\xF4\x90\x80\x80") ==
        kReplacement + kReplacement + kReplacement + kReplacement);  // above U+10FFFF: nothing of it is valid

  // Broken sequences never swallow the valid character that follows them.
  for (const std::string& broken : {"\xE2\x82"s, "\xF0\x9F\x98"s, "\xED\xA0\x80"s, "\xE0\x80\x80"s}) {
    const std::string s = "[" + broken + "\u00E9]";
    const std::string out = utf8::sanitize(s);
    INFO("sanitized: " << out);
    CHECK(utf8::is_valid(out));
    CHECK(out.compare(0, 1 + kReplacement.size(), "[" + kReplacement) == 0);
    CHECK(out.size() >= 2 + kReplacement.size() + 2);
    CHECK(out.compare(out.size() - 3, 3, "\u00E9]") == 0);
    CHECK(out.find(broken) == std::string::npos);
  }
}

TEST_CASE("utf8: white space is Unicode White_Space, not what normalisation deletes", "[utf8]") {
  CHECK(utf8::is_white_space(""));
  CHECK(utf8::is_white_space(" \t\n\r\v\f"));
  CHECK(utf8::is_white_space("\u00A0\u1680\u2003\u2028\u202F\u3000 "));  // no-break, Ogham, em, line sep., ideographic
  CHECK_FALSE(utf8::is_white_space(" a "));
  CHECK_FALSE(utf8::is_white_space("\u200B"));        // zero-width space: a format character
  CHECK_FALSE(utf8::is_white_space("\uFEFF"));        // byte-order mark
  CHECK_FALSE(utf8::is_white_space(" \u0640 "));      // tatweel
  CHECK_FALSE(utf8::is_white_space("\x01"s));         // a control character is not white space
}
