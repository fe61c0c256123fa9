// End-to-end tests of the reports meant to be trusted: `rasid eval --compare`
// (paired bootstrap of two models) and `rasid suggest` (the documents a model
// is least sure of). Every figure is checked against a second, independent
// run of the binary (plain `eval`, `infer`), never against constants.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cli_helpers.h"

using namespace rasid::cli_test;

namespace {

// ================================================================ eval --compare

// Held-out documents whose cue words carry the conjunction و ("and يؤيد"):
// character n-grams still see the cue, whole words do not, so a words-only
// model is really worse here than the default one.
std::string prefixed_eval_set() {
  std::vector<Row> rows;
  for (std::size_t n = 0; n < 10; ++n)
    for (int s = 0; s < 2; ++s)
      for (int t = 0; t < 2; ++t) {
        const auto& sw = s == 0 ? kPro : kCon;
        const auto& tw = t == 0 ? kSport : kEcon;
        rows.push_back({{"id", "e" + std::to_string(rows.size())},
                        {"text", kFill[(n + 2) % 8] + " و" + sw[n % 3] + " و" + tw[(n + 2) % 3]},
                        {"stance", s == 0 ? "pro" : "con"},
                        {"topic", t == 0 ? "sport" : "econ"}});
      }
  return to_jsonl(rows);
}

// One metric of one field, as `eval --compare` reports it.
struct Diff {
  double a = 0, b = 0, diff = 0, low = 0, high = 0, p = 0;
  bool significant = false;
};

// Parses "macro-F1  A 0.9357  B 0.9271  A-B +0.0086  95% CI [+0.0000, +0.0222]  p = 0.3020  (not …)"
// from the section "== <field> (…)" of the text report.
Diff text_diff(const std::string& out, const std::string& field, const std::string& metric) {
  std::size_t at = out.find("\n== " + field + " (", out.find("paired bootstrap: "));
  REQUIRE(at != std::string::npos);
  std::size_t line = out.find("\n" + metric + "  A ", at);
  REQUIRE(line != std::string::npos);
  std::string text = out.substr(line + 1, out.find('\n', line + 1) - line - 1);
  INFO(text);
  Diff d;
  REQUIRE(std::sscanf(text.c_str(), "%*s A %lf B %lf A-B %lf 95%% CI [%lf, %lf] p = %lf", &d.a, &d.b, &d.diff, &d.low,
                      &d.high, &d.p) == 6);
  d.significant = contains(text, "(significant at 5%)");
  CHECK(d.significant != contains(text, "(not significant at 5%)"));
  return d;
}

Diff json_diff(const Json& compare, const std::string& field, const std::string& metric) {
  const Json& c = compare[field];
  Diff d;
  d.a = c["a_" + metric].number;
  d.b = c["b_" + metric].number;
  d.diff = d.a - d.b;
  d.low = c[metric + "_diff_low"].number;
  d.high = c[metric + "_diff_high"].number;
  d.p = c[metric + "_p"].number;
  return d;
}

// The text report rounds to 4 decimals what the JSON report gives in full.
void check_same(const Diff& text, const Diff& json) {
  CHECK(text.a == Approx(json.a).margin(6e-5));
  CHECK(text.b == Approx(json.b).margin(6e-5));
  CHECK(text.diff == Approx(json.diff).margin(1.1e-4));
  CHECK(text.low == Approx(json.low).margin(6e-5));
  CHECK(text.high == Approx(json.high).margin(6e-5));
  CHECK(text.p == Approx(json.p).margin(6e-5));
  CHECK(text.significant == (json.p < 0.05));
}

struct CompareSetup {
  TempDir d;
  std::string data, model, words, eval;
  CompareSetup() {
    model = train_base_model(d);  // character and word n-grams
    data = d.p("train.jsonl");
    words = d.p("words.rasid");
    require_ok(run_rasid(d, "train --data " + q(data) + " --label stance,topic --maxn 0 --word-ngrams 1 -o " + q(words) +
                                kFast));
    eval = d.write("eval.jsonl", prefixed_eval_set());
  }
  Result compare(const std::string& a, const std::string& b, const std::string& extra = "") const {
    return run_rasid(d, "eval -q -m " + q(a) + " --data " + q(eval) + " --compare " + q(b) + extra);
  }
  Json eval_json(const std::string& m) const {
    Result r = run_rasid(d, "eval -q -m " + q(m) + " --data " + q(eval) + " --json");
    require_ok(r);
    return parse_json(r.out);
  }
};

}  // namespace

