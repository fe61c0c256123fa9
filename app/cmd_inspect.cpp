#include <algorithm>
#include <memory>

#include "app/commands.h"
#include "models/model_file.h"

namespace rasid {

void add_inspect(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("inspect", "show a model's settings, labels, sizes and top n-grams per class");
  struct State {
    std::string model;
    int top = 10;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("-m,--model", s->model, "model file")->required();
  cmd->add_option("--top", s->top, "n-grams shown per class")->capture_default_str();
  cmd->callback([s, &run] {
    run = [s] {
      Model m = load_model(s->model);
      std::printf("model     %s\n", s->model.c_str());
      std::printf("features  %s\n", m.features.describe().c_str());
      std::printf("columns   %zu\n", m.vocabulary.size());
      for (const auto& [k, v] : m.info) std::printf("%-9s %s\n", k.c_str(), v.c_str());
      for (const Head& h : m.heads) {
        std::printf("\nhead '%s': %zu classes, %s weights, temperature %.3f\n", h.field.c_str(), h.labels.size(),
                    h.weights->kind() == Matrix::Kind::Int8 ? "8-bit" : "32-bit", h.temperature);
        for (std::size_t c = 0; c < h.labels.size(); ++c) {
          std::vector<std::pair<float, const std::string*>> named;
          for (const auto& [col, name] : m.feature_names)
            named.emplace_back(h.weights->at(static_cast<std::size_t>(col), c), &name);
          std::size_t n = std::min(named.size(), static_cast<std::size_t>(std::max(0, s->top)));
          std::partial_sort(named.begin(), named.begin() + static_cast<std::ptrdiff_t>(n), named.end(),
                            [](const auto& a, const auto& b) { return a.first > b.first; });
          std::printf("  %s:", h.labels[c].c_str());
          for (std::size_t i = 0; i < n; ++i) std::printf("  %s (%.2f)", named[i].second->c_str(), named[i].first);
          std::printf("\n");
        }
      }
      return 0;
    };
  });
}

}  // namespace rasid
