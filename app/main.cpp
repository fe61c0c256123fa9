// rasid: train, classify and evaluate Arabic news text classifiers.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <new>
#include <string>

#include <unistd.h>

#include "app/commands.h"
#include "common/error.h"
#include "common/huge_pages.h"
#include "common/progress.h"

int main(int argc, char** argv) {
  rasid::restart_with_huge_pages(argv);  // first: nothing has been read or allocated in bulk yet
  // A closed pipe (`rasid infer | head -1`) ends rasid quietly, as it does
  // any Unix filter, even when the parent process ignored SIGPIPE.
  std::signal(SIGPIPE, SIG_DFL);
  // Past a file size limit (ulimit -f) a write then fails with EFBIG, which
  // is reported like a full disk, instead of SIGXFSZ killing rasid with a
  // half-written temporary file left behind.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"rasid: fast statistical text classification for Arabic news"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rasid 0.1.0");
  rasid::Command run;
  rasid::add_train(app, run);
  rasid::add_infer(app, run);
  rasid::add_eval(app, run);
  rasid::add_inspect(app, run);
  rasid::add_cv(app, run);
  rasid::add_suggest(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  // Progress bars only for a person watching: a terminal, and no --quiet.
  bool quiet = false;
  for (int i = 1; i < argc; ++i) quiet |= std::string(argv[i]) == "-q" || std::string(argv[i]) == "--quiet";
  rasid::Progress::enable(!quiet && ::isatty(2));
  try {
    int code = run();
    // Commands print with stdio: a report that did not reach stdout (disk
    // full, file too large) must not end as a success.
    errno = 0;
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
      std::fprintf(stderr, "rasid: error: cannot write output: %s\n", errno ? std::strerror(errno) : "write error");
      return 1;
    }
    return code;
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