TEST_CASE("cli: eval --compare tests the difference of two different models", "[cli][compare]") {
  CompareSetup s;
  Json a = s.eval_json(s.model), b = s.eval_json(s.words);

  Result js = s.compare(s.model, s.words, " --json");
  require_ok(js);
  REQUIRE(js.out_lines().size() == 1);
  Json rep = parse_json(js.out);
  // --compare adds "compare" and leaves the report of model A as it was.
  CHECK(rep["tasks"]["stance"]["accuracy"].number == a["tasks"]["stance"]["accuracy"].number);
  CHECK(rep["n"].number == 40);
  const Json& cmp = rep["compare"];
  Result text = s.compare(s.model, s.words);
  require_ok(text);
  CHECK(contains(text.out, "paired bootstrap: A = " + s.model + ", B = " + s.words));
  for (const std::string field : {"stance", "topic"}) {
    INFO("field " << field);
    CHECK(cmp[field]["n"].number == 40);
    for (const std::string metric : {"accuracy", "macro_f1"}) {
      INFO("metric " << metric);
      Diff j = json_diff(cmp, field, metric);
      // Each side is that model's own score, and A (character n-grams) is
      // clearly better on words it has only seen without the prefix.
      CHECK(j.a == Approx(a["tasks"][field][metric].number).margin(1e-6));
      CHECK(j.b == Approx(b["tasks"][field][metric].number).margin(1e-6));
      CHECK(j.diff > 0.2);
      CHECK(j.low > 0.0);
      CHECK(j.low <= j.diff);
      CHECK(j.diff <= j.high);
      CHECK(j.p < 0.05);
      check_same(text_diff(text.out, field, metric == "accuracy" ? "accuracy" : "macro-F1"), j);
    }
  }

  // B against A: the same resamples, so the difference and its interval
  // change sign and the p-value stays.
  Result back = s.compare(s.words, s.model, " --json");
  require_ok(back);
  const Json back_rep = parse_json(back.out);
  const Json& rev = back_rep["compare"];
  for (const std::string field : {"stance", "topic"})
    for (const std::string metric : {"accuracy", "macro_f1"}) {
      Diff f = json_diff(cmp, field, metric), r = json_diff(rev, field, metric);
      CHECK(r.diff == Approx(-f.diff).margin(1e-6));
      CHECK(r.low == Approx(-f.high).margin(1e-5));
      CHECK(r.high == Approx(-f.low).margin(1e-5));
      CHECK(r.p == Approx(f.p).margin(1e-6));
    }
}

TEST_CASE("cli: eval --compare of a model with itself finds no difference", "[cli][compare]") {
  CompareSetup s;
  fs::copy_file(s.model, s.d.p("copy.rasid"));
  for (const std::string& other : {s.model, s.d.p("copy.rasid")}) {
    Result text = s.compare(s.model, other);
    require_ok(text);
    Result js = s.compare(s.model, other, " --json");
    require_ok(js);
    const Json rep = parse_json(js.out);
    const Json& cmp = rep["compare"];
    for (const std::string field : {"stance", "topic"})
      for (const std::string metric : {"accuracy", "macro_f1"}) {
        Diff j = json_diff(cmp, field, metric);
        CHECK(j.a == j.b);
        CHECK(j.low == 0.0);
        CHECK(j.high == 0.0);
        CHECK(j.p == 1.0);
        check_same(text_diff(text.out, field, metric == "accuracy" ? "accuracy" : "macro-F1"), j);
      }
  }
}

TEST_CASE("cli: eval --compare refuses a model without the scored label field", "[cli][compare]") {
  CompareSetup s;
  std::string stance_only = s.d.p("stance.rasid");
  require_ok(run_rasid(s.d, "train --data " + q(s.data) + " --label stance -o " + q(stance_only) + kFast));
  Result r = s.compare(s.model, stance_only);
  require_error(r, {"stance.rasid", "no head for label field 'topic'"});
  CHECK(r.out.empty());
  Result j = s.compare(s.model, stance_only, " --json");
  require_error(j, {"no head for label field 'topic'"});
  CHECK(j.out.empty());
  // Scoring only the field both models have is fine.
  Result ok = s.compare(s.model, stance_only, " --label stance --json");
  require_ok(ok);
  const Json both = parse_json(ok.out);
  CHECK(both["compare"].has("stance"));
  CHECK_FALSE(both["compare"].has("topic"));

  Result missing = s.compare(s.model, s.d.p("nope.rasid"));
  require_error(missing, {"nope.rasid", "cannot open"});
  CHECK(missing.out.empty());
}

