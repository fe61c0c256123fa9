// Vocabulary (features/vocabulary.h): document frequencies, idf, tf-idf
// rows, and column renumbering.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "features/extractor.h"
#include "features/vocabulary.h"

using rasid::DocFeatures;
using rasid::FeatureConfig;
using rasid::SparseRow;
using rasid::Vocabulary;

namespace {

FeatureConfig small_config(int min_df) {
  FeatureConfig c;
  c.bucket_bits = 10;
  c.min_df = min_df;
  return c;
}

DocFeatures doc(std::vector<std::pair<std::uint32_t, float>> counts,
                std::vector<std::pair<std::uint32_t, float>> extras = {}) {
  DocFeatures d;
  d.counts = std::move(counts);
  d.extras = std::move(extras);
  return d;
}

// Three documents: bucket 1 in all three, 2 in two, 3 and 7 in one; the
// overlap indicator 900 in two documents, 901 in one.
std::vector<DocFeatures> corpus() {
  return {doc({{1, 1}, {2, 3}, {7, 1}}, {{900, 1}}),
          doc({{1, 2}, {3, 1}}),
          doc({{1, 1}, {2, 1}}, {{900, 1}, {901, 1}})};
}

double idf(double n, double df) { return std::log((1 + n) / (1 + df)) + 1; }

}  // namespace

TEST_CASE("vocabulary: fit keeps buckets in at least min_df documents, with smoothed idf", "[vocabulary]") {
  // Each thread counts a range of buckets: the result must not depend on
  // how many (7 ranges of the 1,024 buckets put 900 and 901 in the last).
  for (int threads : {1, 2, 3, 7}) {
    INFO("threads " << threads);
    // Columns are ordered by document frequency, most frequent first, ties by
    // bucket number.
    Vocabulary v = Vocabulary::fit(corpus(), small_config(2), threads);
    CHECK(v.buckets() == std::vector<std::uint32_t>{1, 2, 900, 901});
    REQUIRE(v.idf().size() == 4);
    CHECK(v.idf()[0] == Approx(idf(3, 3)));  // == 1: a bucket in every document
    CHECK(v.idf()[0] == Approx(1.0));
    CHECK(v.idf()[1] == Approx(idf(3, 2)));
    CHECK(v.idf()[2] == 0.0f);  // overlap indicators: kept from one document, idf 0
    CHECK(v.idf()[3] == 0.0f);
    CHECK(v.size() == 4);

    Vocabulary all = Vocabulary::fit(corpus(), small_config(1), threads);
    CHECK(all.buckets() == std::vector<std::uint32_t>{1, 2, 900, 3, 7, 901});
    CHECK(all.idf()[2] == 0.0f);
    CHECK(all.idf()[3] == Approx(idf(3, 1)));
    CHECK(all.idf()[4] == Approx(idf(3, 1)));

    // Indexed: every bucket answers its column or -1 (the table under the
    // bitmap still holds document frequencies where nothing is kept).
    for (std::uint32_t b = 0; b < 1024; ++b) {
      const auto at = std::find(all.buckets().begin(), all.buckets().end(), b);
      CHECK(all.column(b) == (at == all.buckets().end() ? -1 : static_cast<std::int32_t>(at - all.buckets().begin())));
    }

    Vocabulary strict = Vocabulary::fit(corpus(), small_config(3), threads);
    CHECK(strict.buckets() == std::vector<std::uint32_t>{1, 900, 901});

    // Rarer buckets have larger idf.
    CHECK(all.idf()[3] > all.idf()[1]);
    CHECK(all.idf()[1] > all.idf()[0]);

    CHECK(Vocabulary::fit({}, small_config(1), threads).size() == 0);
  }
}

