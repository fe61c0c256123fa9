#include "common/confusion.h"

namespace rasid {

ClassMetrics class_metrics(const Confusion& m, std::size_t c) {
  std::size_t tp = m[c][c], gold = 0, pred = 0;
  for (std::size_t j = 0; j < m.size(); ++j) {
    gold += m[c][j];
    pred += m[j][c];
  }
  ClassMetrics r;
  r.support = gold;
  r.precision = pred ? static_cast<double>(tp) / static_cast<double>(pred) : 0.0;
  r.recall = gold ? static_cast<double>(tp) / static_cast<double>(gold) : 0.0;
  r.f1 = r.precision + r.recall > 0 ? 2 * r.precision * r.recall / (r.precision + r.recall) : 0.0;
  return r;
}

double accuracy_of(const Confusion& m) {
  std::size_t right = 0, all = 0;
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t j = 0; j < m.size(); ++j) {
      all += m[i][j];
      if (i == j) right += m[i][j];
    }
  return all ? static_cast<double>(right) / static_cast<double>(all) : 0.0;
}

double macro_f1_of(const Confusion& m) {
  double sum = 0.0;
  std::size_t present = 0;
  for (std::size_t c = 0; c < m.size(); ++c) {
    std::size_t gold = 0, pred = 0;
    for (std::size_t j = 0; j < m.size(); ++j) {
      gold += m[c][j];
      pred += m[j][c];
    }
    if (gold == 0 && pred == 0) continue;
    sum += class_metrics(m, c).f1;
    ++present;
  }
  return present ? sum / static_cast<double>(present) : 0.0;
}

}  // namespace rasid
