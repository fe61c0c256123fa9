#include "eval/report.h"

#include <algorithm>
#include <cstdio>

#include "io/json.h"

namespace rasid {

namespace {

std::string fixed(double v, int digits = 4) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// Widths count code points, so Arabic labels line up too.
std::size_t width_of(const std::string& s) {
  std::size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
  return cps;
}

std::string pad(const std::string& s, std::size_t width) {
  std::size_t w = width_of(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

// Right-aligned, as numbers are: a column's label ends where its counts do.
std::string pad_left(const std::string& s, std::size_t width) {
  std::size_t w = width_of(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

// The first `n` code points of s, never splitting a character.
std::string head(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  for (std::size_t cps = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && cps++ == n) break;
  }
  return s.substr(0, i);
}

void number_field(std::string& out, const char* name, double v) {
  out += '"';
  out += name;
  out += "\": ";
  json::append_number(out, v, 6);
}

// ", "name": [low, high], "
void interval_field(std::string& out, const char* name, const Interval& ci) {
  out += ", \"";
  out += name;
  out += "\": [";
  json::append_number(out, ci.low, 6);
  out += ", ";
  json::append_number(out, ci.high, 6);
  out += "], ";
}

}  // namespace

std::string text_report(const EvalResult& r) {
  std::string out = "documents: " + std::to_string(r.n) + "\n";
  for (const TaskResult& tr : r.tasks) {
    const TaskMetrics& t = tr.metrics;
    out += "\n== " + t.field + " (" + std::to_string(t.n) + " scored";
    if (t.unknown_labels) out += ", " + std::to_string(t.unknown_labels) + " with labels unknown to the model, not scored";
    out += ")\n";
    out += "accuracy     " + fixed(t.accuracy) + "  95% CI [" + fixed(t.accuracy_ci.low) + ", " + fixed(t.accuracy_ci.high) + "]\n";
    out += "macro-F1     " + fixed(t.macro_f1) + "  95% CI [" + fixed(t.macro_f1_ci.low) + ", " + fixed(t.macro_f1_ci.high) + "]\n";
    out += "weighted-F1  " + fixed(t.weighted_f1) + "\n";
    out += "log-loss     " + fixed(t.log_loss) + "\n";
    out += "ECE          " + fixed(t.ece) + "   Brier " + fixed(t.brier) + "\n\n";
    std::size_t w = 8;
    for (const auto& l : t.labels) w = std::max(w, width_of(l) + 2);
    w = std::min<std::size_t>(w, 28);
    out += pad("class", w) + " precision  recall      F1  support\n";
    for (std::size_t c = 0; c < t.labels.size(); ++c) {
      const ClassMetrics& m = t.per_class[c];
      char line[96];
      std::snprintf(line, sizeof line, "  %7.4f %7.4f %7.4f %8zu\n", m.precision, m.recall, m.f1, m.support);
      out += pad(head(t.labels[c], w - 1), w) + line;
    }
    out += "\nconfusion (rows: gold, columns: predicted)\n" + pad("", w);
    for (std::size_t c = 0; c < t.labels.size(); ++c) out += " " + pad_left(head(t.labels[c], 7), 7);
    out += "\n";
    for (std::size_t g = 0; g < t.labels.size(); ++g) {
      out += pad(head(t.labels[g], w - 1), w);
      for (std::size_t p = 0; p < t.labels.size(); ++p) {
        char cell[16];
        std::snprintf(cell, sizeof cell, " %7zu", t.confusion[g][p]);
        out += cell;
      }
      out += "\n";
    }
  }
  return out;
}

std::string json_report(const EvalResult& r) {
  std::string out = "{\"n\": " + std::to_string(r.n) + ", \"tasks\": {";
  for (std::size_t i = 0; i < r.tasks.size(); ++i) {
    const TaskMetrics& t = r.tasks[i].metrics;
    if (i) out += ", ";
    json::append_string(out, t.field);
    out += ": {\"n\": " + std::to_string(t.n) + ", \"unknown_labels\": " + std::to_string(t.unknown_labels) + ", ";
    number_field(out, "accuracy", t.accuracy);
    interval_field(out, "accuracy_ci", t.accuracy_ci);
    number_field(out, "macro_f1", t.macro_f1);
    interval_field(out, "macro_f1_ci", t.macro_f1_ci);
    number_field(out, "weighted_f1", t.weighted_f1);
    out += ", ";
    number_field(out, "log_loss", t.log_loss);
    out += ", ";
    number_field(out, "ece", t.ece);
    out += ", ";
    number_field(out, "brier", t.brier);
    out += ", \"per_class\": {";
    for (std::size_t c = 0; c < t.labels.size(); ++c) {
      if (c) out += ", ";
      json::append_string(out, t.labels[c]);
      out += ": {";
      number_field(out, "precision", t.per_class[c].precision);
      out += ", ";
      number_field(out, "recall", t.per_class[c].recall);
      out += ", ";
      number_field(out, "f1", t.per_class[c].f1);
      out += ", \"support\": " + std::to_string(t.per_class[c].support) + "}";
    }
    out += "}, \"confusion\": {";
    for (std::size_t g = 0; g < t.labels.size(); ++g) {
      if (g) out += ", ";
      json::append_string(out, t.labels[g]);
      out += ": {";
      for (std::size_t p = 0; p < t.labels.size(); ++p) {
        if (p) out += ", ";
        json::append_string(out, t.labels[p]);
        out += ": " + std::to_string(t.confusion[g][p]);
      }
      out += "}";
    }
    out += "}}";
  }
  out += "}}\n";
  return out;
}

}  // namespace rasid