// A model whose head has other classes for a field (here "yes"/"no" for
// "pro"/"con") would be scored on other documents and classes: one error
// naming both models, the field and both class lists, before any report.
TEST_CASE("cli: eval --compare refuses a model with other classes for a field", "[cli][compare]") {
  CompareSetup s;
  std::vector<Row> rows = base_rows();
  for (Row& r : rows) r[2].second = r[2].second == "pro" ? "yes" : "no";
  std::string renamed = s.d.write("renamed.jsonl", to_jsonl(rows));
  std::string other = s.d.p("renamed.rasid");
  require_ok(run_rasid(s.d, "train --data " + q(renamed) + " --label stance,topic -o " + q(other) + kFast));
  for (const std::string extra : {"", " --json"}) {
    Result r = s.compare(s.model, other, extra);
    require_error(r, {"'" + other + "' has other classes for label field 'stance' (no, yes) than '" + s.model +
                      "' (con, pro)"});
    CHECK(r.out.empty());
  }
  // The field both models agree on can still be compared.
  Result topic = s.compare(s.model, other, " --label topic --json");
  require_ok(topic);
  CHECK(parse_json(topic.out)["compare"].has("topic"));
}

// ================================================================ suggest

namespace {

const std::vector<std::string> kWar = {"الصاروخ", "القصف", "الجيش"};

// Three topics, so that margin, entropy and least confidence rank differently.
std::string three_topic_training_set() {
  std::vector<Row> rows;
  const std::vector<const std::vector<std::string>*> topics = {&kSport, &kEcon, &kWar};
  const char* names[] = {"sport", "econ", "war"};
  for (std::size_t n = 0; n < 8; ++n)
    for (std::size_t t = 0; t < 3; ++t)
      for (int s = 0; s < 2; ++s) {
        const auto& tw = *topics[t];
        const auto& sw = s == 0 ? kPro : kCon;
        rows.push_back({{"text", kFill[n % 8] + " " + sw[n % 3] + " " + tw[n % 3] + " " + tw[(n + 1) % 3]},
                        {"stance", s == 0 ? "pro" : "con"},
                        {"topic", names[t]}});
      }
  return to_jsonl(rows);
}

// Unlabelled documents from sure (one cue of each kind) to unsure (cues of
// two topics, both stances, or none): 30 distinct texts.
std::vector<std::string> mixed_documents() {
  const std::vector<std::string> topic_cues = {kSport[0], kEcon[1], kWar[2], kSport[2], kWar[0]};
  const std::vector<std::string> stance_parts = {kPro[0], kCon[1], kPro[2] + " " + kCon[0], ""};
  std::vector<std::string> docs;
  for (std::size_t i = 0; i < topic_cues.size(); ++i)
    for (std::size_t j = i; j < topic_cues.size(); ++j)
      docs.push_back(kFill[(i + j) % 8] + " " + stance_parts[(i * 5 + j) % 4] + " " + topic_cues[i] +
                     (i == j ? "" : " " + topic_cues[j]));
  for (std::size_t k = 0; docs.size() < 30; ++k)
    docs.push_back(kFill[k % 8] + " " + kFill[(k + 3) % 8] + " " + stance_parts[k % 4]);
  return docs;
}

double uncertainty(const std::vector<double>& p, const std::string& strategy) {
  std::vector<double> s(p);
  std::sort(s.rbegin(), s.rend());
  if (strategy == "margin") return 1 - (s[0] - s[1]);
  if (strategy == "least-confident") return 1 - s[0];
  double h = 0;
  for (double x : p)
    if (x > 0) h -= x * std::log(x);
  return h / std::log(static_cast<double>(p.size()));
}

}  // namespace

