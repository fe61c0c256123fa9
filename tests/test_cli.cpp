// End-to-end tests of the `rasid` executable: every test runs the real
// binary (RASID_BINARY) through /bin/sh with stdout, stderr and the exit code
// captured, on small data sets written into a fresh temporary directory.
#include <catch2/catch.hpp>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/utf8.h"

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------- files

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_bytes(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write test file " + path);
}

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

std::string q(const std::string& s) {  // single-quoted for /bin/sh
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    lines.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = s.find(sep, start);
    if (at == std::string::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct Result {
  int code = -1;  // exit status, or 128 + signal number
  std::string out, err;
  std::vector<std::string> err_lines() const { return split_lines(err); }
  std::vector<std::string> out_lines() const { return split_lines(out); }
};

// Runs `command` with /bin/sh, stdin from `stdin_path`, capturing stdout and
// stderr in files of `dir`. SIGPIPE is reset to its default in the child so
// pipelines behave the same whatever the test runner ignores.
Result run_shell(const TempDir& dir, const std::string& command, const std::string& stdin_path = "/dev/null") {
  const std::string out_path = dir.p("_stdout"), err_path = dir.p("_stderr");
  const std::string full = "( " + command + " ) <" + q(stdin_path) + " >" + q(out_path) + " 2>" + q(err_path);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waitpid failed");
  }
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_bytes(out_path);
  r.err = read_bytes(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

Result run_rasid(const TempDir& dir, const std::string& args, const std::string& stdin_path = "/dev/null") {
  return run_shell(dir, q(RASID_BINARY) + " " + args, stdin_path);
}

// Quiet and fast training flags used throughout.
const std::string kFast = " -q --max-iter 50";

// A failed command: exit code 1 (not a crash), exactly one stderr line that
// starts "rasid: error:" and names every one of `needles`.
void require_error(const Result& r, const std::vector<std::string>& needles) {
  INFO("exit code: " << r.code << "\nstdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.code == 1);
  std::vector<std::string> lines = r.err_lines();
  REQUIRE(lines.size() == 1);
  CHECK(starts_with(lines[0], "rasid: error: "));
  for (const std::string& n : needles) CHECK_THAT(lines[0], Catch::Contains(n));
}

void require_ok(const Result& r) {
  INFO("exit code: " << r.code << "\nstdout: " << r.out.substr(0, 2000) << "\nstderr: " << r.err);
  REQUIRE(r.code == 0);
}

void require_nothing_written(const TempDir& dir, const std::string& output) {
  CHECK_FALSE(fs::exists(output));
  CHECK(dir.temp_leftovers().empty());
}

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

class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}
  Json document() {
    Json v = value();
    skip_ws();
    if (i_ != s_.size()) fail("trailing characters");
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("invalid JSON at byte " + std::to_string(i_) + ": " + what);
  }
  void skip_ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    skip_ws();
    if (i_ >= s_.size()) fail("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  unsigned hex4() {
    if (i_ + 4 > s_.size()) fail("short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (i_ >= s_.size()) fail("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) fail("raw control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) fail("unterminated escape");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          char32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!literal("\\u")) fail("unpaired surrogate");
            char32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("unpaired surrogate");
          }
          rasid::utf8::append(out, cp);
          break;
        }
        default: fail("unknown escape");
      }
    }
  }
  Json value() {
    Json v;
    char c = peek();
    if (c == '{') {
      ++i_;
      v.type = Json::Type::Object;
      if (peek() == '}') {
        ++i_;
        return v;
      }
      while (true) {
        std::string key = string();
        expect(':');
        Json member = value();
        v.object.emplace_back(std::move(key), std::move(member));
        char d = peek();
        ++i_;
        if (d == '}') return v;
        if (d != ',') fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      ++i_;
      v.type = Json::Type::Array;
      if (peek() == ']') {
        ++i_;
        return v;
      }
      while (true) {
        v.array.push_back(value());
        char d = peek();
        ++i_;
        if (d == ']') return v;
        if (d != ',') fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.type = Json::Type::String;
      v.str = string();
      return v;
    }
    if (literal("true") || literal("false")) {
      v.type = Json::Type::Bool;
      v.boolean = s_[i_ - 1] == 'e' && s_[i_ - 2] == 'u';  // "true", not "false"
      return v;
    }
    if (literal("null")) return v;
    // number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    std::size_t start = i_;
    auto digits = [&] {
      std::size_t b = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == b) fail("expected a digit");
    };
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ < s_.size() && s_[i_] == '0') ++i_;
    else digits();
    if (i_ < s_.size() && s_[i_] == '.') {
      ++i_;
      digits();
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    v.type = Json::Type::Number;
    v.number = std::strtod(std::string(s_.substr(start, i_ - start)).c_str(), nullptr);
    return v;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

Json parse_json(const std::string& text) { return JsonParser(text).document(); }

// ---------------------------------------------------------------- data

// Training documents whose words decide both labels: a stance cue word
// (pro / con) and two topic cue words (sport / econ), among neutral filler
// words that occur equally often with every label.
const std::vector<std::string> kPro = {"يؤيد", "يدعم", "يرحب"};
const std::vector<std::string> kCon = {"يرفض", "يعارض", "يدين"};
const std::vector<std::string> kSport = {"المباراة", "الفريق", "الملعب"};
const std::vector<std::string> kEcon = {"السوق", "الأسعار", "البنك"};
const std::vector<std::string> kFill = {"الوزير", "اليوم", "في", "بغداد", "المدينة", "الناس", "الجديد", "أمس"};

using Row = std::vector<std::pair<std::string, std::string>>;  // field, value

// 48 documents: 12 for each (stance, topic) pair. Document i has stance
// pro when (i / 2) is even and topic sport when i is even.
std::vector<Row> base_rows() {
  std::vector<Row> rows;
  for (std::size_t n = 0; n < 12; ++n) {
    for (int s = 0; s < 2; ++s) {
      for (int t = 0; t < 2; ++t) {
        const auto& sw = s == 0 ? kPro : kCon;
        const auto& tw = t == 0 ? kSport : kEcon;
        std::string text = kFill[n % 8] + " " + sw[n % 3] + " " + tw[n % 3] + " " + kFill[(n + 3) % 8] + " " +
                           tw[(n + 1) % 3];
        if (rows.empty()) text = kFill[0] + " \"" + sw[0] + "\" " + tw[0] + ", " + kFill[3] + " " + tw[1];
        rows.push_back({{"id", "d" + std::to_string(rows.size())},
                        {"text", text},
                        {"stance", s == 0 ? "pro" : "con"},
                        {"topic", t == 0 ? "sport" : "econ"}});
      }
    }
  }
  return rows;
}

std::string json_escape(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

std::string jsonl_line(const Row& row) {
  std::string out = "{";
  for (const auto& [k, v] : row) {
    if (out.size() > 1) out += ", ";
    out += json_escape(k) + ": " + json_escape(v);
  }
  return out + "}";
}

std::string to_jsonl(const std::vector<Row>& rows) {
  std::string out;
  for (const Row& r : rows) out += jsonl_line(r) + "\n";
  return out;
}

std::string value_of(const Row& row, const std::string& field) {
  for (const auto& [k, v] : row)
    if (k == field) return v;
  return "";
}

std::string to_delimited(const std::vector<Row>& rows, const std::vector<std::string>& columns, char sep) {
  auto cell = [sep](const std::string& v) {
    if (sep == ',' && v.find_first_of(",\"\n\r") != std::string::npos) {
      std::string quoted = "\"";
      for (char c : v) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      return quoted + "\"";
    }
    return v;
  };
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? std::string(1, sep) : "") + columns[c];
  out += "\n";
  for (const Row& r : rows) {
    for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? std::string(1, sep) : "") + cell(value_of(r, columns[c]));
    out += "\n";
  }
  return out;
}

const std::vector<std::string> kColumns = {"id", "text", "stance", "topic"};

// Unseen combinations of the cue words, with their expected labels. The 4th
// line has no id, so its output id is its line number.
struct Query {
  std::string id, text, stance, topic;
};
const std::vector<Query> kQueries = {
    {"q1", "الناس يدعم الفريق أمس", "pro", "sport"},
    {"q2", "يعارض الأسعار في المدينة", "con", "econ"},
    {"q3", "يرحب البنك اليوم", "pro", "econ"},
    {"", "يدين الملعب بغداد", "con", "sport"},
    {"q5", "يرفض المباراة", "con", "sport"},
    {"q6", "يؤيد السوق", "pro", "econ"},
};

std::string queries_jsonl() {
  std::string out;
  for (const Query& qr : kQueries) {
    Row r;
    if (!qr.id.empty()) r.push_back({"id", qr.id});
    r.push_back({"text", qr.text});
    out += jsonl_line(r) + "\n";
  }
  return out;
}

// Writes train.jsonl and trains m.rasid on it; returns the model path.
std::string train_base_model(const TempDir& d, const std::string& extra = "") {
  std::string data = d.write("train.jsonl", to_jsonl(base_rows()));
  std::string model = d.p("m.rasid");
  Result r = run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast + extra);
  require_ok(r);
  REQUIRE(fs::exists(model));
  return model;
}

