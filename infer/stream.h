// Streaming classification: rows are read in batches, labelled in parallel
// and written in input order, one output line per input line, so input of
// any size flows through in bounded memory.
#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "io/record_reader.h"
#include "models/model.h"
#include "train/corpus.h"

namespace rasid {

enum class OutputFormat { Jsonl, Tsv };

struct InferOptions {
  Format input_format = Format::Auto;
  FieldNames fields;          // text, claim, id (labels unused)
  OutputFormat output = OutputFormat::Jsonl;
  int top_k = 0;              // classes listed in "probs"; 0 = all
  int explain = 0;            // top contributing n-grams per head
  int threads = 0;
  bool strict = false;        // first bad line is an error instead of an error record
  std::string output_name;    // the output file, for write errors; empty: standard output
  std::size_t batch = 512;    // rows per thread per batch
};

struct InferStats {
  std::size_t lines = 0, errors = 0;
};

// Classifies every row of every input ("-" is stdin) and writes to `out`.
// Throws InputError on the first bad row when strict, IoError on write errors.
InferStats run_infer(const Model& model, const std::vector<std::string>& inputs, std::FILE* out,
                     const InferOptions& options);

}  // namespace rasid
