#include "train/probabilities.h"

#include <algorithm>
#include <cmath>

#include "train/class_count.h"

namespace rasid {

namespace {

// s += x_row W over the row's non-zeros (s holds k scores).
template <std::size_t K>
void add_row_scores(const CsrMatrix& x, const float* w, std::size_t k, std::size_t row, float* s) {
  const std::size_t kk = K ? K : k;
  for (std::size_t j = x.ptr[row]; j < x.ptr[row + 1]; ++j) {
    const float* wr = w + static_cast<std::size_t>(x.idx[j]) * kk;
    const float v = x.val[j];
    for (std::size_t c = 0; c < kk; ++c) s[c] += v * wr[c];
  }
}

}  // namespace

void softmax_of(const float* s, std::size_t k, double* p) {
  double mx = *std::max_element(s, s + k), sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(static_cast<double>(s[c]) - mx));
  for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
}

void softmax_probabilities(const CsrMatrix& x, const float* w, std::size_t k, std::size_t row, double* p) {
  // Scores are summed in float (twice the SIMD width of double); only the
  // softmax itself is done in double.
  thread_local std::vector<float> score;
  score.assign(w + x.n_cols * k, w + x.n_cols * k + k);  // the bias
  float* s = score.data();
  with_class_count(k, [&](auto K) { add_row_scores<K()>(x, w, k, row, s); });
  softmax_of(s, k, p);
}

}  // namespace rasid
