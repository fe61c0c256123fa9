// Batch feature extraction over many documents, in parallel, with results
// in document order (so they never depend on the thread count).
#pragma once
#include <string>
#include <vector>

#include "features/csr_matrix.h"
#include "features/extractor.h"
#include "features/vocabulary.h"

namespace rasid {

// `claims` is empty or has one claim per text.
std::vector<DocFeatures> extract_all(const std::vector<std::string>& texts, const std::vector<std::string>& claims,
                                     const FeatureConfig& config, int threads);

// Turns documents into model rows (columns ascending within each row),
// consuming `docs` as it goes so the two never both exist in full.
CsrMatrix to_matrix(std::vector<DocFeatures>&& docs, const Vocabulary& vocab, bool sublinear_tf, int threads);

}  // namespace rasid