// Checks one head of a prediction record: label first among probabilities
// sorted high to low, which sum to about 1 over `classes` entries.
void check_head(const Json& rec, const std::string& head, std::size_t classes) {
  INFO("head " << head);
  const Json& h = rec[head];
  REQUIRE(h.type == Json::Type::Object);
  const Json& probs = h["probs"];
  REQUIRE(probs.type == Json::Type::Object);
  REQUIRE(probs.object.size() == classes);
  CHECK(probs.object[0].first == h["label"].str);
  CHECK(probs.object[0].second.number == Approx(h["prob"].number));
  double sum = 0;
  for (std::size_t i = 0; i < probs.object.size(); ++i) {
    double p = probs.object[i].second.number;
    CHECK(p >= 0.0);
    CHECK(p <= 1.0);
    if (i) CHECK(p <= probs.object[i - 1].second.number);
    sum += p;
  }
  if (classes > 1) CHECK(sum == Approx(1.0).margin(2e-3));
}

}  // namespace

// ================================================================ happy paths

TEST_CASE("cli: train on JSONL, CSV and TSV gives the same predictions", "[cli]") {
  TempDir d;
  std::vector<Row> rows = base_rows();
  std::string jsonl = d.write("train.jsonl", to_jsonl(rows));
  std::string csv = d.write("train.csv", to_delimited(rows, kColumns, ','));
  std::string tsv = d.write("train.tsv", to_delimited(rows, kColumns, '\t'));
  REQUIRE(contains(read_bytes(csv), "\"الوزير \"\"يؤيد\"\" المباراة, بغداد الفريق\""));  // quoting exercised

  std::vector<std::string> outputs;
  for (const std::string& data : {jsonl, csv, tsv}) {
    std::string model = data + ".rasid";
    Result t = run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast);
    require_ok(t);
    CHECK(t.out.empty());
    CHECK(t.err.empty());  // -q
    REQUIRE(fs::exists(model));
    Result r = run_rasid(d, "infer -m " + q(model) + " " + q(jsonl));
    require_ok(r);
    outputs.push_back(r.out);
  }
  CHECK(outputs[1] == outputs[0]);
  CHECK(outputs[2] == outputs[0]);
  CHECK(d.temp_leftovers().empty());

  // The model labels its own training data correctly.
  std::vector<std::string> lines = split_lines(outputs[0]);
  REQUIRE(lines.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Json rec = parse_json(lines[i]);
    CHECK(rec["id"].str == value_of(rows[i], "id"));
    CHECK(rec["stance"]["label"].str == value_of(rows[i], "stance"));
    CHECK(rec["topic"]["label"].str == value_of(rows[i], "topic"));
  }

  // CSV and TSV input to infer give the same records (ids from the id column).
  std::string model = jsonl + ".rasid";
  for (const std::string& data : {csv, tsv}) {
    Result r = run_rasid(d, "infer -m " + q(model) + " " + q(data));
    require_ok(r);
    CHECK(r.out == outputs[0]);
  }
}

TEST_CASE("cli: infer from a file and from stdin", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("query.jsonl", queries_jsonl());

  Result file = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(file);
  CHECK(file.err.empty());
  std::vector<std::string> lines = file.out_lines();
  REQUIRE(lines.size() == kQueries.size());
  for (std::size_t i = 0; i < kQueries.size(); ++i) {
    INFO("line " << i + 1 << ": " << lines[i]);
    Json rec = parse_json(lines[i]);
    REQUIRE(rec.type == Json::Type::Object);
    if (kQueries[i].id.empty()) {
      CHECK(rec["id"].type == Json::Type::Number);
      CHECK(rec["id"].number == static_cast<double>(i + 1));
    } else {
      CHECK(rec["id"].str == kQueries[i].id);
    }
    CHECK_FALSE(rec.has("error"));
    CHECK_FALSE(rec["stance"].has("explain"));
    check_head(rec, "stance", 2);
    check_head(rec, "topic", 2);
    CHECK(rec["stance"]["label"].str == kQueries[i].stance);
    CHECK(rec["topic"]["label"].str == kQueries[i].topic);
    CHECK(rec["stance"]["prob"].number > 0.6);
  }

  Result dash = run_rasid(d, "infer -m " + q(model) + " -", input);
  require_ok(dash);
  CHECK(dash.out == file.out);
  CHECK(dash.err.empty());
  Result none = run_rasid(d, "infer -m " + q(model), input);
  require_ok(none);
  CHECK(none.out == file.out);
}

