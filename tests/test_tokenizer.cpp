// The tokenizer (features/tokenizer.h): maximal runs of word characters and
// single-symbol tokens.
#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

#include "features/normalizer.h"
#include "features/tokenizer.h"

using rasid::Token;

namespace {

// (text, is_word) of each token.
std::vector<std::pair<std::string, bool>> toks(const std::string& s) {
  std::vector<Token> out;
  rasid::tokenize(s, out);
  std::vector<std::pair<std::string, bool>> r;
  for (const Token& t : out) {
    // Tokens are views into the input.
    CHECK(t.text.data() >= s.data());
    CHECK(t.text.data() + t.text.size() <= s.data() + s.size());
    r.emplace_back(std::string(t.text), t.is_word);
  }
  return r;
}

using V = std::vector<std::pair<std::string, bool>>;
constexpr bool W = true, S = false;

}  // namespace

TEST_CASE("tokenizer: words and single-symbol tokens", "[tokenizer]") {
  CHECK(toks("").empty());
  CHECK(toks("   ").empty());
  CHECK(toks("hello world") == V{{"hello", W}, {"world", W}});
  CHECK(toks("hello, world!") == V{{"hello", W}, {",", S}, {"world", W}, {"!", S}});
  CHECK(toks("a...b") == V{{"a", W}, {".", S}, {".", S}, {".", S}, {"b", W}});
  CHECK(toks("(x)-y") == V{{"(", S}, {"x", W}, {")", S}, {"-", S}, {"y", W}});
  CHECK(toks("snake_case") == V{{"snake", W}, {"_", S}, {"case", W}});
  CHECK(toks("\"quoted\"") == V{{"\"", S}, {"quoted", W}, {"\"", S}});
  CHECK(toks("  lead and trail  ") == V{{"lead", W}, {"and", W}, {"trail", W}});
}

TEST_CASE("tokenizer: digits belong to the words they touch", "[tokenizer]") {
  CHECK(toks("abc123 4x 2024") == V{{"abc123", W}, {"4x", W}, {"2024", W}});
  CHECK(toks("3.14") == V{{"3", W}, {".", S}, {"14", W}});
  CHECK(toks("50%") == V{{"50", W}, {"%", S}});
  // Arabic letters and digits, unnormalised, are word characters too.
  CHECK(toks("\u0639\u0627\u0645\u0662\u0660") == V{{"\u0639\u0627\u0645\u0662\u0660", W}});
}

TEST_CASE("tokenizer: emoji and other symbols are one token each", "[tokenizer]") {
  CHECK(toks("x\U0001F600y") == V{{"x", W}, {"\U0001F600", S}, {"y", W}});
  CHECK(toks("\U0001F600\U0001F44D") == V{{"\U0001F600", S}, {"\U0001F44D", S}});
  CHECK(toks("\u00AB\u20AC\u00BB") == V{{"\u00AB", S}, {"\u20AC", S}, {"\u00BB", S}});
  // Supplementary letters and digits are word characters.
  CHECK(toks("\U0001D7CE\U00020000") == V{{"\U0001D7CE\U00020000", W}});  // mathematical digit zero, CJK ext B
}

TEST_CASE("tokenizer: Arabic text with punctuation, after normalisation", "[tokenizer]") {
  const auto& n = rasid::Normalizer::get({});
  // مرحبًا، يا عالم! هل أنت بخير؟
  const std::string norm = n.normalize(
      "\u0645\u0631\u062D\u0628\u064B\u0627\u060C \u064A\u0627 \u0639\u0627\u0644\u0645! "
      "\u0647\u0644 \u0623\u0646\u062A \u0628\u062E\u064A\u0631\u061F");
  CHECK(toks(norm) == V{{"\u0645\u0631\u062D\u0628\u0627", W}, {",", S}, {"\u064A\u0627", W},
                        {"\u0639\u0627\u0644\u0645", W}, {"!", S}, {"\u0647\u0644", W},
                        {"\u0627\u0646\u062A", W}, {"\u0628\u062E\u064A\u0631", W}, {"?", S}});
  // Combining marks stay inside their word when text is not normalised.
  CHECK(toks("\u0643\u064E\u062A\u064E\u0628\u064E.") == V{{"\u0643\u064E\u062A\u064E\u0628\u064E", W}, {".", S}});
}

TEST_CASE("tokenizer: is_word_char and appending to an existing vector", "[tokenizer]") {
  CHECK(rasid::is_word_char(U'a'));
  CHECK(rasid::is_word_char(U'Z'));
  CHECK(rasid::is_word_char(U'7'));
  CHECK_FALSE(rasid::is_word_char(U'_'));
  CHECK_FALSE(rasid::is_word_char(U' '));
  CHECK_FALSE(rasid::is_word_char(U'-'));
  CHECK(rasid::is_word_char(0x0639));   // ع
  CHECK(rasid::is_word_char(0x0660));   // ٠
  CHECK(rasid::is_word_char(0x064E));   // fatha (a mark)
  CHECK(rasid::is_word_char(0x00E9));   // é
  CHECK_FALSE(rasid::is_word_char(0x060C));  // Arabic comma
  CHECK_FALSE(rasid::is_word_char(0x1F600));
  CHECK(rasid::is_word_char(0x1D400));

  std::vector<Token> out;
  rasid::tokenize("one", out);
  rasid::tokenize("two !", out);
  REQUIRE(out.size() == 3);
  CHECK(out[0].text == "one");
  CHECK(out[1].text == "two");
  CHECK(out[2].text == "!");
  CHECK_FALSE(out[2].is_word);
}
