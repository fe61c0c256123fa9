#include "features/vocabulary.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "common/error.h"
#include "common/parallel.h"

namespace rasid {

Vocabulary Vocabulary::fit(const std::vector<DocFeatures>& docs, const FeatureConfig& config, int threads) {
  // Per bucket: its document frequency, and a flag bit for buckets that hold
  // a pair-overlap indicator. One 4-byte table, whose memory then becomes the
  // bucket -> column lookup: on small corpora, fresh memory (zeroed page by
  // page by the kernel) is a large part of the time, so none is asked for twice.
  constexpr std::int32_t kExtra = std::int32_t{1} << 30;
  if (docs.size() >= static_cast<std::size_t>(kExtra))
    throw InputError("too many training documents for one vocabulary (at most 2^30 - 1)");
  const std::size_t n_buckets = std::size_t{1} << config.bucket_bits;
  BucketTable df(n_buckets);  // not zeroed here: by the thread that counts each range
  const auto count = [&](std::uint32_t b) { return df[b] & (kExtra - 1); };
  // Each thread owns a range of buckets: it zeroes that part of the table
  // (the first touch of fresh pages, the costly part on small corpora, is
  // then shared), counts the documents' buckets that fall in it, and lists
  // its kept buckets in ascending order. Integer counts: the same result
  // for any thread count.
  const std::size_t ranges = static_cast<std::size_t>(std::max(1, threads));
  std::vector<std::vector<std::uint64_t>> kept_keys(ranges);
  parallel_slices(ranges, threads, [&](std::size_t, std::size_t rb, std::size_t re) {
    for (std::size_t r = rb; r < re; ++r) {
      const std::uint32_t lo = static_cast<std::uint32_t>(n_buckets * r / ranges);
      const std::uint32_t hi = static_cast<std::uint32_t>(n_buckets * (r + 1) / ranges);
      std::fill(df.begin() + lo, df.begin() + hi, 0);
      for (const DocFeatures& d : docs) {
        for (const auto& [b, c] : d.counts)
          if (b - lo < hi - lo) ++df[b];
        for (const auto& [b, v] : d.extras)
          if (b - lo < hi - lo) df[b] = (df[b] + 1) | kExtra;
      }
      // Most frequent buckets first (ties by bucket): the weights that almost
      // every document touches then share a few cache lines in training and
      // prediction, instead of being scattered over the whole matrix. The
      // key sorts that way: complemented count above, bucket below.
      for (std::uint32_t b = lo; b < hi; ++b)
        if (df[b] > 0 && (df[b] & kExtra || count(b) >= config.min_df))
          kept_keys[r].push_back(std::uint64_t{~static_cast<std::uint32_t>(count(b))} << 32 | b);
    }
  });
  std::vector<std::uint64_t> keys;
  for (const std::vector<std::uint64_t>& k : kept_keys) keys.insert(keys.end(), k.begin(), k.end());
  std::sort(keys.begin(), keys.end());
  Vocabulary v;
  const double n = static_cast<double>(docs.size());
  v.buckets_.reserve(keys.size());
  v.idf_.reserve(keys.size());
  for (const std::uint64_t key : keys) {
    const std::uint32_t b = static_cast<std::uint32_t>(key);
    v.buckets_.push_back(b);
    // Smoothed idf, as if one extra document contained every term.
    v.idf_.push_back(df[b] & kExtra ? 0.0f : static_cast<float>(std::log((1.0 + n) / (1.0 + count(b))) + 1.0));
  }
  v.lookup_ = std::move(df);  // index() reuses its memory
  v.index(config.bucket_bits);
  return v;
}

void Vocabulary::index(int bucket_bits) {
  // Only kept buckets' entries are written: the bitmap says which entries
  // mean something, so the rest of the table is never filled (nor, where
  // no kept bucket lands on a page, touched).
  lookup_.resize(std::size_t{1} << bucket_bits);
  kept_bits_.assign((lookup_.size() + 63) / 64, 0);
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    const std::uint32_t b = buckets_[i];
    if (b >= lookup_.size()) throw ModelError("vocabulary bucket outside the hashing space");
    std::uint64_t& word = kept_bits_[b >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (b & 63);
    if (word & bit) throw ModelError("vocabulary lists a bucket twice");
    word |= bit;
    lookup_[b] = static_cast<std::int32_t>(i);
  }
}

void Vocabulary::retain(const std::vector<std::int32_t>& columns) {
  std::vector<std::uint32_t> b;
  std::vector<float> w;
  b.reserve(columns.size());
  w.reserve(columns.size());
  for (std::int32_t c : columns) {
    b.push_back(buckets_[static_cast<std::size_t>(c)]);
    w.push_back(idf_[static_cast<std::size_t>(c)]);
  }
  buckets_ = std::move(b);
  idf_ = std::move(w);
  if (!lookup_.empty()) {
    int bits = 0;
    while ((std::size_t{1} << bits) < lookup_.size()) ++bits;
    index(bits);
  }
}

void Vocabulary::to_columns(DocFeatures& doc) const {
  if (doc.columns) return;
  // A document's buckets are scattered over the lookup: its entries are
  // requested a few ids ahead so that the misses overlap.
  constexpr std::size_t kAhead = 8;
  auto rewrite = [&](std::vector<std::pair<std::uint32_t, float>>& entries) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (i + kAhead < entries.size()) prefetch(entries[i + kAhead].first);
      const std::int32_t c = column(entries[i].first);
      if (c >= 0) entries[kept++] = {static_cast<std::uint32_t>(c), entries[i].second};
    }
    entries.resize(kept);
  };
  rewrite(doc.counts);
  rewrite(doc.extras);
  doc.columns = true;
}

void Vocabulary::transform(const DocFeatures& doc, bool sublinear_tf, SparseRow& row) const {
  row.clear();
  double norm2 = 0.0;
  // 1 + log(tf) for the small counts that make up almost every entry.
  static const std::array<float, 64> log_table = [] {
    std::array<float, 64> t{};
    for (std::size_t i = 1; i < t.size(); ++i) t[i] = 1.0f + std::log(static_cast<float>(i));
    return t;
  }();
  for (const auto& [id, count] : doc.counts) {
    const std::int32_t c = column_of(doc, id);
    if (c < 0) continue;
    const std::size_t n = static_cast<std::size_t>(count);
    float tf = !sublinear_tf ? count : n < log_table.size() ? log_table[n] : 1.0f + std::log(count);
    float v = tf * idf_[static_cast<std::size_t>(c)];
    row.cols.push_back(c);
    row.vals.push_back(v);
    norm2 += static_cast<double>(v) * v;
  }
  if (norm2 > 0) {
    float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (float& v : row.vals) v *= inv;
  }
  for (const auto& [id, value] : doc.extras) {
    const std::int32_t c = column_of(doc, id);
    if (c < 0) continue;
    row.cols.push_back(c);
    row.vals.push_back(value);
  }
}

}  // namespace rasid
