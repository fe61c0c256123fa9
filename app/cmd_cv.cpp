#include <cmath>
#include <memory>

#include "app/commands.h"
#include "common/error.h"
#include "eval/cross_validation.h"
#include "io/json.h"

namespace rasid {

namespace {
void mean_std(const std::vector<double>& v, double& mean, double& sd) {
  mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  sd = 0;
  for (double x : v) sd += (x - mean) * (x - mean);
  sd = v.size() > 1 ? std::sqrt(sd / static_cast<double>(v.size() - 1)) : 0.0;
}
}  // namespace

void add_cv(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("cv", "k-fold cross-validation: mean ± std of each metric");
  struct State {
    TrainFlags flags;
    FieldOptions fields;
    std::string data, folds_field;
    int folds = 5;
    bool json = false;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("--data", s->data, "labelled data")->required();
  cmd->add_option("--folds", s->folds, "number of stratified folds")->capture_default_str();
  cmd->add_option("--folds-field", s->folds_field, "use the folds given by this field instead");
  cmd->add_flag("--json", s->json, "print one JSON object on stdout");
  s->flags.add_to(*cmd);
  s->fields.add_to(*cmd);
  cmd->callback([s, &run] {
    run = [s] {
      FieldNames fields = s->fields.resolve(nullptr);
      fields.labels = split_list(s->flags.labels);
      if (fields.labels.empty()) throw InputError("--label needs at least one field name");
      TrainOptions opt = s->flags.options;
      opt.threads = s->flags.run.threads;
      opt.features.pair = !fields.claim.empty();
      FieldNames read_fields = fields;
      if (!s->folds_field.empty()) read_fields.labels.push_back(s->folds_field);
      Corpus c = read_corpus(s->data, parse_format(s->fields.format), read_fields, s->flags.run.skip_bad);
      int folds = s->folds;
      std::vector<int> fold_of;
      if (!s->folds_field.empty()) {
        fold_of = folds_from_values(c.labels.back(), folds);
        c.labels.pop_back();
      } else {
        fold_of = stratified_folds(c.labels[0], folds, opt.seed);
      }
      bool quiet = s->flags.run.quiet;
      auto summary = cross_validate(c, fields, opt, fold_of, folds, [quiet](const std::string& m) { note(quiet, m); });
      std::string out = s->json ? "{\"folds\": " + std::to_string(folds) + ", \"tasks\": {" : "";
      for (std::size_t h = 0; h < summary.size(); ++h) {
        double am, as, fm, fs;
        mean_std(summary[h].accuracy, am, as);
        mean_std(summary[h].macro_f1, fm, fs);
        char nums[200];
        if (s->json) {
          if (h) out += ", ";
          json::append_string(out, summary[h].field);
          std::snprintf(nums, sizeof nums,
                        ": {\"accuracy_mean\": %.6f, \"accuracy_std\": %.6f, \"macro_f1_mean\": %.6f, \"macro_f1_std\": %.6f}",
                        am, as, fm, fs);
          out += nums;
        } else {
          std::snprintf(nums, sizeof nums, ": accuracy %.4f ± %.4f, macro-F1 %.4f ± %.4f (%d folds)\n", am, as, fm, fs, folds);
          out += summary[h].field + nums;
        }
      }
      if (s->json) out += "}}\n";
      std::fputs(out.c_str(), stdout);
      return 0;
    };
  });
}

}  // namespace rasid
