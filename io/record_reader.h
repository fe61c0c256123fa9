// Streaming reader of labelled or unlabelled rows from JSONL, CSV (RFC 4180),
// TSV (header row, tab separated, no quoting) or plain text (one document per
// line). Rows are read one at a time so input of any size streams through.
#pragma once
#include <deque>
#include <string>
#include <vector>

#include "io/record.h"

namespace rasid {

enum class Format { Auto, Jsonl, Csv, Tsv, Text };

// "auto", "jsonl", "csv", "tsv" or "text"; throws InputError otherwise.
Format parse_format(const std::string& name);

class RecordReader {
 public:
  enum class Status { Ok, Bad, End };

  // `path` "-" reads standard input. In Text format each line becomes one
  // record with the line in field `text_field`. Throws IoError when the file
  // cannot be opened, InputError when a CSV/TSV header is unusable.
  // A row longer than `max_record_bytes` is Bad ("row longer than N bytes"):
  // the rest of its line is read and dropped without being stored, so memory
  // stays about the limit whatever the line length.
  RecordReader(const std::string& path, Format format, std::string text_field = "text",
               std::size_t max_record_bytes = std::size_t{1} << 30);
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  // Reads the next row into `rec`. On Bad, `rec.line` is set and `error`
  // says what is wrong with that row; reading can continue with the next row.
  // In JSONL, CSV and TSV a blank line holds no row and is returned as Bad
  // ("empty line") so that callers who must keep one output per input line
  // can do so; others skip it. In Text format every line is a document, a
  // blank one with a blank text. Empty CSV/TSV cells are absent fields,
  // except the text field: an empty text must not read as a missing column.
  // Throws IoError when reading fails, also for lack of memory.
  Status next(Record& rec, std::string& error);

  Format format() const { return format_; }
  const std::string& name() const { return name_; }  // for messages: path or "<stdin>"

 private:
  bool fill_chunk();                      // false at end of input
  bool read_raw_line(std::string& line);  // from the file; false at end of input
  bool read_line(std::string& line);      // sniffed lines first, then the file
  Status next_delimited(Record& rec, std::string& error);
  void read_header();

  int fd_ = 0;  // standard input unless a file was opened
  bool owns_fd_ = false;
  std::string name_;
  Format format_;
  std::string text_field_;
  std::size_t max_record_bytes_;
  std::size_t line_no_ = 0;
  std::vector<char> chunk_;  // bytes read from the file; [chunk_pos_, chunk_end_) not yet consumed
  std::size_t chunk_pos_ = 0, chunk_end_ = 0;
  bool at_end_ = false;
  std::deque<std::string> pending_;  // lines read while sniffing the format
  bool first_line_ = true;
  std::vector<std::string> header_;
};

}  // namespace rasid
