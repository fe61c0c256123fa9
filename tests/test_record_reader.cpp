// RecordReader over JSONL, CSV, TSV and text files (io/record_reader.h).
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "io/record_reader.h"

using namespace std::string_literals;
using rasid::Format;
using rasid::Record;
using rasid::RecordReader;
using Status = rasid::RecordReader::Status;

namespace {

// A fresh directory under /tmp, removed with its files at the end of the test.
struct TempDir {
  std::string path;
  std::vector<std::string> files;
  TempDir() {
    char tmpl[] = "/tmp/rasid_reader_XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    for (const std::string& f : files) std::remove(f.c_str());
    ::rmdir(path.c_str());
  }
  std::string write(const std::string& name, const std::string& content) {
    std::string p = path + "/" + name;
    std::ofstream out(p, std::ios::binary);
    out << content;
    out.close();
    REQUIRE(out.good());
    files.push_back(p);
    return p;
  }
};

// One result of next(): status, line, fields (or error).
struct Row {
  Status status;
  std::size_t line;
  std::vector<std::pair<std::string, std::string>> fields;
  std::string error;
};

std::vector<Row> read_all(RecordReader& reader) {
  std::vector<Row> rows;
  Record rec;
  std::string err;
  while (true) {
    Status s = reader.next(rec, err);
    if (s == Status::End) break;
    rows.push_back({s, rec.line, rec.fields, err});
    REQUIRE(rows.size() < 1000);
  }
  // End is sticky.
  CHECK(reader.next(rec, err) == Status::End);
  return rows;
}

std::vector<Row> read_file(TempDir& dir, const std::string& name, const std::string& content,
                           Format format = Format::Auto, const std::string& text_field = "text") {
  RecordReader reader(dir.write(name, content), format, text_field);
  return read_all(reader);
}

using Fields = std::vector<std::pair<std::string, std::string>>;

void check_ok(const Row& r, std::size_t line, const Fields& fields) {
  INFO("row at line " << r.line << " error '" << r.error << "'");
  CHECK(r.status == Status::Ok);
  CHECK(r.error == "");
  CHECK(r.line == line);
  CHECK(r.fields == fields);
}

void check_bad(const Row& r, std::size_t line, const std::string& error) {
  CHECK(r.status == Status::Bad);
  CHECK(r.line == line);
  CHECK(r.error == error);
  CHECK(r.fields.empty());
}

}  // namespace

TEST_CASE("reader: parse_format names", "[reader]") {
  CHECK(rasid::parse_format("auto") == Format::Auto);
  CHECK(rasid::parse_format("jsonl") == Format::Jsonl);
  CHECK(rasid::parse_format("json") == Format::Jsonl);
  CHECK(rasid::parse_format("ndjson") == Format::Jsonl);
  CHECK(rasid::parse_format("csv") == Format::Csv);
  CHECK(rasid::parse_format("tsv") == Format::Tsv);
  CHECK(rasid::parse_format("text") == Format::Text);
  CHECK(rasid::parse_format("txt") == Format::Text);
  CHECK_THROWS_AS(rasid::parse_format("xml"), rasid::InputError);
  CHECK_THROWS_WITH(rasid::parse_format(""), Catch::Matchers::Contains("unknown input format ''"));
}

TEST_CASE("reader: JSONL rows, bad rows in between, and reading on after them", "[reader]") {
  TempDir dir;
  auto rows = read_file(dir, "data.jsonl",
                        "{\"text\": \"\u0645\u0631\u062D\u0628\u0627\", \"label\": \"a\"}\n"
                        "{\"text\": \"x\", \"n\": 3}\n"
                        "\n"
                        "not json\n"
                        "{\"text\": \"unterminated}\n"
                        "   \t \n"
                        "{\"text\": \"last\"}");  // no final newline
  REQUIRE(rows.size() == 7);
  check_ok(rows[0], 1, {{"text", "\u0645\u0631\u062D\u0628\u0627"}, {"label", "a"}});
  check_ok(rows[1], 2, {{"text", "x"}, {"n", "3"}});
  check_bad(rows[2], 3, "empty line");
  check_bad(rows[3], 4, "malformed JSON: expected a JSON object");
  check_bad(rows[4], 5, "malformed JSON: unterminated string at column 24");
  check_bad(rows[5], 6, "empty line");
  check_ok(rows[6], 7, {{"text", "last"}});
}

