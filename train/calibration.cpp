#include "train/calibration.h"

#include <algorithm>
#include <cmath>

namespace rasid {

float fit_temperature(const Head& head, const CsrMatrix& x, const std::vector<int>& y) {
  const std::size_t k = head.labels.size();
  // Raw scores once; the search then only rescales them.
  std::vector<std::vector<float>> scores;
  std::vector<int> labels;
  SparseRow row;
  for (std::size_t i = 0; i < x.rows(); ++i) {
    if (y[i] < 0) continue;
    row.cols.assign(x.idx.begin() + static_cast<std::ptrdiff_t>(x.ptr[i]), x.idx.begin() + static_cast<std::ptrdiff_t>(x.ptr[i + 1]));
    row.vals.assign(x.val.begin() + static_cast<std::ptrdiff_t>(x.ptr[i]), x.val.begin() + static_cast<std::ptrdiff_t>(x.ptr[i + 1]));
    std::vector<float> s(head.bias.begin(), head.bias.end());
    head.weights->accumulate(row, s.data());
    scores.push_back(std::move(s));
    labels.push_back(y[i]);
  }
  if (scores.empty()) return 1.0f;
  auto nll = [&](double log_t) {
    double t = std::exp(log_t), total = 0.0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
      double mx = *std::max_element(scores[i].begin(), scores[i].end()), sum = 0.0;
      for (std::size_t c = 0; c < k; ++c) sum += std::exp((scores[i][c] - mx) / t);
      total += -((scores[i][static_cast<std::size_t>(labels[i])] - mx) / t - std::log(sum));
    }
    return total;
  };
  double a = std::log(0.05), b = std::log(20.0);
  const double phi = (std::sqrt(5.0) - 1) / 2;
  double c = b - phi * (b - a), d = a + phi * (b - a), fc = nll(c), fd = nll(d);
  for (int it = 0; it < 60; ++it) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = nll(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = nll(d);
    }
  }
  return static_cast<float>(std::exp((a + b) / 2));
}

}  // namespace rasid
