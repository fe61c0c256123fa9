#include "io/json.h"

#include <cmath>
#include <cstdio>

#include "io/utf8.h"

namespace rasid::json {

namespace {

constexpr int kMaxDepth = 64;  // deeper nesting is refused, never recursed into

struct Parser {
  std::string_view s;
  std::size_t i = 0;
  std::string error;

  bool fail(const char* what) { return fail_at(what, i); }
  // Errors inside an escape point at its backslash, where the reader's eye
  // finds the whole sequence.
  bool fail_at(const char* what, std::size_t at) {
    if (error.empty()) error = std::string(what) + " at column " + std::to_string(at + 1);
    return false;
  }
  void skip_ws() {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  }
  bool literal(std::string_view word) {
    if (s.substr(i, word.size()) != word) return fail("invalid literal");
    i += word.size();
    return true;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  // The 4 hex digits of the \\u escape whose backslash is at `escape`.
  bool hex4(unsigned& v, std::size_t escape) {
    if (i + 4 > s.size()) return fail_at("truncated \\u escape", escape);
    v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hex(s[i + k]);
      if (h < 0) return fail_at("invalid \\u escape", escape);
      v = v * 16 + static_cast<unsigned>(h);
    }
    i += 4;
    return true;
  }
  bool string(std::string* out) {
    ++i;  // opening quote
    while (true) {
      std::size_t run = i;
      while (i < s.size() && s[i] != '"' && s[i] != '\\' && static_cast<unsigned char>(s[i]) >= 0x20) ++i;
      if (out) out->append(s.data() + run, i - run);
      if (i >= s.size()) return fail("unterminated string");
      char c = s[i];
      if (c == '"') {
        ++i;
        return true;
      }
      if (c != '\\') return fail("control character in string");
      const std::size_t escape = i;
      if (++i >= s.size()) return fail_at("unterminated escape", escape);
      char e = s[i++];
      char simple = 0;
      switch (e) {
        case '"': simple = '"'; break;
        case '\\': simple = '\\'; break;
        case '/': simple = '/'; break;
        case 'b': simple = '\b'; break;
        case 'f': simple = '\f'; break;
        case 'n': simple = '\n'; break;
        case 'r': simple = '\r'; break;
        case 't': simple = '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!hex4(cp, escape)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            unsigned lo = 0;
            if (s.substr(i, 2) != "\\u") return fail_at("unpaired surrogate", escape);
            const std::size_t low_escape = i;
            i += 2;
            if (!hex4(lo, low_escape)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return fail_at("unpaired surrogate", escape);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return fail_at("unpaired surrogate", escape);
          }
          if (out) utf8::append(*out, cp);
          continue;
        }
        default: return fail_at("invalid escape", escape);
      }
      if (out) out->push_back(simple);
    }
  }
  bool number() {
    std::size_t start = i;
    if (i < s.size() && s[i] == '-') ++i;
    if (i >= s.size()) return fail("invalid number");
    if (s[i] == '0') {
      ++i;
    } else if (s[i] >= '1' && s[i] <= '9') {
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    } else {
      return fail("invalid number");
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return fail("invalid number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return fail("invalid number");
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    return i > start;
  }
  // Parses any value; `depth` bounds nesting. Nested values are validated only.
  bool value(int depth) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    skip_ws();
    if (i >= s.size()) return fail("unexpected end of line");
    char c = s[i];
    if (c == '"') return string(nullptr);
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      ++i;
      skip_ws();
      if (i < s.size() && s[i] == close) {
        ++i;
        return true;
      }
      while (true) {
        if (c == '{') {
          skip_ws();
          if (i >= s.size() || s[i] != '"') return fail("expected a key");
          if (!string(nullptr)) return false;
          skip_ws();
          if (i >= s.size() || s[i] != ':') return fail("expected ':'");
          ++i;
        }
        if (!value(depth + 1)) return false;
        skip_ws();
        if (i < s.size() && s[i] == ',') {
          ++i;
          continue;
        }
        if (i < s.size() && s[i] == close) {
          ++i;
          return true;
        }
        return fail("expected ',' or a closing bracket");
      }
    }
    if (c == 't') return literal("true");
    if (c == 'f') return literal("false");
    if (c == 'n') return literal("null");
    return number();
  }
};

}  // namespace

std::string parse_object(std::string_view line, Record& out) {
  Parser p{line, 0, {}};
  p.skip_ws();
  if (p.i >= line.size() || line[p.i] != '{') return "expected a JSON object";
  ++p.i;
  p.skip_ws();
  if (p.i < line.size() && line[p.i] == '}') {
    ++p.i;
  } else {
    while (true) {
      p.skip_ws();
      if (p.i >= line.size() || line[p.i] != '"') return p.fail("expected a key"), p.error;
      std::string key;
      if (!p.string(&key)) return p.error;
      p.skip_ws();
      if (p.i >= line.size() || line[p.i] != ':') return p.fail("expected ':'"), p.error;
      ++p.i;
      p.skip_ws();
      if (p.i >= line.size()) return p.fail("unexpected end of line"), p.error;
      if (line[p.i] == '"') {
        std::string val;
        if (!p.string(&val)) return p.error;
        out.fields.emplace_back(std::move(key), std::move(val));
      } else {
        std::size_t start = p.i;
        bool is_null = line.compare(p.i, 4, "null") == 0;
        if (!p.value(1)) return p.error;
        if (!is_null) out.fields.emplace_back(std::move(key), std::string(line.substr(start, p.i - start)));
      }
      p.skip_ws();
      if (p.i < line.size() && line[p.i] == ',') {
        ++p.i;
        continue;
      }
      if (p.i < line.size() && line[p.i] == '}') {
        ++p.i;
        break;
      }
      return p.fail("expected ',' or '}'"), p.error;
    }
  }
  p.skip_ws();
  if (p.i != line.size()) return p.fail("trailing characters after the object"), p.error;
  return {};
}

void append_string(std::string& out, std::string_view s) {
  static const char* hexd = "0123456789abcdef";
  std::string clean;
  if (!utf8::is_valid(s)) {
    clean = utf8::sanitize(s);
    s = clean;
  }
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(hexd[c >> 4]);
          out.push_back(hexd[c & 15]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

void append_number(std::string& out, double v, int precision) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  int n = std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace rasid::json