TEST_CASE("reader: CRLF line ends and a UTF-8 byte-order mark", "[reader]") {
  TempDir dir;
  auto jsonl = read_file(dir, "crlf.jsonl", "\xEF\xBB\xBF{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r\n\r\n");
  REQUIRE(jsonl.size() == 3);
  check_ok(jsonl[0], 1, {{"text", "a"}});
  check_ok(jsonl[1], 2, {{"text", "b"}});
  check_bad(jsonl[2], 3, "empty line");

  auto csv = read_file(dir, "bom.csv", "\xEF\xBB\xBFtext,label\r\nhello,x\r\n\"two\r\nlines\",y\r\n");
  REQUIRE(csv.size() == 2);
  check_ok(csv[0], 2, {{"text", "hello"}, {"label", "x"}});  // the header's first column is "text", not BOM+"text"
  check_ok(csv[1], 3, {{"text", "two\nlines"}, {"label", "y"}});

  auto text = read_file(dir, "bom.txt", "\xEF\xBB\xBF\u0633\u0644\u0627\u0645\r\nsecond\r\n");
  REQUIRE(text.size() == 2);
  check_ok(text[0], 1, {{"text", "\u0633\u0644\u0627\u0645"}});
  check_ok(text[1], 2, {{"text", "second"}});

  // Only a leading BOM is removed; one later in the file is content.
  auto later = read_file(dir, "later.txt", "a\n\xEF\xBB\xBFz\n");
  REQUIRE(later.size() == 2);
  check_ok(later[1], 2, {{"text", "\xEF\xBB\xBFz"}});
}

TEST_CASE("reader: CSV with header, quoting, and multi-line fields", "[reader]") {
  TempDir dir;
  auto rows = read_file(dir, "data.csv",
                        "id,text,label\n"
                        "1,plain,agree\n"
                        "2,\"with, comma\",disagree\n"
                        "3,\"say \"\"hi\"\"\",agree\n"
                        "4,\"first line\n"
                        "second line\n"
                        "third\",discuss\n"
                        "5,\"\",unrelated\n"
                        "6,after,agree\n");
  REQUIRE(rows.size() == 6);
  check_ok(rows[0], 2, {{"id", "1"}, {"text", "plain"}, {"label", "agree"}});
  check_ok(rows[1], 3, {{"id", "2"}, {"text", "with, comma"}, {"label", "disagree"}});
  check_ok(rows[2], 4, {{"id", "3"}, {"text", "say \"hi\""}, {"label", "agree"}});
  // A record spanning lines is numbered by its first line, and the lines after it keep their numbers.
  check_ok(rows[3], 5, {{"id", "4"}, {"text", "first line\nsecond line\nthird"}, {"label", "discuss"}});
  // An empty cell is an absent field, except the text: an empty text is not a missing column.
  check_ok(rows[4], 8, {{"id", "5"}, {"text", ""}, {"label", "unrelated"}});
  check_ok(rows[5], 9, {{"id", "6"}, {"text", "after"}, {"label", "agree"}});
}

TEST_CASE("reader: bad CSV rows are reported and reading continues", "[reader]") {
  TempDir dir;
  auto rows = read_file(dir, "bad.csv",
                        "text,label\n"
                        "a,b,c\n"
                        "only\n"
                        "ok,x\n"
                        "\n"
                        ",\n"
                        "bad\"quote,x\n"
                        "\"closed\"junk,x\n"
                        "fine,y\n"
                        "\"never closed,z\n"
                        "swallowed,w\n");
  REQUIRE(rows.size() == 9);
  check_bad(rows[0], 2, "expected 2 fields, found 3");
  check_bad(rows[1], 3, "expected 2 fields, found 1");
  check_ok(rows[2], 4, {{"text", "ok"}, {"label", "x"}});
  check_bad(rows[3], 5, "empty line");
  check_bad(rows[4], 6, "empty line");
  check_bad(rows[5], 7, "malformed CSV: quote inside an unquoted field");
  check_bad(rows[6], 8, "malformed CSV: unexpected character after a closing quote");
  check_ok(rows[7], 9, {{"text", "fine"}, {"label", "y"}});
  // An open quote runs to the end of the file.
  check_bad(rows[8], 10, "unterminated quoted field");

  // Empty quoted cells are as blank as empty ones (found by fuzzing: the
  // row was Ok without a single field).
  auto quoted = read_file(dir, "quoted.csv", "text,label\n\"\",\"\"\n\"\"\n,\"\"\nok,x\n");
  REQUIRE(quoted.size() == 4);
  check_bad(quoted[0], 2, "empty line");
  check_bad(quoted[1], 3, "empty line");
  check_bad(quoted[2], 4, "empty line");
  check_ok(quoted[3], 5, {{"text", "ok"}, {"label", "x"}});
}

