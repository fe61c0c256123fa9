#include "features/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <mutex>
#include <stdexcept>

#include "io/utf8.h"

namespace rasid {

namespace {

const icu::Normalizer2& nfkc_casefold() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || n == nullptr) throw std::runtime_error("ICU NFKC_Casefold data is unavailable");
  return *n;
}

std::u32string icu_normalize_code_point(char32_t cp) {
  // Most code points are inert (their own normal form, whatever surrounds
  // them): answering those without building ICU strings makes the table
  // (built at every start) several times faster.
  if (nfkc_casefold().isInert(static_cast<UChar32>(cp))) return std::u32string(1, cp);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s(static_cast<UChar32>(cp));
  icu::UnicodeString folded = nfkc_casefold().normalize(s, status);
  std::u32string out;
  if (U_FAILURE(status)) return std::u32string(1, cp);
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

// Arabic marks removed everywhere: harakat, Quranic annotation signs,
// superscript alef, tatweel.
bool is_arabic_mark(char32_t c) {
  return (c >= 0x0610 && c <= 0x061A) || (c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
         (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) || (c >= 0x06EA && c <= 0x06ED) ||
         (c >= 0x08D3 && c <= 0x08FF && c != 0x08E2) || c == 0x0640;
}

// Marks that compose with a preceding Arabic letter under NFC (madda, hamza
// above and below): their presence sends a document through ICU first.
bool is_arabic_composing_mark(char32_t c) { return c >= 0x0653 && c <= 0x0655; }

// Invisible formatting and bidirectional controls.
bool is_invisible(char32_t c) {
  return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x180E || (c >= 0x200B && c <= 0x200F) ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x2064) || (c >= 0x2066 && c <= 0x2069) ||
         c == 0xFEFF;
}

}  // namespace

Normalizer::Normalizer(NormalizerOptions options) : options_(options), table_(0x10000) {
  for (char32_t cp = 0; cp < 0x10000; ++cp) table_[cp] = entry_for(cp, pool_);
}

const Normalizer& Normalizer::get(NormalizerOptions options) {
  static std::array<std::once_flag, 4> once;
  static std::array<const Normalizer*, 4> instances{};
  std::size_t slot = (options.fold_teh_marbuta ? 1 : 0) | (options.fold_hamza ? 2 : 0);
  std::call_once(once[slot], [&] { instances[slot] = new Normalizer(options); });
  return *instances[slot];
}

void Normalizer::apply_rules(std::u32string_view in, std::u32string& out) const {
  for (char32_t c : in) {
    if (is_arabic_mark(c) || is_invisible(c)) continue;
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || u_isUWhiteSpace(static_cast<UChar32>(c))) {
      out.push_back(U' ');
      continue;
    }
    switch (c) {
      case 0x0622: case 0x0623: case 0x0625: case 0x0671: case 0x0672: case 0x0673:
        out.push_back(0x0627);  // alef variants → bare alef
        continue;
      case 0x0649: case 0x06CC: case 0x06D0: case 0x06D2: case 0x06D3:
        out.push_back(0x064A);  // alef maqsura and Persian/Urdu yeh → Arabic yeh
        continue;
      case 0x06A9: case 0x06AA:
        out.push_back(0x0643);  // keheh, swash kaf → kaf
        continue;
      case 0x06BE: case 0x06C0: case 0x06C1: case 0x06D5:
        out.push_back(0x0647);  // Persian/Urdu heh forms → heh
        continue;
      case 0x060C: case 0x066C: out.push_back(U','); continue;
      case 0x061B: out.push_back(U';'); continue;
      case 0x061F: out.push_back(U'?'); continue;
      case 0x066A: out.push_back(U'%'); continue;
      case 0x066B: case 0x06D4: out.push_back(U'.'); continue;
      case 0x00AB: case 0x00BB: case 0x201C: case 0x201D: case 0x201E: case 0x201F:
        out.push_back(U'"');  // guillemets and curly double quotes
        continue;
      case 0x2018: case 0x2019: case 0x201A: case 0x201B: out.push_back(U'\''); continue;
      case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212:
        out.push_back(U'-');
        continue;
      default: break;
    }
    if (c >= 0x0660 && c <= 0x0669) {
      out.push_back(U'0' + (c - 0x0660));
      continue;
    }
    if (c >= 0x06F0 && c <= 0x06F9) {
      out.push_back(U'0' + (c - 0x06F0));
      continue;
    }
    if (options_.fold_teh_marbuta && c == 0x0629) {
      out.push_back(0x0647);
      continue;
    }
    if (options_.fold_hamza) {
      if (c == 0x0624) {
        out.push_back(0x0648);
        continue;
      }
      if (c == 0x0626) {
        out.push_back(0x064A);
        continue;
      }
      if (c == 0x0621 || c == 0x0674) continue;
    }
    out.push_back(c);
  }
}

