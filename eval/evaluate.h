// Scores a model on labelled data: predictions for every document, then
// metrics per label field the data carries.
#pragma once
#include <string>
#include <vector>

#include "eval/metrics.h"
#include "models/model.h"
#include "train/corpus.h"

namespace rasid {

struct Mistake {
  std::size_t doc;     // index into the corpus
  int gold, predicted;
  float confidence;    // probability of the predicted class
};

struct TaskResult {
  TaskMetrics metrics;
  std::vector<int> gold;                  // per scored document
  std::vector<std::vector<float>> probs;  // per scored document
  std::vector<std::size_t> docs;          // corpus index of each scored document
  std::vector<Mistake> worst;             // most confident mistakes first
};

struct EvalResult {
  std::size_t n = 0;
  std::vector<TaskResult> tasks;
};

struct EvalOptions {
  int threads = 0;
  int bootstrap = 1000;
  std::uint64_t seed = 1;
  std::size_t mistakes = 10;  // per task
};

// Heads are scored on the corpus's label fields (corpus.labels[h] belongs to
// `fields.labels[h]`); every field must be a head of the model.
EvalResult evaluate(const Model& model, const Corpus& corpus, const FieldNames& fields, const EvalOptions& options);

// Class probabilities of every document for every head: [doc][head][class].
std::vector<std::vector<std::vector<float>>> predict_corpus(const Model& model, const Corpus& corpus, int threads);

}  // namespace rasid
