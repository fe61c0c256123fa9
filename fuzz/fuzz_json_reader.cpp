// Fuzz target: the input readers. The bytes are (1) split into lines and
// each line that is valid UTF-8 parsed with json::parse_object, (2) written
// back with json::append_string and parsed again, and (3) read as a file by
// RecordReader in every format. Besides crashes and sanitizer findings it
// checks that the parser, the writer and the reader agree with each other.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "fuzz_check.h"
#include "io/json.h"
#include "io/record_reader.h"
#include "io/utf8.h"

using namespace rasid;

namespace {

// One file that every run rewrites: a memfd when the kernel has them, else a
// temporary file. RecordReader opens it by path, as it would a user's file.
struct ScratchFile {
  int fd = -1;
  std::string path;
  ScratchFile() {
    fd = ::memfd_create("rasid_fuzz_input", 0);
    if (fd >= 0) {
      path = "/proc/self/fd/" + std::to_string(fd);
    } else {
      char tmpl[] = "/tmp/rasid_fuzz_XXXXXX";
      fd = ::mkstemp(tmpl);
      if (fd < 0) std::abort();
      ::unlink(tmpl);  // still reachable through /proc/self/fd
      path = "/proc/self/fd/" + std::to_string(fd);
    }
  }
  void write(std::string_view data) {
    if (::ftruncate(fd, 0) != 0) std::abort();
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd, data.data() + done, data.size() - done, static_cast<off_t>(done));
      if (n <= 0) std::abort();
      done += static_cast<std::size_t>(n);
    }
  }
};

// Physical lines as RecordReader sees them: split at '\n', one trailing '\r'
// dropped, a final empty piece after the last '\n' is not a line, and a
// byte-order mark at the start of the first line is dropped.
std::vector<std::string_view> physical_lines(std::string_view s) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    std::size_t end = nl == std::string_view::npos ? s.size() : nl;
    std::string_view line = s.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  if (!lines.empty() && lines[0].substr(0, 3) == "\xEF\xBB\xBF") lines[0].remove_prefix(3);
  return lines;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

bool fields_valid_utf8(const Record& r) {
  for (const auto& [k, v] : r.fields)
    if (!utf8::is_valid(k) || !utf8::is_valid(v)) return false;
  return true;
}

// parse_object on one valid UTF-8 line; returns whether it parsed.
bool check_parse(std::string_view line, Record& rec) {
  rec.clear();
  std::string error = json::parse_object(line, rec);
  if (!error.empty()) return false;
  FUZZ_CHECK(fields_valid_utf8(rec));
  // Writing the parsed fields back as JSON strings and parsing that must
  // give the same fields.
  std::string again = "{";
  for (std::size_t i = 0; i < rec.fields.size(); ++i) {
    if (i) again += ',';
    json::append_string(again, rec.fields[i].first);
    again += ':';
    json::append_string(again, rec.fields[i].second);
  }
  again += '}';
  FUZZ_CHECK(utf8::is_valid(again));
  Record back;
  FUZZ_CHECK(json::parse_object(again, back).empty());
  FUZZ_CHECK(back.fields == rec.fields);
  return true;
}

// append_string accepts any bytes and must write valid JSON that reads back
// as the sanitised bytes.
void check_append_string(std::string_view bytes) {
  std::string obj = "{\"k\":";
  json::append_string(obj, bytes);
  obj += '}';
  FUZZ_CHECK(utf8::is_valid(obj));
  Record rec;
  std::string error = json::parse_object(obj, rec);
  FUZZ_CHECK(error.empty());
  FUZZ_CHECK(rec.fields.size() == 1 && rec.fields[0].first == "k");
  FUZZ_CHECK(rec.fields[0].second == utf8::sanitize(bytes));
}

struct ReadResult {
  Format format;
  std::vector<Record> records;
  std::vector<RecordReader::Status> status;
};

