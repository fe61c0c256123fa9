// Fuzz target: normalisation, tokenisation and feature extraction. The
// input (made valid UTF-8 with utf8::sanitize when it is not) is normalised
// with every option combination, and its features are extracted and traced
// in single and pair mode under one of eight n-gram settings (spanning the
// four normaliser option combinations). Checked invariants:
//  - sanitize yields valid UTF-8 and leaves valid input unchanged;
//  - normalize output is valid UTF-8, has no leading, trailing or double
//    spaces, is a fixed point (normalize(normalize(x)) == normalize(x)),
//    and appending to a non-empty string appends exactly the same text;
//  - tokens are non-empty, space-free and cover the non-space text;
//  - every bucket is below 2^bucket_bits, counted buckets are distinct and
//    positive, extraction is deterministic, and trace() reports exactly the
//    features extract() counts.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "features/extractor.h"
#include "features/normalizer.h"
#include "features/tokenizer.h"
#include "fuzz_check.h"
#include "io/utf8.h"

using namespace rasid;

namespace {

constexpr int kConfigs = 8;

// A spread of n-gram settings; config k uses normaliser options k % 4.
FeatureConfig config_for(int k, bool pair) {
  FeatureConfig c;
  c.normalizer.fold_teh_marbuta = (k & 1) != 0;
  c.normalizer.fold_hamza = (k & 2) != 0;
  c.char_min = 1 + k % 3;
  c.char_max = k == 7 ? 0 : std::min(12, c.char_min + k);
  c.word_ngrams = k == 0 ? 0 : 1 + k % 4;
  c.bucket_bits = 10 + 2 * k;
  c.min_df = 1;
  c.pair = pair;
  return c;
}

FeatureExtractor& extractor(int k, bool pair) {
  static std::unique_ptr<FeatureExtractor> all[kConfigs][2];
  auto& e = all[k][pair ? 1 : 0];
  if (!e) e = std::make_unique<FeatureExtractor>(config_for(k, pair));
  return *e;
}

void check_normalized(const Normalizer& norm, std::string_view text, std::string& out) {
  out = norm.normalize(text);
  FUZZ_CHECK(utf8::is_valid(out));
  if (!out.empty()) {
    FUZZ_CHECK(out.front() != ' ');
    FUZZ_CHECK(out.back() != ' ');
  }
  FUZZ_CHECK(out.find("  ") == std::string::npos);
  // Fixed point: normalised text normalises to itself.
  FUZZ_CHECK(norm.normalize(out) == out);
  // The appending overload appends the same text, whatever precedes it.
  std::string prefixed = "x ";
  norm.normalize(text, prefixed);
  FUZZ_CHECK(prefixed.compare(0, 2, "x ") == 0 && std::string_view(prefixed).substr(2) == out);
}

void check_tokens(std::string_view normalized) {
  std::vector<Token> tokens;
  tokenize(normalized, tokens);
  std::size_t covered = 0, non_space = 0;
  const char* prev_end = normalized.data();
  for (const Token& t : tokens) {
    FUZZ_CHECK(!t.text.empty());
    FUZZ_CHECK(t.text.data() >= prev_end);  // in order, never overlapping
    FUZZ_CHECK(t.text.data() + t.text.size() <= normalized.data() + normalized.size());
    FUZZ_CHECK(t.text.find(' ') == std::string_view::npos);
    FUZZ_CHECK(utf8::is_valid(t.text));
    prev_end = t.text.data() + t.text.size();
    covered += t.text.size();
  }
  for (char c : normalized) non_space += c != ' ';
  FUZZ_CHECK(covered == non_space);
}

void check_features(int k, bool pair, std::string_view text, std::string_view claim) {
  FeatureExtractor& ex = extractor(k, pair);
  const std::uint32_t mask = ex.config().bucket_mask();
  DocFeatures f;
  ex.extract(text, claim, f);

  std::map<std::uint32_t, float> counts;
  for (const auto& [b, c] : f.counts) {
    FUZZ_CHECK(b <= mask);
    FUZZ_CHECK(c >= 1.0f);
    FUZZ_CHECK(counts.emplace(b, c).second);  // each bucket counted once
  }
  FUZZ_CHECK(pair || f.extras.empty());
  FUZZ_CHECK(f.extras.size() <= 18);
  for (const auto& [b, v] : f.extras) {
    FUZZ_CHECK(b <= mask);
    FUZZ_CHECK(v == 1.0f);
  }

  // trace() must see the same features: overlap indicators as extras, every
  // other name as one occurrence of a counted bucket.
  std::map<std::uint32_t, float> traced;
  std::size_t traced_extras = 0;
  ex.trace(text, claim, [&](std::uint32_t bucket, const std::string& name) {
    FUZZ_CHECK(bucket <= mask);
    FUZZ_CHECK(!name.empty());
    FUZZ_CHECK(utf8::is_valid(name));
    if (name.compare(0, 8, "overlap:") == 0) {
      ++traced_extras;
    } else {
      traced[bucket] += 1.0f;
    }
  });
  FUZZ_CHECK(traced_extras == f.extras.size());
  FUZZ_CHECK(traced == counts);

  // The extractor's scratch state is reset between documents: extracting
  // another document and then this one again gives identical features.
  DocFeatures other, again;
  ex.extract(claim, text, other);
  ex.extract(text, claim, again);
  FUZZ_CHECK(again.counts == f.counts);
  FUZZ_CHECK(again.extras == f.extras);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  std::string clean = utf8::sanitize(raw);
  FUZZ_CHECK(utf8::is_valid(clean));
  if (utf8::is_valid(raw)) FUZZ_CHECK(clean == raw);
  std::string_view input = clean;

  // Pair mode: claim and text separated by the first 0x1F (unit separator);
  // without one the document is its own claim.
  std::string_view text = input, claim = input;
  std::size_t sep = input.find('\x1f');
  if (sep != std::string_view::npos) {
    claim = input.substr(0, sep);
    text = input.substr(sep + 1);
  }

  std::string normalized;
  for (int o = 0; o < 4; ++o) {
    NormalizerOptions opt;
    opt.fold_teh_marbuta = (o & 1) != 0;
    opt.fold_hamza = (o & 2) != 0;
    const Normalizer& norm = Normalizer::get(opt);
    check_normalized(norm, input, normalized);
    check_tokens(normalized);
  }
  // One n-gram setting per input (all of them would make each run eight
  // times slower); the input length picks it, so mutations visit them all.
  const int k = static_cast<int>(size % kConfigs);
  check_features(k, false, input, {});
  check_features(k, true, text, claim);
  return 0;
}
