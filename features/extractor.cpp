#include "features/extractor.h"

// Inline XXH3: feature hashing calls it for every n-gram of short strings.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>

#include "features/vocabulary.h"
#include "io/utf8.h"

namespace rasid {

namespace {

// One hash seed per feature family, so that the same string yields
// unrelated buckets as a character n-gram, a word, a claim-side word, ...
enum Family : std::uint64_t {
  kChar = 0x9e3779b97f4a7c15ull,
  kWord = 0xc2b2ae3d27d4eb4full,
  kClaimChar = 0x165667b19e3779f9ull,
  kClaimWord = 0x27d4eb2f165667c5ull,
  kShared = 0x85ebca77c2b2ae63ull,
  kNovel = 0xff51afd7ed558ccdull,
  kOverlap = 0xc4ceb9fe1a85ec53ull,
  kDropped = 0x2545f4914f6cdd1dull,
  kSwap = 0x9fb21c651e98df25ull,
};

constexpr std::size_t kMaxSwapWords = 12;

const char* family_prefix(std::uint64_t family) {
  switch (family) {
    case kClaimChar: case kClaimWord: return "claim:";
    case kShared: return "shared:";
    case kNovel: return "novel:";
    case kDropped: return "dropped:";
    case kSwap: return "swap:";
    default: return "";
  }
}

inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed) {
  return XXH3_64bits_withSeed(s.data(), s.size(), seed);
}

inline std::uint64_t hash_pair(std::uint64_t a, std::uint64_t b, std::uint64_t seed) {
  std::uint64_t buf[2] = {a, b};
  return XXH3_64bits_withSeed(buf, sizeof buf, seed);
}

// Counts feature buckets into DocFeatures; the fast path.
struct CountingEmit {
  DocFeatures& out;
  std::vector<std::uint32_t>& keys;  // slot → entry index + 1, 0 when empty
  std::vector<std::uint32_t>& slot_of_entry;
  std::uint32_t& shift;

  static constexpr bool kCacheable = true;
  static constexpr std::uint32_t kMul = 0x9E3779B1u;

