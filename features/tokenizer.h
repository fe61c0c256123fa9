// Splits normalised text into tokens: maximal runs of word characters
// (letters, marks, digits) and single symbols (punctuation, emoji).
#pragma once
#include <string_view>
#include <vector>

namespace rasid {

struct Token {
  std::string_view text;
  bool is_word;
};

// Appends the tokens of `normalized` (output of Normalizer) to `out`.
void tokenize(std::string_view normalized, std::vector<Token>& out);

bool is_word_char(char32_t cp);

}  // namespace rasid
