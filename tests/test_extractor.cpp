// Feature extraction (features/extractor.h): character and word n-grams,
// pair features, and agreement between extract() and trace().
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "features/extractor.h"
#include "features/vocabulary.h"

using rasid::DocFeatures;
using rasid::FeatureConfig;
using rasid::FeatureExtractor;

namespace {

FeatureConfig config(int char_min, int char_max, int word_ngrams, bool pair = false, int bucket_bits = 22) {
  FeatureConfig c;
  c.char_min = char_min;
  c.char_max = char_max;
  c.word_ngrams = word_ngrams;
  c.pair = pair;
  c.bucket_bits = bucket_bits;
  return c;
}

struct Traced {
  std::vector<std::string> names;                // in order
  std::vector<std::pair<std::uint32_t, std::string>> all;
};

Traced trace(FeatureExtractor& fx, const std::string& text, const std::string& claim = {}) {
  Traced t;
  fx.trace(text, claim, [&](std::uint32_t b, const std::string& name) {
    t.names.push_back(name);
    t.all.emplace_back(b, name);
  });
  return t;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::map<std::uint32_t, float> as_map(const std::vector<std::pair<std::uint32_t, float>>& v) {
  std::map<std::uint32_t, float> m;
  for (const auto& [b, c] : v) {
    CHECK(m.count(b) == 0);  // each bucket once
    m[b] = c;
  }
  return m;
}

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

// A longer document with many distinct n-grams (forces the counter to grow).
std::string long_document() {
  std::string s;
  const char* words[] = {"\u0642\u0627\u0644", "\u0627\u0644\u0648\u0632\u064A\u0631", "\u0625\u0646",
                         "\u0627\u0644\u062D\u0643\u0648\u0645\u0629", "news", "report", "\u061F", "2024"};
  for (int i = 0; i < 400; ++i) {
    s += words[i % 8];
    s += ' ';
    s += std::to_string(i * 7919 % 1000);
    s += (i % 5 == 0) ? ", " : " ";
  }
  return s;
}

}  // namespace

TEST_CASE("extractor: one short word gives exactly the n-grams of <word>", "[extractor]") {
  FeatureExtractor fx(config(2, 3, 0));
  Traced t = trace(fx, "ab");
  CHECK(sorted(t.names) == sorted({"<a", "ab", "b>", "<ab", "ab>"}));

  DocFeatures f;
  fx.extract("ab", {}, f);
  CHECK(f.counts.size() == 5);
  CHECK(f.extras.empty());
  for (const auto& [b, c] : f.counts) CHECK(c == 1.0f);

  // Lengths 1..4 of "<ab>": 4 + 3 + 2 + 1 n-grams.
  FeatureExtractor wide(config(1, 4, 0));
  CHECK(sorted(trace(wide, "ab").names) == sorted({"<", "a", "b", ">", "<a", "ab", "b>", "<ab", "ab>", "<ab>"}));
  // The input is normalised first: "AB" is "ab".
  CHECK(sorted(trace(fx, "  AB ").names) == sorted(t.names));
  // Multi-byte characters count as one character each.
  CHECK(sorted(trace(fx, "\u0645\u0646").names) ==
        sorted({"<\u0645", "\u0645\u0646", "\u0646>", "<\u0645\u0646", "\u0645\u0646>"}));
}

TEST_CASE("extractor: character n-grams never cross word boundaries", "[extractor]") {
  FeatureExtractor fx(config(2, 3, 0));
  Traced t = trace(fx, "ab cd");
  CHECK(sorted(t.names) == sorted({"<a", "ab", "b>", "<ab", "ab>", "<c", "cd", "d>", "<cd", "cd>"}));
  for (const std::string& n : t.names) CHECK(n.find(' ') == std::string::npos);
  // Punctuation is its own token, with its own n-grams.
  CHECK(sorted(trace(fx, "ab!").names) == sorted({"<a", "ab", "b>", "<ab", "ab>", "<!", "!>", "<!>"}));
}

TEST_CASE("extractor: word n-grams", "[extractor]") {
  FeatureExtractor uni(config(2, 5, 1));
  Traced u = trace(uni, "a b");
  CHECK(std::count(u.names.begin(), u.names.end(), "[a]") == 1);
  CHECK(std::count(u.names.begin(), u.names.end(), "[b]") == 1);
  CHECK(std::none_of(u.names.begin(), u.names.end(), [](const std::string& n) { return n == "[a b]"; }));

  FeatureExtractor bi_only(config(1, 0, 2));  // char_max 0: word n-grams only
  CHECK(trace(bi_only, "a b c").names == std::vector<std::string>{"[a]", "[a b]", "[b]", "[b c]", "[c]"});

  FeatureExtractor tri(config(1, 0, 3));
  CHECK(trace(tri, "a b c").names ==
        std::vector<std::string>{"[a]", "[a b]", "[a b c]", "[b]", "[b c]", "[c]"});

  // A bigram is not the same feature as its words, nor as the reversed bigram.
  DocFeatures ab, ba;
  bi_only.extract("a b", {}, ab);
  bi_only.extract("b a", {}, ba);
  CHECK(ab.counts.size() == 3);
  CHECK(ba.counts.size() == 3);
  auto mab = as_map(ab.counts), mba = as_map(ba.counts);
  int common = 0;
  for (const auto& kv : mab) common += static_cast<int>(mba.count(kv.first));
  CHECK(common == 2);  // only the unigrams [a] and [b]
}

TEST_CASE("extractor: counts are deterministic and add up", "[extractor]") {
  FeatureExtractor fx(config(1, 0, 1));
  DocFeatures f;
  fx.extract("a a b a", {}, f);
  std::vector<float> counts;
  for (const auto& [b, c] : f.counts) counts.push_back(c);
  std::sort(counts.begin(), counts.end());
  CHECK(counts == std::vector<float>{1.0f, 3.0f});

  const std::string doc = long_document();
  FeatureConfig c = config(2, 5, 2);
  FeatureExtractor a(c), b(c);
  DocFeatures fa1, fa2, fb;
  a.extract(doc, {}, fa1);
  a.extract("something else entirely", {}, fa2);  // scratch state must not leak between documents
  a.extract(doc, {}, fa2);
  b.extract(doc, {}, fb);
  REQUIRE(fa1.counts.size() > 1000);
  CHECK(fa1.counts == fa2.counts);
  CHECK(fa1.counts == fb.counts);

  // extract() aggregates exactly what trace() reports, bucket by bucket.
  Traced t = trace(a, doc);
  std::map<std::uint32_t, float> from_trace;
  for (const auto& [bucket, name] : t.all) from_trace[bucket] += 1.0f;
  CHECK(as_map(fa1.counts) == from_trace);
  double sum = 0;
  for (const auto& [bucket, cnt] : fa1.counts) sum += cnt;
  CHECK(sum == static_cast<double>(t.names.size()));
}

TEST_CASE("extractor: buckets stay inside the hashing space", "[extractor]") {
  for (int bits : {10, 16}) {
    FeatureExtractor fx(config(2, 5, 2, true, bits));
    DocFeatures f;
    fx.extract(long_document(), "\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064A\u0631 news 2024", f);
    const std::uint32_t limit = std::uint32_t{1} << bits;
    REQUIRE_FALSE(f.counts.empty());
    REQUIRE_FALSE(f.extras.empty());
    for (const auto& [b, c] : f.counts) CHECK(b < limit);
    for (const auto& [b, v] : f.extras) CHECK(b < limit);
    fx.trace(long_document(), "x", [&](std::uint32_t b, const std::string&) { CHECK(b < limit); });
  }
}

TEST_CASE("extractor: pair mode adds claim, shared, novel, dropped, swap and overlap features", "[extractor]") {
  FeatureExtractor fx(config(2, 3, 1, true));
  Traced t = trace(fx, "a c", "a b");
  std::vector<std::string> claim, shared, novel, dropped, swap, overlap, plain;
  for (const std::string& n : t.names) {
    if (starts_with(n, "claim:")) claim.push_back(n);
    else if (starts_with(n, "shared:")) shared.push_back(n);
    else if (starts_with(n, "novel:")) novel.push_back(n);
    else if (starts_with(n, "dropped:")) dropped.push_back(n);
    else if (starts_with(n, "swap:")) swap.push_back(n);
    else if (starts_with(n, "overlap:")) overlap.push_back(n);
    else plain.push_back(n);
  }
  CHECK(sorted(plain) == sorted({"<a", "a>", "<a>", "<c", "c>", "<c>", "[a]", "[c]"}));
  CHECK(sorted(claim) == sorted({"claim:<a", "claim:a>", "claim:<a>", "claim:<b", "claim:b>", "claim:<b>",
                                 "claim:[a]", "claim:[b]"}));
  CHECK(shared == std::vector<std::string>{"shared:[a]"});
  CHECK(novel == std::vector<std::string>{"novel:[c]"});
  // The claim's "b" is missing from the text, which has "c" instead.
  CHECK(dropped == std::vector<std::string>{"dropped:[b]"});
  CHECK(swap == std::vector<std::string>{"swap:[b c]"});
  // Half the claim's words are in the text and half the text's words in the claim.
  CHECK(sorted(overlap) == sorted({"overlap:claim_in_text>=0.1", "overlap:claim_in_text>=0.2",
                                   "overlap:claim_in_text>=0.3", "overlap:claim_in_text>=0.4",
                                   "overlap:claim_in_text>=0.5", "overlap:text_in_claim>=0.1",
                                   "overlap:text_in_claim>=0.2", "overlap:text_in_claim>=0.3",
                                   "overlap:text_in_claim>=0.4", "overlap:text_in_claim>=0.5"}));

  // A claim-side n-gram is a different feature from the same text-side n-gram.
  std::map<std::string, std::uint32_t> bucket_of;
  for (const auto& [b, n] : t.all) bucket_of[n] = b;
  CHECK(bucket_of["<a"] != bucket_of["claim:<a"]);
  CHECK(bucket_of["[a]"] != bucket_of["claim:[a]"]);
  CHECK(bucket_of["[a]"] != bucket_of["shared:[a]"]);

  // extract(): overlap indicators are extras with value 1; everything else is counted.
  DocFeatures f;
  fx.extract("a c", "a b", f);
  CHECK(f.extras.size() == overlap.size());
  for (const auto& [b, v] : f.extras) CHECK(v == 1.0f);
  double sum = 0;
  for (const auto& [b, c] : f.counts) sum += c;
  CHECK(sum == static_cast<double>(t.names.size() - overlap.size()));

  // Outside pair mode the claim is ignored.
  FeatureExtractor single(config(2, 3, 1, false));
  DocFeatures with_claim, without;
  single.extract("a c", "a b", with_claim);
  single.extract("a c", {}, without);
  CHECK(with_claim.counts == without.counts);
  CHECK(with_claim.extras.empty());
}

TEST_CASE("extractor: overlap indicators follow the overlap", "[extractor]") {
  FeatureExtractor fx(config(2, 3, 1, true));
  auto overlap_of = [&](const std::string& text, const std::string& claim) {
    std::vector<std::string> o;
    for (const std::string& n : trace(fx, text, claim).names)
      if (starts_with(n, "overlap:")) o.push_back(n);
    return sorted(o);
  };
  auto bins = [](const char* what, int upto) {
    std::vector<std::string> v;
    for (int b = 1; b <= upto; ++b) v.push_back(std::string("overlap:") + what + ">=0." + std::to_string(b));
    return v;
  };
  auto join = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return sorted(a);
  };
  // Identical word sets: every bin of both measures.
  CHECK(overlap_of("x y z", "z y x") == join(bins("claim_in_text", 9), bins("text_in_claim", 9)));
  // Disjoint: none.
  CHECK(overlap_of("x y", "p q").empty());
  // Empty claim: none (no division by zero).
  CHECK(overlap_of("x y", "").empty());
  // Claim fully inside a longer text: claim_in_text 1, text_in_claim 1/4.
  CHECK(overlap_of("a b c d", "a") == join(bins("claim_in_text", 9), bins("text_in_claim", 2)));
  // 1 of 3 claim words in the text; 1 of 1 text word in the claim.
  CHECK(overlap_of("a", "a b c") == join(bins("claim_in_text", 3), bins("text_in_claim", 9)));
  // Symbols do not count as words; repeated words count once.
  CHECK(overlap_of("a a , !", "a") == join(bins("claim_in_text", 9), bins("text_in_claim", 9)));

