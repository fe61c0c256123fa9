#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "common/confusion.h"
#include "common/error.h"
#include "common/parallel.h"
#include "common/progress.h"
#include "features/featurize.h"
#include "train/calibration.h"
#include "train/lbfgs.h"
#include "train/probabilities.h"
#include "train/softmax_loss.h"

namespace rasid {

namespace {

std::string fmt(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4g", v);
  return b;
}

// Scores on dev rows with a known label: macro-F1 and mean log-loss.
struct DevScore {
  double macro_f1 = 0.0, log_loss = INFINITY;
  // Early stopping keeps the iterate with the best macro-F1 (the headline
  // metric), preferring the lower log-loss between equals.
  bool better_than(const DevScore& o) const {
    return macro_f1 > o.macro_f1 + 1e-12 || (macro_f1 > o.macro_f1 - 1e-12 && log_loss < o.log_loss);
  }
};

// The dev set in column-major order for early stopping, and row by row for
// calibration (through the head's own matrix, as a saved model scores).
struct DevSet {
  CsrMatrix x;  // only with --calibrate
  ColumnMatrix columns;
  std::vector<float> scores;  // scratch
};

// Scored with the weights in single precision, as the saved model holds
// them: the score is then the model's own.
DevScore dev_score(DevSet& dev, const float* w, std::size_t k, const std::vector<int>& y, int threads) {
  std::vector<double> loss(dev.columns.rows(), 0.0);
  std::vector<int> pred(dev.columns.rows(), 0);
  for_each_labelled_row(dev.columns, w, k, y, threads, dev.scores, [&](std::size_t i, const double* p) {
    loss[i] = -std::log(std::max(p[static_cast<std::size_t>(y[i])], 1e-15));
    pred[i] = static_cast<int>(std::max_element(p, p + k) - p);
  });
  Confusion m(k, std::vector<std::size_t>(k, 0));
  double sum = 0.0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < loss.size(); ++i)
    if (y[i] >= 0) {
      sum += loss[i];
      ++n;
      ++m[static_cast<std::size_t>(y[i])][static_cast<std::size_t>(pred[i])];
    }
  return {macro_f1_of(m), n ? sum / static_cast<double>(n) : 0.0};
}

// The sorted classes of label field h; at least two.
std::vector<std::string> classes_of(const Corpus& train, const FieldNames& fields, std::size_t h) {
  const std::string& field = fields.labels[h];
  std::vector<std::string> labels;
  for (const std::string& v : train.labels[h])
    if (!v.empty()) labels.push_back(v);
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  if (labels.empty()) throw InputError(train.source + ": label field '" + field + "' is never present");
  if (labels.size() < 2)
    throw InputError(train.source + ": label field '" + field + "' has a single class ('" + labels[0] +
                     "'); at least two are needed to train a classifier");
  return labels;
}

std::vector<int> encode(const std::vector<std::string>& values, const std::vector<std::string>& labels) {
  std::vector<int> y(values.size(), -1);
  for (std::size_t i = 0; i < values.size(); ++i) {
    auto it = std::lower_bound(labels.begin(), labels.end(), values[i]);
    if (!values[i].empty() && it != labels.end() && *it == values[i]) y[i] = static_cast<int>(it - labels.begin());
  }
  return y;
}

// Finds readable names for the columns with the largest weights by tracing
// training documents. Only the first document that has each wanted column
// (found in x, the training matrix) is traced, in document order: the same
// names as tracing every document until each column was seen once, without
// tracing documents that name nothing new.
std::vector<std::pair<std::int32_t, std::string>> name_columns(const Corpus& train, const ColumnMatrix& x,
                                                               const Model& model, int per_class) {
  const std::size_t f = model.vocabulary.size();
  std::vector<char> wanted(f, 0);
  for (const Head& h : model.heads) {
    for (std::size_t c = 0; c < h.labels.size(); ++c) {
      std::vector<std::pair<float, std::int32_t>> score(f);
      for (std::size_t j = 0; j < f; ++j) score[j] = {-h.weights->at(j, c), static_cast<std::int32_t>(j)};
      std::size_t top = std::min<std::size_t>(f, static_cast<std::size_t>(per_class));
      std::partial_sort(score.begin(), score.begin() + static_cast<std::ptrdiff_t>(top), score.end());
      for (std::size_t t = 0; t < top; ++t) wanted[static_cast<std::size_t>(score[t].second)] = 1;
    }
  }
  std::vector<char> trace_row(x.rows() + 1, 0);
  for (std::size_t j = 0; j < f; ++j)
    if (wanted[j]) trace_row[x.first_row(j)] = 1;
  std::map<std::int32_t, std::string> names;
  FeatureExtractor ex(model.features);
  for (std::size_t i = 0; i < train.size(); ++i) {
    if (!trace_row[i]) continue;
    ex.trace(train.texts[i], train.claims.empty() ? std::string_view() : std::string_view(train.claims[i]),
             [&](std::uint32_t bucket, const std::string& name) {
               std::int32_t col = model.vocabulary.column(bucket);
               if (col >= 0 && wanted[static_cast<std::size_t>(col)]) names.emplace(col, name);
             });
  }
  return {names.begin(), names.end()};
}

}  // namespace

