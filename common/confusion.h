// Scores from a confusion matrix ([gold][predicted] counts). Shared by the
// metrics of `eval` and by early stopping during training.
#pragma once
#include <cstddef>
#include <vector>

namespace rasid {

using Confusion = std::vector<std::vector<std::size_t>>;

struct ClassMetrics {
  double precision = 0, recall = 0, f1 = 0;
  std::size_t support = 0;
};

ClassMetrics class_metrics(const Confusion& m, std::size_t c);
double accuracy_of(const Confusion& m);
// Mean F1 over classes present in gold or predictions (as scikit-learn does).
double macro_f1_of(const Confusion& m);

}  // namespace rasid
