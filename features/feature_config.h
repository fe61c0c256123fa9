// Everything that decides which features a document gets. It is stored in
// the model file, so a model always extracts features the way it was trained.
#pragma once
#include <cstdint>
#include <string>

#include "features/normalizer.h"

namespace rasid {

struct FeatureConfig {
  NormalizerOptions normalizer;
  int char_min = 2;        // character n-gram lengths, inside word boundaries
  int char_max = 5;        // 0 disables character n-grams
  int word_ngrams = 2;     // 0: none, 1: words, 2: words and bigrams, ...
  int bucket_bits = 22;    // hashing space of 2^bucket_bits buckets
  int min_df = 2;          // n-grams seen in fewer training documents are dropped
  bool sublinear_tf = true;  // 1 + log(tf) instead of tf
  bool pair = false;       // documents are (claim, text) pairs

  std::uint32_t bucket_mask() const { return (std::uint32_t{1} << bucket_bits) - 1; }

  // Throws InputError when a value is out of its range.
  void validate() const;
  std::string describe() const;  // one line, for reports and `inspect`
};

}  // namespace rasid
