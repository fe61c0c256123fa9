#include "infer/predictor.h"

#include <algorithm>
#include <unordered_map>

namespace rasid {

int Prediction::best(std::size_t head) const {
  const auto& p = probs[head];
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

Predictor::Predictor(const Model& model) : model_(model), extractor_(model.features) {
  extractor_.use_vocabulary(&model_.vocabulary);
}

void Predictor::predict(std::string_view text, std::string_view claim, Prediction& out, int explain) {
  extractor_.extract(text, claim, features_);
  model_.vocabulary.transform(features_, model_.features.sublinear_tf, row_);
  out.probs.resize(model_.heads.size());
  out.explanations.resize(explain > 0 ? model_.heads.size() : 0);
  for (std::size_t h = 0; h < model_.heads.size(); ++h) {
    model_.heads[h].predict(row_, out.probs[h]);
    if (explain > 0) explain_head(h, out.best(h), explain, text, claim, out.explanations[h]);
  }
}

void Predictor::explain_head(std::size_t h, int cls, int top, std::string_view text, std::string_view claim,
                             std::vector<Contribution>& out) {
  const Head& head = model_.heads[h];
  // Contribution of a column to the chosen class relative to the mean over
  // classes: what pushed this class above the others.
  const std::size_t k = head.labels.size();
  std::vector<std::pair<float, std::int32_t>> contrib;
  for (std::size_t j = 0; j < row_.size(); ++j) {
    std::int32_t col = row_.cols[j];
    float mean = 0.0f;
    for (std::size_t c = 0; c < k; ++c) mean += head.contribution(col, row_.vals[j], c);
    mean /= static_cast<float>(k);
    contrib.emplace_back(head.contribution(col, row_.vals[j], static_cast<std::size_t>(cls)) - mean, col);
  }
  std::size_t n = std::min(contrib.size(), static_cast<std::size_t>(top));
  std::partial_sort(contrib.begin(), contrib.begin() + static_cast<std::ptrdiff_t>(n), contrib.end(),
                    [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
  // Names come from the document itself, so no training data is needed.
  std::unordered_map<std::int32_t, std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.emplace(contrib[i].second, std::string());
  extractor_.trace(text, claim, [&](std::uint32_t bucket, const std::string& name) {
    std::int32_t col = model_.vocabulary.column(bucket);
    auto it = col >= 0 ? names.find(col) : names.end();
    if (it != names.end() && it->second.empty()) it->second = name;
  });
  out.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (contrib[i].first <= 0) break;
    out.push_back({names[contrib[i].second], contrib[i].first});
  }
}

}  // namespace rasid
