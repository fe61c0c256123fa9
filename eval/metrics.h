// Classification metrics for one label field: accuracy, macro/weighted F1,
// per-class precision/recall/F1, confusion matrix, log-loss, calibration
// (expected calibration error, Brier score, reliability bins) and bootstrap
// confidence intervals.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "common/confusion.h"

namespace rasid {


struct Interval {
  double low = 0, high = 0;
};

struct ReliabilityBin {
  double confidence = 0, accuracy = 0;  // means over the bin
  std::size_t count = 0;
};

struct TaskMetrics {
  std::string field;
  std::vector<std::string> labels;
  std::size_t n = 0;               // documents scored
  std::size_t unknown_labels = 0;  // gold labels the model does not know (not scored)
  double accuracy = 0, macro_f1 = 0, weighted_f1 = 0, log_loss = 0, ece = 0, brier = 0;
  Interval accuracy_ci, macro_f1_ci;  // 95% percentile bootstrap
  std::vector<ClassMetrics> per_class;
  std::vector<std::vector<std::size_t>> confusion;  // [gold][predicted]
  std::vector<ReliabilityBin> reliability;
};

// `gold[i]` is a class index; `probs[i]` the predicted distribution.
// Macro-F1 averages over classes present in gold or predictions (as
// scikit-learn does). `bootstrap` resamples (0 disables) use `seed`.
TaskMetrics compute_metrics(const std::string& field, const std::vector<std::string>& labels,
                            const std::vector<int>& gold, const std::vector<std::vector<float>>& probs,
                            int bootstrap = 1000, std::uint64_t seed = 1);


int argmax(const std::vector<float>& p);

}  // namespace rasid
