#include "features/featurize.h"

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

CsrMatrix to_matrix(const std::vector<DocFeatures>& docs, const Vocabulary& vocab, bool sublinear_tf,
                    int threads) {
  std::vector<SparseRow> rows(docs.size());
  parallel_for(docs.size(), threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) vocab.transform(docs[i], sublinear_tf, rows[i]);
  });
  CsrMatrix m;
  m.n_cols = vocab.size();
  std::size_t nnz = 0;
  for (const auto& r : rows) nnz += r.size();
  m.idx.reserve(nnz);
  m.val.reserve(nnz);
  m.ptr.reserve(rows.size() + 1);
  for (auto& r : rows) {
    m.append(r);
    r = SparseRow();
  }
  return m;
}

}  // namespace rasid
