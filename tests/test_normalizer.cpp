// The normaliser against its specification, docs/normalization.md: the table
// there is parsed and every row is checked code point by code point, then
// whole-string behaviour (spacing, composition, idempotence) and agreement of
// the table path with ICU.
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "features/normalizer.h"
#include "io/utf8.h"

using rasid::Normalizer;
using rasid::NormalizerOptions;

namespace {

std::string u8(std::u32string_view cps) {
  std::string out;
  for (char32_t c : cps) rasid::utf8::append(out, c);
  return out;
}

std::string hex(const std::string& s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X ", static_cast<unsigned>(rasid::utf8::decode(s, i)));
    out += buf;
  }
  return out.empty() ? "(empty)" : out;
}

// ---- parsing the specification table ----

struct Spec {
  enum Kind { Same, Removed, Default, Seq } kind = Seq;
  std::vector<std::pair<char32_t, char32_t>> items;  // single code points (a == b) or ranges
};

char32_t parse_cp(const std::string& tok) {
  REQUIRE(tok.size() > 2);
  REQUIRE(tok.compare(0, 2, "U+") == 0);
  return static_cast<char32_t>(std::stoul(tok.substr(2), nullptr, 16));
}

std::pair<char32_t, char32_t> parse_item(const std::string& tok) {
  std::size_t dots = tok.find("..");
  if (dots == std::string::npos) {
    char32_t c = parse_cp(tok);
    return {c, c};
  }
  auto r = std::make_pair(parse_cp(tok.substr(0, dots)), parse_cp(tok.substr(dots + 2)));
  REQUIRE(r.first <= r.second);
  return r;
}

std::string strip(const std::string& cell) {
  std::string s;
  for (char c : cell)
    if (c != '`') s.push_back(c);
  std::size_t a = s.find_first_not_of(' '), b = s.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

Spec parse_spec(const std::string& cell) {
  Spec spec;
  std::string s = strip(cell);
  if (s == "same") spec.kind = Spec::Same;
  else if (s == "removed") spec.kind = Spec::Removed;
  else if (s == "=") spec.kind = Spec::Default;
  else {
    std::istringstream in(s);
    std::string tok;
    while (in >> tok) spec.items.push_back(parse_item(tok));
    REQUIRE_FALSE(spec.items.empty());
  }
  return spec;
}

struct Row {
  std::string text;  // the table line, for messages
  std::pair<char32_t, char32_t> input;
  Spec result, teh, hamza;
};

std::vector<Row> read_spec_table() {
  std::ifstream in(std::string(RASID_SOURCE_DIR) + "/docs/normalization.md");
  REQUIRE(in.good());
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 5, "| `U+") != 0) continue;
    std::vector<std::string> cells;
    std::size_t start = 1;
    while (true) {
      std::size_t bar = line.find('|', start);
      if (bar == std::string::npos) break;
      cells.push_back(line.substr(start, bar - start));
      start = bar + 1;
    }
    INFO(line);
    REQUIRE(cells.size() == 6);
    Row r;
    r.text = line;
    r.input = parse_item(strip(cells[0]));
    r.result = parse_spec(cells[3]);
    r.teh = parse_spec(cells[4]);
    r.hamza = parse_spec(cells[5]);
    REQUIRE(r.result.kind != Spec::Default);
    rows.push_back(r);
  }
  return rows;
}

// Expected UTF-8 result for code point number `k` of the row's input range.
std::string expected(const Spec& spec, const Spec& fallback, char32_t cp, char32_t k, char32_t range_len) {
  switch (spec.kind) {
    case Spec::Default: return expected(fallback, fallback, cp, k, range_len);
    case Spec::Same: return u8(std::u32string(1, cp));
    case Spec::Removed: return {};
    case Spec::Seq: break;
  }
  if (spec.items.size() == 1 && spec.items[0].first != spec.items[0].second) {
    const auto& r = spec.items[0];
    REQUIRE(r.second - r.first + 1 == range_len);  // element-wise range
    return u8(std::u32string(1, static_cast<char32_t>(r.first + k)));
  }
  std::u32string out;
  for (const auto& it : spec.items) {
    REQUIRE(it.first == it.second);
    out.push_back(it.first);
  }
  return u8(out);
}

