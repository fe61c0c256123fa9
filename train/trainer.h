// Training: corpus → features → vocabulary → one softmax head per label
// field, fitted with L-BFGS and, when dev data is given, early stopping.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "features/feature_config.h"
#include "models/model.h"
#include "train/corpus.h"

namespace rasid {

struct TrainOptions {
  FeatureConfig features;
  // Defaults chosen by 5-fold cross-validation on datasets/iraq_news/train.jsonl
  // (scripts/tune_defaults.sh; figures in the README).
  double c = 80.0;             // inverse regularisation strength (LIBLINEAR's C)
  int max_iterations = 200;
  int patience = 20;           // early stopping: iterations without dev macro-F1 improvement
  bool balanced = false;       // class weights inversely proportional to frequency
  bool calibrate = false;      // fit a temperature per head on dev data
  bool quantize = false;       // store 8-bit weights
  int threads = 0;             // 0: all cores
  std::uint64_t seed = 1;
  int names_per_class = 300;   // n-gram texts kept per class for explanations
};

// Progress and diagnostics; may be empty.
using TrainLog = std::function<void(const std::string&)>;

// `dev` may be null. Throws InputError when a head has nothing to learn from.
Model train_model(const Corpus& train, const Corpus* dev, const FieldNames& fields, const TrainOptions& options,
                  const TrainLog& log = {});

}  // namespace rasid