TEST_CASE("vocabulary: transform gives L2-normalised sublinear tf-idf plus unscaled extras", "[vocabulary]") {
  Vocabulary v = Vocabulary::fit(corpus(), small_config(2));
  v.index(10);
  CHECK(v.column(1) == 0);
  CHECK(v.column(2) == 1);
  CHECK(v.column(900) == 2);
  CHECK(v.column(3) == -1);
  CHECK(v.column(7) == -1);

  SparseRow row;
  // Bucket 7 is not in the vocabulary and is dropped; the extra is appended.
  v.transform(doc({{1, 1}, {2, 3}, {7, 1}}, {{900, 1}, {901, 0.5f}}), true, row);
  const double a = (1 + std::log(1.0)) * idf(3, 3);
  const double b = (1 + std::log(3.0)) * idf(3, 2);
  const double norm = std::sqrt(a * a + b * b);
  REQUIRE(row.size() == 4);
  CHECK(row.cols == std::vector<std::int32_t>{0, 1, 2, 3});
  CHECK(row.vals[0] == Approx(a / norm));
  CHECK(row.vals[1] == Approx(b / norm));
  CHECK(row.vals[2] == 1.0f);   // unscaled
  CHECK(row.vals[3] == 0.5f);   // value used as is
  CHECK(row.vals[0] * row.vals[0] + row.vals[1] * row.vals[1] == Approx(1.0));

  // In column ids: bucket 7 dropped, counts and values kept, extras too.
  DocFeatures d = doc({{1, 1}, {2, 3}, {7, 1}}, {{900, 1}, {3, 2}, {901, 0.5f}});
  v.to_columns(d);
  CHECK(d.columns);
  CHECK(d.counts == std::vector<std::pair<std::uint32_t, float>>{{0, 1}, {1, 3}});
  CHECK(d.extras == std::vector<std::pair<std::uint32_t, float>>{{2, 1}, {3, 0.5f}});

  // Raw tf.
  v.transform(doc({{1, 1}, {2, 3}}), false, row);
  const double b_raw = 3 * idf(3, 2);
  const double norm_raw = std::sqrt(a * a + b_raw * b_raw);
  REQUIRE(row.size() == 2);
  CHECK(row.vals[0] == Approx(a / norm_raw));
  CHECK(row.vals[1] == Approx(b_raw / norm_raw));

  // Nothing known: an empty row, no NaN.
  v.transform(doc({{3, 5}, {7, 1}}), true, row);
  CHECK(row.size() == 0);
  // Extras alone are not normalised.
  v.transform(doc({{7, 1}}, {{900, 1}}), true, row);
  REQUIRE(row.size() == 1);
  CHECK(row.cols[0] == 2);
  CHECK(row.vals[0] == 1.0f);
}

TEST_CASE("vocabulary: retain keeps the given columns and renumbers them", "[vocabulary]") {
  Vocabulary v = Vocabulary::fit(corpus(), small_config(2));
  v.index(10);
  const float idf2 = v.idf()[1];
  v.retain({1, 3});
  CHECK(v.buckets() == std::vector<std::uint32_t>{2, 901});
  CHECK(v.idf() == std::vector<float>{idf2, 0.0f});
  // The lookup follows.
  CHECK(v.column(2) == 0);
  CHECK(v.column(901) == 1);
  CHECK(v.column(1) == -1);
  CHECK(v.column(900) == -1);

  SparseRow row;
  v.transform(doc({{1, 1}, {2, 3}}, {{900, 1}, {901, 1}}), true, row);
  CHECK(row.cols == std::vector<std::int32_t>{0, 1});
  CHECK(row.vals[0] == Approx(1.0));  // the one n-gram left has norm 1
  CHECK(row.vals[1] == 1.0f);

  // Retaining before index() leaves indexing to later (fit() indexes, so
  // the unindexed vocabulary is rebuilt from its parts, as a model file's).
  const Vocabulary fitted = Vocabulary::fit(corpus(), small_config(1));
  Vocabulary w = Vocabulary::from_parts(fitted.buckets(), fitted.idf());
  w.retain({0, 4});
  CHECK(w.buckets() == std::vector<std::uint32_t>{1, 7});
  w.index(10);
  CHECK(w.column(7) == 1);
  CHECK(w.column(2) == -1);
}

TEST_CASE("vocabulary: from_parts and buckets outside the hashing space", "[vocabulary]") {
  Vocabulary v = Vocabulary::from_parts({3, 5}, {1.5f, 2.0f});
  v.index(10);
  CHECK(v.column(5) == 1);
  SparseRow row;
  v.transform(doc({{5, 1}}), true, row);
  REQUIRE(row.size() == 1);
  CHECK(row.vals[0] == Approx(1.0));

  Vocabulary bad = Vocabulary::from_parts({1, 5000}, {1.0f, 1.0f});
  CHECK_THROWS_AS(bad.index(10), rasid::ModelError);
  CHECK_NOTHROW(bad.index(13));

  // Any order is accepted, a repeated bucket is not.
  Vocabulary unsorted = Vocabulary::from_parts({9, 2, 4}, {1.0f, 1.0f, 1.0f});
  unsorted.index(10);
  CHECK(unsorted.column(2) == 1);
  Vocabulary twice = Vocabulary::from_parts({9, 2, 9}, {1.0f, 1.0f, 1.0f});
  CHECK_THROWS_AS(twice.index(10), rasid::ModelError);
}

