// Python bindings of rasid_core (module `rasid._rasid`; the package rasid/
// re-exports it). Documents are converted to UTF-8 strings while the GIL is
// held; feature extraction, scoring, training and file classification then
// run with the GIL released, so Python threads and the caller's own work
// proceed meanwhile. Probabilities are written straight into NumPy arrays
// that Python owns: nothing is copied after the C++ side fills them.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/parallel.h"
#include "infer/predictor.h"
#include "infer/stream.h"
#include "io/record_reader.h"
#include "io/utf8.h"
#include "models/model_file.h"
#include "train/corpus.h"
#include "train/trainer.h"

namespace py = pybind11;
using namespace rasid;

namespace {

std::string path_of(const py::handle& p, const char* what) {
  py::object s = py::module_::import("os").attr("fspath")(p);
  if (!py::isinstance<py::str>(s)) throw py::type_error(std::string(what) + " must be a str or os.PathLike path");
  return s.cast<std::string>();
}

// One Python item as UTF-8. `none_ok`: None becomes "" (a missing label).
std::string utf8_of(const py::handle& item, const std::string& what, std::size_t i, bool none_ok, bool int_ok) {
  if (PyUnicode_Check(item.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(item.ptr(), &size);
    if (!data) {
      PyErr_Clear();
      throw InputError(what + "[" + std::to_string(i) + "] cannot be encoded as UTF-8 (lone surrogate?)");
    }
    return std::string(data, static_cast<std::size_t>(size));
  }
  if (PyBytes_Check(item.ptr())) {
    std::string s = item.cast<std::string>();
    std::size_t bad = utf8::find_invalid(s);
    if (bad != std::string::npos)
      throw InputError(what + "[" + std::to_string(i) + "] is not valid UTF-8 (byte " + std::to_string(bad) + ")");
    return s;
  }
  if (none_ok && item.is_none()) return {};
  if (int_ok && PyLong_Check(item.ptr())) return py::str(item).cast<std::string>();
  throw py::type_error(what + "[" + std::to_string(i) + "] must be a str, not " +
                       py::str(py::type::handle_of(item).attr("__name__")).cast<std::string>());
}

// A list of documents (or labels) as UTF-8 strings. A lone str is refused:
// iterating it would silently classify its characters one by one.
std::vector<std::string> strings_of(const py::handle& seq, const std::string& what, bool none_ok = false,
                                    bool int_ok = false) {
  if (PyUnicode_Check(seq.ptr()) || PyBytes_Check(seq.ptr()))
    throw py::type_error(what + " must be a list of strings, not a single string (wrap it: [text])");
  std::vector<std::string> out;
  if (PySequence_Check(seq.ptr())) {
    Py_ssize_t n = PySequence_Size(seq.ptr());
    if (n >= 0) out.reserve(static_cast<std::size_t>(n));
    else PyErr_Clear();
  }
  std::size_t i = 0;
  py::iterator it;
  try {
    it = py::iter(seq);
  } catch (py::error_already_set&) {
    throw py::type_error(what + " must be a list of strings");
  }
  for (; it != py::iterator::sentinel(); ++it, ++i) out.push_back(utf8_of(*it, what, i, none_ok, int_ok));
  return out;
}

struct PyModel {
  std::shared_ptr<const Model> model;

  const Model& m() const { return *model; }

  std::string info_value(const std::string& key) const {
    for (const auto& [k, v] : model->info)
      if (k == key) return v;
    return {};
  }

  // Claims as given by the caller, checked against the model's kind.
  std::vector<std::string> claims_for(const py::object& claims, std::size_t n) const {
    if (m().features.pair && claims.is_none())
      throw InputError("this model classifies claim/text pairs: pass claims (one per text)");
    if (!m().features.pair && !claims.is_none())
      throw InputError("this model was not trained on claim/text pairs: pass claims=None");
    if (claims.is_none()) return {};
    std::vector<std::string> c = strings_of(claims, "claims");
    if (c.size() != n)
      throw InputError("claims has " + std::to_string(c.size()) + " items but texts has " + std::to_string(n));
    return c;
  }

  // Fills one (n × classes) float32 array per head; GIL released while scoring.
  std::vector<py::array_t<float>> proba_arrays(const py::object& texts_obj, const py::object& claims_obj,
                                               int threads) const {
    std::vector<std::string> texts = strings_of(texts_obj, "texts");
    std::vector<std::string> claims = claims_for(claims_obj, texts.size());
    if (threads < 0) throw InputError("threads must not be negative (0: all cores)");
    const Model& model = m();
    const std::size_t n = texts.size();
    std::vector<py::array_t<float>> arrays;
    std::vector<float*> out;
    std::vector<std::size_t> k;
    for (const Head& h : model.heads) {
      k.push_back(h.labels.size());
      arrays.emplace_back(std::vector<py::ssize_t>{static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(k.back())});
      out.push_back(arrays.back().mutable_data());
    }
    {
      py::gil_scoped_release release;
      // Below ~64 documents per thread, starting threads costs more than it saves.
      int t = std::max(1, std::min(resolve_threads(threads), static_cast<int>(n / 64)));
      parallel_slices(n, t, [&](std::size_t, std::size_t b, std::size_t e) {
        Predictor predictor(model);  // one per slice: it holds scratch buffers
        Prediction p;
        for (std::size_t i = b; i < e; ++i) {
          predictor.predict(texts[i], claims.empty() ? std::string_view() : std::string_view(claims[i]), p);
          for (std::size_t h = 0; h < k.size(); ++h) std::copy(p.probs[h].begin(), p.probs[h].end(), out[h] + i * k[h]);
        }
      });
    }
    return arrays;
  }

  py::dict predict_proba(const py::object& texts, const py::object& claims, int threads) const {
    auto arrays = proba_arrays(texts, claims, threads);
    py::dict d;
    for (std::size_t h = 0; h < arrays.size(); ++h) d[py::str(m().heads[h].field)] = arrays[h];
    return d;
  }

  // {"label": best, "prob": p(best), "probs": {label: p} (most probable first)}
  static py::dict head_result(const std::vector<py::str>& names, const float* p, std::size_t k,
                              std::vector<std::size_t>& order) {
    order.resize(k);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    py::dict probs;
    for (std::size_t c : order) probs[names[c]] = py::float_(p[c]);
    py::dict r;
    r["label"] = names[order[0]];
    r["prob"] = py::float_(p[order[0]]);
    r["probs"] = probs;
    return r;
  }

  py::list predict(const py::object& texts, const py::object& claims, int threads) const {
    auto arrays = proba_arrays(texts, claims, threads);
    const Model& model = m();
    std::vector<py::str> fields;
    std::vector<std::vector<py::str>> names(model.heads.size());
    for (std::size_t h = 0; h < model.heads.size(); ++h) {
      fields.emplace_back(model.heads[h].field);
      for (const auto& l : model.heads[h].labels) names[h].emplace_back(l);
    }
    const std::size_t n = arrays.empty() ? 0 : static_cast<std::size_t>(arrays[0].shape(0));
    py::list result(n);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i) {
      py::dict doc;
      for (std::size_t h = 0; h < arrays.size(); ++h) {
        std::size_t k = names[h].size();
        doc[fields[h]] = head_result(names[h], arrays[h].data() + i * k, k, order);
      }
      result[i] = doc;
    }
    return result;
  }

  py::dict explain(const py::object& text, int top, const py::object& claim) const {
    if (top < 1) throw InputError("top must be at least 1");
    std::string t = utf8_of(text, "text", 0, false, false);
    py::object claims = claim.is_none() ? py::object(py::none()) : py::object(py::make_tuple(claim));
    std::vector<std::string> c = claims_for(claims, 1);
    const Model& model = m();
    Prediction p;
    {
      py::gil_scoped_release release;
      Predictor predictor(model);
      predictor.predict(t, c.empty() ? std::string_view() : std::string_view(c[0]), p, top);
    }
    py::dict d;
    std::vector<std::size_t> order;
    for (std::size_t h = 0; h < model.heads.size(); ++h) {
      std::vector<py::str> names;
      for (const auto& l : model.heads[h].labels) names.emplace_back(l);
      py::dict r = head_result(names, p.probs[h].data(), names.size(), order);
      py::list ex;
      for (const Contribution& con : p.explanations[h]) ex.append(py::make_tuple(con.feature, con.weight));
      r["explain"] = ex;
      d[py::str(model.heads[h].field)] = r;
    }
    return d;
  }

  py::dict classify_file(const py::object& input, const py::object& output, const py::object& text_field,
                         const py::object& claim_field, const std::string& id_field, const std::string& input_format,
                         int threads, int top_k, int explain, const std::string& output_format, bool strict) const {
    std::string in = path_of(input, "input"), out_path = path_of(output, "output");
    InferOptions o;
    o.input_format = parse_format(input_format);
    o.fields.text = !text_field.is_none() ? text_field.cast<std::string>()
                    : !info_value("text_field").empty() ? info_value("text_field") : "text";
    o.fields.claim = !claim_field.is_none() ? claim_field.cast<std::string>() : info_value("claim_field");
    o.fields.id = id_field;
    if (output_format == "jsonl") o.output = OutputFormat::Jsonl;
    else if (output_format == "tsv") o.output = OutputFormat::Tsv;
    else throw InputError("unknown output format '" + output_format + "' (expected jsonl or tsv)");
    if (top_k < 0 || explain < 0 || threads < 0) throw InputError("top_k, explain and threads must not be negative");
    o.top_k = top_k;
    o.explain = explain;
    o.threads = threads;
    o.strict = strict;
    o.output_name = out_path;
    InferStats stats;
    {
      py::gil_scoped_release release;
      AtomicFile file(out_path);  // appears whole at `output` or not at all
      stats = run_infer(m(), {in}, file.stream(), o);
      file.commit();
    }
    py::dict d;
    d["lines"] = stats.lines;
    d["errors"] = stats.errors;
    return d;
  }

  std::string repr() const {
    std::string s = "<rasid.Model";
    for (const Head& h : m().heads) s += " " + h.field + "(" + std::to_string(h.labels.size()) + " classes)";
    s += ", " + std::to_string(m().vocabulary.size()) + " features" + (m().features.pair ? ", pairs" : "") + ">";
    return s;
  }
};

PyModel wrap(Model&& model) { return PyModel{std::make_shared<const Model>(std::move(model))}; }

PyModel train(const py::object& texts_obj, const py::object& labels_obj, const py::object& claims_obj, double c,
              int max_iter, int threads, std::uint64_t seed, int minn, int maxn, int word_ngrams, int bucket_bits,
              int min_df, bool sublinear_tf, bool fold_teh_marbuta, bool fold_hamza, bool balanced, bool quantize,
              int patience, const py::object& dev_texts, const py::object& dev_labels, const py::object& dev_claims,
              bool calibrate, const std::string& text_field, const py::object& claim_field, bool verbose) {
  if (!py::isinstance<py::dict>(labels_obj))
    throw py::type_error("labels must be a dict {field: [label, ...]}, e.g. {'topic': ['sport', 'economy']}");
  const bool pair = !claims_obj.is_none();
  FieldNames fields;
  fields.text = text_field;
  fields.claim = pair ? (claim_field.is_none() ? std::string("claim") : claim_field.cast<std::string>()) : "";
  if (!pair && !claim_field.is_none()) throw InputError("claim_field is given but claims is None");

  auto corpus_of = [&](const py::object& texts, const py::object& labels, const py::object& claims,
                       const std::string& name) {
    Corpus corpus;
    corpus.source = name;
    const std::string texts_name = name == "<training data>" ? "texts" : "dev_texts";
    corpus.texts = strings_of(texts, texts_name);
    const std::size_t n = corpus.texts.size();
    for (std::size_t i = 0; i < n; ++i)  // the rule the file readers apply
      if (utf8::is_white_space(corpus.texts[i]))
        throw InputError(name + ": " + texts_name + "[" + std::to_string(i) + "]: " + kEmptyText);
    if (pair) {
      if (claims.is_none()) throw InputError(name + ": claims are needed (the training data has them)");
      corpus.claims = strings_of(claims, "claims");
      if (corpus.claims.size() != n)
        throw InputError(name + ": claims has " + std::to_string(corpus.claims.size()) + " items but texts has " +
                         std::to_string(n));
    } else if (!claims.is_none()) {
      throw InputError(name + ": claims given but the training data has none");
    }
    py::dict d = labels.cast<py::dict>();
    corpus.labels.resize(fields.labels.size());
    for (std::size_t h = 0; h < fields.labels.size(); ++h) {
      const std::string& f = fields.labels[h];
      if (!d.contains(f)) {
        corpus.labels[h].assign(n, "");
        continue;
      }
      corpus.labels[h] = strings_of(d[py::str(f)], "labels['" + f + "']", true, true);
      if (corpus.labels[h].size() != n)
        throw InputError(name + ": labels['" + f + "'] has " + std::to_string(corpus.labels[h].size()) +
                         " items but texts has " + std::to_string(n));
    }
    for (std::size_t i = 0; i < n; ++i) {
      corpus.ids.push_back(std::to_string(i));
      corpus.lines.push_back(i + 1);
    }
    return corpus;
  };

  for (auto item : labels_obj.cast<py::dict>()) {
    if (!py::isinstance<py::str>(item.first)) throw py::type_error("labels keys must be field names (str)");
    fields.labels.push_back(item.first.cast<std::string>());
  }
  if (fields.labels.empty()) throw InputError("labels is empty: give at least one field, e.g. {'topic': [...]}");
  Corpus train = corpus_of(texts_obj, labels_obj, claims_obj, "<training data>");
  Corpus dev;
  const bool has_dev = !dev_texts.is_none();
  if (has_dev) {
    if (dev_labels.is_none() || !py::isinstance<py::dict>(dev_labels))
      throw InputError("dev_texts needs dev_labels, a dict {field: [label, ...]}");
    dev = corpus_of(dev_texts, dev_labels, dev_claims, "<dev data>");
  } else if (!dev_labels.is_none() || !dev_claims.is_none()) {
    throw InputError("dev_labels / dev_claims given without dev_texts");
  }

  TrainOptions opt;
  opt.c = c;
  opt.max_iterations = max_iter;
  opt.patience = patience;
  opt.threads = threads;
  opt.seed = seed;
  opt.balanced = balanced;
  opt.quantize = quantize;
  opt.calibrate = calibrate;
  FeatureConfig& f = opt.features;
  f.char_min = minn;
  f.char_max = maxn;
  f.word_ngrams = word_ngrams;
  f.bucket_bits = bucket_bits;
  f.min_df = min_df;
  f.sublinear_tf = sublinear_tf;
  f.normalizer.fold_teh_marbuta = fold_teh_marbuta;
  f.normalizer.fold_hamza = fold_hamza;
  f.pair = pair;
  if (max_iter < 1) throw InputError("max_iter must be at least 1");
  if (threads < 0) throw InputError("threads must not be negative (0: all cores)");
  f.validate();

  py::gil_scoped_release release;
  TrainLog log;
  if (verbose) log = [](const std::string& s) { std::fprintf(stderr, "%s\n", s.c_str()); };
  return wrap(train_model(train, has_dev ? &dev : nullptr, fields, opt, log));
}

}  // namespace