TEST_CASE("reader: CSV header problems are input errors", "[reader]") {
  TempDir dir;
  CHECK_THROWS_AS(RecordReader(dir.write("empty.csv", ""), Format::Auto), rasid::InputError);
  CHECK_THROWS_WITH(RecordReader(dir.write("empty2.csv", ""), Format::Csv),
                    Catch::Matchers::Contains("empty file"));
  CHECK_THROWS_AS(RecordReader(dir.write("empty.tsv", ""), Format::Auto), rasid::InputError);
  CHECK_THROWS_WITH(RecordReader(dir.write("dup.csv", "text,label,text\na,b,c\n"), Format::Auto),
                    Catch::Matchers::Contains("duplicate column 'text'"));
  CHECK_THROWS_WITH(RecordReader(dir.write("dup.tsv", "a\tb\ta\n"), Format::Auto),
                    Catch::Matchers::Contains("duplicate column 'a'"));
  CHECK_THROWS_WITH(RecordReader(dir.write("badhead.csv", "\"text,label\n"), Format::Auto),
                    Catch::Matchers::Contains("malformed CSV header"));
  CHECK_THROWS_WITH(RecordReader(dir.write("utf8head.csv", "te\xFFxt,label\n"), Format::Auto),
                    Catch::Matchers::Contains("not valid UTF-8"));
  // A header alone is fine: no rows.
  RecordReader header_only(dir.write("header.csv", "text,label\n"), Format::Auto);
  CHECK(read_all(header_only).empty());
}

TEST_CASE("reader: TSV rows are split on tabs without quoting", "[reader]") {
  TempDir dir;
  auto rows = read_file(dir, "data.tsv",
                        "text\tlabel\n"
                        "a \"quoted\" value, with comma\tx\n"
                        "too\tmany\tcells\n"
                        "\ty\n"
                        "\u0643\u062A\u0627\u0628\tz\n");
  REQUIRE(rows.size() == 4);
  check_ok(rows[0], 2, {{"text", "a \"quoted\" value, with comma"}, {"label", "x"}});
  check_bad(rows[1], 3, "expected 2 fields, found 3");
  check_ok(rows[2], 4, {{"text", ""}, {"label", "y"}});
  check_ok(rows[3], 5, {{"text", "\u0643\u062A\u0627\u0628"}, {"label", "z"}});

  // .tab is TSV too.
  auto tab = read_file(dir, "data.tab", "a\tb\n1\t2\n");
  REQUIRE(tab.size() == 1);
  check_ok(tab[0], 2, {{"a", "1"}, {"b", "2"}});
}

TEST_CASE("reader: text format puts each line in the text field", "[reader]") {
  TempDir dir;
  auto rows = read_file(dir, "docs.txt", "first document\n\n  second, with \"quotes\" {x}\n \t\n", Format::Auto, "body");
  REQUIRE(rows.size() == 4);
  check_ok(rows[0], 1, {{"body", "first document"}});
  // Every line is a document, a blank one too (callers refuse its empty text).
  check_ok(rows[1], 2, {{"body", ""}});
  check_ok(rows[2], 3, {{"body", "  second, with \"quotes\" {x}"}});
  check_ok(rows[3], 4, {{"body", " \t"}});

  // An explicit format wins over the extension.
  auto forced = read_file(dir, "looks.jsonl", "{\"text\": \"x\"}\n", Format::Text);
  REQUIRE(forced.size() == 1);
  check_ok(forced[0], 1, {{"text", "{\"text\": \"x\"}"}});
}

TEST_CASE("reader: format detection from the extension", "[reader]") {
  TempDir dir;
  const std::string content = "a,b\n1,2\n";
  struct Case {
    const char* name;
    Format want;
  };
  for (const Case& c : {Case{"x.jsonl", Format::Jsonl}, Case{"x.json", Format::Jsonl}, Case{"x.ndjson", Format::Jsonl},
                        Case{"x.csv", Format::Csv}, Case{"x.tsv", Format::Tsv}, Case{"x.tab", Format::Tsv},
                        Case{"x.txt", Format::Text}}) {
    INFO(c.name);
    RecordReader reader(dir.write(c.name, content), Format::Auto);
    CHECK(reader.format() == c.want);
    CHECK(reader.name() == dir.path + "/" + c.name);
  }
}

