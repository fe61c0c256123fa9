#include "models/model.h"

#include <algorithm>
#include <cmath>

namespace rasid {

void Head::predict(const SparseRow& row, std::vector<float>& probs) const {
  const std::size_t k = labels.size();
  probs.assign(bias.begin(), bias.end());
  weights->accumulate(row, probs.data());
  float mx = *std::max_element(probs.begin(), probs.end());
  float sum = 0.0f;
  for (std::size_t c = 0; c < k; ++c) {
    probs[c] = std::exp((probs[c] - mx) / temperature);
    sum += probs[c];
  }
  for (float& p : probs) p /= sum;
}

const Head* Model::head(const std::string& field) const {
  for (const Head& h : heads)
    if (h.field == field) return &h;
  return nullptr;
}

std::string Model::feature_name(std::int32_t col) const {
  auto it = std::lower_bound(feature_names.begin(), feature_names.end(), col,
                             [](const auto& p, std::int32_t c) { return p.first < c; });
  return it != feature_names.end() && it->first == col ? it->second : std::string();
}

}  // namespace rasid
