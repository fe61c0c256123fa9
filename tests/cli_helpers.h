// Helpers for the end-to-end tests of the `rasid` executable (test_cli*.cpp):
// temporary directories, running the real binary (RASID_BINARY) through
// /bin/sh with stdout, stderr and the exit code captured, a strict JSON
// parser for its output, and small training sets whose words decide the
// labels.
#pragma once
#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rasid::cli_test {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- files

std::string read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::string& data);

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/rasid_cli_XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string p(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& data) const {
    write_bytes(p(name), data);
    return p(name);
  }
  // Names of temporary files an atomic writer may have left behind.
  std::vector<std::string> temp_leftovers() const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(path_)) {
      std::string name = e.path().filename().string();
      if (name.find(".tmp.") != std::string::npos) out.push_back(name);
    }
    return out;
  }

 private:
  std::string path_;
};

// ---------------------------------------------------------------- running

std::string q(const std::string& s);  // single-quoted for /bin/sh
std::vector<std::string> split_lines(const std::string& s);
std::vector<std::string> split(const std::string& s, char sep);
inline bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Result {
  int code = -1;  // exit status, or 128 + signal number
  std::string out, err;
  long peak_rss_kb = 0;  // largest resident set of the command's processes
  std::vector<std::string> err_lines() const { return split_lines(err); }
  std::vector<std::string> out_lines() const { return split_lines(out); }
};

// Runs `command` with /bin/sh, stdin from `stdin_path`, capturing stdout and
// stderr in files of `dir`. SIGPIPE is reset to its default in the child so
// pipelines behave the same whatever the test runner ignores.
Result run_shell(const TempDir& dir, const std::string& command, const std::string& stdin_path = "/dev/null");
Result run_rasid(const TempDir& dir, const std::string& args, const std::string& stdin_path = "/dev/null");

// Quiet and fast training flags used throughout.
inline const std::string kFast = " -q --max-iter 50";

// A failed command: exit code 1 (not a crash), exactly one stderr line that
// starts "rasid: error:" and names every one of `needles`.
void require_error(const Result& r, const std::vector<std::string>& needles);
void require_ok(const Result& r);
// Neither `output` nor any temporary file of an atomic writer exists.
void require_nothing_written(const TempDir& dir, const std::string& output);

// ---------------------------------------------------------------- JSON

// A small strict JSON parser, so that every output line is checked to be
// well-formed JSON and fields can be reached by name.
struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object } type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string str;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;  // in document order

  const Json* find(const std::string& key) const {
    for (const auto& kv : object)
      if (kv.first == key) return &kv.second;
    return nullptr;
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }
  const Json& operator[](const std::string& key) const {
    const Json* j = find(key);
    if (!j) throw std::runtime_error("JSON has no key '" + key + "'");
    return *j;
  }
};

Json parse_json(const std::string& text);

// ---------------------------------------------------------------- data

// Training documents whose words decide both labels: a stance cue word
// (pro / con) and two topic cue words (sport / econ), among neutral filler
// words that occur equally often with every label.
inline const std::vector<std::string> kPro = {"يؤيد", "يدعم", "يرحب"};
inline const std::vector<std::string> kCon = {"يرفض", "يعارض", "يدين"};
inline const std::vector<std::string> kSport = {"المباراة", "الفريق", "الملعب"};
inline const std::vector<std::string> kEcon = {"السوق", "الأسعار", "البنك"};
inline const std::vector<std::string> kFill = {"الوزير", "اليوم", "في", "بغداد", "المدينة", "الناس", "الجديد", "أمس"};

using Row = std::vector<std::pair<std::string, std::string>>;  // field, value

// 48 documents: 12 for each (stance, topic) pair. Document i has stance
// pro when (i / 2) is even and topic sport when i is even.
std::vector<Row> base_rows();
std::string json_escape(const std::string& s);
std::string jsonl_line(const Row& row);
std::string to_jsonl(const std::vector<Row>& rows);
std::string value_of(const Row& row, const std::string& field);
std::string to_delimited(const std::vector<Row>& rows, const std::vector<std::string>& columns, char sep);

inline const std::vector<std::string> kColumns = {"id", "text", "stance", "topic"};

// Unseen combinations of the cue words, with their expected labels. The 4th
// line has no id, so its output id is its line number.
struct Query {
  std::string id, text, stance, topic;
};
inline const std::vector<Query> kQueries = {
    {"q1", "الناس يدعم الفريق أمس", "pro", "sport"},
    {"q2", "يعارض الأسعار في المدينة", "con", "econ"},
    {"q3", "يرحب البنك اليوم", "pro", "econ"},
    {"", "يدين الملعب بغداد", "con", "sport"},
    {"q5", "يرفض المباراة", "con", "sport"},
    {"q6", "يؤيد السوق", "pro", "econ"},
};

std::string queries_jsonl();

// Writes train.jsonl and trains m.rasid on it; returns the model path.
std::string train_base_model(const TempDir& d, const std::string& extra = "");

// Checks one head of a prediction record: label first among probabilities
// sorted high to low, which sum to about 1 over `classes` entries.
void check_head(const Json& rec, const std::string& head, std::size_t classes);

}  // namespace rasid::cli_test
