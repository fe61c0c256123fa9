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
#include "features/tokenizer.h"

namespace rasid {

// Raw features of one document, in hashed bucket space. `counts` hold
// n-gram term frequencies (to be tf-idf weighted); `extras` hold pair
// overlap indicators whose value is used as is.
struct DocFeatures {
  std::vector<std::pair<std::uint32_t, float>> counts;
  std::vector<std::pair<std::uint32_t, float>> extras;
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

  const FeatureConfig& config() const { return config_; }

 private:
  struct Side;  // normalised text and its tokens
  template <class Emit>
  void visit(std::string_view text, std::string_view claim, Emit& emit);
  template <class Emit>
  void visit_tokens(const std::vector<Token>& tokens, std::uint64_t char_seed, std::uint64_t word_seed,
                    Emit& emit);

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
};

}  // namespace rasid
