#include "eval/evaluate.h"

#include <algorithm>

#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "infer/predictor.h"

namespace rasid {

std::vector<std::vector<std::vector<float>>> predict_corpus(const Model& model, const Corpus& corpus, int threads) {
  std::vector<std::vector<std::vector<float>>> out(corpus.size());
  Progress progress("predicting", corpus.size());
  parallel_for(corpus.size(), resolve_threads(threads), [&](std::size_t b, std::size_t e) {
    Predictor pred(model);
    Prediction p;
    for (std::size_t i = b; i < e; ++i) {
      pred.predict(corpus.texts[i], corpus.claims.empty() ? std::string_view() : std::string_view(corpus.claims[i]), p);
      out[i] = p.probs;
      progress.add();
    }
  });
  return out;
}

EvalResult evaluate(const Model& model, const Corpus& corpus, const FieldNames& fields, const EvalOptions& o) {
  if (model.features.pair && corpus.claims.empty())
    throw InputError("this model classifies claim/text pairs: give --claim-field");
  EvalResult r;
  r.n = corpus.size();
  auto probs = predict_corpus(model, corpus, o.threads);
  for (std::size_t f = 0; f < fields.labels.size(); ++f) {
    std::size_t h = 0;
    while (h < model.heads.size() && model.heads[h].field != fields.labels[f]) ++h;
    if (h == model.heads.size()) throw InputError("the model has no head for label field '" + fields.labels[f] + "'");
    const Head& head = model.heads[h];
    TaskResult t;
    std::size_t unknown = 0;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
      const std::string& v = corpus.labels[f][i];
      if (v.empty()) continue;
      auto it = std::find(head.labels.begin(), head.labels.end(), v);
      if (it == head.labels.end()) {
        ++unknown;
        continue;
      }
      t.gold.push_back(static_cast<int>(it - head.labels.begin()));
      t.probs.push_back(probs[i][h]);
      t.docs.push_back(i);
    }
    t.metrics = compute_metrics(head.field, head.labels, t.gold, t.probs, o.bootstrap, o.seed);
    t.metrics.unknown_labels = unknown;
    for (std::size_t j = 0; j < t.gold.size(); ++j) {
      int p = argmax(t.probs[j]);
      if (p != t.gold[j]) t.worst.push_back({t.docs[j], t.gold[j], p, t.probs[j][static_cast<std::size_t>(p)]});
    }
    std::stable_sort(t.worst.begin(), t.worst.end(), [](const Mistake& a, const Mistake& b) { return a.confidence > b.confidence; });
    if (t.worst.size() > o.mistakes) t.worst.resize(o.mistakes);
    r.tasks.push_back(std::move(t));
  }
  return r;
}

}  // namespace rasid