TEST_CASE("reader: sniffing an unknown extension, keeping every line", "[reader]") {
  TempDir dir;
  SECTION("a '{' first means JSONL, and leading blank lines are still delivered") {
    RecordReader reader(dir.write("input.dat", "\n  \t\n  {\"text\": \"a\"}\n{\"text\": \"b\"}\nplain\n"), Format::Auto);
    CHECK(reader.format() == Format::Jsonl);
    auto rows = read_all(reader);
    REQUIRE(rows.size() == 5);
    check_bad(rows[0], 1, "empty line");
    check_bad(rows[1], 2, "empty line");
    check_ok(rows[2], 3, {{"text", "a"}});
    check_ok(rows[3], 4, {{"text", "b"}});
    check_bad(rows[4], 5, "malformed JSON: expected a JSON object");
  }
  SECTION("anything else first means text") {
    RecordReader reader(dir.write("noext", "\nhello {\"text\": 1}\n{\"text\": \"b\"}\n"), Format::Auto);
    CHECK(reader.format() == Format::Text);
    auto rows = read_all(reader);
    REQUIRE(rows.size() == 3);
    check_ok(rows[0], 1, {{"text", ""}});
    check_ok(rows[1], 2, {{"text", "hello {\"text\": 1}"}});
    check_ok(rows[2], 3, {{"text", "{\"text\": \"b\"}"}});
  }
  SECTION("a byte-order mark does not hide the '{'") {
    RecordReader reader(dir.write("bom.log", "\xEF\xBB\xBF{\"text\": \"a\"}\n"), Format::Auto);
    CHECK(reader.format() == Format::Jsonl);
    auto rows = read_all(reader);
    REQUIRE(rows.size() == 1);
    check_ok(rows[0], 1, {{"text", "a"}});
  }
  SECTION("an empty or blank file is text with nothing or only blank lines") {
    RecordReader empty(dir.write("empty.in", ""), Format::Auto);
    CHECK(empty.format() == Format::Text);
    CHECK(read_all(empty).empty());
    RecordReader blank(dir.write("blank.in", "\n\n"), Format::Auto);
    auto rows = read_all(blank);
    REQUIRE(rows.size() == 2);
    check_ok(rows[1], 2, {{"text", ""}});
  }
}

TEST_CASE("reader: invalid UTF-8 makes a Bad row naming the byte offset", "[reader]") {
  TempDir dir;
  auto jsonl = read_file(dir, "bad.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"a\xFF\"}\n{\"text\": \"after\"}\n");
  REQUIRE(jsonl.size() == 3);
  check_ok(jsonl[0], 1, {{"text", "ok"}});
  check_bad(jsonl[1], 2, "invalid UTF-8 at byte 12");
  check_ok(jsonl[2], 3, {{"text", "after"}});

  auto text = read_file(dir, "bad.txt", "\xC0\x80 overlong\nab\xED\xA0\x80\nfine\n");
  REQUIRE(text.size() == 3);
  check_bad(text[0], 1, "invalid UTF-8 at byte 1");
  check_bad(text[1], 2, "invalid UTF-8 at byte 3");
  check_ok(text[2], 3, {{"text", "fine"}});

  auto csv = read_file(dir, "bad.csv", "text,label\nab\xF5,x\nok,y\n");
  REQUIRE(csv.size() == 2);
  check_bad(csv[0], 2, "invalid UTF-8 at byte 3");
  check_ok(csv[1], 3, {{"text", "ok"}, {"label", "y"}});
}