// ICU's NFKC_Casefold of the whole string, then the table rules applied to
// each resulting character, then spaces collapsed and trimmed.
std::string reference(const Normalizer& n, const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCCasefoldInstance(status);
  REQUIRE(U_SUCCESS(status));
  icu::UnicodeString folded = nfkc->normalize(icu::UnicodeString::fromUTF8(s), status);
  REQUIRE(U_SUCCESS(status));
  std::string f;
  folded.toUTF8String(f);
  std::string mapped;
  for (std::size_t i = 0; i < f.size();) mapped += n.map_code_point(rasid::utf8::decode(f, i));
  std::string out;
  for (char c : mapped) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

const Normalizer& plain() { return Normalizer::get({}); }

}  // namespace

TEST_CASE("normalizer: every row of the specification table holds, in every option setting", "[normalizer]") {
  const std::vector<Row> rows = read_spec_table();
  REQUIRE(rows.size() >= 100);

  const Normalizer& none = Normalizer::get({false, false});
  const Normalizer& teh = Normalizer::get({true, false});
  const Normalizer& hamza = Normalizer::get({false, true});
  const Normalizer& both = Normalizer::get({true, true});

  std::set<char32_t> covered;
  std::size_t checked = 0;
  for (const Row& r : rows) {
    const char32_t len = r.input.second - r.input.first + 1;
    for (char32_t k = 0; k < len; ++k) {
      const char32_t cp = r.input.first + k;
      covered.insert(cp);
      const std::string want = expected(r.result, r.result, cp, k, len);
      const std::string want_teh = expected(r.teh, r.result, cp, k, len);
      const std::string want_hamza = expected(r.hamza, r.result, cp, k, len);
      // At most one option changes any row, so with both on, that one applies.
      REQUIRE((r.teh.kind == Spec::Default || r.hamza.kind == Spec::Default));
      const std::string want_both = r.teh.kind != Spec::Default ? want_teh : want_hamza;
      char label[32];
      std::snprintf(label, sizeof label, "code point U+%04X", static_cast<unsigned>(cp));
      INFO(label << " in row: " << r.text);
      CHECK(hex(none.map_code_point(cp)) == hex(want));
      CHECK(hex(teh.map_code_point(cp)) == hex(want_teh));
      CHECK(hex(hamza.map_code_point(cp)) == hex(want_hamza));
      CHECK(hex(both.map_code_point(cp)) == hex(want_both));
      ++checked;
    }
  }
  CHECK(checked > 300);

  // The rows the specification must not lose.
  const std::vector<char32_t> required = {
      0x064B, 0x064C, 0x064D, 0x064E, 0x064F, 0x0650, 0x0651, 0x0652, 0x0670, 0x0640,  // marks, tatweel
      0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673, 0x0675,                          // alef variants
      0x0649, 0x06CC, 0x06A9, 0x0629, 0x0624, 0x0626, 0x0621,                          // letters, options
      0x0660, 0x0665, 0x0669, 0x06F0, 0x06F5, 0x06F9,                                  // digits
      0xFEFB, 0xFE8D, 0xFEF7,                                                          // presentation forms
      0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x2066, 0x2067, 0x2068, 0x2069,  // invisible
      0x00A0, 0x0009, 0x000A, 0x000D,                                                  // spaces
      0x0041, 0x005A, 0xFF21, 0xFF41,                                                  // Latin, fullwidth
      0x060C, 0x061B, 0x061F, 0x00AB, 0x00BB, 0x201C, 0x201D, 0x2013, 0x2014};
  for (char32_t cp : required) {
    INFO("U+" << std::hex << static_cast<unsigned>(cp) << " has no row in docs/normalization.md");
    CHECK(covered.count(cp) == 1);
  }
}

