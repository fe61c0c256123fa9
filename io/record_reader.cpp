#include "io/record_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "common/error.h"
#include "io/json.h"
#include "io/utf8.h"

namespace rasid {

Format parse_format(const std::string& name) {
  if (name == "auto") return Format::Auto;
  if (name == "jsonl" || name == "json" || name == "ndjson") return Format::Jsonl;
  if (name == "csv") return Format::Csv;
  if (name == "tsv") return Format::Tsv;
  if (name == "text" || name == "txt") return Format::Text;
  throw InputError("unknown input format '" + name + "' (expected auto, jsonl, csv, tsv or text)");
}

namespace {

bool ends_with(const std::string& s, const char* suffix) {
  std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

Format format_from_extension(const std::string& path) {
  if (ends_with(path, ".jsonl") || ends_with(path, ".json") || ends_with(path, ".ndjson")) return Format::Jsonl;
  if (ends_with(path, ".csv")) return Format::Csv;
  if (ends_with(path, ".tsv") || ends_with(path, ".tab")) return Format::Tsv;
  if (ends_with(path, ".txt")) return Format::Text;
  return Format::Auto;
}

// Splits one CSV record that may span several physical lines. Returns false
// when a quoted field is still open at the end of `text`.
bool split_csv(const std::string& text, std::vector<std::string>& out, std::string& error) {
  out.clear();
  std::string field;
  std::size_t i = 0, n = text.size();
  while (true) {
    field.clear();
    if (i < n && text[i] == '"') {
      ++i;
      while (true) {
        if (i >= n) return false;
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          field.push_back(text[i++]);
        }
      }
      if (i < n && text[i] != ',') {
        error = "unexpected character after a closing quote";
        return true;
      }
    } else {
      std::size_t start = i;
      while (i < n && text[i] != ',') {
        if (text[i] == '"') {
          error = "quote inside an unquoted field";
          return true;
        }
        ++i;
      }
      field.assign(text, start, i - start);
    }
    out.push_back(field);
    if (i >= n) return true;
    ++i;  // comma
  }
}

void split_tsv(const std::string& text, std::vector<std::string>& out) {
  out.clear();
  std::size_t start = 0;
  while (true) {
    std::size_t tab = text.find('\t', start);
    if (tab == std::string::npos) {
      out.emplace_back(text, start);
      return;
    }
    out.emplace_back(text, start, tab - start);
    start = tab + 1;
  }
}

// What is wrong with a raw row before it is parsed: too long, not UTF-8, or
// nothing but `blank` characters (unless null). Empty when it can be parsed.
std::string check_row(const std::string& text, std::size_t max_bytes, const char* blank) {
  if (text.size() > max_bytes) return "row longer than " + std::to_string(max_bytes) + " bytes";
  std::size_t bad = utf8::find_invalid(text);
  if (bad != std::string::npos) return "invalid UTF-8 at byte " + std::to_string(bad + 1);
  if (blank && text.find_first_not_of(blank) == std::string::npos) return "empty line";
  return {};
}

const std::size_t kChunkBytes = std::size_t{1} << 16;
// Up to this size a line grows by doubling; beyond it, straight to the most
// it may keep, as doubling would copy it and hold both copies at once.
const std::size_t kDoublingBytes = std::size_t{64} << 20;

}  // namespace

RecordReader::RecordReader(const std::string& path, Format format, std::string text_field,
                           std::size_t max_record_bytes)
    : format_(format), text_field_(std::move(text_field)), max_record_bytes_(max_record_bytes), chunk_(kChunkBytes) {
  if (path == "-") {
    name_ = "<stdin>";
  } else {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
    owns_fd_ = true;
    name_ = path;
  }
  // The destructor does not run when the constructor throws (bad header,
  // read error), so close the file here.
  try {
    if (format_ == Format::Auto) format_ = format_from_extension(path);
    if (format_ == Format::Auto) {
      // Sniff: a first non-blank line that opens a JSON object means JSONL.
      // Lines read while sniffing are queued and delivered again in order.
      std::string line;
      format_ = Format::Text;
      while (read_raw_line(line)) {
        pending_.push_back(line);
        std::size_t p = line.find_first_not_of(" \t");
        if (p == std::string::npos) continue;
        if (line[p] == '{') format_ = Format::Jsonl;
        break;
      }
    }
    if (format_ == Format::Csv || format_ == Format::Tsv) read_header();
  } catch (...) {
    if (owns_fd_) ::close(fd_);
    throw;
  }
}

RecordReader::~RecordReader() {
  if (owns_fd_) ::close(fd_);
}

bool RecordReader::fill_chunk() {
  if (at_end_) return false;  // a terminal would wait for more after an end of input
  ssize_t n;
  do {
    n = ::read(fd_, chunk_.data(), chunk_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw IoError("error reading '" + name_ + "': " + std::strerror(errno));
  chunk_pos_ = 0;
  chunk_end_ = static_cast<std::size_t>(n);
  at_end_ = n == 0;
  return !at_end_;
}

bool RecordReader::read_raw_line(std::string& line) {
  line.clear();
  // Bytes kept of one line: one more than the limit shows that it is too
  // long (and the first line may start with a 3-byte byte-order mark).
  const std::size_t keep = max_record_bytes_ + (first_line_ ? 4 : 1);
  bool any = false, cut = false;
  try {
    while (chunk_pos_ < chunk_end_ || fill_chunk()) {
      any = true;
      const char* begin = chunk_.data() + chunk_pos_;
      const std::size_t avail = chunk_end_ - chunk_pos_;
      const char* nl = static_cast<const char*>(std::memchr(begin, '\n', avail));
      const std::size_t n = nl ? static_cast<std::size_t>(nl - begin) : avail;
      const std::size_t take = std::min(n, keep - line.size());
      if (line.size() + take > std::max(line.capacity(), kDoublingBytes)) line.reserve(keep);
      line.append(begin, take);
      cut |= take < n;
      chunk_pos_ += nl ? n + 1 : n;
      if (nl) break;
    }
  } catch (const std::bad_alloc&) {
    const std::size_t kept = line.size();
    std::string().swap(line);  // free it before saying so
    throw IoError(name_ + ":" + std::to_string(line_no_ + pending_.size() + 1) + ": out of memory reading this line (" +
                  std::to_string(kept >> 20) + " MB of it read)");
  }
  if (!any) return false;
  if (!cut && !line.empty() && line.back() == '\r') line.pop_back();  // a cut line keeps its size
  if (first_line_ && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // byte-order mark
  first_line_ = false;
  return true;
}

bool RecordReader::read_line(std::string& line) {
  if (!pending_.empty()) {
    line = std::move(pending_.front());
    pending_.pop_front();
  } else if (!read_raw_line(line)) {
    return false;
  }
  ++line_no_;
  return true;
}

void RecordReader::read_header() {
  std::string line;
  if (!read_line(line)) throw InputError(name_ + ": empty file, expected a header row");
  if (line.size() > max_record_bytes_)  // it was cut short
    throw InputError(name_ + ":1: header longer than " + std::to_string(max_record_bytes_) + " bytes");
  if (!utf8::is_valid(line)) throw InputError(name_ + ":1: header is not valid UTF-8");
  std::string error;
  if (format_ == Format::Csv) {
    if (!split_csv(line, header_, error) || !error.empty())
      throw InputError(name_ + ":1: malformed CSV header" + (error.empty() ? "" : ": " + error));
  } else {
    split_tsv(line, header_);
  }
  for (std::size_t i = 0; i < header_.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (header_[i] == header_[j]) throw InputError(name_ + ":1: duplicate column '" + header_[i] + "'");
}

RecordReader::Status RecordReader::next(Record& rec, std::string& error) {
  rec.clear();
  error.clear();
  if (format_ == Format::Csv || format_ == Format::Tsv) return next_delimited(rec, error);
  std::string line;
  if (!read_line(line)) return Status::End;
  rec.line = line_no_;
  error = check_row(line, max_record_bytes_, format_ == Format::Text ? nullptr : " \t");
  if (!error.empty()) return Status::Bad;
  if (format_ == Format::Text) {
    rec.fields.emplace_back(text_field_, std::move(line));
    return Status::Ok;
  }
  error = json::parse_object(line, rec);
  if (!error.empty()) {
    error = "malformed JSON: " + error;
    rec.fields.clear();
    return Status::Bad;
  }
  return Status::Ok;
}

RecordReader::Status RecordReader::next_delimited(Record& rec, std::string& error) {
  std::string text;
  if (!read_line(text)) return Status::End;
  rec.line = line_no_;
  std::vector<std::string> cells;
  if (format_ == Format::Csv) {
    std::string more;
    while (!split_csv(text, cells, error)) {  // a quoted field spans lines
      if (text.size() > max_record_bytes_) break;
      if (!read_line(more)) {
        error = "unterminated quoted field";
        return Status::Bad;
      }
      text += '\n';
      text += more;
    }
  } else {
    split_tsv(text, cells);
  }
  std::string row_error = check_row(text, max_record_bytes_, " \t,");
  if (!row_error.empty()) {
    error = std::move(row_error);
    return Status::Bad;
  }
  if (!error.empty()) {
    error = "malformed CSV: " + error;
    return Status::Bad;
  }
  if (std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return c.empty(); })) {
    error = "empty line";  // only empty quoted cells: as blank as ",,"
    return Status::Bad;
  }
  if (cells.size() != header_.size()) {
    error = "expected " + std::to_string(header_.size()) + " fields, found " + std::to_string(cells.size());
    return Status::Bad;
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!cells[i].empty() || header_[i] == text_field_) rec.fields.emplace_back(header_[i], std::move(cells[i]));
  }
  return Status::Ok;
}

}  // namespace rasid
