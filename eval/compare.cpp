#include "eval/compare.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "io/json.h"

namespace rasid {

namespace {
double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  double pos = q * static_cast<double>(v.size() - 1);
  std::size_t lo = static_cast<std::size_t>(pos), hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

// Share of resampled differences on the other side of zero from the
// observed one, doubled: a two-sided p-value.
double p_value(const std::vector<double>& diffs, double observed) {
  std::size_t against = 0;
  for (double d : diffs) against += observed >= 0 ? (d <= 0) : (d >= 0);
  return std::min(1.0, 2.0 * static_cast<double>(against) / static_cast<double>(diffs.size()));
}
}  // namespace

std::vector<Comparison> compare_models(const EvalResult& a, const EvalResult& b, int bootstrap, std::uint64_t seed) {
  std::vector<Comparison> out;
  for (const TaskResult& ta : a.tasks) {
    auto tb = std::find_if(b.tasks.begin(), b.tasks.end(),
                           [&](const TaskResult& t) { return t.metrics.field == ta.metrics.field; });
    if (tb == b.tasks.end()) continue;
    std::map<std::size_t, std::size_t> b_index;
    for (std::size_t j = 0; j < tb->docs.size(); ++j) b_index[tb->docs[j]] = j;
    // Gold, and each model's prediction, over documents both scored. Gold
    // is taken by label name so the two models may order classes differently.
    const auto& la = ta.metrics.labels;
    const auto& lb = tb->metrics.labels;
    std::vector<std::string> names(la);
    for (const auto& l : lb)
      if (std::find(names.begin(), names.end(), l) == names.end()) names.push_back(l);
    auto id_of = [&](const std::string& l) {
      return static_cast<std::size_t>(std::find(names.begin(), names.end(), l) - names.begin());
    };
    std::vector<std::size_t> gold, pa, pb;
    for (std::size_t i = 0; i < ta.docs.size(); ++i) {
      auto it = b_index.find(ta.docs[i]);
      if (it == b_index.end()) continue;
      gold.push_back(id_of(la[static_cast<std::size_t>(ta.gold[i])]));
      pa.push_back(id_of(la[static_cast<std::size_t>(argmax(ta.probs[i]))]));
      pb.push_back(id_of(lb[static_cast<std::size_t>(argmax(tb->probs[it->second]))]));
    }
    Comparison c;
    c.field = ta.metrics.field;
    c.n = gold.size();
    if (c.n == 0) continue;
    const std::size_t k = names.size();
    auto score = [&](const std::vector<std::size_t>& idx, double& fa, double& fb, double& aa, double& ab) {
      Confusion ma(k, std::vector<std::size_t>(k)), mb(k, std::vector<std::size_t>(k));
      for (std::size_t i : idx) {
        ++ma[gold[i]][pa[i]];
        ++mb[gold[i]][pb[i]];
      }
      fa = macro_f1_of(ma);
      fb = macro_f1_of(mb);
      aa = accuracy_of(ma);
      ab = accuracy_of(mb);
    };
    std::vector<std::size_t> all(c.n);
    for (std::size_t i = 0; i < c.n; ++i) all[i] = i;
    score(all, c.a_macro_f1, c.b_macro_f1, c.a_accuracy, c.b_accuracy);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, c.n - 1);
    std::vector<double> df, da;
    std::vector<std::size_t> idx(c.n);
    for (int r = 0; r < bootstrap; ++r) {
      for (auto& i : idx) i = pick(rng);
      double fa, fb, aa, ab;
      score(idx, fa, fb, aa, ab);
      df.push_back(fa - fb);
      da.push_back(aa - ab);
    }
    if (bootstrap > 0) {
      c.macro_f1_diff_ci = {quantile(df, 0.025), quantile(df, 0.975)};
      c.accuracy_diff_ci = {quantile(da, 0.025), quantile(da, 0.975)};
      c.macro_f1_p = p_value(df, c.a_macro_f1 - c.b_macro_f1);
      c.accuracy_p = p_value(da, c.a_accuracy - c.b_accuracy);
    }
    out.push_back(c);
  }
  return out;
}

std::string comparison_json(const std::vector<Comparison>& cs) {
  std::string out = "{";
  for (std::size_t i = 0; i < cs.size(); ++i) {
    const Comparison& c = cs[i];
    if (i) out += ", ";
    json::append_string(out, c.field);
    out += ": {\"n\": " + std::to_string(c.n);
    const std::pair<const char*, double> values[] = {
        {"a_macro_f1", c.a_macro_f1}, {"b_macro_f1", c.b_macro_f1}, {"macro_f1_diff_low", c.macro_f1_diff_ci.low},
        {"macro_f1_diff_high", c.macro_f1_diff_ci.high}, {"macro_f1_p", c.macro_f1_p}, {"a_accuracy", c.a_accuracy},
        {"b_accuracy", c.b_accuracy}, {"accuracy_diff_low", c.accuracy_diff_ci.low},
        {"accuracy_diff_high", c.accuracy_diff_ci.high}, {"accuracy_p", c.accuracy_p}};
    for (const auto& [name, v] : values) {
      out += ", \"";
      out += name;
      out += "\": ";
      json::append_number(out, v);
    }
    out += "}";
  }
  return out + "}";
}

std::string comparison_report(const std::vector<Comparison>& cs, const std::string& a_name, const std::string& b_name) {
  std::string out = "paired bootstrap: A = " + a_name + ", B = " + b_name + "\n";
  for (const Comparison& c : cs) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "\n== %s (%zu documents)\nmacro-F1  A %.4f  B %.4f  A-B %+.4f  95%% CI [%+.4f, %+.4f]  p = %.4f  %s\n"
                  "accuracy  A %.4f  B %.4f  A-B %+.4f  95%% CI [%+.4f, %+.4f]  p = %.4f  %s\n",
                  c.field.c_str(), c.n, c.a_macro_f1, c.b_macro_f1, c.a_macro_f1 - c.b_macro_f1, c.macro_f1_diff_ci.low,
                  c.macro_f1_diff_ci.high, c.macro_f1_p,
                  c.macro_f1_p < 0.05 ? "(significant at 5%)" : "(not significant at 5%)", c.a_accuracy, c.b_accuracy,
                  c.a_accuracy - c.b_accuracy, c.accuracy_diff_ci.low, c.accuracy_diff_ci.high, c.accuracy_p,
                  c.accuracy_p < 0.05 ? "(significant at 5%)" : "(not significant at 5%)");
    out += buf;
  }
  return out;
}

}  // namespace rasid