TEST_CASE("normalizer: a few rows spelled out, independent of the document", "[normalizer]") {
  const Normalizer& n = plain();
  CHECK(n.map_code_point(0x064E).empty());                 // fatha
  CHECK(n.map_code_point(0x0640).empty());                 // tatweel
  CHECK(n.map_code_point(0x0623) == "\u0627");             // أ → ا
  CHECK(n.map_code_point(0x0649) == "\u064A");             // ى → ي
  CHECK(n.map_code_point(0x06CC) == "\u064A");             // ی → ي
  CHECK(n.map_code_point(0x06A9) == "\u0643");             // ک → ك
  CHECK(n.map_code_point(0x0663) == "3");
  CHECK(n.map_code_point(0x06F7) == "7");
  CHECK(n.map_code_point(0xFEFB) == "\u0644\u0627");       // ﻻ → لا
  CHECK(n.map_code_point(0x200D).empty());                 // ZWJ
  CHECK(n.map_code_point(0x00A0) == " ");
  CHECK(n.map_code_point('Q') == "q");
  CHECK(n.map_code_point(0xFF31) == "q");                  // fullwidth Q
  CHECK(n.map_code_point(0x0629) == "\u0629");
  CHECK(Normalizer::get({true, false}).map_code_point(0x0629) == "\u0647");
  CHECK(n.map_code_point(0x0624) == "\u0624");
  CHECK(Normalizer::get({false, true}).map_code_point(0x0624) == "\u0648");
  CHECK(Normalizer::get({false, true}).map_code_point(0x0621).empty());
}

TEST_CASE("normalizer: options are independent and instances are shared", "[normalizer]") {
  const std::string text = "\u0645\u062F\u0631\u0633\u0629 \u0645\u0633\u0624\u0648\u0644 \u0634\u0627\u0637\u0626 \u0633\u0645\u0627\u0621";
  // مدرسة مسؤول شاطئ سماء
  CHECK(Normalizer::get({false, false}).normalize(text) == text);
  CHECK(Normalizer::get({true, false}).normalize(text) ==
        "\u0645\u062F\u0631\u0633\u0647 \u0645\u0633\u0624\u0648\u0644 \u0634\u0627\u0637\u0626 \u0633\u0645\u0627\u0621");
  CHECK(Normalizer::get({false, true}).normalize(text) ==
        "\u0645\u062F\u0631\u0633\u0629 \u0645\u0633\u0648\u0648\u0644 \u0634\u0627\u0637\u064A \u0633\u0645\u0627");
  CHECK(Normalizer::get({true, true}).normalize(text) ==
        "\u0645\u062F\u0631\u0633\u0647 \u0645\u0633\u0648\u0648\u0644 \u0634\u0627\u0637\u064A \u0633\u0645\u0627");
  CHECK(&Normalizer::get({true, false}) == &Normalizer::get({true, false}));
  CHECK(&Normalizer::get({true, false}) != &Normalizer::get({false, true}));
  // A private instance behaves like the shared one.
  Normalizer own(NormalizerOptions{false, true});
  CHECK(own.normalize(text) == Normalizer::get({false, true}).normalize(text));
}

TEST_CASE("normalizer: white space collapses to single spaces and is trimmed", "[normalizer]") {
  const Normalizer& n = plain();
  CHECK(n.normalize("") == "");
  CHECK(n.normalize("   \t\n ") == "");
  CHECK(n.normalize("  a \t\n b  ") == "a b");
  CHECK(n.normalize("a\r\nb") == "a b");
  CHECK(n.normalize("a\u00A0\u00A0b") == "a b");           // NBSP
  CHECK(n.normalize("a\u2003\u3000b\u2028") == "a b");     // em space, ideographic space, line separator
  CHECK(n.normalize("\u200Fa\u200B \u200Cb\u200E") == "a b");  // invisible characters vanish without a trace
  CHECK(n.normalize("a \u200D b") == "a b");               // space, ZWJ, space: still one space
  CHECK(n.normalize("\u0640\u064E") == "");                // only removable marks
  CHECK(n.normalize("x\u0001\u0002y") == "x y");           // controls are spaces
}