TEST_CASE("cli: infer --format tsv writes a header and one row per line", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("query.jsonl", queries_jsonl());
  Result js = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(js);
  std::vector<std::string> json_lines = js.out_lines();
  REQUIRE(json_lines.size() == kQueries.size());

  Result r = run_rasid(d, "infer -m " + q(model) + " --format tsv " + q(input));
  require_ok(r);
  std::vector<std::string> lines = r.out_lines();
  REQUIRE(lines.size() == kQueries.size() + 1);
  CHECK(lines[0] == "id\tstance\tstance_prob\ttopic\ttopic_prob");
  for (std::size_t i = 0; i < kQueries.size(); ++i) {
    INFO("row " << lines[i + 1]);
    std::vector<std::string> cols = split(lines[i + 1], '\t');
    REQUIRE(cols.size() == 5);
    Json rec = parse_json(json_lines[i]);
    CHECK(cols[0] == (kQueries[i].id.empty() ? std::to_string(i + 1) : kQueries[i].id));
    CHECK(cols[1] == kQueries[i].stance);
    CHECK(std::strtod(cols[2].c_str(), nullptr) == Approx(rec["stance"]["prob"].number));
    CHECK(cols[3] == kQueries[i].topic);
    CHECK(std::strtod(cols[4].c_str(), nullptr) == Approx(rec["topic"]["prob"].number));
  }

  Result top = run_rasid(d, "infer -m " + q(model) + " --format tsv --top-k 2 " + q(input));
  require_ok(top);
  lines = top.out_lines();
  REQUIRE(lines.size() == kQueries.size() + 1);
  CHECK(lines[0] == "id\tstance\tstance_prob\tstance_top\ttopic\ttopic_prob\ttopic_top");
  std::vector<std::string> cols = split(lines[1], '\t');
  REQUIRE(cols.size() == 7);
  CHECK(starts_with(cols[3], "pro:"));
  CHECK(contains(cols[3], ",con:"));
  CHECK(starts_with(cols[6], "sport:"));
  CHECK(contains(cols[6], ",econ:"));
}

TEST_CASE("cli: infer --top-k 1 and --explain 3", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("query.jsonl", queries_jsonl());

  Result top = run_rasid(d, "infer -m " + q(model) + " --top-k 1 " + q(input));
  require_ok(top);
  std::vector<std::string> lines = top.out_lines();
  REQUIRE(lines.size() == kQueries.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Json rec = parse_json(lines[i]);
    check_head(rec, "stance", 1);
    check_head(rec, "topic", 1);
    CHECK(rec["stance"]["label"].str == kQueries[i].stance);
  }

  Result ex = run_rasid(d, "infer -m " + q(model) + " --explain 3 " + q(input));
  require_ok(ex);
  lines = ex.out_lines();
  REQUIRE(lines.size() == kQueries.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << lines[i]);
    Json rec = parse_json(lines[i]);
    for (const char* head : {"stance", "topic"}) {
      check_head(rec, head, 2);
      const Json& list = rec[head]["explain"];
      REQUIRE(list.type == Json::Type::Array);
      REQUIRE(list.array.size() == 3);
      for (std::size_t k = 0; k < 3; ++k) {
        const Json& item = list.array[k];
        REQUIRE(item.type == Json::Type::Array);
        REQUIRE(item.array.size() == 2);
        CHECK(item.array[0].type == Json::Type::String);
        CHECK_FALSE(item.array[0].str.empty());
        CHECK(item.array[1].type == Json::Type::Number);
        if (k) CHECK(item.array[1].number <= list.array[k - 1].array[1].number);
      }
    }
  }
  // "q5": "يرفض المباراة": the stance decision rests on n-grams of the stance word.
  Json q5 = parse_json(lines[4]);
  for (const Json& item : q5["stance"]["explain"].array) {
    std::string f = item.array[0].str;
    std::string bare;
    for (char c : f)
      if (c != '<' && c != '>' && c != '[' && c != ']') bare += c;
    INFO("feature " << f);
    CHECK(contains("يرفض", bare));
    CHECK(item.array[1].number > 0);
  }
}

namespace {
// Held-out documents; d4's text says pro but its gold stance is con, so the
// stance scores are exact: accuracy 7/8, macro-F1 (6/7 + 8/9) / 2.
std::vector<Row> dev_rows() {
  return {
      {{"id", "e1"}, {"text", "الناس يدعم الفريق"}, {"stance", "pro"}, {"topic", "sport"}},
      {{"id", "e2"}, {"text", "يرحب البنك اليوم"}, {"stance", "pro"}, {"topic", "econ"}},
      {{"id", "e3"}, {"text", "يؤيد الملعب"}, {"stance", "pro"}, {"topic", "sport"}},
      {{"id", "e4"}, {"text", "يدعم السوق أمس"}, {"stance", "con"}, {"topic", "econ"}},
      {{"id", "e5"}, {"text", "يرفض المباراة"}, {"stance", "con"}, {"topic", "sport"}},
      {{"id", "e6"}, {"text", "يعارض الأسعار في المدينة"}, {"stance", "con"}, {"topic", "econ"}},
      {{"id", "e7"}, {"text", "يدين الملعب بغداد"}, {"stance", "con"}, {"topic", "sport"}},
      {{"id", "e8"}, {"text", "يرفض البنك"}, {"stance", "con"}, {"topic", "econ"}},
  };
}

// The whitespace-separated cells of the confusion row of `label` in a text
// report section starting at `from`.
std::vector<std::string> confusion_row(const std::string& report, std::size_t from, const std::string& label) {
  std::size_t at = report.find("confusion (rows: gold, columns: predicted)", from);
  if (at == std::string::npos) return {};
  std::istringstream in(report.substr(at));
  std::string line;
  std::getline(in, line);  // title
  std::getline(in, line);  // column labels
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream cells(line);
    std::vector<std::string> out;
    for (std::string c; cells >> c;) out.push_back(c);
    if (!out.empty() && out[0] == label) return out;
  }
  return {};
}
}  // namespace

