// A trained rasid model: how to extract features, which columns exist, and
// one softmax head per label field. Everything needed to reproduce
// predictions, and nothing that depends on the training data at hand.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "features/feature_config.h"
#include "features/vocabulary.h"
#include "models/matrix.h"

namespace rasid {

struct Head {
  std::string field;                // label field it predicts, e.g. "stance"
  std::vector<std::string> labels;  // class names, index = class id
  std::unique_ptr<Matrix> weights;  // vocabulary size × labels
  std::vector<float> bias;          // per class
  float temperature = 1.0f;         // probabilities = softmax(scores / T)

  // Class probabilities of one document into `probs` (size = labels).
  void predict(const SparseRow& row, std::vector<float>& probs) const;
  // Contribution of feature column `col` with value `v` to each class score.
  float contribution(std::int32_t col, float v, std::size_t cls) const {
    return v * weights->at(static_cast<std::size_t>(col), cls) / temperature;
  }
};

struct Model {
  FeatureConfig features;
  Vocabulary vocabulary;
  std::vector<Head> heads;
  // Readable names of the columns that matter most (for explanations).
  std::vector<std::pair<std::int32_t, std::string>> feature_names;
  // Training settings and figures, as shown by `inspect`.
  std::vector<std::pair<std::string, std::string>> info;

  const Head* head(const std::string& field) const;
  std::string feature_name(std::int32_t col) const;  // "" when unknown
};

}  // namespace rasid
