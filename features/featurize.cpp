#include "features/featurize.h"

#include <algorithm>
#include <cstring>

#include "common/parallel.h"
#include "common/progress.h"

namespace rasid {

std::vector<DocFeatures> extract_all(const std::vector<std::string>& texts, const std::vector<std::string>& claims,
                                     const FeatureConfig& config, int threads) {
  std::vector<DocFeatures> out(texts.size());
  Progress progress("extracting features", texts.size());
  parallel_for(texts.size(), threads, [&](std::size_t b, std::size_t e) {
    FeatureExtractor ex(config);
    for (std::size_t i = b; i < e; ++i) {
      progress.add();
      ex.extract(texts[i], claims.empty() ? std::string_view() : std::string_view(claims[i]), out[i]);
      out[i].counts.shrink_to_fit();
    }
  });
  return out;
}

CsrMatrix to_matrix(std::vector<DocFeatures>&& docs, const Vocabulary& vocab, bool sublinear_tf, int threads) {
  CsrMatrix m;
  m.n_cols = vocab.size();
  // Row lengths first, so the matrix is allocated once at its final size
  // instead of growing next to a second copy of every row.
  std::vector<std::size_t> len(docs.size());
  parallel_for(docs.size(), threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) {
      vocab.to_columns(docs[i]);
      len[i] = docs[i].counts.size() + docs[i].extras.size();
    }
  });
  m.ptr.resize(docs.size() + 1);
  for (std::size_t i = 0; i < docs.size(); ++i) m.ptr[i + 1] = m.ptr[i] + len[i];
  m.idx.resize(m.ptr.back());
  m.val.resize(m.ptr.back());
  parallel_for(docs.size(), threads, [&](std::size_t b, std::size_t e) {
    SparseRow row;
    std::vector<std::uint64_t> packed;
    for (std::size_t i = b; i < e; ++i) {
      vocab.transform(docs[i], sublinear_tf, row);
      docs[i] = DocFeatures();  // consumed: its memory goes back now
      // Columns ascending within a row: the forward pass then walks the
      // weights in address order, and the gradient can split rows by column.
      packed.resize(row.size());
      for (std::size_t j = 0; j < row.size(); ++j) {
        std::uint32_t bits;
        std::memcpy(&bits, &row.vals[j], sizeof bits);
        packed[j] = std::uint64_t{static_cast<std::uint32_t>(row.cols[j])} << 32 | bits;
      }
      std::sort(packed.begin(), packed.end());
      std::size_t at = m.ptr[i];
      for (std::uint64_t p : packed) {
        const std::uint32_t bits = static_cast<std::uint32_t>(p);
        m.idx[at] = static_cast<std::int32_t>(p >> 32);
        std::memcpy(&m.val[at], &bits, sizeof bits);
        ++at;
      }
    }
  });
  docs.clear();
  docs.shrink_to_fit();
  return m;
}

}  // namespace rasid
