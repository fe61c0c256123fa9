// The `rasid` subcommands. Each add_* registers its options on the CLI11
// app and sets the function that runs it; errors are thrown as
// InputError / ModelError / IoError and reported once by main().
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "models/model.h"
#include "train/corpus.h"
#include "train/trainer.h"

namespace rasid {

using Command = std::function<int()>;

void add_train(CLI::App& app, Command& run);
void add_infer(CLI::App& app, Command& run);
void add_eval(CLI::App& app, Command& run);
void add_inspect(CLI::App& app, Command& run);
void add_cv(CLI::App& app, Command& run);
void add_suggest(CLI::App& app, Command& run);

// Field options shared by the commands that read data.
struct FieldOptions {
  std::string text, claim, id = "id", format = "auto";
  void add_to(CLI::App& cmd);
  // Fills unset names from what the model was trained with.
  FieldNames resolve(const Model* model) const;
};

// Options every data-reading command has: worker threads, skipping bad
// rows, and quiet (no progress display).
struct RunFlags {
  int threads = 0;
  bool skip_bad = false;
  bool quiet = false;
  void add_to(CLI::App& cmd);
};

// Model and optimiser options shared by `train` and `cv`.
struct TrainFlags {
  TrainOptions options;
  std::string labels;
  RunFlags run;  // run.threads becomes options.threads
  void add_to(CLI::App& cmd);
};

// Prints a message line on stderr unless quiet, clearing a progress line on
// display first (Progress::message).
void note(bool quiet, const std::string& message);

}  // namespace rasid
