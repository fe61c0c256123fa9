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
  void prefetch(std::uint64_t) const {}
  void extra(std::uint64_t hash, const char* what, int bin) {
    name = std::string("overlap:") + what + ">=0." + std::to_string(bin);
    sink(static_cast<std::uint32_t>(hash) & mask, name);
  }
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

// Inline here, ahead of every use: both run for each n-gram the memo maps.
inline std::int64_t FeatureExtractor::map_id(std::uint64_t hash) const {
  const std::uint32_t bucket = static_cast<std::uint32_t>(hash) & config_.bucket_mask();
  return vocabulary_ ? vocabulary_->column(bucket) : static_cast<std::int64_t>(bucket);
}

inline void FeatureExtractor::prefetch_id(std::uint64_t hash) const {
  if (vocabulary_) vocabulary_->prefetch(static_cast<std::uint32_t>(hash) & config_.bucket_mask());
}

// Counts feature buckets into DocFeatures; the fast path.
struct FeatureExtractor::CountingEmit {
  DocFeatures& out;
  FeatureCounter& counter;
  const FeatureExtractor& ex;

  static constexpr bool kCacheable = true;

  // Negative ids are dropped features.
  void add_id(std::int64_t id, std::uint32_t weight = 1) {
    if (id >= 0) counter.add(static_cast<std::uint32_t>(id), weight);
  }
  void ngram(std::uint64_t hash, std::uint64_t, std::string_view, std::string_view = {}) { add_id(ex.map_id(hash)); }
  void prefetch(std::uint64_t hash) const { ex.prefetch_id(hash); }
  void extra(std::uint64_t hash, const char*, int) {
    std::int64_t id = ex.map_id(hash);
    if (id >= 0) out.extras.emplace_back(static_cast<std::uint32_t>(id), 1.0f);
  }
};