TEST_CASE("normalizer: whole Arabic strings", "[normalizer]") {
  const Normalizer& n = plain();
  // كَتَبَ الطّالِبُ → كتب الطالب
  CHECK(n.normalize("\u0643\u064E\u062A\u064E\u0628\u064E \u0627\u0644\u0637\u0651\u0627\u0644\u0650\u0628\u064F") ==
        "\u0643\u062A\u0628 \u0627\u0644\u0637\u0627\u0644\u0628");
  // كـــتاب (tatweel) → كتاب
  CHECK(n.normalize("\u0643\u0640\u0640\u0640\u062A\u0627\u0628") == "\u0643\u062A\u0627\u0628");
  // «إلى» أحمد، ٢٠٢٤؟ → "الي" احمد, 2024?
  CHECK(n.normalize("\u00AB\u0625\u0644\u0649\u00BB \u0623\u062D\u0645\u062F\u060C \u0662\u0660\u0662\u0664\u061F") ==
        "\"\u0627\u0644\u064A\" \u0627\u062D\u0645\u062F, 2024?");
  // Persian letters: کتاب یک → كتاب يك
  CHECK(n.normalize("\u06A9\u062A\u0627\u0628 \u06CC\u06A9") == "\u0643\u062A\u0627\u0628 \u064A\u0643");
  // Presentation forms are unfolded: ﻻ ﺍ → لا ا
  CHECK(n.normalize("\uFEFB \uFE8D") == "\u0644\u0627 \u0627");
  // Latin and fullwidth fold to lower case.
  CHECK(n.normalize("Hello ＷＯＲＬＤ") == "hello world");
}

TEST_CASE("normalizer: decomposed sequences compose exactly like precomposed ones", "[normalizer]") {
  const Normalizer& n = plain();
  const Normalizer& fh = Normalizer::get({false, true});
  // alef + hamza above == أ → ا ; alef + hamza below == إ ; alef + madda == آ
  CHECK(n.normalize("\u0627\u0654") == n.normalize("\u0623"));
  CHECK(n.normalize("\u0627\u0654") == "\u0627");
  CHECK(n.normalize("\u0627\u0655") == "\u0627");
  CHECK(n.normalize("\u0627\u0653") == "\u0627");
  // waw + hamza above must become ؤ (kept by default), not waw with the mark dropped.
  CHECK(n.normalize("\u0648\u0654") == "\u0624");
  CHECK(n.normalize("\u0648\u0654") == n.normalize("\u0624"));
  CHECK(fh.normalize("\u0648\u0654") == "\u0648");
  // yeh + hamza above → ئ
  CHECK(n.normalize("\u064A\u0654") == "\u0626");
  CHECK(fh.normalize("\u064A\u0654") == "\u064A");
  // A harakah between letter and hamza does not block composition (lower combining class).
  CHECK(n.normalize("\u0645\u0633\u0648\u064E\u0654\u0648\u0644") == "\u0645\u0633\u0624\u0648\u0644");
  // Inside a longer document that otherwise takes the table path.
  CHECK(n.normalize("\u0633\u0627\u0644 \u0648\u0654 \u0661") == "\u0633\u0627\u0644 \u0624 1");
  // Latin: e + combining acute == é
  CHECK(n.normalize("Cafe\u0301") == n.normalize("Caf\u00E9"));
  CHECK(n.normalize("Cafe\u0301") == "caf\u00E9");
}

