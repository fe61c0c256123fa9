// Is model A better than model B on the same data? Paired bootstrap over
// documents: both models are scored on each resample, so the interval is
// for the difference itself, not for two separate scores.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "eval/evaluate.h"

namespace rasid {

struct Comparison {
  std::string field;
  std::size_t n = 0;  // documents scored by both
  double a_macro_f1 = 0, b_macro_f1 = 0, a_accuracy = 0, b_accuracy = 0;
  Interval macro_f1_diff_ci, accuracy_diff_ci;  // A - B, 95% percentile
  double macro_f1_p = 1, accuracy_p = 1;        // two-sided bootstrap p-values
};

// Tasks are matched by field; documents by corpus index.
std::vector<Comparison> compare_models(const EvalResult& a, const EvalResult& b, int bootstrap = 2000,
                                       std::uint64_t seed = 1);

std::string comparison_json(const std::vector<Comparison>& c);
std::string comparison_report(const std::vector<Comparison>& c, const std::string& a_name, const std::string& b_name);

}  // namespace rasid