TEST_CASE("cli: eval prints accuracy, macro-F1 and confusion", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string dev = d.write("dev.jsonl", to_jsonl(dev_rows()));
  Result r = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --bootstrap 50");
  require_ok(r);
  const std::string& out = r.out;
  CHECK(contains(out, "documents: 8\n"));
  std::size_t stance = out.find("== stance (8 scored)");
  std::size_t topic = out.find("== topic (8 scored)");
  REQUIRE(stance != std::string::npos);
  REQUIRE(topic != std::string::npos);
  std::string stance_part = out.substr(stance, topic - stance);
  CHECK(contains(stance_part, "accuracy     0.8750"));
  CHECK(contains(stance_part, "macro-F1     0.8730"));
  CHECK(contains(out.substr(topic), "accuracy     1.0000"));
  CHECK(contains(out.substr(topic), "macro-F1     1.0000"));
  CHECK(confusion_row(out, stance, "con") == std::vector<std::string>{"con", "4", "1"});
  CHECK(confusion_row(out, stance, "pro") == std::vector<std::string>{"pro", "0", "3"});
  CHECK(confusion_row(out, topic, "econ") == std::vector<std::string>{"econ", "4", "0"});
  CHECK(confusion_row(out, topic, "sport") == std::vector<std::string>{"sport", "0", "4"});
}

TEST_CASE("cli: eval --json prints exactly one JSON object", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string dev = d.write("dev.jsonl", to_jsonl(dev_rows()));
  Result r = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --json --bootstrap 50");
  require_ok(r);
  REQUIRE(starts_with(r.out, "{"));
  REQUIRE(r.out_lines().size() == 1);
  CHECK(r.out.back() == '\n');
  Json j = parse_json(r.out);
  CHECK(j["n"].number == 8);
  const Json& s = j["tasks"]["stance"];
  CHECK(s["n"].number == 8);
  CHECK(s["unknown_labels"].number == 0);
  CHECK(s["accuracy"].number == Approx(0.875).margin(1e-6));
  CHECK(s["macro_f1"].number == Approx((6.0 / 7.0 + 8.0 / 9.0) / 2).margin(1e-5));
  CHECK(s["log_loss"].number > 0.0);
  CHECK(s["log_loss"].number < 2.0);
  CHECK(s["per_class"]["pro"]["support"].number == 3);
  CHECK(s["per_class"]["con"]["support"].number == 5);
  CHECK(s["per_class"]["pro"]["precision"].number == Approx(0.75).margin(1e-6));
  CHECK(s["per_class"]["con"]["recall"].number == Approx(0.8).margin(1e-6));
  CHECK(s["confusion"]["con"]["pro"].number == 1);
  CHECK(s["confusion"]["con"]["con"].number == 4);
  CHECK(s["confusion"]["pro"]["pro"].number == 3);
  CHECK(s["confusion"]["pro"]["con"].number == 0);
  const Json& t = j["tasks"]["topic"];
  CHECK(t["accuracy"].number == 1.0);
  CHECK(t["macro_f1"].number == 1.0);
  CHECK(t["per_class"]["sport"]["support"].number == 4);
  CHECK(t["confusion"]["econ"]["econ"].number == 4);
}

TEST_CASE("cli: eval --report writes an HTML report with SVG charts", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string dev = d.write("dev.jsonl", to_jsonl(dev_rows()));
  std::string report = d.p("r.html");
  Result r = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --bootstrap 20 --report " + q(report));
  require_ok(r);
  CHECK(contains(r.out, "accuracy"));
  REQUIRE(fs::exists(report));
  std::string html = read_bytes(report);
  CHECK(contains(html, "<svg"));
  CHECK(contains(html, "</html>"));
  CHECK(contains(html, "stance"));
  CHECK(d.temp_leftovers().empty());

  // A bad data row: no report, no temporary file.
  std::string bad = d.write("bad.jsonl", jsonl_line(dev_rows()[0]) + "\n{\"id\": \"x\", \"text\": \n");
  std::string report2 = d.p("r2.html");
  Result e = run_rasid(d, "eval -m " + q(model) + " --data " + q(bad) + " --report " + q(report2));
  require_error(e, {"bad.jsonl:2:", "malformed JSON"});
  require_nothing_written(d, report2);
}

TEST_CASE("cli: eval with labels unknown to the model reports them and succeeds", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::vector<Row> rows = dev_rows();
  rows.push_back({{"id", "u1"}, {"text", "يرفض الناس"}, {"stance", "neutral"}, {"topic", "econ"}});
  rows.push_back({{"id", "u2"}, {"text", "يدعم الفريق"}, {"stance", "neutral"}, {"topic", "sport"}});
  std::string dev = d.write("dev.jsonl", to_jsonl(rows));

  Result r = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --bootstrap 20");
  require_ok(r);
  CHECK(contains(r.out, "documents: 10"));
  CHECK(contains(r.out, "== stance (8 scored, 2 with labels unknown to the model"));
  CHECK(contains(r.out, "accuracy     0.8750"));
  CHECK(contains(r.out, "== topic (10 scored)"));

  Result j = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --bootstrap 20 --json");
  require_ok(j);
  Json rep = parse_json(j.out);
  CHECK(rep["tasks"]["stance"]["unknown_labels"].number == 2);
  CHECK(rep["tasks"]["stance"]["n"].number == 8);
  CHECK(rep["tasks"]["topic"]["unknown_labels"].number == 0);
  CHECK(rep["tasks"]["topic"]["n"].number == 10);

  // --skip-bad counts a malformed row; --label names a field the model lacks.
  std::string bad = d.write("bad.jsonl", to_jsonl(dev_rows()) + "{\"id\": 1,\n");
  Result s = run_rasid(d, "eval -m " + q(model) + " --data " + q(bad) + " --bootstrap 20 --skip-bad");
  require_ok(s);
  CHECK(contains(s.out, "1 malformed rows skipped"));
  CHECK(contains(s.out, "documents: 8"));
  Result nohead = run_rasid(d, "eval -m " + q(model) + " --data " + q(dev) + " --label stance,genre");
  require_error(nohead, {"'genre'"});
}

