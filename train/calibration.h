// Temperature scaling: one scalar per head that makes predicted
// probabilities match observed frequencies on held-out data.
#pragma once
#include <vector>

#include "features/csr_matrix.h"
#include "models/model.h"

namespace rasid {

// Temperature T minimising the mean negative log-likelihood of `head` on
// rows of `x` with label y >= 0 (golden-section search over log T).
float fit_temperature(const Head& head, const CsrMatrix& x, const std::vector<int>& y);

}  // namespace rasid
