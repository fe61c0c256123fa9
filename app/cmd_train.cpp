#include <chrono>

#include "app/commands.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "models/model_file.h"

namespace rasid {

void TrainFlags::add_to(CLI::App& cmd) {
  TrainOptions& o = options;
  FeatureConfig& f = o.features;
  cmd.add_option("--label", labels, "label field(s) to learn, comma separated (one head each)")->required();
  cmd.add_option("--minn", f.char_min, "shortest character n-gram")->capture_default_str();
  cmd.add_option("--maxn", f.char_max, "longest character n-gram (0: none)")->capture_default_str();
  cmd.add_option("--word-ngrams", f.word_ngrams, "longest word n-gram (0: none)")->capture_default_str();
  cmd.add_option("--bucket-bits", f.bucket_bits, "hash space of 2^bits buckets")->capture_default_str();
  cmd.add_option("--min-df", f.min_df, "drop n-grams in fewer training documents")->capture_default_str();
  cmd.add_flag("!--no-sublinear-tf", f.sublinear_tf, "use raw term frequency instead of 1 + log(tf)");
  cmd.add_flag("--fold-teh-marbuta", f.normalizer.fold_teh_marbuta, "normalise teh marbuta to heh");
  cmd.add_flag("--fold-hamza", f.normalizer.fold_hamza, "normalise hamza carriers to their bare letters");
  cmd.add_option("-c,--c", o.c, "inverse L2 regularisation strength, as LIBLINEAR's -c")->capture_default_str();
  cmd.add_option("--max-iter", o.max_iterations, "L-BFGS iterations at most")->capture_default_str();
  cmd.add_option("--patience", o.patience, "early stopping: iterations without dev improvement")->capture_default_str();
  cmd.add_flag("--balanced", o.balanced, "weight classes inversely to their frequency");
  cmd.add_flag("--quantize", o.quantize, "store 8-bit weights (about 4x smaller model)");
  cmd.add_option("--seed", o.seed, "random seed (training is deterministic for a seed)")->capture_default_str();
  run.add_to(cmd);
}

void add_train(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("train", "train a model on labelled data");
  struct State {
    TrainFlags flags;
    FieldOptions fields;
    std::string data, dev, output;
    bool calibrate = false;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("--data", s->data, "training data (JSONL, CSV or TSV; - for stdin)")->required();
  cmd->add_option("--dev", s->dev, "development data for early stopping and calibration");
  cmd->add_option("-o,--output", s->output, "model file to write")->required();
  cmd->add_flag("--calibrate", s->calibrate, "fit a probability temperature per head on --dev");
  s->flags.add_to(*cmd);
  s->fields.add_to(*cmd);
  cmd->callback([s, &run] {
    run = [s] {
      using clock = std::chrono::steady_clock;
      auto start = clock::now();
      FieldNames fields = s->fields.resolve(nullptr);
      fields.labels = split_list(s->flags.labels);
      if (fields.labels.empty()) throw InputError("--label needs at least one field name");
      TrainOptions opt = s->flags.options;
      opt.threads = s->flags.run.threads;
      opt.calibrate = s->calibrate;
      opt.features.pair = !fields.claim.empty();
      opt.features.validate();
      Format format = parse_format(s->fields.format);
      AtomicFile out(s->output);  // fail now, not after training, if unwritable
      Corpus train = read_corpus(s->data, format, fields, s->flags.run.skip_bad);
      note(s->flags.run.quiet, "read " + std::to_string(train.size()) + " documents from " + train.source +
                               (train.skipped ? " (" + std::to_string(train.skipped) + " malformed rows skipped)" : ""));
      Corpus dev;
      if (!s->dev.empty()) dev = read_corpus(s->dev, format, fields, s->flags.run.skip_bad);
      bool quiet = s->flags.run.quiet;
      Model model = train_model(train, s->dev.empty() ? nullptr : &dev, fields, opt,
                                [quiet](const std::string& m) { note(quiet, m); });
      out.write(encode_model(model));
      out.commit();
      double secs = std::chrono::duration<double>(clock::now() - start).count();
      char b[64];
      std::snprintf(b, sizeof b, "%.1f s", secs);
      note(s->flags.run.quiet, "wrote " + s->output + " in " + b);
      return 0;
    };
  });
}

}  // namespace rasid