  // shared/novel follow the claim's words, after normalisation (أحمد == احمد).
  Traced t = trace(fx, "\u0623\u062D\u0645\u062F \u0642\u0627\u0644", "\u0627\u062D\u0645\u062F");
  std::vector<std::string> sn;
  for (const std::string& n : t.names)
    if (starts_with(n, "shared:") || starts_with(n, "novel:")) sn.push_back(n);
  CHECK(sn == std::vector<std::string>{"shared:[\u0627\u062D\u0645\u062F]", "novel:[\u0642\u0627\u0644]"});
}

TEST_CASE("extractor: invalid configurations are refused", "[extractor]") {
  CHECK_THROWS_AS(FeatureExtractor(config(3, 2, 1)), rasid::InputError);
  CHECK_THROWS_AS(FeatureExtractor(config(2, 0, 0)), rasid::InputError);
  CHECK_THROWS_AS(FeatureExtractor(config(2, 5, 1, false, 9)), rasid::InputError);
  CHECK_NOTHROW(FeatureExtractor(config(1, 12, 4, false, 26)));
}

namespace {

// What extract() must produce, computed the slow way from trace(): every
// occurrence counted one by one, entries in order of first occurrence (the
// order tf-idf normalisation sums them in), ids mapped by `to_id`.
template <class ToId>
std::vector<std::pair<std::uint32_t, float>> counted_one_by_one(FeatureExtractor& fx, const std::string& text,
                                                                const std::string& claim, ToId to_id) {
  std::vector<std::pair<std::uint32_t, float>> counts;
  std::map<std::uint32_t, std::size_t> at;
  fx.trace(text, claim, [&](std::uint32_t bucket, const std::string& name) {
    if (starts_with(name, "overlap:")) return;  // extras, not counts
    const std::int64_t id = to_id(bucket);
    if (id < 0) return;
    const auto [it, is_new] = at.emplace(static_cast<std::uint32_t>(id), counts.size());
    if (is_new) counts.emplace_back(static_cast<std::uint32_t>(id), 0.0f);
    counts[it->second].second += 1.0f;
  });
  return counts;
}

}  // namespace

