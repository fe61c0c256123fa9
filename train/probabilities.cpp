#include "train/probabilities.h"

#include <algorithm>
#include <cmath>

namespace rasid {

void softmax_of(const float* s, std::size_t k, double* p) {
  double mx = *std::max_element(s, s + k), sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(static_cast<double>(s[c]) - mx));
  for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
}

}  // namespace rasid
