// The line-oriented JSON reader and writer (io/json.h).
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "io/json.h"
#include "io/record.h"
#include "io/utf8.h"

using namespace std::string_literals;
using rasid::Record;
namespace json = rasid::json;

namespace {

// Parses `line`, requiring success.
Record parse_ok(const std::string& line) {
  Record r;
  std::string err = json::parse_object(line, r);
  INFO("line: " << line);
  REQUIRE(err == "");
  return r;
}

std::string parse_error(const std::string& line) {
  Record r;
  return json::parse_object(line, r);
}

std::string field(const Record& r, const char* name) {
  const std::string* v = r.get(name);
  INFO("field " << name);
  REQUIRE(v != nullptr);
  return *v;
}

}  // namespace

TEST_CASE("json: fields of a flat object, in order", "[json]") {
  Record r = parse_ok(R"({"id": "42", "text": "مرحبا بالعالم", "label":"agree"})");
  REQUIRE(r.fields.size() == 3);
  CHECK(r.fields[0] == std::make_pair("id"s, "42"s));
  CHECK(r.fields[1] == std::make_pair("text"s, "\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645"s));
  CHECK(r.fields[2] == std::make_pair("label"s, "agree"s));
  CHECK(r.get("missing") == nullptr);

  CHECK(parse_ok("{}").fields.empty());
  CHECK(parse_ok("  { \t}  ").fields.empty());
  CHECK(field(parse_ok(" \t{ \"a\" :\t\"b\" } \r"), "a") == "b");  // white space anywhere, CR at the end
  CHECK(field(parse_ok(R"({"": "empty key"})"), "") == "empty key");
}

TEST_CASE("json: string escapes are decoded", "[json]") {
  CHECK(field(parse_ok(R"({"s": "a\nb\tc"})"), "s") == "a\nb\tc");
  CHECK(field(parse_ok(R"({"s": "say \"hi\""})"), "s") == "say \"hi\"");
  CHECK(field(parse_ok(R"({"s": "back\\slash"})"), "s") == "back\\slash");
  CHECK(field(parse_ok(R"({"s": "a\/b"})"), "s") == "a/b");
  CHECK(field(parse_ok(R"({"s": "\b\f\r"})"), "s") == "\b\f\r");
  CHECK(field(parse_ok(R"({"s": "\u0041\u00e9\u0639\u20AC"})"), "s") == "A\u00E9\u0639\u20AC");
  CHECK(field(parse_ok(R"({"s": "x\u0000y"})"), "s") == "x\0y"s);
  // A surrogate pair is one supplementary code point.
  CHECK(field(parse_ok(R"({"s": "\ud83d\ude00!"})"), "s") == "\U0001F600!");
  CHECK(field(parse_ok(R"({"s": "\uD83D\uDC4D"})"), "s") == "\U0001F44D");
  // Keys are unescaped too.
  CHECK(field(parse_ok(R"({"k\u0065y": "v"})"), "key") == "v");
}

TEST_CASE("json: numbers, booleans, null and nested values", "[json]") {
  Record r = parse_ok(R"({"i": 7, "f": -1.5e3, "z": 0, "e": 2E+10, "t": true, "n": null, "no": false})");
  CHECK(field(r, "i") == "7");
  CHECK(field(r, "f") == "-1.5e3");
  CHECK(field(r, "z") == "0");
  CHECK(field(r, "e") == "2E+10");
  CHECK(field(r, "t") == "true");
  CHECK(field(r, "no") == "false");
  CHECK(r.get("n") == nullptr);  // null means absent
  CHECK(r.fields.size() == 6);

  // Arrays and objects are kept as their raw JSON text.
  Record nested = parse_ok(R"({"arr": [1, {"x": "y"}, [ ]], "obj": {"k": [true, null]}, "after": "ok"})");
  CHECK(field(nested, "arr") == R"([1, {"x": "y"}, [ ]])");
  CHECK(field(nested, "obj") == R"({"k": [true, null]})");
  CHECK(field(nested, "after") == "ok");

  // A null overriding an earlier value leaves the earlier one visible.
  Record dup_null = parse_ok(R"({"a": "1", "a": null})");
  CHECK(field(dup_null, "a") == "1");
}

