// A self-contained HTML evaluation report (no scripts, no network): summary
// per task, per-class bars, confusion heatmap, reliability diagram, the most
// confident mistakes and the model's settings, with SVG drawn here.
#pragma once
#include <string>

#include "eval/evaluate.h"
#include "models/model.h"
#include "train/corpus.h"

namespace rasid {

std::string html_report(const EvalResult& result, const Model& model, const Corpus& data, const std::string& model_path);

}  // namespace rasid