FeatureExtractor::FeatureExtractor(const FeatureConfig& config)
    : config_(config), normalizer_(Normalizer::get(config.normalizer)) {
  config_.validate();
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

void FeatureExtractor::use_vocabulary(const Vocabulary* vocabulary) {
  vocabulary_ = vocabulary;
  for (auto& c : cache_) c.clear();
}

std::uint32_t FeatureExtractor::insert_token(TokenCache& cache, std::string_view token, std::uint64_t key,
                                           std::uint64_t char_seed, std::uint64_t word_seed) {
  cache.begin_insert();
  if (config_.char_max > 0) {
    // Buckets first, then their ids: the vocabulary entries of all the
    // token's n-grams load at once instead of one after another.
    std::vector<std::uint32_t>& ids = cache.ids();
    const std::size_t first = ids.size();
    for_each_char_ngram(token, char_seed, [&](std::uint64_t h, std::string_view) {
      prefetch_id(h);
      ids.push_back(static_cast<std::uint32_t>(h) & config_.bucket_mask());
    });
    std::size_t kept = first;
    for (std::size_t i = first; i < ids.size(); ++i) {
      const std::int64_t id = map_id(ids[i]);  // a bucket maps as its hash does
      if (id >= 0) ids[kept++] = static_cast<std::uint32_t>(id);
    }
    ids.resize(kept);
  }
  const std::uint64_t word_hash = hash_bytes(token, word_seed);
  return cache.end_insert(token, key, word_hash, static_cast<std::int32_t>(map_id(word_hash)));
}

void FeatureExtractor::add_pending_tokens(TokenCache& cache, CountingEmit& emit) {
  const std::uint32_t* ids = cache.ids().data();
  std::size_t occurrences = 0;
  for (std::uint32_t index : pending_tokens_) {
    const TokenCache::Entry& e = cache.entry(index);
    occurrences += e.end - e.begin;
  }
  emit.counter.reserve(occurrences);
  for (std::uint32_t index : pending_tokens_) {
    TokenCache::Entry& e = cache.entry(index);
    emit.counter.add_all(ids + e.begin, e.end - e.begin, e.occurrences);
    e.occurrences = 0;
  }
  pending_tokens_.clear();
}

template <class Emit>
void FeatureExtractor::visit_tokens(const std::vector<Token>& tokens, std::uint64_t char_seed,
                                    std::uint64_t word_seed, Emit& emit) {
  const int side = char_seed == kChar ? 0 : 1;
  std::vector<std::uint64_t>& word_hashes = word_hashes_[side];
  word_hashes.clear();
  word_ids_.clear();
  if constexpr (Emit::kCacheable) {
    // Character n-grams are counted once per distinct token, weighted by
    // its occurrences. Tokens are taken in order of first occurrence, so
    // every id still enters the counts where it first occurs in the text.
    TokenCache& cache = cache_[side];
    // Memo keys first, so that the memo slots of all tokens load at once.
    token_keys_.clear();
    for (const Token& t : tokens) {
      token_keys_.push_back(hash_bytes(t.text, char_seed));
      cache.prefetch_slot(token_keys_.back());
    }
    // Then, a few tokens ahead of find(), what it reads next: the entry of
    // the token in its slot, and later that token's text. Each comes from
    // megabytes of memo, so waiting for them in turn stalled every lookup.
    constexpr std::size_t kEntriesAhead = 16, kTextsAhead = 8;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i + kEntriesAhead < tokens.size()) cache.prefetch_entry(token_keys_[i + kEntriesAhead]);
      if (i + kTextsAhead < tokens.size()) cache.prefetch_text(token_keys_[i + kTextsAhead]);
      const Token& t = tokens[i];
      const std::uint64_t key = token_keys_[i];
      std::uint32_t index = cache.find(t.text, key);
      if (index == TokenCache::kNone) {
        if (cache.full()) {  // count what refers to the entries about to go
          add_pending_tokens(cache, emit);
          cache.clear();
        }
        index = insert_token(cache, t.text, key, char_seed, word_seed);
      }
      TokenCache::Entry& e = cache.entry(index);
      if (e.occurrences++ == 0) {
        pending_tokens_.push_back(index);
        cache.prefetch_ids(e);  // memo ids are scattered over megabytes
      }
      word_hashes.push_back(e.word_hash);
      word_ids_.push_back(e.word_id);
    }
    add_pending_tokens(cache, emit);
  } else {
    for (const Token& t : tokens) {
      if (config_.char_max > 0)
        for_each_char_ngram(t.text, char_seed, [&](std::uint64_t h, std::string_view g) { emit.ngram(h, char_seed, g); });
      word_hashes.push_back(hash_bytes(t.text, word_seed));
    }
  }
  if (config_.word_ngrams > 0) {
    // Hashes of the longer n-grams first, in the order they are emitted, so
    // that extract() has all their vocabulary entries loading at once
    // instead of waiting for each in turn.
    gram_hashes_.clear();
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::uint64_t h = word_hashes[i];
      for (int n = 2; n <= config_.word_ngrams && i + n <= tokens.size(); ++n) {
        h = hash_pair(h, word_hashes[i + n - 1], word_seed + static_cast<std::uint64_t>(n));
        gram_hashes_.push_back(h);
        emit.prefetch(h);
      }
    }
    const std::uint64_t* gram = gram_hashes_.data();
    if constexpr (Emit::kCacheable) {
      // The ids of a block of tokens first, in a loop of their own:
      // interleaved with the counting, whose branches are hard to predict,
      // few vocabulary loads were in flight at a time. Blocks keep the
      // scratch small however long the document.
      constexpr std::size_t kBlockTokens = 256;
      word_gram_ids_.resize(kBlockTokens * static_cast<std::size_t>(config_.word_ngrams));
      std::uint32_t* ids = word_gram_ids_.data();
      for (std::size_t i = 0; i < tokens.size();) {
        std::size_t kept = 0;
        const auto keep = [&](std::int64_t id) {  // without a branch: most bigrams are dropped at prediction
          ids[kept] = static_cast<std::uint32_t>(id);
          kept += id >= 0;
        };
        for (const std::size_t end = std::min(tokens.size(), i + kBlockTokens); i < end; ++i) {
          keep(word_ids_[i]);  // the memo already mapped the word
          for (int n = 2; n <= config_.word_ngrams && i + n <= tokens.size(); ++n) keep(map_id(*gram++));
        }
        emit.counter.add_all(ids, kept, 1);
      }
    } else {
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        emit.ngram(word_hashes[i], word_seed, tokens[i].text);
        for (int n = 2; n <= config_.word_ngrams && i + n <= tokens.size(); ++n) {
          std::string_view before_last = tokens[i + n - 2].text;
          std::string_view head(tokens[i].text.data(), static_cast<std::size_t>(before_last.data() +
                                                                                before_last.size() -
                                                                                tokens[i].text.data()));
          emit.ngram(*gram++, word_seed, head, tokens[i + n - 1].text);
        }
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
  // The text side's word hashes are already those of kWord; the claim's
  // are hashed once here, for both their uses.
  const std::vector<std::uint64_t>& text_hashes = word_hashes_[0];
  claim_word_hashes_.clear();
  for (const Token& t : claim_tokens_) claim_word_hashes_.push_back(t.is_word ? hash_bytes(t.text, kWord) : 0);
  std::vector<std::uint64_t> claim_words, text_words;
  for (std::size_t i = 0; i < claim_tokens_.size(); ++i)
    if (claim_tokens_[i].is_word) claim_words.push_back(claim_word_hashes_[i]);
  for (std::size_t i = 0; i < text_tokens_.size(); ++i)
    if (text_tokens_[i].is_word) text_words.push_back(text_hashes[i]);
  sort_unique(claim_words);
  sort_unique(text_words);
  std::vector<std::string_view> added, dropped;
  for (std::size_t i = 0; i < text_tokens_.size(); ++i) {
    const Token& t = text_tokens_[i];
    if (!t.is_word) continue;
    bool shared = std::binary_search(claim_words.begin(), claim_words.end(), text_hashes[i]);
    std::uint64_t family = shared ? kShared : kNovel;
    emit.ngram(hash_bytes(t.text, family), family, t.text);
    if (!shared) added.push_back(t.text);
  }
  for (std::size_t i = 0; i < claim_tokens_.size(); ++i) {
    const Token& t = claim_tokens_[i];
    if (!t.is_word || std::binary_search(text_words.begin(), text_words.end(), claim_word_hashes_[i])) continue;
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
  counter_.start();
  CountingEmit emit{out, counter_, *this};
  visit(text, claim, emit);
  counter_.finish(out.counts);
}

void FeatureExtractor::trace(std::string_view text, std::string_view claim,
                             const std::function<void(std::uint32_t, const std::string&)>& sink) {
  TracingEmit emit{sink, config_.bucket_mask(), {}};
  visit(text, claim, emit);
}

}  // namespace rasid
