// Checks on the bundled corpus (datasets/iraq_news): size, label scheme,
// class counts, the train/test split, and that no two documents are
// near-duplicates (character 5-gram Jaccard above 0.5).
#include <catch2/catch.hpp>

#include <xxhash.h>

#include <algorithm>
#include <map>
#include <set>

#include "io/utf8.h"
#include "train/corpus.h"

using namespace rasid;

namespace {
const std::string kDir = std::string(RASID_SOURCE_DIR) + "/datasets/iraq_news/";

Corpus read_split(const std::string& name) {
  FieldNames f;
  f.labels = {"event_type", "stance", "outlet_style", "date"};
  return read_corpus(kDir + name, Format::Jsonl, f, false);
}

// Sorted distinct hashes of the character 5-grams of the white-space-collapsed text.
std::vector<std::uint64_t> shingles(const std::string& text) {
  std::u32string cps;
  bool space = false;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = utf8::decode(text, i);
    bool ws = c == U' ' || c == U'\t' || c == U'\n' || c == U'\r';
    if (ws) {
      space = true;
      continue;
    }
    if (space && !cps.empty()) cps.push_back(U' ');
    space = false;
    cps.push_back(c);
  }
  std::vector<std::uint64_t> out;
  for (std::size_t i = 0; i + 5 <= cps.size(); ++i) out.push_back(XXH3_64bits(cps.data() + i, 5 * sizeof(char32_t)));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  std::size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) ++i;
    else if (b[j] < a[i]) ++j;
    else { ++common; ++i; ++j; }
  }
  std::size_t uni = a.size() + b.size() - common;
  return uni ? static_cast<double>(common) / static_cast<double>(uni) : 0.0;
}
}  // namespace

TEST_CASE("corpus: size, labels and class counts", "[corpus]") {
  Corpus train = read_split("train.jsonl"), test = read_split("test.jsonl");
  const std::size_t total = train.size() + test.size();
  CHECK(total >= 1000);
  const std::set<std::string> events{"attack", "threat", "truce", "withdrawal", "negotiation", "other"};
  const std::set<std::string> stances{"against", "favor", "neutral"};
  std::map<std::string, std::size_t> ev, st;
  for (const Corpus* c : {&train, &test})
    for (std::size_t i = 0; i < c->size(); ++i) {
      CHECK(events.count(c->labels[0][i]) == 1);
      CHECK(stances.count(c->labels[1][i]) == 1);
      CHECK(!c->labels[2][i].empty());
      CHECK(c->labels[3][i].size() == 10);  // YYYY-MM-DD
      CHECK(c->labels[3][i] >= "2019-01-01");
      CHECK(c->labels[3][i] <= "2025-12-31");
      ++ev[c->labels[0][i]];
      ++st[c->labels[1][i]];
    }
  for (const auto& e : events) CHECK(ev[e] >= 100);
  for (const auto& s : stances) CHECK(st[s] >= 100);
}

TEST_CASE("corpus: the split is disjoint, about 80/20 and stratified", "[corpus]") {
  Corpus train = read_split("train.jsonl"), test = read_split("test.jsonl");
  std::set<std::string> ids(train.ids.begin(), train.ids.end());
  CHECK(ids.size() == train.size());
  for (const auto& id : test.ids) CHECK(ids.count(id) == 0);
  double share = static_cast<double>(test.size()) / static_cast<double>(train.size() + test.size());
  CHECK(share > 0.17);
  CHECK(share < 0.23);
  std::map<std::string, std::size_t> tr, te;
  for (const auto& v : train.labels[0]) ++tr[v];
  for (const auto& v : test.labels[0]) ++te[v];
  for (const auto& [label, n] : tr) {
    double s = static_cast<double>(te[label]) / static_cast<double>(n + te[label]);
    CAPTURE(label);
    CHECK(s > 0.12);
    CHECK(s < 0.28);
  }
}

TEST_CASE("corpus: no two documents are near-duplicates", "[corpus]") {
  Corpus train = read_split("train.jsonl"), test = read_split("test.jsonl");
  std::vector<std::string> texts(train.texts);
  texts.insert(texts.end(), test.texts.begin(), test.texts.end());
  std::vector<std::string> ids(train.ids);
  ids.insert(ids.end(), test.ids.begin(), test.ids.end());
  std::vector<std::vector<std::uint64_t>> sh;
  for (const auto& t : texts) sh.push_back(shingles(t));
  std::size_t worst_i = 0, worst_j = 0;
  double worst = 0.0;
  for (std::size_t i = 0; i < sh.size(); ++i)
    for (std::size_t j = i + 1; j < sh.size(); ++j) {
      std::size_t lo = std::min(sh[i].size(), sh[j].size()), hi = std::max(sh[i].size(), sh[j].size());
      if (lo * 2 <= hi) continue;  // Jaccard <= lo/hi <= 0.5
      double s = jaccard(sh[i], sh[j]);
      if (s > worst) {
        worst = s;
        worst_i = i;
        worst_j = j;
      }
    }
  INFO("most similar pair: " << ids[worst_i] << " ~ " << ids[worst_j] << " jaccard " << worst);
  CHECK(worst <= 0.5);
}
