// End-to-end tests of the `rasid` executable: every test runs the real
// binary (RASID_BINARY) through /bin/sh with stdout, stderr and the exit code
// captured, on small data sets written into a fresh temporary directory.
// The helpers are in cli_helpers.h.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "io/utf8.h"
#include "cli_helpers.h"

using namespace rasid::cli_test;

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
  // Column labels are right-aligned over their counts: the header line
  // ends with the last label, exactly where the rows' last count ends.
  std::istringstream lines(out.substr(out.find("confusion (rows", stance)));
  std::string title, header, row;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, row);
  CHECK(header.size() == row.size());
  CHECK(header.substr(header.size() - 4) == " pro");
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