TEST_CASE("cli: inspect prints the labels and top n-grams of each head", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  Result r = run_rasid(d, "inspect -m " + q(model) + " --top 3");
  require_ok(r);
  CHECK(contains(r.out, "head 'stance': 2 classes"));
  CHECK(contains(r.out, "head 'topic': 2 classes"));
  CHECK(contains(r.out, "documents 48"));
  CHECK(contains(r.out, "text_field text"));
  struct Cls {
    const char* label;
    const std::vector<std::string>* cues;
  };
  for (const Cls& c : {Cls{"pro", &kPro}, Cls{"con", &kCon}, Cls{"sport", &kSport}, Cls{"econ", &kEcon}}) {
    INFO("class " << c.label << "\n" << r.out);
    std::string line;
    for (const std::string& l : r.out_lines())
      if (starts_with(l, std::string("  ") + c.label + ":")) line = l;
    REQUIRE_FALSE(line.empty());
    // "  pro:  <يرح (1.01)  حب (1.01)  [يرحب] (1.01)": three n-grams, each
    // part of one of the class's cue words.
    std::vector<std::string> parts = split(line.substr(line.find(':') + 1), '(');
    REQUIRE(parts.size() == 4);
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
      std::string tok = parts[i];
      if (i) tok = tok.substr(tok.find(')') + 1);
      std::string bare;
      for (char ch : tok)
        if (ch != '<' && ch != '>' && ch != '[' && ch != ']' && ch != ' ') bare += ch;
      INFO("n-gram '" << tok << "'");
      bool found = false;
      for (const std::string& w : *c.cues) found |= contains(w, bare);
      CHECK(!bare.empty());
      CHECK(found);
    }
  }
}

TEST_CASE("cli: cv prints mean ± std per label field", "[cli]") {
  TempDir d;
  std::vector<Row> rows = base_rows();
  // Fixed folds of 16 consecutive documents (each holds every cue word);
  // document 0 (text pro, fold 0) is labelled con. Fold 0 then scores 15/16
  // and macro-F1 (14/15 + 16/17) / 2, the other folds 1.
  for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back({"fold", std::to_string(i / 16)});
  rows[0][2].second = "con";
  std::string data = d.write("train.jsonl", to_jsonl(rows));
  Result r = run_rasid(d, "cv --data " + q(data) + " --label stance,topic --folds-field fold" + kFast);
  require_ok(r);
  std::vector<std::string> lines = r.out_lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "stance: accuracy 0.9792 ± 0.0361, macro-F1 0.9791 ± 0.0362 (3 folds)");
  CHECK(lines[1] == "topic: accuracy 1.0000 ± 0.0000, macro-F1 1.0000 ± 0.0000 (3 folds)");

  Result j = run_rasid(d, "cv --data " + q(data) + " --label stance --folds-field fold --json" + kFast);
  require_ok(j);
  REQUIRE(j.out_lines().size() == 1);
  Json rep = parse_json(j.out);
  CHECK(rep["folds"].number == 3);
  CHECK(rep["tasks"]["stance"]["accuracy_mean"].number == Approx((2 + 15.0 / 16) / 3).margin(1e-6));

  // Seeded stratified folds on clean data.
  std::string clean = d.write("clean.jsonl", to_jsonl(base_rows()));
  Result s = run_rasid(d, "cv --data " + q(clean) + " --label stance --folds 3" + kFast);
  require_ok(s);
  CHECK(s.out == "stance: accuracy 1.0000 ± 0.0000, macro-F1 1.0000 ± 0.0000 (3 folds)\n");
}

TEST_CASE("cli: a row missing one of two label fields still trains the other head", "[cli]") {
  TempDir d;
  std::vector<Row> rows = base_rows();
  // Four rows with only a stance label carry a new con cue word, "zzqx".
  for (const char* f : {"الناس", "اليوم", "بغداد", "أمس"})
    rows.push_back({{"id", std::string("s") + f}, {"text", std::string("zzqx ") + f}, {"stance", "con"}});
  std::string data = d.write("partial.jsonl", to_jsonl(rows));
  std::string model = d.p("partial.rasid");
  require_ok(run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast));
  std::string base = train_base_model(d);

  Result j = run_rasid(d, "eval -m " + q(model) + " --data " + q(data) + " --json --bootstrap 0");
  require_ok(j);
  Json rep = parse_json(j.out);
  CHECK(rep["n"].number == 52);
  CHECK(rep["tasks"]["stance"]["n"].number == 52);
  CHECK(rep["tasks"]["topic"]["n"].number == 48);
  CHECK(rep["tasks"]["stance"]["accuracy"].number == 1.0);

  std::string input = d.write("q.jsonl", "{\"id\": \"z\", \"text\": \"zzqx المدينة\"}\n");
  Result with = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  Result without = run_rasid(d, "infer -m " + q(base) + " " + q(input));
  require_ok(with);
  require_ok(without);
  Json a = parse_json(with.out), b = parse_json(without.out);
  CHECK(a["stance"]["label"].str == "con");
  CHECK(a["stance"]["probs"]["con"].number > 0.75);
  CHECK(b["stance"]["probs"]["con"].number < 0.7);
}

