// The learned part of feature extraction: which hashed buckets are kept as
// model columns (those in at least min_df training documents) and their
// inverse document frequencies; turns raw counts into L2-normalised tf-idf.
#pragma once
#include <cstdint>
#include <vector>

#include "common/uninit_vector.h"
#include "features/extractor.h"
#include "features/sparse_row.h"

namespace rasid {

class Vocabulary {
 public:
  Vocabulary() = default;

  // Document frequencies from training documents; keeps buckets seen in at
  // least `config.min_df` of them (pair-overlap indicators: in at least one).
  // The result is indexed for config.bucket_bits, and the same for any
  // thread count.
  static Vocabulary fit(const std::vector<DocFeatures>& docs, const FeatureConfig& config, int threads = 1);

  // Builds the bucket → column lookup; needed before transform() (fit()
  // does it). Throws ModelError for a bucket outside the space or listed
  // twice.
  void index(int bucket_bits);

  // Column of a bucket, or -1 when the bucket is not kept.
  std::int32_t column(std::uint32_t bucket) const {
    // Most buckets asked about at prediction (word bigrams) are not kept;
    // the bitmap answers those from cache instead of the large lookup_.
    if (!(kept_bits_[bucket >> 6] >> (bucket & 63) & 1)) return -1;
    return lookup_[bucket];
  }

  // Starts loading what column(bucket) will read.
  void prefetch(std::uint32_t bucket) const {
    if (kept_bits_[bucket >> 6] >> (bucket & 63) & 1) __builtin_prefetch(&lookup_[bucket]);
  }

  // Rewrites `doc` in column ids (doc.columns), dropping the buckets not
  // kept: its ids are then the columns transform() will produce, in its
  // order, and transform() needs no second lookup. A no-op on a document
  // already in columns.
  void to_columns(DocFeatures& doc) const;

  // sublinear (1 + log tf) or raw tf, times idf, L2-normalised; overlap
  // indicators are appended unscaled.
  void transform(const DocFeatures& doc, bool sublinear_tf, SparseRow& row) const;

  std::size_t size() const { return buckets_.size(); }
  const std::vector<std::uint32_t>& buckets() const { return buckets_; }
  const std::vector<float>& idf() const { return idf_; }

  // Keeps only the given columns (sorted, unique), renumbering them 0..n-1
  // in the same relative order.
  void retain(const std::vector<std::int32_t>& columns);

  // From stored parts (model loading); index() checks the buckets.
  static Vocabulary from_parts(std::vector<std::uint32_t> buckets, std::vector<float> idf) {
    Vocabulary v;
    v.buckets_ = std::move(buckets);
    v.idf_ = std::move(idf);
    return v;
  }

 private:
  // The column of one of `doc`'s ids (a bucket, or already a column), or -1.
  std::int32_t column_of(const DocFeatures& doc, std::uint32_t id) const {
    return doc.columns ? static_cast<std::int32_t>(id) : column(id);
  }

  // Written only where needed: see index().
  using BucketTable = UninitVector<std::int32_t>;

  std::vector<std::uint32_t> buckets_;  // column i is buckets_[i]; most frequent first
  std::vector<float> idf_;              // per column; 0 marks an overlap indicator
  BucketTable lookup_;                    // bucket → column, where kept_bits_ has the bucket
  std::vector<std::uint64_t> kept_bits_;  // bit per bucket: kept
};

}  // namespace rasid
