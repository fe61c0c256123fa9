#include "train/corpus.h"

#include "common/error.h"
#include "common/progress.h"
#include "io/utf8.h"

namespace rasid {

std::string document_error(const Record& rec, const FieldNames& fields) {
  const std::string* text = rec.get(fields.text);
  if (!text) return "missing text field '" + fields.text + "'";
  if (utf8::is_white_space(*text)) return kEmptyText;
  if (!fields.claim.empty() && !rec.get(fields.claim)) return "missing claim field '" + fields.claim + "'";
  return {};
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Corpus read_corpus(const std::string& path, Format format, const FieldNames& fields, bool skip_bad,
                   bool require_labels) {
  RecordReader reader(path, format, fields.text);
  Corpus c;
  c.source = reader.name();
  c.labels.resize(fields.labels.size());
  Record rec;
  std::string error;
  Progress progress("reading " + c.source.substr(c.source.find_last_of('/') + 1), 0);
  while (true) {
    RecordReader::Status st = reader.next(rec, error);
    progress.add();
    if (st == RecordReader::Status::End) break;
    if (st == RecordReader::Status::Ok) {
      bool any_label = false;
      for (const std::string& f : fields.labels) any_label |= rec.get(f) != nullptr && !rec.get(f)->empty();
      error = document_error(rec, fields);
      // In plain text a line is the whole record: a blank one separates
      // paragraphs rather than holding a document, as in the other formats.
      if (error == kEmptyText && reader.format() == Format::Text) continue;
      if (error.empty() && require_labels && !any_label)
        error = "none of the label fields (" + [&] {
          std::string s;
          for (const auto& f : fields.labels) s += (s.empty() ? "" : ", ") + f;
          return s;
        }() + ") is present";
      if (error.empty()) {
        const std::string* id = rec.get(fields.id);
        c.ids.push_back(id ? *id : std::to_string(rec.line));
        c.texts.push_back(*rec.get(fields.text));
        if (!fields.claim.empty()) c.claims.push_back(*rec.get(fields.claim));
        for (std::size_t h = 0; h < fields.labels.size(); ++h) {
          const std::string* v = rec.get(fields.labels[h]);
          c.labels[h].push_back(v ? *v : std::string());
        }
        c.lines.push_back(rec.line);
        continue;
      }
    } else if (error == "empty line") {
      continue;  // blank lines hold no document; nothing is lost
    }
    if (!skip_bad) throw InputError(c.source + ":" + std::to_string(rec.line) + ": " + error);
    ++c.skipped;
  }
  return c;
}

}  // namespace rasid