TEST_CASE("reader: rows longer than the limit are Bad, in every format, and reading goes on", "[reader]") {
  TempDir dir;
  const std::string x16(16, 'x'), x17(17, 'x');
  const std::string huge(300000, 'x');  // spans several of the reader's read chunks
  auto read = [&](const std::string& name, const std::string& content) {
    RecordReader reader(dir.write(name, content), Format::Auto, "text", 16);
    return read_all(reader);
  };
  const std::string too_long = "row longer than 16 bytes";

  // The limit is on the line without its line end; the last line has none.
  auto text = read("long.txt", "short\n" + huge + "\n" + x16 + "\r\n" + x17 + "\r\n" + x16 + "\rx\nok\n" + huge);
  REQUIRE(text.size() == 7);
  check_ok(text[0], 1, {{"text", "short"}});
  check_bad(text[1], 2, too_long);
  check_ok(text[2], 3, {{"text", x16}});
  check_bad(text[3], 4, too_long);
  check_bad(text[4], 5, too_long);  // a carriage return inside the line counts
  check_ok(text[5], 6, {{"text", "ok"}});
  check_bad(text[6], 7, too_long);

  // A byte-order mark does not count.
  auto bom = read("bom.txt", "\xEF\xBB\xBF" + x16 + "\n\xEF\xBB\xBF" + x16 + "\n");
  REQUIRE(bom.size() == 2);
  check_ok(bom[0], 1, {{"text", x16}});
  check_bad(bom[1], 2, too_long);

  auto jsonl = read("long.jsonl", "{\"text\": \"" + huge + "\"}\n{\"text\": \"abcd\"}\n{\"text\": \"abcde\"}\n");
  REQUIRE(jsonl.size() == 3);
  check_bad(jsonl[0], 1, too_long);
  check_ok(jsonl[1], 2, {{"text", "abcd"}});  // 16 bytes
  check_bad(jsonl[2], 3, too_long);

  // A quoted CSV field may span lines; the limit is on the whole row.
  auto csv = read("long.csv", "text,label\n\"" + huge + "\",a\n\"a\nb\",c\n\"" + x16.substr(6) + "\n" + x16.substr(6) + "\",d\nok,e\n");
  REQUIRE(csv.size() == 4);
  check_bad(csv[0], 2, too_long);
  check_ok(csv[1], 3, {{"text", "a\nb"}, {"label", "c"}});
  check_bad(csv[2], 5, too_long);
  check_ok(csv[3], 7, {{"text", "ok"}, {"label", "e"}});

  auto tsv = read("long.tsv", "text\tlabel\n" + huge + "\ta\nok\tb\n");
  REQUIRE(tsv.size() == 2);
  check_bad(tsv[0], 2, too_long);
  check_ok(tsv[1], 3, {{"text", "ok"}, {"label", "b"}});

  // A header is never cut short: one over the limit is refused.
  CHECK_THROWS_WITH(read("head.csv", "text,label,source\nok,a,b\n"), Catch::Matchers::Contains("head.csv:1: header longer than 16 bytes"));
}

namespace {
// The largest resident set of this process since reset_peak_rss(), in KB
// (Linux: VmHWM, reset by writing 5 to clear_refs). -1 when not available.
long peak_rss_kb() {
  std::ifstream status("/proc/self/status");
  std::string key;
  long kb = -1;
  while (status >> key)
    if (key == "VmHWM:") status >> kb;
  return kb;
}
bool reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return clear.good();
}
}  // namespace

TEST_CASE("reader: memory stays about the limit however long the line", "[reader]") {
  TempDir dir;
  // A 48 MB line, a short one, and 48 MB without a line end, written a
  // megabyte at a time so that the test itself never holds them.
  std::string path = dir.write("huge.txt", "");
  {
    std::ofstream out(path, std::ios::binary);
    const std::string mb(std::size_t{1} << 20, 'x');
    for (int i = 0; i < 48; ++i) out << mb;
    out << "\nok\n";
    for (int i = 0; i < 48; ++i) out << mb;
  }
  if (!reset_peak_rss()) {
    WARN("RASID_TEST_SKIPPED: /proc/self/clear_refs cannot reset the peak RSS");
    return;
  }
  const long before = peak_rss_kb();
  RecordReader reader(path, Format::Text, "text", 1024);
  auto rows = read_all(reader);
  const long grown = peak_rss_kb() - before;
  REQUIRE(rows.size() == 3);
  check_bad(rows[0], 1, "row longer than 1024 bytes");
  check_ok(rows[1], 2, {{"text", "ok"}});
  check_bad(rows[2], 3, "row longer than 1024 bytes");
  INFO("peak RSS grew by " << grown << " KB");
  CHECK(grown < 8 * 1024);
}

TEST_CASE("reader: a missing file is an IoError", "[reader]") {
  TempDir dir;
  CHECK_THROWS_AS(RecordReader(dir.path + "/does-not-exist.jsonl", Format::Auto), rasid::IoError);
  CHECK_THROWS_WITH(RecordReader(dir.path + "/nope.csv", Format::Csv), Catch::Matchers::Contains("nope.csv"));
}
