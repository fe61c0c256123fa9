#include "cli_helpers.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

#include "io/utf8.h"

namespace rasid::cli_test {

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

// ---------------------------------------------------------------- running

std::string q(const std::string& s) {
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

Result run_shell(const TempDir& dir, const std::string& command, const std::string& stdin_path) {
  const std::string out_path = dir.p("_stdout"), err_path = dir.p("_stderr");
  const std::string full = "( " + command + " ) <" + q(stdin_path) + " >" + q(out_path) + " 2>" + q(err_path);
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    ::execl("/bin/sh", "sh", "-c", full.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // wait4 reports the shell's usage including the processes it waited
  // for, so ru_maxrss is the largest resident set among them (KB on Linux).
  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error("wait4 failed");
  }
  Result r;
  r.peak_rss_kb = usage.ru_maxrss;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_bytes(out_path);
  r.err = read_bytes(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return r;
}

Result run_rasid(const TempDir& dir, const std::string& args, const std::string& stdin_path) {
  return run_shell(dir, q(RASID_BINARY) + " " + args, stdin_path);
}

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

namespace {

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
}  // namespace

Json parse_json(const std::string& text) { return JsonParser(text).document(); }

// ---------------------------------------------------------------- data

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

std::string train_base_model(const TempDir& d, const std::string& extra) {
  std::string data = d.write("train.jsonl", to_jsonl(base_rows()));
  std::string model = d.p("m.rasid");
  Result r = run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast + extra);
  require_ok(r);
  REQUIRE(fs::exists(model));
  return model;
}

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

}  // namespace rasid::cli_test
