#include "features/feature_config.h"

#include "common/error.h"

namespace rasid {

void FeatureConfig::validate() const {
  if (char_max != 0 && (char_min < 1 || char_max < char_min || char_max > 12))
    throw InputError("character n-gram range must satisfy 1 <= min <= max <= 12 (or max 0 to disable)");
  if (word_ngrams < 0 || word_ngrams > 4) throw InputError("word n-grams must be between 0 and 4");
  if (char_max == 0 && word_ngrams == 0) throw InputError("no features: enable character or word n-grams");
  if (bucket_bits < 10 || bucket_bits > 26) throw InputError("bucket bits must be between 10 and 26");
  if (min_df < 1) throw InputError("min-df must be at least 1");
}

std::string FeatureConfig::describe() const {
  std::string s;
  s += char_max ? "char " + std::to_string(char_min) + "-" + std::to_string(char_max) : "no char n-grams";
  s += ", word n-grams " + std::to_string(word_ngrams);
  s += ", 2^" + std::to_string(bucket_bits) + " buckets";
  s += ", min-df " + std::to_string(min_df);
  s += sublinear_tf ? ", sublinear tf-idf" : ", tf-idf";
  s += normalizer.fold_teh_marbuta ? ", teh marbuta folded" : "";
  s += normalizer.fold_hamza ? ", hamza folded" : "";
  s += pair ? ", claim/text pairs" : "";
  return s;
}

}  // namespace rasid
