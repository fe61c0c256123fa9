// Labelled documents read into memory for training and evaluation, with the
// reader's strict-or-skip policy for malformed rows.
#pragma once
#include <string>
#include <vector>

#include "io/record_reader.h"

namespace rasid {

struct FieldNames {
  std::string text = "text";
  std::string claim;  // empty: not a pair task
  std::string id = "id";
  std::vector<std::string> labels;  // one head per field
};

struct Corpus {
  std::vector<std::string> ids, texts, claims;  // claims empty unless pairs
  // labels[h][i]: value of label field h for document i, "" when missing.
  std::vector<std::vector<std::string>> labels;
  std::vector<std::size_t> lines;  // source line of each document
  std::size_t skipped = 0;         // malformed rows skipped (only with skip_bad)
  std::string source;              // file name for messages

  std::size_t size() const { return texts.size(); }
};

// What keeps a parsed row from being a document, the same for every command
// and input format: a missing text (or claim) field, or a text that is empty
// or only white space ("empty text"). Empty when the row is a document. A
// text that normalises to nothing (punctuation, emoji) is still a document.
std::string document_error(const Record& rec, const FieldNames& fields);
inline constexpr const char* kEmptyText = "empty text";  // document_error() of an empty text

// Reads every row. A malformed row, a row that is not a document (above), or
// a row with none of the label fields is an InputError naming file and line,
// unless `skip_bad`, which counts it in `skipped` instead. Blank lines of
// JSONL, CSV and TSV hold no row and are skipped. `require_labels` false
// accepts rows without any label (for unlabelled data).
Corpus read_corpus(const std::string& path, Format format, const FieldNames& fields, bool skip_bad,
                   bool require_labels = true);

// Splits a comma-separated list ("stance,event_type") into its names.
std::vector<std::string> split_list(const std::string& list);

}  // namespace rasid