  void rehash(std::size_t capacity_log2) {
    keys.assign(std::size_t{1} << capacity_log2, 0);
    shift = 32 - static_cast<std::uint32_t>(capacity_log2);
    std::uint32_t m = static_cast<std::uint32_t>(keys.size() - 1);
    for (std::uint32_t e = 0; e < out.counts.size(); ++e) {
      std::uint32_t s = (out.counts[e].first * kMul) >> shift;
      while (keys[s]) s = (s + 1) & m;
      keys[s] = e + 1;
      slot_of_entry[e] = s;
    }
  }
  const FeatureExtractor& ex;
  void add_id(std::uint32_t bucket) {
    std::uint32_t m = static_cast<std::uint32_t>(keys.size() - 1);
    std::uint32_t s = (bucket * kMul) >> shift;
    while (std::uint32_t e = keys[s]) {
      if (out.counts[e - 1].first == bucket) {
        out.counts[e - 1].second += 1.0f;
        return;
      }
      s = (s + 1) & m;
    }
    std::uint32_t e = static_cast<std::uint32_t>(out.counts.size());
    out.counts.emplace_back(bucket, 1.0f);
    if (slot_of_entry.size() <= e) slot_of_entry.resize(e + 1);
    keys[s] = e + 1;
    slot_of_entry[e] = s;
    if (out.counts.size() * 2 > keys.size()) rehash(33 - shift);
  }
  void ngram(std::uint64_t hash, std::uint64_t, std::string_view, std::string_view = {}) {
    std::int64_t id = ex.map_id(hash);
    if (id >= 0) add_id(static_cast<std::uint32_t>(id));
  }
  void extra(std::uint64_t hash, const char*, int) {
    std::int64_t id = ex.map_id(hash);
    if (id >= 0) out.extras.emplace_back(static_cast<std::uint32_t>(id), 1.0f);
  }
  void finish() {  // leave the table empty for the next document
    for (std::size_t e = 0; e < out.counts.size(); ++e) keys[slot_of_entry[e]] = 0;
  }
};

// Reports each feature with a readable name; for explanations.
struct TracingEmit {
  const std::function<void(std::uint32_t, const std::string&)>& sink;
  std::uint32_t mask;
  std::string name;
  static constexpr bool kCacheable = false;
  void ngram(std::uint64_t hash, std::uint64_t family, std::string_view a, std::string_view b = {}) {
    name = family_prefix(family);
    bool is_word = family != kChar && family != kClaimChar;
    if (is_word) name += '[';
    name.append(a);
    if (!b.empty()) {
      name += ' ';
      name.append(b);
    }
    if (is_word) name += ']';
    sink(static_cast<std::uint32_t>(hash) & mask, name);
  }
  void extra(std::uint64_t hash, const char* what, int bin) {
    name = std::string("overlap:") + what + ">=0." + std::to_string(bin);
    sink(static_cast<std::uint32_t>(hash) & mask, name);
  }
  void finish() {}
};

double overlap_fraction(const std::vector<std::uint64_t>& of, const std::vector<std::uint64_t>& in) {
  if (of.empty()) return 0.0;
  std::size_t hit = 0;
  for (std::uint64_t h : of) hit += std::binary_search(in.begin(), in.end(), h) ? 1 : 0;
  return static_cast<double>(hit) / static_cast<double>(of.size());
}

void sort_unique(std::vector<std::uint64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

FeatureExtractor::FeatureExtractor(const FeatureConfig& config)
    : config_(config), normalizer_(Normalizer::get(config.normalizer)) {
  config_.validate();
  keys_.assign(1024, 0);
  shift_ = 32 - 10;
}

template <class Fn>
void FeatureExtractor::for_each_char_ngram(std::string_view token, std::uint64_t seed, Fn&& fn) {
  // Word-bounded: n-grams of "<token>", never across words.
  padded_.assign(1, '<');
  padded_.append(token);
  padded_.push_back('>');
  cp_offsets_.clear();
  for (std::size_t i = 0; i < padded_.size();) {
    cp_offsets_.push_back(static_cast<std::uint32_t>(i));
    utf8::decode(padded_, i);
  }
  const std::size_t len = cp_offsets_.size();
  cp_offsets_.push_back(static_cast<std::uint32_t>(padded_.size()));
  const std::size_t minn = static_cast<std::size_t>(config_.char_min), maxn = static_cast<std::size_t>(config_.char_max);
  for (std::size_t i = 0; i < len; ++i) {
    const std::size_t last = std::min(len, i + maxn);
    for (std::size_t j = i + minn; j <= last; ++j) {
      std::string_view g(padded_.data() + cp_offsets_[i], cp_offsets_[j] - cp_offsets_[i]);
      fn(hash_bytes(g, seed), g);
    }
  }
}

std::int64_t FeatureExtractor::map_id(std::uint64_t hash) const {
  const std::uint32_t bucket = static_cast<std::uint32_t>(hash) & config_.bucket_mask();
  return vocabulary_ ? vocabulary_->column(bucket) : static_cast<std::int64_t>(bucket);
}

void FeatureExtractor::use_vocabulary(const Vocabulary* vocabulary) {
  vocabulary_ = vocabulary;
  for (auto& c : cache_) c.clear();
}

const TokenCache::Entry& FeatureExtractor::cached_token(std::string_view token, std::uint64_t char_seed,
                                                        std::uint64_t word_seed) {
  TokenCache& cache = cache_[char_seed == kChar ? 0 : 1];
  const std::uint64_t key = hash_bytes(token, char_seed);
  if (const TokenCache::Entry* hit = cache.find(token, key)) return *hit;
  cache.begin_insert();
  if (config_.char_max > 0)
    for_each_char_ngram(token, char_seed, [&](std::uint64_t h, std::string_view) {
      std::int64_t id = map_id(h);
      if (id >= 0) cache.ids().push_back(static_cast<std::uint32_t>(id));
    });
  return cache.end_insert(token, key, hash_bytes(token, word_seed));
}

template <class Emit>
void FeatureExtractor::visit_tokens(const std::vector<Token>& tokens, std::uint64_t char_seed,
                                    std::uint64_t word_seed, Emit& emit) {
  word_hashes_.clear();
  if constexpr (Emit::kCacheable) {
    for (const Token& t : tokens) {
      const TokenCache::Entry& c = cached_token(t.text, char_seed, word_seed);
      const std::uint32_t* ids = cache_[char_seed == kChar ? 0 : 1].ids().data();
      for (std::uint32_t i = c.begin; i < c.end; ++i) emit.add_id(ids[i]);
      word_hashes_.push_back(c.word_hash);
    }
  } else {
    for (const Token& t : tokens) {
      if (config_.char_max > 0)
        for_each_char_ngram(t.text, char_seed, [&](std::uint64_t h, std::string_view g) { emit.ngram(h, char_seed, g); });
      word_hashes_.push_back(hash_bytes(t.text, word_seed));
    }
  }
  if (config_.word_ngrams > 0) {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      emit.ngram(word_hashes_[i], word_seed, tokens[i].text);
      std::uint64_t h = word_hashes_[i];
      for (int n = 2; n <= config_.word_ngrams && i + n <= tokens.size(); ++n) {
        h = hash_pair(h, word_hashes_[i + n - 1], word_seed + static_cast<std::uint64_t>(n));
        std::string_view before_last = tokens[i + n - 2].text;
        std::string_view head(tokens[i].text.data(), static_cast<std::size_t>(before_last.data() + before_last.size() -
                                                                            tokens[i].text.data()));
        emit.ngram(h, word_seed, head, tokens[i + n - 1].text);
      }
    }
  }
}

template <class Emit>
void FeatureExtractor::visit(std::string_view text, std::string_view claim, Emit& emit) {
  norm_text_.clear();
  text_tokens_.clear();
  normalizer_.normalize(text, norm_text_);
  tokenize(norm_text_, text_tokens_);
  visit_tokens(text_tokens_, kChar, kWord, emit);
  if (!config_.pair) return;

  norm_claim_.clear();
  claim_tokens_.clear();
  normalizer_.normalize(claim, norm_claim_);
  tokenize(norm_claim_, claim_tokens_);
  visit_tokens(claim_tokens_, kClaimChar, kClaimWord, emit);

  // Which text words the claim shares and which are new: the words that
  // change between a claim and its report carry agree/disagree.
  std::vector<std::uint64_t> claim_words, text_words;
  for (const Token& t : claim_tokens_)
    if (t.is_word) claim_words.push_back(hash_bytes(t.text, kWord));
  for (const Token& t : text_tokens_)
    if (t.is_word) text_words.push_back(hash_bytes(t.text, kWord));
  sort_unique(claim_words);
  sort_unique(text_words);
  std::vector<std::string_view> added, dropped;
  for (const Token& t : text_tokens_) {
    if (!t.is_word) continue;
    bool shared = std::binary_search(claim_words.begin(), claim_words.end(), hash_bytes(t.text, kWord));
    std::uint64_t family = shared ? kShared : kNovel;
    emit.ngram(hash_bytes(t.text, family), family, t.text);
    if (!shared) added.push_back(t.text);
  }
  for (const Token& t : claim_tokens_) {
    if (!t.is_word || std::binary_search(text_words.begin(), text_words.end(), hash_bytes(t.text, kWord))) continue;
    emit.ngram(hash_bytes(t.text, kDropped), kDropped, t.text);
    dropped.push_back(t.text);
  }
  // A word replaced by another ("rose" → "fell") is the classic sign of a
  // contradiction; pair what the claim lost with what the text added when
  // both sides are short enough for the pairs to mean something.
  if (added.size() <= kMaxSwapWords && dropped.size() <= kMaxSwapWords)
    for (std::string_view d : dropped)
      for (std::string_view a : added)
        emit.ngram(hash_pair(hash_bytes(d, kSwap), hash_bytes(a, kSwap), kSwap), kSwap, d, a);
  // Overlap measures as thermometer indicators (x >= 0.1, x >= 0.2, ...),
  // which a linear model can combine into any monotone step function.
  const double measures[2] = {overlap_fraction(claim_words, text_words), overlap_fraction(text_words, claim_words)};
  const char* names[2] = {"claim_in_text", "text_in_claim"};
  for (int m = 0; m < 2; ++m)
    for (int bin = 1; bin <= 9; ++bin)
      if (measures[m] >= bin / 10.0 - 1e-9)
        emit.extra(hash_pair(static_cast<std::uint64_t>(m), static_cast<std::uint64_t>(bin), kOverlap), names[m], bin);
}

void FeatureExtractor::extract(std::string_view text, std::string_view claim, DocFeatures& out) {
  out.clear();
  out.columns = vocabulary_ != nullptr;
  CountingEmit emit{out, keys_, slot_of_entry_, shift_, *this};
  visit(text, claim, emit);
  emit.finish();
}

void FeatureExtractor::trace(std::string_view text, std::string_view claim,
                             const std::function<void(std::uint32_t, const std::string&)>& sink) {
  TracingEmit emit{sink, config_.bucket_mask(), {}};
  visit(text, claim, emit);
}

}  // namespace rasid
