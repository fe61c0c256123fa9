#include "train/probabilities.h"

#include <algorithm>
#include <cmath>

namespace rasid {

void round_to_float(const double* w, std::size_t n, std::vector<float>& out, int threads) {
  out.resize(n);
  parallel_for(n, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) out[i] = static_cast<float>(w[i]);
  }, Workers::kPooled);
}

void softmax_of(const float* s, std::size_t k, double* p) {
  double mx = *std::max_element(s, s + k), sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(static_cast<double>(s[c]) - mx));
  for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
}

}  // namespace rasid