TEST_CASE("cli: claim/text pairs train and infer with --claim-field", "[cli]") {
  TempDir d;
  const std::vector<std::string> claims = {"الحكومة رفعت الأسعار", "الفريق فاز بالمباراة", "البنك خفض الفائدة",
                                           "الوزير زار بغداد"};
  const std::vector<std::string> agree = {"يؤكد", "يثبت"}, disagree = {"ينفي", "يكذب"};
  std::vector<Row> rows;
  for (std::size_t i = 0; i < 40; ++i) {
    bool yes = i % 2 == 0;
    const auto& cue = yes ? agree : disagree;
    rows.push_back({{"id", "p" + std::to_string(i)},
                    {"claim", claims[(i / 2) % 4]},  // each claim with both labels
                    {"text", kFill[i % 8] + " " + cue[(i / 2) % 2] + " " + kFill[(i + 5) % 8]},
                    {"stance", yes ? "agree" : "disagree"}});
  }
  std::string data = d.write("pairs.jsonl", to_jsonl(rows));
  std::string model = d.p("pairs.rasid");
  require_ok(run_rasid(d, "train --data " + q(data) + " --label stance --claim-field claim -o " + q(model) + kFast));

  Result info = run_rasid(d, "inspect -m " + q(model));
  require_ok(info);
  CHECK(contains(info.out, "claim"));

  // The claim field comes from the model; a line without a claim is an error record.
  std::string input = d.write("q.jsonl", "{\"id\": \"a\", \"claim\": \"الوزير زار بغداد\", \"text\": \"المدينة يؤكد\"}\n"
                                         "{\"id\": \"b\", \"text\": \"الناس ينفي\"}\n"
                                         "{\"id\": \"c\", \"claim\": \"البنك خفض الفائدة\", \"text\": \"يكذب اليوم\"}\n");
  Result r = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(r);
  std::vector<std::string> lines = r.out_lines();
  REQUIRE(lines.size() == 3);
  Json a = parse_json(lines[0]), b = parse_json(lines[1]), c = parse_json(lines[2]);
  check_head(a, "stance", 2);
  CHECK(a["stance"]["label"].str == "agree");
  CHECK(c["stance"]["label"].str == "disagree");
  CHECK(b["id"].str == "b");
  CHECK(contains(b["error"].str, "claim"));
  CHECK_FALSE(b.has("stance"));

  Result train_out = run_rasid(d, "infer -m " + q(model) + " " + q(data));
  require_ok(train_out);
  std::vector<std::string> tl = train_out.out_lines();
  REQUIRE(tl.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    CHECK(parse_json(tl[i])["stance"]["label"].str == value_of(rows[i], "stance"));

  // A model trained without pairs refuses --claim-field.
  std::string plain = train_base_model(d);
  Result wrong = run_rasid(d, "infer -m " + q(plain) + " --claim-field claim " + q(input));
  require_error(wrong, {"--claim-field"});
}

TEST_CASE("cli: training with the same seed gives byte-identical models", "[cli]") {
  TempDir d;
  std::string data = d.write("train.jsonl", to_jsonl(base_rows()));
  auto train = [&](const std::string& out, const std::string& flags) {
    require_ok(run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(d.p(out)) + kFast + flags));
    return read_bytes(d.p(out));
  };
  std::string a = train("a.rasid", " --seed 7 --threads 1");
  std::string b = train("b.rasid", " --seed 7 --threads 1");
  std::string c = train("c.rasid", " --seed 7 --threads 2");
  REQUIRE(a.size() > 100);
  CHECK(a == b);
  CHECK(a == c);
  // Overwriting an existing model works and leaves no temporary file.
  std::string again = train("a.rasid", " --seed 7 --threads 2");
  CHECK(again == a);
  CHECK(d.temp_leftovers().empty());
}

// ================================================================ bad input

TEST_CASE("cli: bad training data fails with one error naming file and line", "[cli]") {
  std::vector<Row> rows = base_rows();
  std::vector<std::string> good;  // JSONL lines of good rows
  for (const Row& r : rows) good.push_back(jsonl_line(r));
  auto jsonl_with = [&](std::size_t line, const std::string& bad) {  // `bad` becomes line `line` (1-based)
    std::string out;
    for (std::size_t i = 0; i < good.size(); ++i) {
      if (i + 1 == line) out += bad + "\n";
      out += good[i] + "\n";
    }
    return out;
  };
  std::vector<std::string> csv_lines = split_lines(to_delimited(rows, kColumns, ','));
  auto csv_with = [&](std::size_t line, const std::string& bad) {
    std::string out;
    for (std::size_t i = 0; i < csv_lines.size(); ++i) {
      if (i + 1 == line) out += bad + "\n";
      out += csv_lines[i] + "\n";
    }
    return out;
  };
  std::vector<std::string> tsv_lines = split_lines(to_delimited(rows, kColumns, '\t'));
  auto tsv_with = [&](std::size_t line, const std::string& bad) {
    std::string out;
    for (std::size_t i = 0; i < tsv_lines.size(); ++i) {
      if (i + 1 == line) out += bad + "\n";
      out += tsv_lines[i] + "\n";
    }
    return out;
  };
  std::string single_class;
  for (Row r : rows) {
    r[2].second = "pro";
    single_class += jsonl_line(r) + "\n";
  }

  struct Case {
    const char* name;
    std::string file, content, args;  // args: extra options
    std::vector<std::string> needles;
    std::string labels = "stance,topic";
  };
  const std::vector<Case> cases = {
      {"invalid UTF-8", "train.jsonl",
       jsonl_with(3, "{\"id\": \"x\", \"text\": \"يؤيد \xC3\x28 الفريق\", \"stance\": \"pro\", \"topic\": \"sport\"}"), "",
       {"train.jsonl:3:", "UTF-8"}},
      {"truncated JSON", "train.jsonl", jsonl_with(4, "{\"id\": \"x\", \"text\": \"يؤيد\", \"stance\": \"pro\""), "",
       {"train.jsonl:4:", "malformed JSON"}},
      {"unquoted JSON value", "train.jsonl", jsonl_with(2, "{\"text\": \"يؤيد\", \"stance\": pro}"), "",
       {"train.jsonl:2:", "malformed JSON"}},
      {"JSON array instead of object", "train.jsonl", jsonl_with(5, "[\"يؤيد\", \"pro\"]"), "",
       {"train.jsonl:5:", "malformed JSON"}},
      {"CSV unterminated quote", "train.csv", csv_with(4, "x,\"يؤيد الفريق,pro,sport"), "",
       {"train.csv:4:", "unterminated quoted field"}},
      {"CSV wrong field count", "train.csv", csv_with(3, "x,يؤيد الفريق,pro"), "",
       {"train.csv:3:", "expected 4 fields, found 3"}},
      {"CSV text after closing quote", "train.csv", csv_with(2, "x,\"يؤيد\"الفريق,pro,sport"), "",
       {"train.csv:2:", "malformed CSV"}},
      {"CSV duplicate header column", "train.csv", "id,text,text,stance\n" + csv_lines[1] + "\n", "",
       {"train.csv:1:", "duplicate column 'text'"}},
      {"TSV wrong field count", "train.tsv", tsv_with(5, "x\tيؤيد\tpro\tsport\textra"), "",
       {"train.tsv:5:", "expected 4 fields, found 5"}},
      {"missing text field", "train.jsonl",
       jsonl_with(2, "{\"id\": \"x\", \"body\": \"يؤيد الفريق\", \"stance\": \"pro\", \"topic\": \"sport\"}"), "",
       {"train.jsonl:2:", "missing text field 'text'"}},
      {"text field given by --text-field absent", "train.jsonl", to_jsonl(rows), " --text-field body",
       {"train.jsonl:1:", "missing text field 'body'"}},
      {"missing all label fields", "train.jsonl", jsonl_with(3, "{\"id\": \"x\", \"text\": \"يؤيد الفريق\"}"), "",
       {"train.jsonl:3:", "none of the label fields", "stance", "topic"}},
      {"empty label values", "train.jsonl",
       jsonl_with(6, "{\"id\": \"x\", \"text\": \"يؤيد الفريق\", \"stance\": \"\", \"topic\": null}"), "",
       {"train.jsonl:6:", "none of the label fields"}},
      {"empty file", "train.jsonl", "", "", {"train.jsonl", "no training documents"}},
      {"only blank lines", "train.jsonl", "\n  \n\n", "", {"train.jsonl", "no training documents"}},
      {"CSV header only", "train.csv", "id,text,stance,topic\n", "", {"train.csv", "no training documents"}},
      {"only one class", "train.jsonl", single_class, "", {"train.jsonl", "'stance'", "single class"}},
      {"label field never present", "train.jsonl", to_jsonl(rows), "", {"train.jsonl", "'genre'", "never present"},
       "stance,genre"},
  };

  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      TempDir d;
      std::string data = d.write(c.file, c.content);
      std::string model = d.p("m.rasid");
      Result r = run_rasid(d, "train --data " + q(data) + " --label " + c.labels + " -o " + q(model) + kFast + c.args);
      require_error(r, c.needles);
      CHECK(r.out.empty());
      require_nothing_written(d, model);
    }
  }
}

