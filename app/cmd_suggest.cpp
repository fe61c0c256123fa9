#include <memory>

#include "app/commands.h"
#include "common/error.h"
#include "eval/evaluate.h"
#include "eval/uncertainty.h"
#include "io/json.h"
#include "models/model_file.h"

namespace rasid {

void add_suggest(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("suggest", "list the documents the model is least sure of, to label next");
  struct State {
    std::string model, data, strategy = "margin";
    std::size_t n = 50;
    RunFlags run;
    FieldOptions fields;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("-m,--model", s->model, "model file")->required();
  cmd->add_option("--data", s->data, "unlabelled documents (JSONL, CSV, TSV or text)")->required();
  cmd->add_option("-n", s->n, "how many documents to list")->capture_default_str();
  cmd->add_option("--strategy", s->strategy, "margin, entropy or least-confident")->capture_default_str();
  s->run.add_to(*cmd);
  s->fields.add_to(*cmd);
  cmd->callback([s, &run] {
    run = [s] {
      Model model = load_model(s->model);
      Uncertainty kind = parse_uncertainty(s->strategy);
      FieldNames fields = s->fields.resolve(&model);
      Corpus c = read_corpus(s->data, parse_format(s->fields.format), fields, s->run.skip_bad, false);
      auto probs = predict_corpus(model, c, s->run.threads);
      std::vector<double> score;
      std::string out;
      for (std::size_t i : most_uncertain(probs, kind, s->n, &score)) {
        out += "{\"id\": ";
        json::append_string(out, c.ids[i]);
        out += ", \"line\": " + std::to_string(c.lines[i]) + ", \"uncertainty\": ";
        json::append_number(out, score[i], 4);
        for (std::size_t h = 0; h < model.heads.size(); ++h) {
          const auto& p = probs[i][h];
          std::size_t best = static_cast<std::size_t>(argmax(p));
          out += ", ";
          json::append_string(out, model.heads[h].field);
          out += ": {\"label\": ";
          json::append_string(out, model.heads[h].labels[best]);
          out += ", \"prob\": ";
          json::append_number(out, p[best], 4);
          out += "}";
        }
        out += ", \"text\": ";
        json::append_string(out, c.texts[i]);
        out += "}\n";
      }
      std::fputs(out.c_str(), stdout);
      return 0;
    };
  });
}

}  // namespace rasid
