#include <algorithm>
#include <memory>
#include <optional>

#include "app/commands.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "eval/compare.h"
#include "eval/html_report.h"
#include "eval/report.h"
#include "models/model_file.h"

namespace rasid {

namespace {
// A head's classes in sorted order, for messages and for comparing two heads.
std::string class_list(const Head& h) {
  std::vector<std::string> labels = h.labels;
  std::sort(labels.begin(), labels.end());
  std::string out;
  for (const std::string& l : labels) out += (out.empty() ? "" : ", ") + l;
  return out;
}

// The model of --compare, once it is known to be comparable with `model` on
// `fields`: the same kind of input and, per field, a head with the same
// classes (with others, its scores would cover other documents and classes).
Model comparable_model(const std::string& path, const Model& model, const std::string& model_path,
                       const std::vector<std::string>& fields) {
  Model other = load_model(path);
  if (other.features.pair != model.features.pair) throw InputError("the two models take different inputs (pairs vs texts)");
  for (const std::string& f : fields) {
    const Head* h = other.head(f);
    if (!h) throw InputError("'" + path + "' has no head for label field '" + f + "'");
    if (class_list(*h) != class_list(*model.head(f)))
      throw InputError("'" + path + "' has other classes for label field '" + f + "' (" + class_list(*h) + ") than '" +
                       model_path + "' (" + class_list(*model.head(f)) + ")");
  }
  return other;
}
}  // namespace

void add_eval(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("eval", "evaluate a model on labelled data");
  struct State {
    std::string model, data, labels, report, compare;
    bool json = false;
    RunFlags run;
    FieldOptions fields;
    EvalOptions opt;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("-m,--model", s->model, "model file")->required();
  cmd->add_option("--data", s->data, "labelled data (JSONL, CSV or TSV; - for stdin)")->required();
  cmd->add_option("--label", s->labels, "label fields to score (default: every head of the model)");
  cmd->add_flag("--json", s->json, "print exactly one JSON object on stdout");
  cmd->add_option("--report", s->report, "also write a self-contained HTML report here");
  cmd->add_option("--compare", s->compare, "also score this model and test whether the two differ (paired bootstrap)");
  cmd->add_option("--bootstrap", s->opt.bootstrap, "bootstrap resamples for confidence intervals")->capture_default_str();
  cmd->add_option("--seed", s->opt.seed, "seed of the bootstrap")->capture_default_str();
  s->run.add_to(*cmd);
  s->fields.add_to(*cmd);
  cmd->callback([s, &run] {
    run = [s] {
      Model model = load_model(s->model);
      FieldNames fields = s->fields.resolve(&model);
      if (s->labels.empty()) {
        for (const Head& h : model.heads) fields.labels.push_back(h.field);
      } else {
        fields.labels = split_list(s->labels);
      }
      for (const std::string& f : fields.labels)
        if (!model.head(f)) throw InputError("the model has no head for label field '" + f + "'");
      std::optional<Model> other;
      if (!s->compare.empty()) other = comparable_model(s->compare, model, s->model, fields.labels);
      std::unique_ptr<AtomicFile> report;
      if (!s->report.empty()) report = std::make_unique<AtomicFile>(s->report);
      Corpus data = read_corpus(s->data, parse_format(s->fields.format), fields, s->run.skip_bad);
      if (data.size() == 0) throw InputError(data.source + ": no documents to evaluate");
      s->opt.threads = s->run.threads;
      EvalResult r = evaluate(model, data, fields, s->opt);
      std::vector<Comparison> comparison;
      if (other)
        comparison = compare_models(r, evaluate(*other, data, fields, s->opt), std::max(s->opt.bootstrap, 1000), s->opt.seed);
      if (s->json) {
        std::string j = json_report(r);
        if (!s->compare.empty()) j.insert(j.size() - 2, ", \"compare\": " + comparison_json(comparison));
        std::fputs(j.c_str(), stdout);
      } else {
        std::fputs(text_report(r).c_str(), stdout);
        if (data.skipped) std::printf("\n%zu malformed rows skipped\n", data.skipped);
        if (!s->compare.empty()) std::printf("\n%s", comparison_report(comparison, s->model, s->compare).c_str());
      }
      if (report) {
        report->write(html_report(r, model, data, s->model));
        report->commit();
      }
      return 0;
    };
  });
}

}  // namespace rasid