TEST_CASE("cli: train reports missing data files and unwritable outputs", "[cli]") {
  TempDir d;
  std::string data = d.write("train.jsonl", to_jsonl(base_rows()));
  SECTION("nonexistent data file") {
    std::string model = d.p("m.rasid");
    Result r = run_rasid(d, "train --data " + q(d.p("nope.jsonl")) + " --label stance -o " + q(model) + kFast);
    require_error(r, {"nope.jsonl", "cannot open"});
    require_nothing_written(d, model);
  }
  SECTION("output in a directory that does not exist") {
    Result r = run_rasid(d, "train --data " + q(data) + " --label stance -o /nonexistent/dir/m.rasid" + kFast);
    require_error(r, {"/nonexistent/dir/m.rasid"});
    CHECK_FALSE(fs::exists("/nonexistent/dir/m.rasid"));
    std::string model = d.p("nodir/m.rasid");
    Result r2 = run_rasid(d, "train --data " + q(data) + " --label stance -o " + q(model) + kFast);
    require_error(r2, {"nodir/m.rasid"});
    require_nothing_written(d, model);
  }
  SECTION("output path is an existing directory") {
    fs::create_directory(d.p("adir"));
    Result r = run_rasid(d, "train --data " + q(data) + " --label stance -o " + q(d.p("adir")) + kFast);
    require_error(r, {"adir"});
    CHECK(fs::is_directory(d.p("adir")));
    CHECK(fs::is_empty(d.p("adir")));
    CHECK(d.temp_leftovers().empty());
  }
}

TEST_CASE("cli: damaged or foreign model files are rejected by every command", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string bytes = read_bytes(model);
  REQUIRE(bytes.size() > 200);
  std::string dev = d.write("dev.jsonl", to_jsonl(dev_rows()));
  std::string input = d.write("query.jsonl", queries_jsonl());

  std::mt19937 rng(42);
  std::string random(4096, '\0');
  for (char& c : random) c = static_cast<char>(rng() & 0xFF);
  std::string flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5A);

  struct Case {
    const char* name;
    std::string file;
    bool exists;
    std::string data;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {"random bytes", "random.rasid", true, random, "not a rasid model"},
      {"truncated to half", "half.rasid", true, bytes.substr(0, bytes.size() / 2), "truncated"},
      {"one flipped byte in the middle", "flipped.rasid", true, flipped, "corrupt"},
      {"a text file", "text.rasid", true, "this is not a model, just text\n", "not a rasid model"},
      {"a training data file", "train.jsonl.rasid", true, to_jsonl(base_rows()), "not a rasid model"},
      {"an empty file", "empty.rasid", true, "", "not a rasid model"},
      {"a missing file", "missing.rasid", false, "", "cannot open"},
  };
  for (const Case& c : cases) {  // a loop, not sections: the model is trained once
    INFO("model file: " << c.name);
    {
      std::string path = c.exists ? d.write(c.file, c.data) : d.p(c.file);
      std::string out = d.p("out.jsonl"), report = d.p("r.html");
      Result i = run_rasid(d, "inspect -m " + q(path));
      require_error(i, {c.file, c.needle});
      CHECK(i.out.empty());
      Result f = run_rasid(d, "infer -m " + q(path) + " -o " + q(out) + " " + q(input));
      require_error(f, {c.file, c.needle});
      Result s = run_rasid(d, "infer -m " + q(path), input);
      require_error(s, {c.file, c.needle});
      CHECK(s.out.empty());
      Result e = run_rasid(d, "eval -m " + q(path) + " --data " + q(dev) + " --report " + q(report));
      require_error(e, {c.file, c.needle});
      CHECK(e.out.empty());
      require_nothing_written(d, out);
      require_nothing_written(d, report);
    }
  }
}

TEST_CASE("cli: train --skip-bad counts and skips malformed rows", "[cli]") {
  TempDir d;
  std::vector<Row> rows = base_rows();
  std::string content;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i == 4) content += "{\"id\": \"bad1\", \"text\": \"يؤيد \xFF\", \"stance\": \"pro\"}\n";
    if (i == 9) content += "{\"id\": \"bad2\", \"text\": \n";
    if (i == 19) content += "{\"id\": \"bad3\", \"stance\": \"con\", \"topic\": \"econ\"}\n";
    content += jsonl_line(rows[i]) + "\n";
  }
  std::string data = d.write("mixed.jsonl", content);
  std::string model = d.p("skip.rasid");

  Result strict = run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast);
  require_error(strict, {"mixed.jsonl:5:", "UTF-8"});
  require_nothing_written(d, model);

  Result r = run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + " --max-iter 50 --skip-bad");
  require_ok(r);
  CHECK(contains(r.err, "read 48 documents"));
  CHECK(contains(r.err, "3 malformed rows skipped"));
  CHECK_FALSE(contains(r.err, "error"));
  REQUIRE(fs::exists(model));

  // The skipped rows leave the same model as the clean data.
  std::string base = train_base_model(d);
  std::string input = d.write("query.jsonl", queries_jsonl());
  Result a = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  Result b = run_rasid(d, "infer -m " + q(base) + " " + q(input));
  require_ok(a);
  require_ok(b);
  CHECK(a.out == b.out);
}

// ================================================================ infer robustness

namespace {
// Good lines 1, 6 and 8; bad: empty, invalid UTF-8, malformed JSON, missing
// text, missing text with an id holding a newline and a tab.
const std::string kMixedInput =
    "{\"id\": \"q1\", \"text\": \"الناس يدعم الفريق أمس\"}\n"
    "\n"
    "{\"id\": \"bad-utf8\", \"text\": \"يؤيد \xFF\xFE الفريق\"}\n"
    "{\"id\": \"q4\", \"text\": \n"
    "{\"id\": \"q5\", \"body\": \"يرفض السوق\"}\n"
    "{\"id\": \"q6\", \"text\": \"يرفض السوق\"}\n"
    "{\"id\": \"a\\nb\\tc\", \"body\": \"x\"}\n"
    "{\"id\": \"q8\", \"text\": \"يرحب البنك اليوم\"}\n";
}  // namespace

