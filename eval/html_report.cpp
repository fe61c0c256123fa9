#include "eval/html_report.h"

#include <algorithm>
#include <cstdio>

namespace rasid {

namespace {

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

std::string num(double v, int digits = 3) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// Cuts a UTF-8 string to at most `max` bytes without splitting a character.
std::string snippet(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

std::string class_bars(const TaskMetrics& t) {
  const int row = 22, label_w = 150, bar_w = 300;
  int h = static_cast<int>(t.labels.size()) * row * 3 + 30;
  std::string s = "<svg class=\"bars\" width=\"" + std::to_string(label_w + bar_w + 110) + "\" height=\"" +
                  std::to_string(h) + "\" role=\"img\" aria-label=\"per-class precision, recall and F1\">";
  const char* names[3] = {"precision", "recall", "F1"};
  const char* colors[3] = {"#4c78a8", "#f58518", "#54a24b"};
  int y = 10;
  for (std::size_t c = 0; c < t.labels.size(); ++c) {
    const double v[3] = {t.per_class[c].precision, t.per_class[c].recall, t.per_class[c].f1};
    s += "<text x=\"0\" y=\"" + std::to_string(y + 30) + "\" class=\"lbl\">" + esc(t.labels[c]) + "</text>";
    for (int m = 0; m < 3; ++m) {
      int w = static_cast<int>(v[m] * bar_w);
      s += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y) + "\" width=\"" + std::to_string(w) +
           "\" height=\"" + std::to_string(row - 6) + "\" fill=\"" + colors[m] + "\"><title>" + names[m] + " " +
           num(v[m]) + "</title></rect>";
      s += "<text x=\"" + std::to_string(label_w + w + 4) + "\" y=\"" + std::to_string(y + 12) + "\" class=\"val\">" +
           names[m] + " " + num(v[m]) + "</text>";
      y += row;
    }
  }
  return s + "</svg>";
}

std::string heatmap(const TaskMetrics& t) {
  const int cell = 44, margin = 150;
  int k = static_cast<int>(t.labels.size());
  int size = margin + k * cell + 10;
  std::string s = "<svg class=\"heatmap\" width=\"" + std::to_string(size) + "\" height=\"" + std::to_string(size) +
                  "\" role=\"img\" aria-label=\"confusion matrix\">";
  for (int g = 0; g < k; ++g) {
    std::size_t total = 0;
    for (int p = 0; p < k; ++p) total += t.confusion[g][p];
    s += "<text x=\"0\" y=\"" + std::to_string(margin + g * cell + cell / 2 + 4) + "\" class=\"lbl\">" +
         esc(t.labels[g]) + "</text>";
    s += "<text x=\"" + std::to_string(margin + g * cell + 4) + "\" y=\"" + std::to_string(margin - 8) +
         "\" class=\"lbl\" transform=\"rotate(-45 " + std::to_string(margin + g * cell + 4) + " " +
         std::to_string(margin - 8) + ")\">" + esc(t.labels[g]) + "</text>";
    for (int p = 0; p < k; ++p) {
      double share = total ? static_cast<double>(t.confusion[g][p]) / static_cast<double>(total) : 0.0;
      int shade = 255 - static_cast<int>(share * 200);
      char fill[48];
      std::snprintf(fill, sizeof fill, "rgb(%d,%d,255)", shade, shade);
      s += "<rect x=\"" + std::to_string(margin + p * cell) + "\" y=\"" + std::to_string(margin + g * cell) +
           "\" width=\"" + std::to_string(cell - 2) + "\" height=\"" + std::to_string(cell - 2) + "\" fill=\"" + fill +
           "\"/><text x=\"" + std::to_string(margin + p * cell + cell / 2) + "\" y=\"" +
           std::to_string(margin + g * cell + cell / 2 + 4) + "\" class=\"cnt\">" + std::to_string(t.confusion[g][p]) +
           "</text>";
    }
  }
  return s + "</svg>";
}

std::string reliability(const TaskMetrics& t) {
  const int size = 260, pad = 30;
  std::string s = "<svg class=\"reliability\" width=\"" + std::to_string(size + pad * 2) + "\" height=\"" +
                  std::to_string(size + pad * 2) + "\" role=\"img\" aria-label=\"reliability diagram\">";
  auto px = [&](double v) { return std::to_string(pad + static_cast<int>(v * size)); };
  auto py = [&](double v) { return std::to_string(pad + size - static_cast<int>(v * size)); };
  s += "<rect x=\"" + std::to_string(pad) + "\" y=\"" + std::to_string(pad) + "\" width=\"" + std::to_string(size) +
       "\" height=\"" + std::to_string(size) + "\" fill=\"none\" stroke=\"#999\"/>";
  s += "<line x1=\"" + px(0) + "\" y1=\"" + py(0) + "\" x2=\"" + px(1) + "\" y2=\"" + py(1) +
       "\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>";
  const double width = 1.0 / static_cast<double>(t.reliability.size());
  for (std::size_t b = 0; b < t.reliability.size(); ++b) {
    const ReliabilityBin& r = t.reliability[b];
    if (!r.count) continue;
    double x0 = static_cast<double>(b) * width;
    s += "<rect x=\"" + px(x0) + "\" y=\"" + py(r.accuracy) + "\" width=\"" +
         std::to_string(static_cast<int>(width * size) - 2) + "\" height=\"" +
         std::to_string(static_cast<int>(r.accuracy * size)) + "\" fill=\"#4c78a8\" opacity=\"0.8\"><title>confidence " +
         num(r.confidence) + ", accuracy " + num(r.accuracy) + ", " + std::to_string(r.count) + " documents</title></rect>";
    s += "<circle cx=\"" + px(r.confidence) + "\" cy=\"" + py(r.confidence) + "\" r=\"3\" fill=\"#e45756\"/>";
  }
  s += "<text x=\"" + std::to_string(pad) + "\" y=\"" + std::to_string(size + pad + 20) +
       "\" class=\"val\">predicted confidence →</text>";
  s += "<text x=\"4\" y=\"20\" class=\"val\">observed accuracy</text>";
  return s + "</svg>";
}

}  // namespace

std::string html_report(const EvalResult& r, const Model& model, const Corpus& data, const std::string& model_path) {
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>rasid evaluation report</title>"
      "<style>body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}"
      "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
      "th{background:#f3f3f3}td.t{text-align:right;direction:rtl;unicode-bidi:plaintext;max-width:560px}"
      ".lbl{font-size:12px}.val{font-size:11px;fill:#333}.cnt{font-size:12px;text-anchor:middle}"
      "section.task{border-top:2px solid #4c78a8;margin-top:2em}.figs{display:flex;flex-wrap:wrap;gap:2em}"
      "</style></head><body>\n<h1>rasid evaluation report</h1>\n";
  h += "<p>Model <code>" + esc(model_path) + "</code> on <code>" + esc(data.source) + "</code>: " +
       std::to_string(r.n) + " documents.</p>\n<table id=\"summary\"><tr><th>task</th><th>scored</th><th>accuracy</th>"
       "<th>95% CI</th><th>macro-F1</th><th>95% CI</th><th>weighted-F1</th><th>log-loss</th><th>ECE</th><th>Brier</th></tr>\n";
  for (const TaskResult& tr : r.tasks) {
    const TaskMetrics& t = tr.metrics;
    h += "<tr><th>" + esc(t.field) + "</th><td>" + std::to_string(t.n) + "</td><td>" + num(t.accuracy) + "</td><td>" +
         num(t.accuracy_ci.low) + "–" + num(t.accuracy_ci.high) + "</td><td>" + num(t.macro_f1) + "</td><td>" +
         num(t.macro_f1_ci.low) + "–" + num(t.macro_f1_ci.high) + "</td><td>" + num(t.weighted_f1) + "</td><td>" +
         num(t.log_loss) + "</td><td>" + num(t.ece) + "</td><td>" + num(t.brier) + "</td></tr>\n";
  }
  h += "</table>\n";
  for (const TaskResult& tr : r.tasks) {
    const TaskMetrics& t = tr.metrics;
    h += "<section class=\"task\" id=\"task-" + esc(t.field) + "\"><h2>" + esc(t.field) + "</h2>\n";
    if (t.unknown_labels)
      h += "<p>" + std::to_string(t.unknown_labels) + " documents carry labels the model does not know; they are not scored.</p>\n";
    h += "<div class=\"figs\"><figure><figcaption>Per-class precision, recall and F1</figcaption>" + class_bars(t) +
         "</figure><figure><figcaption>Confusion matrix (rows: gold, columns: predicted; shade: share of the row)</figcaption>" +
         heatmap(t) + "</figure><figure><figcaption>Reliability: bars are observed accuracy per confidence bin, dots the mean confidence</figcaption>" +
         reliability(t) + "</figure></div>\n";
    h += "<h3>Most confident mistakes</h3><table class=\"mistakes\"><tr><th>id</th><th>gold</th><th>predicted</th><th>confidence</th><th>text</th></tr>\n";
    for (const Mistake& m : tr.worst) {
      h += "<tr><td>" + esc(snippet(data.ids[m.doc], 40)) + "</td><td>" + esc(t.labels[static_cast<std::size_t>(m.gold)]) +
           "</td><td>" + esc(t.labels[static_cast<std::size_t>(m.predicted)]) + "</td><td>" + num(m.confidence) +
           "</td><td class=\"t\" dir=\"auto\">" + esc(snippet(data.texts[m.doc], 400)) + "</td></tr>\n";
    }
    h += "</table></section>\n";
  }
  h += "<section id=\"settings\"><h2>Model settings</h2><table><tr><th>features</th><td>" + esc(model.features.describe()) +
       "</td></tr><tr><th>columns</th><td>" + std::to_string(model.vocabulary.size()) + "</td></tr>\n";
  for (const auto& [k, v] : model.info) h += "<tr><th>" + esc(k) + "</th><td>" + esc(v) + "</td></tr>\n";
  for (const Head& hd : model.heads) {
    std::string labels;
    for (const auto& l : hd.labels) labels += (labels.empty() ? "" : ", ") + l;
    h += "<tr><th>head " + esc(hd.field) + "</th><td>" + esc(labels) + " (temperature " + num(hd.temperature) + ")</td></tr>\n";
  }
  h += "</table></section>\n</body></html>\n";
  return h;
}

}  // namespace rasid