TEST_CASE("json: duplicate keys keep every field and get() returns the last", "[json]") {
  Record r = parse_ok(R"({"label": "first", "x": "1", "label": "second"})");
  CHECK(r.fields.size() == 3);
  CHECK(field(r, "label") == "second");
}

TEST_CASE("json: malformed lines are rejected with a message", "[json]") {
  // Not an object at all.
  CHECK(parse_error("") == "expected a JSON object");
  CHECK(parse_error("   ") == "expected a JSON object");
  CHECK(parse_error(R"(["a", "b"])") == "expected a JSON object");
  CHECK(parse_error("42") == "expected a JSON object");
  CHECK(parse_error(R"("text")") == "expected a JSON object");

  CHECK(parse_error(R"({"a":"b"} x)") == "trailing characters after the object at column 11");
  CHECK(parse_error(R"({"a":"b"}{"c":"d"})") == "trailing characters after the object at column 10");
  CHECK(parse_error(R"({"a":"b)") == "unterminated string at column 8");
  CHECK(parse_error("{\"a\":\"x\ty\"}") == "control character in string at column 8");
  CHECK(parse_error("{\"a\":\"x\ny\"}") == "control character in string at column 8");
  CHECK(parse_error(R"({"a" 1})") == "expected ':' at column 6");
  CHECK(parse_error(R"({a:1})") == "expected a key at column 2");
  CHECK(parse_error(R"({"a":1,})") == "expected a key at column 8");

  using Catch::Matchers::StartsWith;
  // Escape errors point at the escape's backslash (column 7 here).
  CHECK(parse_error(R"({"a":"\q"})") == "invalid escape at column 7");
  CHECK(parse_error(R"({"a":"\x41"})") == "invalid escape at column 7");
  CHECK(parse_error(R"({"a":"ok \q"})") == "invalid escape at column 10");
  CHECK(parse_error(R"({"a":"\u12G4"})") == "invalid \\u escape at column 7");
  CHECK(parse_error(R"({"a":"\u12"})") == "invalid \\u escape at column 7");
  CHECK(parse_error(R"({"a":"\u12)") == "truncated \\u escape at column 7");
  CHECK(parse_error(R"({"a":"\ud800"})") == "unpaired surrogate at column 7");
  CHECK(parse_error(R"({"a":"\udc00\ud800"})") == "unpaired surrogate at column 7");
  CHECK(parse_error(R"({"a":"\ud800\u0041"})") == "unpaired surrogate at column 7");
  CHECK(parse_error(R"({"a":"\ud800x"})") == "unpaired surrogate at column 7");
  CHECK(parse_error(R"({"a":"\ud800\uZZZZ"})") == "invalid \\u escape at column 13");
  CHECK(parse_error("{\"a\":\"\\") == "unterminated escape at column 7");
  CHECK_THAT(parse_error(R"({"a":tru})"), StartsWith("invalid literal at column "));
  CHECK_THAT(parse_error(R"({"a":nul})"), StartsWith("invalid literal at column "));
  CHECK_THAT(parse_error(R"({"a":-})"), StartsWith("invalid number at column "));
  CHECK_THAT(parse_error(R"({"a":1.})"), StartsWith("invalid number at column "));
  CHECK_THAT(parse_error(R"({"a":1e})"), StartsWith("invalid number at column "));
  CHECK_THAT(parse_error(R"({"a":+1})"), StartsWith("invalid number at column "));
  CHECK_THAT(parse_error(R"({"a":01})"), StartsWith("expected ',' or '}' at column "));
  CHECK_THAT(parse_error(R"({"a":[1 2]})"), StartsWith("expected ',' or a closing bracket at column "));
  CHECK_THAT(parse_error(R"({"a":{"b" 1}})"), StartsWith("expected ':' at column "));
  CHECK_THAT(parse_error(R"({"a":{1:2}})"), StartsWith("expected a key at column "));
  CHECK_THAT(parse_error(R"({"a":["x)"), StartsWith("unterminated string at column "));
}

TEST_CASE("json: a truncated line is an error wherever it is cut", "[json]") {
  const std::string full = R"({"id": "x1", "n": [1, 2.5, {"k": "v"}], "text": "a\"b\u0639", "ok": true})";
  REQUIRE(parse_error(full) == "");
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    INFO("cut at " << cut << ": " << full.substr(0, cut));
    CHECK(parse_error(full.substr(0, cut)) != "");
  }
  CHECK(parse_error(R"({"a":)") == "unexpected end of line at column 6");
  CHECK(parse_error(R"({"a":1)") == "expected ',' or '}' at column 7");
  CHECK(parse_error(R"({"a":"b",)") == "expected a key at column 10");
}

