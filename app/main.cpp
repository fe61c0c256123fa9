// rasid: train, classify and evaluate Arabic news text classifiers.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <new>

#include "app/commands.h"
#include "common/error.h"

int main(int argc, char** argv) {
  CLI::App app{"rasid: fast statistical text classification for Arabic news"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rasid 0.1.0");
  rasid::Command run;
  rasid::add_train(app, run);
  rasid::add_infer(app, run);
  rasid::add_eval(app, run);
  rasid::add_inspect(app, run);
  rasid::add_cv(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run();
  } catch (const rasid::InputError& e) {
    std::fprintf(stderr, "rasid: error: %s\n", e.what());
  } catch (const rasid::ModelError& e) {
    std::fprintf(stderr, "rasid: error: %s\n", e.what());
  } catch (const rasid::IoError& e) {
    std::fprintf(stderr, "rasid: error: %s\n", e.what());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "rasid: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rasid: internal error: %s\n", e.what());
  }
  return 1;
}
