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
#include "features/feature_counter.h"
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
  // Starts loading what map_id(hash) will read.
  void prefetch_id(std::uint64_t hash) const;

  const FeatureConfig& config() const { return config_; }

 private:
  struct CountingEmit;  // extract()'s counting, in extractor.cpp
  template <class Emit>
  void visit(std::string_view text, std::string_view claim, Emit& emit);
  template <class Emit>
  void visit_tokens(const std::vector<Token>& tokens, std::uint64_t char_seed, std::uint64_t word_seed,
                    Emit& emit);
  // Calls fn(hash, ngram) for each character n-gram of "<token>".
  template <class Fn>
  void for_each_char_ngram(std::string_view token, std::uint64_t seed, Fn&& fn);

  // Memoises `token` (memo key `key`) with its n-gram and word ids; returns its entry index.
  std::uint32_t insert_token(TokenCache& cache, std::string_view token, std::uint64_t key, std::uint64_t char_seed,
                             std::uint64_t word_seed);
  // Counts the n-grams of the memo entries in pending_tokens_, each weighted
  // by its occurrences, and empties the list.
  void add_pending_tokens(TokenCache& cache, CountingEmit& emit);

  FeatureConfig config_;
  const Normalizer& normalizer_;
  std::string norm_text_, norm_claim_, padded_;
  std::vector<Token> text_tokens_, claim_tokens_;
  std::vector<std::uint32_t> cp_offsets_;
  // Per token of each side (text, claim), hashed as a word of that side.
  std::vector<std::uint64_t> word_hashes_[2];
  std::vector<std::uint64_t> claim_word_hashes_;  // per claim token, hashed as a text word
  std::vector<std::int32_t> word_ids_;       // per token; extract() only
  std::vector<std::uint64_t> token_keys_;    // per token: its memo key; extract() only
  std::vector<std::uint64_t> gram_hashes_;   // word n-grams longer than one word
  std::vector<std::uint32_t> word_gram_ids_;  // kept ids of words and word n-grams; extract() only
  std::vector<std::uint32_t> pending_tokens_;  // distinct memo entries, first occurrence first
  FeatureCounter counter_;  // extract() only
  const class Vocabulary* vocabulary_ = nullptr;
  TokenCache cache_[2];  // text side, claim side
};

}  // namespace rasid