std::uint32_t Normalizer::entry_for(char32_t cp, std::vector<char32_t>& pool) const {
  std::u32string mapped;
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    mapped.push_back(cp);  // unreachable from valid UTF-8; keep the table total
  } else {
    apply_rules(icu_normalize_code_point(cp), mapped);
  }
  std::uint32_t e;
  if (mapped.empty()) {
    e = kDelete << kKindShift;
  } else if (mapped.size() == 1) {
    e = (kMap << kKindShift) | static_cast<std::uint32_t>(mapped[0]);
  } else {
    e = (kExpand << kKindShift) | static_cast<std::uint32_t>(pool.size());
    pool.push_back(static_cast<char32_t>(mapped.size()));
    pool.insert(pool.end(), mapped.begin(), mapped.end());
  }
  bool composes = !nfkc_casefold().hasBoundaryBefore(static_cast<UChar32>(cp));
  if (composes && (!is_arabic_mark(cp) || is_arabic_composing_mark(cp))) e |= kComposes;
  return e;
}

std::string Normalizer::map_code_point(char32_t cp) const {
  std::u32string mapped;
  apply_rules(icu_normalize_code_point(cp), mapped);
  std::string out;
  for (char32_t c : mapped) utf8::append(out, c);
  return out;
}

inline std::uint32_t Normalizer::lookup(char32_t cp, std::vector<char32_t>& scratch, const char32_t*& pool) const {
  if (cp < 0x10000) {
    pool = pool_.data();
    return table_[cp];
  }
  // Outside the BMP (emoji, historic scripts): rare, so computed on demand.
  scratch.clear();
  const std::uint32_t e = entry_for(cp, scratch);
  pool = scratch.data();
  return e;
}

template <bool kStopAtComposing>
bool Normalizer::run_table(std::string_view in, std::string& out) const {
  // Written through a pointer into room made ahead, grown when short:
  // appending byte by byte reloaded the string's size after every byte, as
  // a char store may alias it. Valid text rarely grows, so `in`'s size is
  // usually room enough.
  const std::size_t start = out.size();
  out.resize(start + in.size() + utf8::kMaxBytes);
  char* p = &out[start];
  char* room_end = &out[0] + out.size();
  bool last_space = true;  // drops leading white space
  auto emit = [&](char32_t c) {
    if (room_end - p < static_cast<std::ptrdiff_t>(utf8::kMaxBytes)) {
      const std::size_t used = static_cast<std::size_t>(p - &out[0]);
      out.resize(out.size() * 2);
      p = &out[0] + used;
      room_end = &out[0] + out.size();
    }
    if (c == U' ') {
      if (!last_space) *p++ = ' ';
      last_space = true;
      return;
    }
    p = utf8::write(p, c);
    last_space = false;
  };
  std::vector<char32_t> scratch_pool;
  std::size_t i = 0;
  while (i < in.size()) {
    const bool ascii = static_cast<unsigned char>(in[i]) < 0x80;  // none composes
    const char32_t* pool;
    const std::uint32_t e = lookup(utf8::decode(in, i), scratch_pool, pool);
    if (kStopAtComposing && !ascii && (e & kComposes)) return false;
    switch ((e >> kKindShift) & 3u) {
      case kMap: emit(e & 0xFFFFFFu); break;
      case kDelete: break;
      default: {
        const char32_t* expansion = pool + (e & 0xFFFFFFu);
        for (char32_t k = 1; k <= expansion[0]; ++k) emit(expansion[k]);
      }
    }
  }
  out.resize(static_cast<std::size_t>(p - &out[0]));
  if (out.size() > start && out.back() == ' ') out.pop_back();
  return true;
}

void Normalizer::normalize(std::string_view in, std::string& out) const {
  // Composition is the one rule a per-code-point table cannot express; it is
  // rare in news text, so only documents that need it pay for ICU, and the
  // others are not scanned for it in a pass of their own.
  const std::size_t start = out.size();
  if (run_table<true>(in, out)) return;
  out.resize(start);  // undo the partial output
  // Drop what the rules delete (harakat, tatweel, invisible controls) before
  // composing, except the marks that compose themselves: left in place, a
  // deleted character blocks a composition ("e", tatweel, U+0301) that a
  // second normalisation would then make, and normalisation must be a fixed
  // point. Deleting first is what the rules ask for anyway.
  std::string kept;
  kept.reserve(in.size());
  std::vector<char32_t> scratch_pool;
  for (std::size_t i = 0; i < in.size();) {
    const std::size_t begin = i;
    const char32_t* pool;
    const std::uint32_t e = lookup(utf8::decode(in, i), scratch_pool, pool);
    if (((e >> kKindShift) & 3u) == kDelete && (e & kComposes) == 0) continue;
    kept.append(in.data() + begin, i - begin);
  }
  in = kept;
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(in.data(), static_cast<int32_t>(in.size())));
  icu::UnicodeString folded = nfkc_casefold().normalize(s, status);
  std::string composed;
  if (U_FAILURE(status)) {
    composed.assign(in);
  } else {
    folded.toUTF8String(composed);
  }
  run_table<false>(composed, out);
}

}  // namespace rasid