TEST_CASE("normalizer: the table path agrees with ICU's NFKC_Casefold of the whole string", "[normalizer]") {
  const std::vector<std::string> samples = {
      "e\u0301",                               // Latin composition
      "A\u030A\u0301",                         // two marks on one letter
      "\u0627\u0654\u064E\u0644",              // alef + hamza above + fatha
      "\u0648\u064E\u0654",                    // harakah before the composing mark
      "\u064A\u0655",                          // yeh + hamza below: no composite exists
      "\u1112\u1161\u11AB",                    // Hangul conjoining jamo → 한
      "\u3131\u314F",                          // compatibility jamo that compose under NFKC
      "\u0645\u0640\u0651\u0627 \u00A0\uFEFB\u0653 x\u0301",
      "\u0391\u0301\u03A3 \u0130",             // Greek, dotted capital I
      "\u0623\u0647\u0644\u0627\u064B \u0628\u0643\u0645",  // no composing mark: table path only
      "\u201C\u0627\u0644\u0646\u0635\u201D \u2014 \u0662\u0663",
  };
  for (NormalizerOptions o : {NormalizerOptions{false, false}, NormalizerOptions{true, true}}) {
    const Normalizer& n = Normalizer::get(o);
    for (const std::string& s : samples) {
      INFO("input " << hex(s) << " options " << o.fold_teh_marbuta << o.fold_hamza);
      CHECK(hex(n.normalize(s)) == hex(reference(n, s)));
    }
  }
  // The reference is not trivially the same as the per-code-point table: a
  // mark is composed, not dropped.
  CHECK(reference(plain(), "\u0648\u0654") == "\u0624");
  CHECK(plain().normalize("\u3131\u314F") == "\uAC00");  // 가
}

TEST_CASE("normalizer: normalising twice changes nothing", "[normalizer]") {
  const std::vector<std::string> samples = {
      "",
      "   ",
      "Hello, World! ١٢٣",
      "\u0625\u0650\u0646\u0651\u064E \u0627\u0644\u0644\u0651\u064E\u0647\u064E \u0645\u064E\u0639\u064E \u0627\u0644\u0635\u0651\u064E\u0627\u0628\u0650\u0631\u0650\u064A\u0646\u064E",
      "\uFDF2 \uFEFB\uFEF7 \uFE8D\uFE93 \uFE80\uFE85\uFE89",
      "\u0627\u0654\u0648\u0654\u064A\u0654 \u0675\u0676\u0678",
      "\u200F\u202B\u0645\u0631\u062D\u0628\u0627\u202C\u200F \u2066x\u2069",
      "ﬁ ß Å ＡＢＣ ２０ ½ ㎏ …",
      "\u06F1\u06F2\u06F3 \u066B \u066A \u06D4 \u2212",
      "e\u0301\u0327 \u1112\u1161\u11AB \U0001D400 \U0001F600\u200D\U0001F600",
      "\u0643\u0640\u0640\u062A\u0627\u0628\u0629 \u0645\u0633\u0624\u0648\u0644\u0629",
      "tab\there\nnew\u2028line\u00A0nbsp",
  };
  for (NormalizerOptions o : {NormalizerOptions{false, false}, NormalizerOptions{true, false},
                              NormalizerOptions{false, true}, NormalizerOptions{true, true}}) {
    const Normalizer& n = Normalizer::get(o);
    for (const std::string& s : samples) {
      const std::string once = n.normalize(s);
      INFO("input " << hex(s) << " once " << hex(once));
      CHECK(rasid::utf8::is_valid(once));
      CHECK(n.normalize(once) == once);
      CHECK(once.find("  ") == std::string::npos);
      if (!once.empty()) {
        CHECK(once.front() != ' ');
        CHECK(once.back() != ' ');
      }
    }
  }
}

TEST_CASE("normalizer: normalize(in, out) appends to out", "[normalizer]") {
  std::string out = "prefix:";
  plain().normalize("  A  B  ", out);
  CHECK(out == "prefix:a b");
  std::string empty_result = "keep";
  plain().normalize(" \u200B ", empty_result);
  CHECK(empty_result == "keep");
}
