// Turns one document (or a claim/text pair) into hashed feature counts:
// word-bounded character n-grams, optional word n-grams, and for pairs the
// side each n-gram came from plus how much the two sides overlap.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "features/feature_config.h"
#include "features/token_cache.h"
#include "features/tokenizer.h"

namespace rasid {

// Raw features of one document, in hashed bucket space. `counts` hold
// n-gram term frequencies (to be tf-idf weighted); `extras` hold pair
// overlap indicators whose value is used as is.
struct DocFeatures {
  std::vector<std::pair<std::uint32_t, float>> counts;
  std::vector<std::pair<std::uint32_t, float>> extras;
  bool columns = false;  // ids are vocabulary columns, not hash buckets
  void clear() {
    counts.clear();
    extras.clear();
  }
};

// Not thread-safe: holds scratch buffers. Use one extractor per thread.
class FeatureExtractor {
 public:
  explicit FeatureExtractor(const FeatureConfig& config);

  // `claim` is used only in pair mode. Input must be valid UTF-8.
  void extract(std::string_view text, std::string_view claim, DocFeatures& out);

  // Calls `sink(bucket, readable_name)` for every feature occurrence, for
  // explanations and `inspect`. Slower than extract(); not for the hot path.
  void trace(std::string_view text, std::string_view claim,
             const std::function<void(std::uint32_t, const std::string&)>& sink);

  // From now on emit vocabulary columns instead of buckets, dropping
  // n-grams the vocabulary does not keep (prediction time). The vocabulary
  // must be indexed and outlive the extractor.
  void use_vocabulary(const class Vocabulary* vocabulary);

  // Feature id of a hash: its bucket, or its column (-1 when dropped) once
  // a vocabulary is in use.
  std::int64_t map_id(std::uint64_t hash) const;

  const FeatureConfig& config() const { return config_; }

 private:
  struct Side;  // normalised text and its tokens
  template <class Emit>
  void visit(std::string_view text, std::string_view claim, Emit& emit);
  template <class Emit>
  void visit_tokens(const std::vector<Token>& tokens, std::uint64_t char_seed, std::uint64_t word_seed,
                    Emit& emit);
  // Calls fn(hash, ngram) for each character n-gram of "<token>".
  template <class Fn>
  void for_each_char_ngram(std::string_view token, std::uint64_t seed, Fn&& fn);

  const TokenCache::Entry& cached_token(std::string_view token, std::uint64_t char_seed, std::uint64_t word_seed);

  FeatureConfig config_;
  const Normalizer& normalizer_;
  std::string norm_text_, norm_claim_, padded_;
  std::vector<Token> text_tokens_, claim_tokens_;
  std::vector<std::uint32_t> cp_offsets_;
  std::vector<std::uint64_t> word_hashes_;
  // Open-addressing counter keyed by bucket; cleared per document.
  std::vector<std::uint32_t> keys_;
  std::vector<std::uint32_t> slot_of_entry_;
  std::uint32_t shift_ = 0;
  const class Vocabulary* vocabulary_ = nullptr;
  TokenCache cache_[2];  // text side, claim side
};

}  // namespace rasid