TEST_CASE("extractor: counting each distinct token once, weighted, equals counting every occurrence", "[extractor]") {
  // Repeated words, a word repeated inside itself ("aaaa" has "aa" three
  // times), and punctuation, in single and pair mode.
  const std::string text = "aaaa b aaaa \u0642\u0627\u0644 , b aaaa \u0642\u0627\u0644 b b " + long_document();
  const std::string claim = "b \u0642\u0627\u0644 aaaa x x , b";
  for (bool pair : {false, true}) {
    FeatureExtractor fx(config(2, 5, 3, pair));
    const auto bucket = [](std::uint32_t b) { return static_cast<std::int64_t>(b); };
    DocFeatures f;
    fx.extract(text, claim, f);
    CHECK(f.counts == counted_one_by_one(fx, text, claim, bucket));
    fx.extract(text, claim, f);  // again, from the warm memo
    CHECK(f.counts == counted_one_by_one(fx, text, claim, bucket));
  }
}

TEST_CASE("extractor: a document with more distinct tokens than the memo holds", "[extractor]") {
  // The memo is cleared in the middle of this document; what was counted
  // for the tokens before must survive.
  std::string text;
  for (int i = 0; i < 80000; ++i) text += "w" + std::to_string(i % 70000) + (i % 3 == 0 ? " a " : " ");
  FeatureExtractor fx(config(2, 4, 2));
  DocFeatures f;
  fx.extract(text, {}, f);
  CHECK(f.counts == counted_one_by_one(fx, text, {}, [](std::uint32_t b) { return static_cast<std::int64_t>(b); }));
}

