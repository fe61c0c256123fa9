// k-fold cross-validation: stratified, seeded fold assignment (or folds
// given in the data), a model per fold, and metrics averaged over folds.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "eval/evaluate.h"
#include "train/trainer.h"

namespace rasid {

// Fold of each document, stratified by `strata` (one label value per
// document, "" allowed) and shuffled with `seed`.
std::vector<int> stratified_folds(const std::vector<std::string>& strata, int folds, std::uint64_t seed);

// Folds from a field's values: each distinct value is one fold, in sorted order.
std::vector<int> folds_from_values(const std::vector<std::string>& values, int& folds);

// Subset of a corpus by document indices.
Corpus subset(const Corpus& c, const std::vector<std::size_t>& docs);

struct CvSummary {
  std::string field;
  std::vector<double> accuracy, macro_f1;  // one per fold
};

using CvLog = std::function<void(const std::string&)>;

std::vector<CvSummary> cross_validate(const Corpus& corpus, const FieldNames& fields, const TrainOptions& options,
                                      const std::vector<int>& fold_of, int folds, const CvLog& log = {});

}  // namespace rasid
