// Renders evaluation results: a readable text report and one JSON object.
#pragma once
#include <string>

#include "eval/evaluate.h"

namespace rasid {

std::string text_report(const EvalResult& result);
// {"n": N, "tasks": {"<field>": {"accuracy": …, "macro_f1": …, "per_class": {…}, "confusion": {…}, …}}}
std::string json_report(const EvalResult& result);

}  // namespace rasid
