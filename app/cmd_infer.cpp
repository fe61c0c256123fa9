#include <memory>

#include "app/commands.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/progress.h"
#include "infer/stream.h"
#include "models/model_file.h"

namespace rasid {

void add_infer(CLI::App& app, Command& run) {
  auto* cmd = app.add_subcommand("infer", "label documents (streaming, one output line per input line)");
  struct State {
    std::string model, output, out_format = "jsonl";
    std::vector<std::string> inputs;
    FieldOptions fields;
    InferOptions opt;
  };
  auto s = std::make_shared<State>();
  cmd->add_option("-m,--model", s->model, "model file")->required();
  cmd->add_option("inputs", s->inputs, "input files (JSONL, CSV, TSV or text; - or none for stdin)");
  cmd->add_option("-o,--output", s->output, "write here instead of stdout (atomically)");
  cmd->add_option("--format", s->out_format, "output format: jsonl or tsv")->capture_default_str();
  cmd->add_option("--top-k", s->opt.top_k, "classes listed with probabilities (0: all)")->capture_default_str();
  cmd->add_option("--explain", s->opt.explain, "list the N n-grams that pushed each decision most");
  cmd->add_option("--threads", s->opt.threads, "worker threads (0: all cores)")->capture_default_str();
  cmd->add_flag("--strict", s->opt.strict, "stop at the first bad line instead of writing an error record");
  s->fields.add_to(*cmd);
  cmd->callback([s, &run] {
    run = [s] {
      Model model = load_model(s->model);
      InferOptions opt = s->opt;
      opt.fields = s->fields.resolve(&model);
      opt.input_format = parse_format(s->fields.format);
      if (s->out_format == "jsonl") opt.output = OutputFormat::Jsonl;
      else if (s->out_format == "tsv") opt.output = OutputFormat::Tsv;
      else throw InputError("unknown output format '" + s->out_format + "' (expected jsonl or tsv)");
      if (opt.top_k < 0 || opt.explain < 0) throw InputError("--top-k and --explain must not be negative");
      std::vector<std::string> inputs = s->inputs.empty() ? std::vector<std::string>{"-"} : s->inputs;
      InferStats stats;
      if (s->output.empty()) {
        stats = run_infer(model, inputs, stdout, opt);
      } else {
        // Stream into a temporary file next to the target, renamed at the end.
        AtomicFile out(s->output);
        opt.output_name = s->output;
        stats = run_infer(model, inputs, out.stream(), opt);
        out.commit();
      }
      if (stats.errors)
        Progress::message("rasid: " + std::to_string(stats.errors) + " of " + std::to_string(stats.lines) +
                          " lines could not be classified (see their \"error\" field)");
      return 0;
    };
  });
}

}  // namespace rasid
