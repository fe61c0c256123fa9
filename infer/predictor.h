// Labels one document with every head of a model: features → tf-idf row →
// class probabilities, and optionally the n-grams that drove each decision.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "features/extractor.h"
#include "models/model.h"

namespace rasid {

struct Contribution {
  std::string feature;  // readable n-gram, e.g. "<الاحت" or "[الاحتلال]"
  float weight;         // its share of the predicted class's score
};

struct Prediction {
  std::vector<std::vector<float>> probs;                // per head, per class
  std::vector<std::vector<Contribution>> explanations;  // per head, when asked
  int best(std::size_t head) const;                     // most probable class
};

// Not thread-safe (scratch buffers); use one per thread over a shared Model.
class Predictor {
 public:
  explicit Predictor(const Model& model);
  // `explain` > 0 fills that many top contributions per head.
  void predict(std::string_view text, std::string_view claim, Prediction& out, int explain = 0);
  // The tf-idf row of the last predicted document.
  const SparseRow& row() const { return row_; }

 private:
  void explain_head(std::size_t h, int cls, int top, std::string_view text, std::string_view claim,
                    std::vector<Contribution>& out);

  const Model& model_;
  FeatureExtractor extractor_;
  DocFeatures features_;
  SparseRow row_;
};

}  // namespace rasid
