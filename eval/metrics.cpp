#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace rasid {

int argmax(const std::vector<float>& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  std::size_t lo = static_cast<std::size_t>(std::floor(pos));
  std::size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

}  // namespace

TaskMetrics compute_metrics(const std::string& field, const std::vector<std::string>& labels,
                            const std::vector<int>& gold, const std::vector<std::vector<float>>& probs,
                            int bootstrap, std::uint64_t seed) {
  TaskMetrics t;
  t.field = field;
  t.labels = labels;
  const std::size_t k = labels.size(), n = gold.size();
  t.n = n;
  t.confusion.assign(k, std::vector<std::size_t>(k, 0));
  std::vector<int> pred(n);
  constexpr int kBins = 10;
  std::vector<double> bin_conf(kBins, 0), bin_acc(kBins, 0);
  std::vector<std::size_t> bin_n(kBins, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t g = static_cast<std::size_t>(gold[i]);
    pred[i] = argmax(probs[i]);
    ++t.confusion[g][static_cast<std::size_t>(pred[i])];
    t.log_loss += -std::log(std::max(static_cast<double>(probs[i][g]), 1e-15));
    for (std::size_t c = 0; c < k; ++c) {
      double d = probs[i][c] - (c == g ? 1.0 : 0.0);
      t.brier += d * d;
    }
    double conf = probs[i][static_cast<std::size_t>(pred[i])];
    int b = std::min(kBins - 1, static_cast<int>(conf * kBins));
    bin_conf[b] += conf;
    bin_acc[b] += pred[i] == gold[i] ? 1.0 : 0.0;
    ++bin_n[b];
  }
  if (n) {
    t.log_loss /= static_cast<double>(n);
    t.brier /= static_cast<double>(n);
  }
  for (int b = 0; b < kBins; ++b) {
    ReliabilityBin r;
    r.count = bin_n[b];
    if (bin_n[b]) {
      r.confidence = bin_conf[b] / static_cast<double>(bin_n[b]);
      r.accuracy = bin_acc[b] / static_cast<double>(bin_n[b]);
      t.ece += std::fabs(r.accuracy - r.confidence) * static_cast<double>(bin_n[b]) / static_cast<double>(n);
    }
    t.reliability.push_back(r);
  }
  t.accuracy = accuracy_of(t.confusion);
  t.macro_f1 = macro_f1_of(t.confusion);
  for (std::size_t c = 0; c < k; ++c) {
    t.per_class.push_back(class_metrics(t.confusion, c));
    if (n) t.weighted_f1 += t.per_class.back().f1 * static_cast<double>(t.per_class.back().support) / static_cast<double>(n);
  }
  if (bootstrap > 0 && n > 0) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, n - 1);
    std::vector<double> accs, f1s;
    Confusion m(k, std::vector<std::size_t>(k));
    for (int r = 0; r < bootstrap; ++r) {
      for (auto& row : m) std::fill(row.begin(), row.end(), 0);
      for (std::size_t i = 0; i < n; ++i) {
        std::size_t j = pick(rng);
        ++m[static_cast<std::size_t>(gold[j])][static_cast<std::size_t>(pred[j])];
      }
      accs.push_back(accuracy_of(m));
      f1s.push_back(macro_f1_of(m));
    }
    t.accuracy_ci = {percentile(accs, 0.025), percentile(accs, 0.975)};
    t.macro_f1_ci = {percentile(f1s, 0.025), percentile(f1s, 0.975)};
  }
  return t;
}

}  // namespace rasid