TEST_CASE("vocabulary: with real extracted features", "[vocabulary]") {
  FeatureConfig c;
  c.char_min = 2;
  c.char_max = 3;
  c.word_ngrams = 1;
  c.bucket_bits = 18;
  c.min_df = 2;
  rasid::FeatureExtractor fx(c);
  const std::vector<std::string> texts = {"the cat sat", "the dog sat", "a bird flew"};
  std::vector<DocFeatures> docs(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) fx.extract(texts[i], {}, docs[i]);

  // Expected: buckets found in at least two documents, most frequent first
  // (here "the"/"sat" n-grams are in two documents, none in three).
  std::map<std::uint32_t, int> df;
  for (const DocFeatures& d : docs)
    for (const auto& [b, cnt] : d.counts) ++df[b];
  std::vector<std::uint32_t> want;
  for (int n = 3; n >= 2; --n)
    for (const auto& [b, seen] : df)
      if (seen == n) want.push_back(b);
  Vocabulary v = Vocabulary::fit(docs, c);
  CHECK(v.buckets() == want);
  CHECK(v.size() >= 8);  // "the", "sat" and their n-grams at least

  v.index(c.bucket_bits);
  SparseRow row;
  DocFeatures unseen;
  fx.extract("the fish", {}, unseen);
  v.transform(unseen, true, row);
  // Only the n-grams of "the" survive; they are all known columns.
  std::set<std::int32_t> cols(row.cols.begin(), row.cols.end());
  CHECK(cols.size() == row.size());
  double sq = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    CHECK(row.cols[i] >= 0);
    CHECK(static_cast<std::size_t>(row.cols[i]) < v.size());
    sq += static_cast<double>(row.vals[i]) * row.vals[i];
  }
  CHECK(row.size() > 0);
  CHECK(row.size() < unseen.counts.size());
  CHECK(sq == Approx(1.0));
  // to_columns() keeps what transform() keeps, in its order, and the
  // rewritten document transforms to the same row; a second call is a no-op.
  docs.push_back(unseen);
  for (const DocFeatures& d : docs) {
    v.transform(d, true, row);
    DocFeatures in_columns = d;
    v.to_columns(in_columns);
    CHECK(in_columns.columns);
    std::vector<std::int32_t> ids;
    for (const auto& e : in_columns.counts) ids.push_back(static_cast<std::int32_t>(e.first));
    for (const auto& e : in_columns.extras) ids.push_back(static_cast<std::int32_t>(e.first));
    CHECK(ids == row.cols);
    SparseRow again;
    v.transform(in_columns, true, again);
    CHECK(again.cols == row.cols);
    CHECK(again.vals == row.vals);
    DocFeatures twice = in_columns;
    v.to_columns(twice);
    CHECK(twice.counts == in_columns.counts);
    CHECK(twice.extras == in_columns.extras);
  }
}

TEST_CASE("vocabulary: column() answers every bucket, kept or not, also after retain", "[vocabulary]") {
  // Kept buckets in different 64-bucket words of the kept-bucket bitmap,
  // next to buckets that are not kept.
  const std::vector<std::uint32_t> kept = {0, 63, 64, 65, 127, 500, 1023};
  Vocabulary v = Vocabulary::from_parts(kept, std::vector<float>(kept.size(), 1.0f));
  v.index(10);
  auto check_all = [](const Vocabulary& voc) {
    std::map<std::uint32_t, std::int32_t> want;
    for (std::size_t i = 0; i < voc.buckets().size(); ++i) want[voc.buckets()[i]] = static_cast<std::int32_t>(i);
    for (std::uint32_t b = 0; b < 1024; ++b) {
      voc.prefetch(b);  // a hint only: never changes an answer
      CHECK(voc.column(b) == (want.count(b) ? want[b] : -1));
    }
  };
  check_all(v);
  v.retain({1, 3, 6});  // buckets 63, 65, 1023
  REQUIRE(v.buckets() == std::vector<std::uint32_t>{63, 65, 1023});
  check_all(v);
  CHECK(v.column(0) == -1);
  CHECK(v.column(64) == -1);
}
