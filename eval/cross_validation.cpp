#include "eval/cross_validation.h"

#include <algorithm>
#include <map>
#include <random>

#include "common/error.h"

namespace rasid {

std::vector<int> stratified_folds(const std::vector<std::string>& strata, int folds, std::uint64_t seed) {
  if (folds < 2) throw InputError("cross-validation needs at least 2 folds");
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < strata.size(); ++i) groups[strata[i]].push_back(i);
  std::mt19937_64 rng(seed);
  std::vector<int> fold(strata.size(), 0);
  int next = 0;  // continue the round-robin across groups to balance fold sizes
  for (auto& [value, docs] : groups) {
    std::shuffle(docs.begin(), docs.end(), rng);
    for (std::size_t d : docs) {
      fold[d] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}

std::vector<int> folds_from_values(const std::vector<std::string>& values, int& folds) {
  std::vector<std::string> distinct(values);
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  if (std::find(distinct.begin(), distinct.end(), std::string()) != distinct.end())
    throw InputError("some documents have no value in the folds field");
  if (distinct.size() < 2) throw InputError("the folds field must have at least two distinct values");
  folds = static_cast<int>(distinct.size());
  std::vector<int> fold(values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    fold[i] = static_cast<int>(std::lower_bound(distinct.begin(), distinct.end(), values[i]) - distinct.begin());
  return fold;
}

Corpus subset(const Corpus& c, const std::vector<std::size_t>& docs) {
  Corpus s;
  s.source = c.source;
  s.labels.resize(c.labels.size());
  for (std::size_t d : docs) {
    s.ids.push_back(c.ids[d]);
    s.texts.push_back(c.texts[d]);
    if (!c.claims.empty()) s.claims.push_back(c.claims[d]);
    for (std::size_t h = 0; h < c.labels.size(); ++h) s.labels[h].push_back(c.labels[h][d]);
    s.lines.push_back(c.lines[d]);
  }
  return s;
}

std::vector<CvSummary> cross_validate(const Corpus& corpus, const FieldNames& fields, const TrainOptions& options,
                                      const std::vector<int>& fold_of, int folds, const CvLog& log) {
  std::vector<CvSummary> out(fields.labels.size());
  for (std::size_t h = 0; h < fields.labels.size(); ++h) out[h].field = fields.labels[h];
  EvalOptions eo;
  eo.threads = options.threads;
  eo.bootstrap = 0;
  for (int k = 0; k < folds; ++k) {
    std::vector<std::size_t> tr, te;
    for (std::size_t i = 0; i < corpus.size(); ++i) (fold_of[i] == k ? te : tr).push_back(i);
    if (te.empty() || tr.empty()) continue;
    Corpus train = subset(corpus, tr), test = subset(corpus, te);
    Model m = train_model(train, nullptr, fields, options);
    EvalResult r = evaluate(m, test, fields, eo);
    for (std::size_t h = 0; h < r.tasks.size(); ++h) {
      out[h].accuracy.push_back(r.tasks[h].metrics.accuracy);
      out[h].macro_f1.push_back(r.tasks[h].metrics.macro_f1);
      if (log)
        log("fold " + std::to_string(k + 1) + "/" + std::to_string(folds) + " " + out[h].field + ": accuracy " +
            std::to_string(r.tasks[h].metrics.accuracy) + ", macro-F1 " + std::to_string(r.tasks[h].metrics.macro_f1));
    }
  }
  return out;
}

}  // namespace rasid