TEST_CASE("json: nesting deeper than 64 levels is refused without recursing", "[json]") {
  auto nested = [](int depth) {
    return R"({"a": )" + std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']') + "}";
  };
  // A field value may nest 64 levels deep, not 65.
  Record ok = parse_ok(nested(64));
  CHECK(field(ok, "a").size() == 128);
  CHECK_THAT(parse_error(nested(65)), Catch::Matchers::StartsWith("nesting too deep"));
  // A hostile line is refused quickly and without a stack overflow.
  CHECK_THAT(parse_error(nested(200000)), Catch::Matchers::StartsWith("nesting too deep"));
  CHECK_THAT(parse_error(R"({"a": )" + std::string(100000, '{')), Catch::Matchers::StartsWith("expected a key"));
}

TEST_CASE("json: append_string escapes and always yields valid JSON", "[json]") {
  std::string out;
  json::append_string(out, "plain");
  CHECK(out == "\"plain\"");

  out.clear();
  json::append_string(out, "q\"b\\n\nr\rt\t");
  CHECK(out == R"("q\"b\\n\nr\rt\t")");

  out.clear();
  json::append_string(out, "\x01\x08\x0c\x1f\x7f"s + "\0"s);
  CHECK(out == R"("\u0001\u0008\u000c\u001f)" "\x7f" R"(\u0000")");

  out = "prefix ";
  json::append_string(out, "\u0645\u0631\u062D\u0628\u0627 \U0001F600 /");
  CHECK(out == "prefix \"\u0645\u0631\u062D\u0628\u0627 \U0001F600 /\"");  // UTF-8 and '/' pass through

  // Invalid UTF-8 becomes U+FFFD.
  out.clear();
  json::append_string(out, "a\xFF" "b\xC3");
  CHECK(out == "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
  CHECK(rasid::utf8::is_valid(out));

  // Round trip through the parser for awkward content.
  for (const std::string& s : {"\"\\/\b\f\n\r\t\x01 end"s, "\u0639\u0631\u0628\u064A \U0001F44D"s, ""s, "x\0y"s}) {
    std::string line = "{\"k\":";
    json::append_string(line, s);
    line += "}";
    Record r = parse_ok(line);
    CHECK(field(r, "k") == s);
  }
  std::string line = "{\"k\":";
  json::append_string(line, "bad \xED\xA0\x80 surrogate \x80");
  line += "}";
  CHECK(field(parse_ok(line), "k") == rasid::utf8::sanitize("bad \xED\xA0\x80 surrogate \x80"));
}

TEST_CASE("json: append_number writes round-trippable numbers and null for NaN and infinities", "[json]") {
  auto num = [](double v, int precision = 6) {
    std::string s;
    json::append_number(s, v, precision);
    return s;
  };
  CHECK(num(0.0) == "0");
  CHECK(num(0.5) == "0.5");
  CHECK(num(-2.0) == "-2");
  CHECK(num(1.0 / 3.0) == "0.333333");
  CHECK(num(1.0 / 3.0, 9) == "0.333333333");
  CHECK(num(1e-7) == "1e-07");
  CHECK(num(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(num(std::numeric_limits<double>::infinity()) == "null");
  CHECK(num(-std::numeric_limits<double>::infinity()) == "null");
  // float precision survives with 9 digits.
  const float f = 0.1234567f;
  CHECK(std::stof(num(f, 9)) == f);
  // The output is a value the parser accepts.
  std::string line = "{\"a\":";
  json::append_number(line, std::nan(""));
  line += ",\"b\":";
  json::append_number(line, -12.25);
  line += "}";
  Record r = parse_ok(line);
  CHECK(r.get("a") == nullptr);
  CHECK(field(r, "b") == "-12.25");
}