TEST_CASE("extractor: with a vocabulary, ids are the kept buckets' columns, in the same order", "[extractor]") {
  FeatureConfig c = config(2, 4, 2, true, 16);
  c.min_df = 1;
  FeatureExtractor fitting(c);
  std::vector<DocFeatures> docs(2);
  fitting.extract("\u0642\u0627\u0644 \u0627\u0644\u0648\u0632\u064A\u0631 news", "news today", docs[0]);
  fitting.extract("report \u0642\u0627\u0644 news news", "\u0642\u0627\u0644 report", docs[1]);
  rasid::Vocabulary vocab = rasid::Vocabulary::fit(docs, c);
  vocab.index(c.bucket_bits);

  FeatureExtractor fx(c);
  fx.use_vocabulary(&vocab);
  const std::string text = "news \u0642\u0627\u0644 unseen words news report \u0642\u0627\u0644";
  const std::string claim = "report news \u0642\u0627\u0644 other";
  DocFeatures f;
  fx.extract(text, claim, f);
  CHECK(f.columns);
  const auto column = [&](std::uint32_t b) { return static_cast<std::int64_t>(vocab.column(b)); };
  const auto want = counted_one_by_one(fx, text, claim, column);
  REQUIRE(want.size() > 5);
  CHECK(f.counts == want);
}