Model train_model(const Corpus& train, const Corpus* dev, const FieldNames& fields, const TrainOptions& opt,
                  const TrainLog& log) {
  opt.features.validate();
  if (train.size() == 0) throw InputError(train.source + ": no training documents");
  if (!(opt.c > 0)) throw InputError("C must be positive");
  const int threads = resolve_threads(opt.threads);
  auto say = [&](const std::string& s) {
    if (log) log(s);
  };

  // Stage timings go to the log only (the model never depends on them).
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return fmt(std::chrono::duration<double>(Clock::now() - t).count()) + " s";
  };
  // Every head's classes first: bad labels fail before any work, and the
  // matrices' layout depends on the class counts.
  std::vector<std::vector<std::string>> head_labels;
  for (std::size_t h = 0; h < fields.labels.size(); ++h) head_labels.push_back(classes_of(train, fields, h));
  Model model;
  model.features = opt.features;
  ColumnMatrix x;
  bool row_copy = false;  // whether the matrices keep a row-major copy for scoring
  DevSet dev_set;
  const Clock::time_point features_start = Clock::now();
  {
    std::vector<DocFeatures> docs = extract_all(train.texts, train.claims, opt.features, threads);
    model.vocabulary = Vocabulary::fit(docs, opt.features, threads);
    if (model.vocabulary.size() == 0)  // a 0-column model would only ever answer its prior
      throw InputError(train.source + ": no features: no n-gram of the normalised texts is in at least --min-df (" +
                       std::to_string(opt.features.min_df) + ") documents");
    row_copy = std::any_of(head_labels.begin(), head_labels.end(), [&](const std::vector<std::string>& l) {
      return ColumnMatrix::rows_pay(model.vocabulary.size(), l.size());
    });
    x = ColumnMatrix::from_documents(std::move(docs), model.vocabulary, opt.features.sublinear_tf,
                                     static_cast<std::size_t>(threads), threads, row_copy);
  }
  say("features: " + std::to_string(model.vocabulary.size()) + " columns, " + std::to_string(x.nnz()) +
      " non-zeros over " + std::to_string(x.rows()) + " documents in " + seconds_since(features_start));
  if (dev) {
    std::vector<DocFeatures> docs = extract_all(dev->texts, dev->claims, opt.features, threads);
    if (opt.calibrate) {  // calibration scores row by row, through the head's own matrix
      dev_set.x = to_matrix(std::move(docs), model.vocabulary, opt.features.sublinear_tf, threads);
      dev_set.columns = ColumnMatrix(dev_set.x, static_cast<std::size_t>(threads), threads, row_copy);
    } else {
      dev_set.columns = ColumnMatrix::from_documents(std::move(docs), model.vocabulary, opt.features.sublinear_tf,
                                                     static_cast<std::size_t>(threads), threads, row_copy);
    }
  }
  const std::size_t f = model.vocabulary.size();

  for (std::size_t h = 0; h < fields.labels.size(); ++h) {
    const std::string& field = fields.labels[h];
    const std::vector<std::string>& labels = head_labels[h];
    const std::size_t k = labels.size();
    std::vector<int> y = encode(train.labels[h], labels);
    std::vector<double> counts(k, 0.0);
    for (int v : y)
      if (v >= 0) counts[static_cast<std::size_t>(v)] += 1.0;
    double n_labelled = 0;
    for (double c : counts) n_labelled += c;
    std::vector<double> weights(y.size(), 1.0);
    if (opt.balanced)
      for (std::size_t i = 0; i < y.size(); ++i)
        if (y[i] >= 0) weights[i] = n_labelled / (static_cast<double>(k) * counts[static_cast<std::size_t>(y[i])]);

    SoftmaxLoss loss(x, y, weights, static_cast<int>(k), opt.c, threads);
    Eigen::VectorXd w = Eigen::VectorXd::Zero(loss.dim());
    std::vector<int> dev_y;
    bool use_dev = false;
    if (dev) {
      dev_y = encode(dev->labels[h], labels);
      use_dev = std::any_of(dev_y.begin(), dev_y.end(), [](int v) { return v >= 0; });
    }
    Eigen::VectorXd best_w;
    DevScore best_dev;
    best_dev.macro_f1 = -1.0;
    int best_it = 0;
    Progress progress("training " + field, static_cast<std::size_t>(opt.max_iterations));
    LbfgsOptions lo;
    lo.max_iterations = opt.max_iterations;
    lo.threads = threads;
    // `cur` is the point of the loss's latest value() call (the step the line
    // search accepted), so the loss's float copy of it is scored.
    LbfgsCallback cb = [&](int it, double value, const Eigen::VectorXd& cur) {
      progress.set(static_cast<std::size_t>(it));
      if (!use_dev) {
        if (it % 10 == 0) say(field + ": iteration " + std::to_string(it) + ", loss " + fmt(value));
        return true;
      }
      DevScore ds = dev_score(dev_set, loss.float_weights(), k, dev_y, threads);
      if (it % 10 == 0)
        say(field + ": iteration " + std::to_string(it) + ", loss " + fmt(value) + ", dev macro-F1 " +
            fmt(ds.macro_f1) + ", dev log-loss " + fmt(ds.log_loss));
      if (ds.better_than(best_dev)) {
        best_dev = ds;
        best_w = cur;
        best_it = it;
      }
      return it - best_it < opt.patience;
    };
    const Clock::time_point solver_start = Clock::now();
    LbfgsResult r = minimize_lbfgs(loss, w, lo, cb);
    if (use_dev && best_w.size() == w.size()) w = best_w;
    say(field + ": " + std::to_string(r.iterations) + " iterations in " + seconds_since(solver_start) +
        (use_dev ? ", best dev macro-F1 " + fmt(best_dev.macro_f1) + " at iteration " + std::to_string(best_it) : ""));

    Head head;
    head.field = field;
    head.labels = labels;
    std::vector<float> data(f * k);
    for (std::size_t i = 0; i < f * k; ++i) data[i] = static_cast<float>(w[static_cast<Eigen::Index>(i)]);
    head.weights = std::make_unique<DenseMatrix>(f, k, std::move(data));
    for (std::size_t c = 0; c < k; ++c) head.bias.push_back(static_cast<float>(w[static_cast<Eigen::Index>(f * k + c)]));
    if (opt.quantize) head.weights = Int8Matrix::quantize(*head.weights);
    if (opt.calibrate) {
      if (!use_dev) throw InputError("--calibrate needs --dev data with the label field '" + field + "'");
      head.temperature = fit_temperature(head, dev_set.x, dev_y);
      say(field + ": calibrated temperature " + fmt(head.temperature));
    }
    model.info.emplace_back("iterations." + field, std::to_string(r.iterations));
    model.heads.push_back(std::move(head));
  }
  model.feature_names = name_columns(train, x, model, opt.names_per_class);
  model.info.emplace_back("documents", std::to_string(train.size()));
  model.info.emplace_back("c", fmt(opt.c));
  model.info.emplace_back("class_weight", opt.balanced ? "balanced" : "none");
  model.info.emplace_back("seed", std::to_string(opt.seed));
  model.info.emplace_back("text_field", fields.text);
  if (!fields.claim.empty()) model.info.emplace_back("claim_field", fields.claim);
  return model;
}

}  // namespace rasid
