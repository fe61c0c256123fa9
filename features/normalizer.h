// Arabic-aware text normalisation: the rules are data (a per-code-point table
// built once from ICU's NFKC_Casefold plus the Arabic rules written down in
// docs/normalization.md) and the hot path is one table-driven loop.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rasid {

struct NormalizerOptions {
  bool fold_teh_marbuta = false;  // ة → ه
  bool fold_hamza = false;        // ؤ → و, ئ → ي, ء and ٴ dropped

  bool operator==(const NormalizerOptions& o) const {
    return fold_teh_marbuta == o.fold_teh_marbuta && fold_hamza == o.fold_hamza;
  }
};

class Normalizer {
 public:
  // Shared, immutable instance for these options (tables are built once).
  static const Normalizer& get(NormalizerOptions options);

  // Appends the normalised form of `in` (valid UTF-8) to `out`: NFKC case
  // folded, Arabic rules applied, white space collapsed to single spaces,
  // no leading or trailing space.
  void normalize(std::string_view in, std::string& out) const;
  std::string normalize(std::string_view in) const {
    std::string out;
    normalize(in, out);
    return out;
  }

  // The rules applied to one code point, as UTF-8 (empty when it is
  // removed). Exposed so the specification can be tested character by
  // character.
  std::string map_code_point(char32_t cp) const;

  explicit Normalizer(NormalizerOptions options);

 private:
  // Table entry layout: bits 0..23 payload, bits 24..25 kind, bit 31 marks
  // code points that may compose with what precedes them, which sends the
  // whole document through ICU first.
  static constexpr std::uint32_t kKindShift = 24;
  enum Kind : std::uint32_t { kMap = 0, kDelete = 1, kExpand = 2 };
  static constexpr std::uint32_t kComposes = 1u << 31;

  std::uint32_t entry_for(char32_t cp, std::vector<char32_t>& pool) const;
  // Table entry of cp; `pool` is set to where its expansion lives.
  std::uint32_t lookup(char32_t cp, std::vector<char32_t>& scratch, const char32_t*& pool) const;
  void apply_rules(std::u32string_view in, std::u32string& out) const;
  // Appends the table's mapping of `in`. With kStopAtComposing, returns
  // false at the first code point that may compose with what precedes it,
  // leaving `out` partly written (and longer), for the caller to compose
  // first.
  template <bool kStopAtComposing>
  bool run_table(std::string_view in, std::string& out) const;

  NormalizerOptions options_;
  std::vector<std::uint32_t> table_;  // one entry per BMP code point
  std::vector<char32_t> pool_;        // expansions: length, then code points
};

}  // namespace rasid