// Reads the whole file; returns false when the constructor refused it with
// InputError (an unusable CSV/TSV header), which is a legitimate outcome.
bool read_all(const std::string& path, Format format, std::size_t max_bytes, std::size_t max_rows,
              ReadResult& out) {
  out = {};
  try {
    RecordReader reader(path, format, "text", max_bytes);
    out.format = reader.format();
    Record rec;
    std::string error;
    std::size_t last_line = 0;
    while (true) {
      RecordReader::Status st = reader.next(rec, error);
      if (st == RecordReader::Status::End) break;
      // Every row consumes at least one line, so line numbers increase and
      // there are never more rows than lines.
      FUZZ_CHECK(rec.line > last_line);
      FUZZ_CHECK(rec.line <= max_rows);
      last_line = rec.line;
      if (st == RecordReader::Status::Ok) {
        FUZZ_CHECK(error.empty());
        FUZZ_CHECK(fields_valid_utf8(rec));
      } else {
        FUZZ_CHECK(!error.empty());
      }
      out.records.push_back(rec);
      out.status.push_back(st);
    }
  } catch (const InputError&) {
    FUZZ_CHECK(format == Format::Csv || format == Format::Tsv);
    return false;
  }
  // IoError or anything else escapes and is reported as a crash: the file
  // exists and is readable.
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ScratchFile file;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> lines = physical_lines(in);

  // (1) and (2): the JSON parser and writer, line by line.
  std::vector<char> parsed(lines.size(), 0);
  std::vector<Record> parsed_records(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (utf8::is_valid(lines[i])) parsed[i] = check_parse(lines[i], parsed_records[i]);
    check_append_string(lines[i]);
  }

  // (3) RecordReader over the same bytes as a file, in every format.
  file.write(in);
  ReadResult r;
  const std::size_t big = std::size_t{1} << 30;

  // JSONL: row k is line k, and it is Ok exactly when the line is valid
  // UTF-8, not blank, and parses; its fields are what parse_object gives.
  ReadResult jsonl;
  FUZZ_CHECK(read_all(file.path, Format::Jsonl, big, lines.size(), jsonl));
  FUZZ_CHECK(jsonl.records.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    FUZZ_CHECK(jsonl.records[i].line == i + 1);
    bool ok = utf8::is_valid(lines[i]) && !blank(lines[i]) && parsed[i];
    FUZZ_CHECK((jsonl.status[i] == RecordReader::Status::Ok) == ok);
    if (ok) FUZZ_CHECK(jsonl.records[i].fields == parsed_records[i].fields);
  }

  // Text: one record per valid line (a blank one too), holding the line.
  ReadResult text;
  FUZZ_CHECK(read_all(file.path, Format::Text, big, lines.size(), text));
  FUZZ_CHECK(text.records.size() == lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    bool ok = utf8::is_valid(lines[i]);
    FUZZ_CHECK((text.status[i] == RecordReader::Status::Ok) == ok);
    if (ok) {
      FUZZ_CHECK(text.records[i].fields.size() == 1);
      FUZZ_CHECK(text.records[i].fields[0].first == "text" && text.records[i].fields[0].second == lines[i]);
    }
  }

  // Auto on a path without an extension: sniffs JSONL from the first
  // non-blank line, else plain text; either way every line is delivered.
  FUZZ_CHECK(read_all(file.path, Format::Auto, big, lines.size(), r));
  Format expect = Format::Text;
  for (std::string_view l : lines) {
    std::size_t p = l.find_first_not_of(" \t");
    if (p == std::string_view::npos) continue;
    if (l[p] == '{') expect = Format::Jsonl;
    break;
  }
  FUZZ_CHECK(r.format == expect);
  FUZZ_CHECK(r.records.size() == lines.size());

  // CSV and TSV: every Ok row has only header columns, each at most once,
  // and no empty cell but the text.
  for (Format f : {Format::Csv, Format::Tsv}) {
    for (std::size_t max_bytes : {big, std::size_t{16}}) {
      if (!read_all(file.path, f, max_bytes, lines.size(), r)) continue;
      for (std::size_t i = 0; i < r.records.size(); ++i) {
        if (r.status[i] != RecordReader::Status::Ok) continue;
        FUZZ_CHECK(!r.records[i].fields.empty());
        for (const auto& [k, v] : r.records[i].fields) FUZZ_CHECK(!v.empty() || k == "text");
        if (f == Format::Tsv) {
          // No quoting in TSV: the row is its line, split at tabs.
          std::string_view line = lines[r.records[i].line - 1];
          FUZZ_CHECK(line.size() <= max_bytes);
          std::size_t cells = 1;
          for (char c : line) cells += c == '\t';
          FUZZ_CHECK(r.records[i].fields.size() <= cells);
        }
      }
    }
  }

  // A small record limit: a JSONL or text line over it is Bad, as too long;
  // every other line reads as it does without the limit (cutting a long
  // line short must not change the lines after it).
  for (const ReadResult* unlimited : {&jsonl, &text}) {
    FUZZ_CHECK(read_all(file.path, unlimited->format, 16, lines.size(), r));
    FUZZ_CHECK(r.records.size() == lines.size());
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].size() > 16) {
        FUZZ_CHECK(r.status[i] == RecordReader::Status::Bad);
      } else {
        FUZZ_CHECK(r.status[i] == unlimited->status[i]);
        FUZZ_CHECK(r.records[i].fields == unlimited->records[i].fields);
      }
    }
  }
  return 0;
}
