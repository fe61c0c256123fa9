#include "eval/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace rasid {

Uncertainty parse_uncertainty(const std::string& name) {
  if (name == "margin") return Uncertainty::Margin;
  if (name == "entropy") return Uncertainty::Entropy;
  if (name == "least-confident") return Uncertainty::LeastConfident;
  throw InputError("unknown strategy '" + name + "' (expected margin, entropy or least-confident)");
}

double uncertainty(const std::vector<float>& p, Uncertainty kind) {
  if (p.size() < 2) return 0.0;
  std::vector<float> s(p);
  std::partial_sort(s.begin(), s.begin() + 2, s.end(), std::greater<float>());
  switch (kind) {
    case Uncertainty::Margin: return 1.0 - (static_cast<double>(s[0]) - s[1]);
    case Uncertainty::LeastConfident: return 1.0 - s[0];
    case Uncertainty::Entropy: {
      double h = 0.0;
      for (float x : p)
        if (x > 0) h -= x * std::log(static_cast<double>(x));
      return h / std::log(static_cast<double>(p.size()));
    }
  }
  return 0.0;
}

std::vector<std::size_t> most_uncertain(const std::vector<std::vector<std::vector<float>>>& probs, Uncertainty kind,
                                        std::size_t n, std::vector<double>* scores) {
  std::vector<double> score(probs.size(), 0.0);
  for (std::size_t i = 0; i < probs.size(); ++i)
    for (const auto& head : probs[i]) score[i] = std::max(score[i], uncertainty(head, kind));
  std::vector<std::size_t> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
  if (order.size() > n) order.resize(n);
  if (scores) *scores = std::move(score);
  return order;
}

}  // namespace rasid