TEST_CASE("cli: suggest lists the least sure documents first, by each strategy", "[cli][suggest]") {
  TempDir d;
  std::string data = d.write("train.jsonl", three_topic_training_set());
  std::string model = d.p("m.rasid");
  require_ok(run_rasid(d, "train --data " + q(data) + " --label stance,topic -o " + q(model) + kFast));
  std::vector<std::string> docs = mixed_documents();
  std::string unlabelled;
  for (std::size_t i = 0; i < docs.size(); ++i)
    unlabelled += jsonl_line({{"id", "u" + std::to_string(i)}, {"text", docs[i]}}) + "\n";
  std::string input = d.write("unlabelled.jsonl", unlabelled);

  // The probabilities of every document, from infer.
  Result inf = run_rasid(d, "infer -m " + q(model) + " " + q(input));
  require_ok(inf);
  std::vector<std::string> lines = inf.out_lines();
  REQUIRE(lines.size() == docs.size());
  std::map<std::string, Json> by_id;
  for (const std::string& l : lines) {
    Json rec = parse_json(l);
    by_id[rec["id"].str] = rec;
  }
  auto expected = [&](const std::string& id, const std::string& strategy) {
    double worst = 0;
    for (const char* head : {"stance", "topic"}) {
      std::vector<double> p;
      for (const auto& kv : by_id.at(id)[head]["probs"].object) p.push_back(kv.second.number);
      worst = std::max(worst, uncertainty(p, strategy));
    }
    return worst;
  };

  const std::size_t n = 7;
  std::vector<std::vector<std::string>> rankings;
  for (const std::string strategy : {"margin", "entropy", "least-confident"}) {
    INFO("strategy " << strategy);
    Result r = run_rasid(d, "suggest -q -m " + q(model) + " --data " + q(input) + " -n " + std::to_string(n) +
                                " --strategy " + strategy);
    require_ok(r);
    std::vector<std::string> out = r.out_lines();
    REQUIRE(out.size() == n);
    std::vector<std::string> ids;
    double previous = 2;
    for (const std::string& l : out) {
      INFO(l);
      Json rec = parse_json(l);
      const std::string id = rec["id"].str;
      REQUIRE(by_id.count(id) == 1);
      std::size_t index = static_cast<std::size_t>(std::stoul(id.substr(1)));
      CHECK(rec["line"].number == static_cast<double>(index + 1));
      CHECK(rec["text"].str == docs[index]);
      double u = rec["uncertainty"].number;
      CHECK(u <= previous);  // most uncertain first
      previous = u;
      CHECK(u == Approx(expected(id, strategy)).margin(1e-3));
      for (const char* head : {"stance", "topic"}) {
        CHECK(rec[head]["label"].str == by_id.at(id)[head]["label"].str);
        CHECK(rec[head]["prob"].number == Approx(by_id.at(id)[head]["prob"].number).margin(1e-4));
      }
      ids.push_back(id);
    }
    // No document left out is less sure than the last one listed.
    for (const auto& kv : by_id)
      if (std::find(ids.begin(), ids.end(), kv.first) == ids.end()) CHECK(expected(kv.first, strategy) <= previous + 1e-3);
    rankings.push_back(ids);
  }
  // The strategies are really different measures on three classes.
  CHECK((rankings[0] != rankings[1] || rankings[1] != rankings[2]));

  // -n beyond the number of documents lists them all; margin is the default.
  Result all = run_rasid(d, "suggest -q -m " + q(model) + " --data " + q(input) + " -n 1000");
  require_ok(all);
  std::vector<std::string> all_lines = all.out_lines();
  REQUIRE(all_lines.size() == docs.size());
  for (std::size_t i = 0; i < n; ++i) CHECK(parse_json(all_lines[i])["id"].str == rankings[0][i]);

  Result bad = run_rasid(d, "suggest -q -m " + q(model) + " --data " + q(input) + " --strategy random");
  require_error(bad, {"unknown strategy 'random'", "margin", "entropy", "least-confident"});
  CHECK(bad.out.empty());

  // Plain text with blank lines between the documents, as paragraphs: the
  // blank lines hold no document and are passed over; ids are line numbers.
  std::string text = "\n";
  for (const std::string& doc : docs) text += doc + "\n  \n";
  Result txt = run_rasid(d, "suggest -q -m " + q(model) + " --input-format text --data " +
                                q(d.write("unlabelled.txt", text)) + " -n 1000");
  require_ok(txt);
  std::vector<std::string> txt_lines = txt.out_lines();
  REQUIRE(txt_lines.size() == docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    Json rec = parse_json(txt_lines[i]);
    const std::size_t index = static_cast<std::size_t>(std::stoul(parse_json(all_lines[i])["id"].str.substr(1)));
    CHECK(rec["line"].number == static_cast<double>(2 * index + 2));
    CHECK(rec["text"].str == docs[index]);
  }
}
