#include "app/commands.h"
#include "common/progress.h"

namespace rasid {

void FieldOptions::add_to(CLI::App& cmd) {
  cmd.add_option("--text-field", text, "field holding the document text (default: text, or the model's)");
  cmd.add_option("--claim-field", claim, "field holding the claim of a claim/text pair");
  cmd.add_option("--id-field", id, "field holding the document id")->capture_default_str();
  cmd.add_option("--input-format", format, "auto, jsonl, csv, tsv or text")->capture_default_str();
}

FieldNames FieldOptions::resolve(const Model* model) const {
  FieldNames f;
  auto from_model = [&](const char* key) -> std::string {
    if (model)
      for (const auto& [k, v] : model->info)
        if (k == key) return v;
    return {};
  };
  f.text = !text.empty() ? text : !from_model("text_field").empty() ? from_model("text_field") : "text";
  f.claim = !claim.empty() ? claim : from_model("claim_field");
  f.id = id;
  return f;
}

void RunFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--threads", threads, "worker threads (0: all cores)")->capture_default_str();
  cmd.add_flag("--skip-bad", skip_bad, "skip and count malformed rows instead of stopping");
  cmd.add_flag("-q,--quiet", quiet, "no progress display or messages");
}

void note(bool quiet, const std::string& message) {
  if (!quiet) Progress::message(message);
}

}  // namespace rasid