TEST_CASE("cli: infer writes one record per input line, with errors for bad lines", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("in.jsonl", kMixedInput);

  Result r = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(r);
  CHECK(rasid::utf8::is_valid(r.out));
  std::vector<std::string> lines = r.out_lines();
  REQUIRE(lines.size() == 8);
  std::vector<Json> recs;
  for (const std::string& l : lines) recs.push_back(parse_json(l));

  CHECK(recs[0]["id"].str == "q1");
  CHECK(recs[0]["stance"]["label"].str == "pro");
  CHECK(recs[5]["id"].str == "q6");
  CHECK(recs[5]["stance"]["label"].str == "con");
  CHECK(recs[5]["topic"]["label"].str == "econ");
  CHECK(recs[7]["id"].str == "q8");
  CHECK(recs[7]["topic"]["label"].str == "econ");
  for (std::size_t i : {0, 5, 7}) CHECK_FALSE(recs[i].has("error"));

  const std::vector<std::pair<std::size_t, std::string>> bad = {
      {1, "empty line"}, {2, "UTF-8"}, {3, "malformed JSON"}, {4, "missing text field 'text'"}, {6, "missing text"}};
  for (const auto& [i, what] : bad) {
    INFO("line " << i + 1 << ": " << lines[i]);
    CHECK(contains(recs[i]["error"].str, what));
    CHECK_FALSE(recs[i].has("stance"));
    CHECK_FALSE(recs[i].has("topic"));
  }
  // Unparsable lines are identified by their line number, parsed ones by id.
  CHECK(recs[1]["id"].number == 2);
  CHECK(recs[2]["id"].number == 3);
  CHECK(recs[3]["id"].number == 4);
  CHECK(recs[4]["id"].str == "q5");
  CHECK(recs[6]["id"].str == "a\nb\tc");
  std::vector<std::string> err = r.err_lines();
  REQUIRE(err.size() == 1);
  CHECK(contains(err[0], "5 of 8"));

  // The same through stdin, and in TSV: still one row per input line.
  Result s = run_rasid(d, "infer -m " + q(model), input);
  require_ok(s);
  CHECK(s.out == r.out);
  Result t = run_rasid(d, "infer -m " + q(model) + " --format tsv " + q(input));
  require_ok(t);
  CHECK(rasid::utf8::is_valid(t.out));
  std::vector<std::string> rows = t.out_lines();
  REQUIRE(rows.size() == 9);
  for (std::size_t i : {2, 3, 4, 5, 7}) {
    INFO("row " << rows[i]);
    CHECK(split(rows[i], '\t').size() == 3);
    CHECK(split(rows[i], '\t')[1] == "ERROR");
  }
  CHECK(starts_with(rows[7], "a b c\tERROR\t"));
  CHECK(split(rows[6], '\t').size() == 5);
  CHECK(split(rows[6], '\t')[0] == "q6");
}

TEST_CASE("cli: infer --strict stops at the first bad line", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("in.jsonl", kMixedInput);
  std::string out = d.p("out.jsonl");

  Result r = run_rasid(d, "infer -m " + q(model) + " --strict " + q(input));
  require_error(r, {"in.jsonl:2:", "empty line"});

  std::string second = d.write("in2.jsonl", std::string("{\"id\": \"q1\", \"text\": \"يدعم الفريق\"}\n") +
                                                "{\"id\": \"q2\", \"text\": \"يؤيد \xC0\xAF\"}\n");
  Result u = run_rasid(d, "infer -m " + q(model) + " --strict -o " + q(out) + " " + q(second));
  require_error(u, {"in2.jsonl:2:", "UTF-8"});
  require_nothing_written(d, out);

  Result m = run_rasid(d, "infer -m " + q(model) + " --strict -", d.write("in3.jsonl", "{\"text\": \"يدعم\"}\n{\"text\": 5\n"));
  require_error(m, {"<stdin>:2:", "malformed JSON"});
}

TEST_CASE("cli: infer -o writes the output file only when complete", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string input = d.write("query.jsonl", queries_jsonl());
  std::string out = d.p("out.jsonl");

  Result plain = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(plain);
  Result r = run_rasid(d, "infer -m " + q(model) + " -o " + q(out) + " " + q(input));
  require_ok(r);
  CHECK(r.out.empty());
  CHECK(read_bytes(out) == plain.out);
  CHECK(d.temp_leftovers().empty());

  // A failure keeps the previous complete file as it was.
  std::string bad = d.write("bad.jsonl", queries_jsonl() + "{\"text\": \n");
  Result f = run_rasid(d, "infer -m " + q(model) + " --strict -o " + q(out) + " " + q(bad));
  require_error(f, {"bad.jsonl:7:"});
  CHECK(read_bytes(out) == plain.out);
  CHECK(d.temp_leftovers().empty());

  Result n = run_rasid(d, "infer -m " + q(model) + " -o " + q(d.p("nodir/out.jsonl")) + " " + q(input));
  require_error(n, {"nodir/out.jsonl"});
  require_nothing_written(d, d.p("nodir/out.jsonl"));

  Result missing = run_rasid(d, "infer -m " + q(model) + " -o " + q(d.p("o2.jsonl")) + " " + q(d.p("nope.jsonl")));
  require_error(missing, {"nope.jsonl"});
  require_nothing_written(d, d.p("o2.jsonl"));
}

TEST_CASE("cli: infer into a pipe closed early exits quietly", "[cli]") {
  TempDir d;
  std::string model = train_base_model(d);
  std::string big;
  for (int i = 0; i < 4000; ++i)
    big += "{\"id\": \"b" + std::to_string(i) + "\", \"text\": \"" + kFill[i % 8] + " " + kPro[i % 3] + " " +
           kSport[i % 3] + "\"}\n";
  std::string input = d.write("big.jsonl", big);
  Result r = run_shell(d, q(RASID_BINARY) + " infer -m " + q(model) + " " + q(input) + " | head -1");
  INFO("stderr: " << r.err);
  CHECK(r.code == 0);
  CHECK(r.err.empty());
  std::vector<std::string> lines = r.out_lines();
  REQUIRE(lines.size() == 1);
  CHECK(parse_json(lines[0])["id"].str == "b0");
}
