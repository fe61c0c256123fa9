#include "infer/stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>

#include "common/error.h"
#include "common/parallel.h"
#include "infer/predictor.h"
#include "io/json.h"

namespace rasid {

namespace {

struct Item {
  Record rec;
  std::string error;  // non-empty: the row is bad
};

std::vector<std::size_t> ranked(const std::vector<float>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  return order;
}

void format_jsonl(const Model& m, const std::string& id, bool numeric_id, const Prediction& pred,
                  const InferOptions& o, std::string& out) {
  out += "{\"id\": ";
  if (numeric_id) out += id; else json::append_string(out, id);
  for (std::size_t h = 0; h < m.heads.size(); ++h) {
    const Head& head = m.heads[h];
    const auto& p = pred.probs[h];
    auto order = ranked(p);
    out += ", ";
    json::append_string(out, head.field);
    out += ": {\"label\": ";
    json::append_string(out, head.labels[order[0]]);
    out += ", \"prob\": ";
    json::append_number(out, p[order[0]], 4);
    out += ", \"probs\": {";
    std::size_t k = o.top_k > 0 ? std::min(order.size(), static_cast<std::size_t>(o.top_k)) : order.size();
    for (std::size_t i = 0; i < k; ++i) {
      if (i) out += ", ";
      json::append_string(out, head.labels[order[i]]);
      out += ": ";
      json::append_number(out, p[order[i]], 4);
    }
    out += "}";
    if (!pred.explanations.empty()) {
      out += ", \"explain\": [";
      for (std::size_t i = 0; i < pred.explanations[h].size(); ++i) {
        if (i) out += ", ";
        out += "[";
        json::append_string(out, pred.explanations[h][i].feature);
        out += ", ";
        json::append_number(out, pred.explanations[h][i].weight, 4);
        out += "]";
      }
      out += "]";
    }
    out += "}";
  }
  out += "}\n";
}

// A TSV cell: tabs and line breaks would split the row, so they become spaces.
std::string tsv_clean(std::string s) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  return s;
}

void format_tsv(const Model& m, const std::string& id, const Prediction& pred, const InferOptions& o,
                std::string& out) {
  out += tsv_clean(id);
  for (std::size_t h = 0; h < m.heads.size(); ++h) {
    const auto& p = pred.probs[h];
    auto order = ranked(p);
    out += '\t';
    out += m.heads[h].labels[order[0]];
    out += '\t';
    json::append_number(out, p[order[0]], 4);
    if (o.top_k > 1) {
      out += '\t';
      std::size_t k = std::min(order.size(), static_cast<std::size_t>(o.top_k));
      for (std::size_t i = 0; i < k; ++i) {
        if (i) out += ',';
        out += m.heads[h].labels[order[i]] + ":";
        json::append_number(out, p[order[i]], 4);
      }
    }
  }
  out += '\n';
}

void format_error(const std::string& id, bool numeric_id, const std::string& error, OutputFormat f,
                  std::string& out) {
  if (f == OutputFormat::Tsv) {
    out += tsv_clean(id) + "\tERROR\t" + tsv_clean(error) + "\n";
    return;
  }
  out += "{\"id\": ";
  if (numeric_id) out += id; else json::append_string(out, id);
  out += ", \"error\": ";
  json::append_string(out, error);
  out += "}\n";
}

[[noreturn]] void write_failed(const std::string& name) {
  const int e = errno;
  throw IoError("cannot write " + (name.empty() ? std::string("output") : "'" + name + "'") + ": " + std::strerror(e));
}

void write_all(std::FILE* out, const std::string& s, const std::string& name) {
  if (!s.empty() && std::fwrite(s.data(), 1, s.size(), out) != s.size()) write_failed(name);
}

}  // namespace

InferStats run_infer(const Model& model, const std::vector<std::string>& inputs, std::FILE* out,
                     const InferOptions& o) {
  const int threads = resolve_threads(o.threads);
  if (o.fields.claim.empty() == model.features.pair)
    throw InputError(model.features.pair ? "this model classifies claim/text pairs: give --claim-field"
                                         : "this model was not trained on pairs: drop --claim-field");
  InferStats stats;
  if (o.output == OutputFormat::Tsv) {
    std::string header = "id";
    for (const Head& h : model.heads) {
      header += "\t" + h.field + "\t" + h.field + "_prob";
      if (o.top_k > 1) header += "\t" + h.field + "_top";
    }
    write_all(out, header + "\n", o.output_name);
  }
  std::vector<Predictor> predictors;
  for (int t = 0; t < threads; ++t) predictors.emplace_back(model);
  const std::size_t batch = o.batch * static_cast<std::size_t>(threads);
  std::vector<Item> items(batch);
  std::vector<std::string> lines(batch);
  for (const std::string& path : inputs) {
    RecordReader reader(path, o.input_format, o.fields.text);
    bool done = false;
    while (!done) {
      std::size_t n = 0;
      while (n < batch) {
        Item& it = items[n];
        RecordReader::Status st = reader.next(it.rec, it.error);
        if (st == RecordReader::Status::End) {
          done = true;
          break;
        }
        if (st == RecordReader::Status::Ok) it.error = document_error(it.rec, o.fields);
        if (!it.error.empty() && o.strict)
          throw InputError(reader.name() + ":" + std::to_string(it.rec.line) + ": " + it.error);
        ++n;
      }
      parallel_slices(n, threads, [&](std::size_t slice, std::size_t b, std::size_t e) {
        Predictor& pred = predictors[slice];
        Prediction p;
        for (std::size_t i = b; i < e; ++i) {
          Item& it = items[i];
          std::string& line = lines[i];
          line.clear();
          // Without an id field a row is named by its line number, and by
          // file and line when several files are read.
          const std::string* idv = it.rec.get(o.fields.id);
          const bool several = inputs.size() > 1;
          std::string id = idv ? *idv : several ? reader.name() + ":" + std::to_string(it.rec.line)
                                                : std::to_string(it.rec.line);
          bool numeric = idv == nullptr && !several;
          if (!it.error.empty()) {
            format_error(id, numeric, it.error, o.output, line);
            continue;
          }
          const std::string* claim = o.fields.claim.empty() ? nullptr : it.rec.get(o.fields.claim);
          pred.predict(*it.rec.get(o.fields.text), claim ? std::string_view(*claim) : std::string_view(), p,
                       o.explain);
          if (o.output == OutputFormat::Jsonl) format_jsonl(model, id, numeric, p, o, line);
          else format_tsv(model, id, p, o, line);
        }
      });
      for (std::size_t i = 0; i < n; ++i) {
        write_all(out, lines[i], o.output_name);
        ++stats.lines;
        if (!items[i].error.empty()) ++stats.errors;
      }
    }
  }
  if (std::fflush(out) != 0) write_failed(o.output_name);
  return stats;
}

}  // namespace rasid