PYBIND11_MODULE(_rasid, mod) {
  mod.doc() = "rasid: Arabic news text classification (C++ core)";

  auto input_error = py::register_exception<InputError>(mod, "InputError", PyExc_ValueError);
  auto model_error = py::register_exception<ModelError>(mod, "ModelError", PyExc_ValueError);
  auto io_error = py::register_exception<IoError>(mod, "IoError", PyExc_OSError);
  input_error.doc() = "Bad input: a malformed document, an unknown option value, a missing field (a ValueError).";
  model_error.doc() = "A model file that cannot be trusted: wrong magic, newer version, corrupt (a ValueError).";
  io_error.doc() = "The operating system refused: unreadable or unwritable path (an OSError).";

  py::class_<PyModel>(mod, "Model", "A trained rasid model (immutable; safe to share between threads).")
      .def_static(
          "load",
          [](const py::object& path) {
            std::string p = path_of(path, "path");
            py::gil_scoped_release release;
            return wrap(load_model(p));
          },
          py::arg("path"), "Reads a model file written by `rasid train` or Model.save().")
      .def_static(
          "from_bytes",
          [](const py::bytes& b) {
            std::string s = b;
            py::gil_scoped_release release;
            return wrap(decode_model(s));
          },
          py::arg("data"), "A model from the bytes of a model file (see to_bytes()).")
      .def(
          "to_bytes", [](const PyModel& self) { return py::bytes(encode_model(self.m())); },
          "The model file's bytes.")
      .def(
          "save",
          [](const PyModel& self, const py::object& path) {
            std::string p = path_of(path, "path");
            py::gil_scoped_release release;
            save_model(self.m(), p);
          },
          py::arg("path"), "Writes the model file atomically.")
      .def("predict", &PyModel::predict, py::arg("texts"), py::arg("claims") = py::none(), py::arg("threads") = 0,
           "Labels each text with every head: a list (one per text) of\n"
           "{field: {'label': str, 'prob': float, 'probs': {label: prob}}}, probs most probable first.\n"
           "threads: 0 uses all cores. The GIL is released while scoring.")
      .def("predict_proba", &PyModel::predict_proba, py::arg("texts"), py::arg("claims") = py::none(),
           py::arg("threads") = 0,
           "Class probabilities: {field: float32 array (len(texts) x len(labels[field]))},\n"
           "columns in the order of model.labels[field].")
      .def("explain", &PyModel::explain, py::arg("text"), py::arg("top") = 5, py::arg("claim") = py::none(),
           "Prediction for one text plus, per head, the `top` n-grams that pushed the chosen class most:\n"
           "{field: {'label', 'prob', 'probs', 'explain': [(ngram, weight), ...]}}.")
      .def("classify_file", &PyModel::classify_file, py::arg("input"), py::arg("output"), py::kw_only(),
           py::arg("text_field") = py::none(), py::arg("claim_field") = py::none(), py::arg("id_field") = "id",
           py::arg("input_format") = "auto", py::arg("threads") = 1, py::arg("top_k") = 0, py::arg("explain") = 0,
           py::arg("output_format") = "jsonl", py::arg("strict") = false,
           "Classifies a whole file as `rasid infer` does (one output line per input line, in order;\n"
           "bad lines get an 'error' field unless strict) and writes `output` atomically.\n"
           "Returns {'lines': n, 'errors': n}. The GIL is released throughout.")
      .def_property_readonly("heads",
                             [](const PyModel& self) {
                               std::vector<std::string> v;
                               for (const Head& h : self.m().heads) v.push_back(h.field);
                               return v;
                             },
                             "Label fields the model predicts, in order.")
      .def_property_readonly("labels",
                             [](const PyModel& self) {
                               py::dict d;
                               for (const Head& h : self.m().heads) d[py::str(h.field)] = h.labels;
                               return d;
                             },
                             "{field: [class names]} (the column order of predict_proba).")
      .def_property_readonly("info",
                             [](const PyModel& self) {
                               py::dict d;
                               for (const auto& [k, v] : self.m().info) d[py::str(k)] = v;
                               return d;
                             },
                             "Training settings and figures, as `rasid inspect` shows them.")
      .def_property_readonly("features", [](const PyModel& self) { return self.m().features.describe(); },
                             "Feature settings, one line.")
      .def_property_readonly("n_features", [](const PyModel& self) { return self.m().vocabulary.size(); })
      .def_property_readonly("pair", [](const PyModel& self) { return self.m().features.pair; },
                             "True when the model classifies (claim, text) pairs.")
      .def("__repr__", &PyModel::repr)
      .def(py::pickle([](const PyModel& self) { return py::make_tuple(py::bytes(encode_model(self.m()))); },
                      [](const py::tuple& t) {
                        if (t.size() != 1) throw std::runtime_error("invalid pickled rasid.Model");
                        return wrap(decode_model(t[0].cast<std::string>()));
                      }));

  // Defaults are the CLI's: whatever TrainOptions and FeatureConfig say.
  const TrainOptions d;
  const FeatureConfig& df = d.features;
  mod.def("train", &train, py::arg("texts"), py::arg("labels"), py::arg("claims") = py::none(),
          py::arg("c") = d.c, py::arg("max_iter") = d.max_iterations, py::arg("threads") = d.threads,
          py::arg("seed") = d.seed, py::kw_only(), py::arg("minn") = df.char_min, py::arg("maxn") = df.char_max,
          py::arg("word_ngrams") = df.word_ngrams, py::arg("bucket_bits") = df.bucket_bits,
          py::arg("min_df") = df.min_df, py::arg("sublinear_tf") = df.sublinear_tf,
          py::arg("fold_teh_marbuta") = df.normalizer.fold_teh_marbuta,
          py::arg("fold_hamza") = df.normalizer.fold_hamza, py::arg("balanced") = d.balanced,
          py::arg("quantize") = d.quantize, py::arg("patience") = d.patience, py::arg("dev_texts") = py::none(), py::arg("dev_labels") = py::none(),
          py::arg("dev_claims") = py::none(), py::arg("calibrate") = false, py::arg("text_field") = "text",
          py::arg("claim_field") = py::none(), py::arg("verbose") = false,
          "Trains a model in memory. labels: {field: [label per text]} (one head per field;\n"
          "'' or None = missing). claims: one per text for claim/text pair models.\n"
          "Feature options as `rasid train`: minn, maxn, word_ngrams, bucket_bits, min_df,\n"
          "sublinear_tf, fold_teh_marbuta, fold_hamza; balanced, quantize. With dev_texts and\n"
          "dev_labels, early stopping (patience) and, if calibrate, temperature scaling.\n"
          "text_field / claim_field are recorded for classify_file and `rasid infer`.\n"
          "The GIL is released while training.");
}
