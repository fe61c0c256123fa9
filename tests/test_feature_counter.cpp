// FeatureCounter (features/feature_counter.h): per-document term
// frequencies, in order of first occurrence, through table growth and
// from one document to the next.
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "features/feature_counter.h"

using rasid::FeatureCounter;
using Counts = std::vector<std::pair<std::uint32_t, float>>;

TEST_CASE("feature counter: counts in order of first occurrence, with weights", "[feature_counter]") {
  FeatureCounter counter;
  counter.start();
  const std::vector<std::uint32_t> ids = {5, 7, 5, 0, 9, 7, 5};  // id 0 is an id like any other
  counter.add_all(ids.data(), ids.size(), 1);
  counter.add(9, 3);
  counter.add(0, 2);
  Counts out = {{42, 1.0f}};  // appended to, not replaced
  counter.finish(out);
  CHECK(out == Counts{{42, 1.0f}, {5, 3.0f}, {7, 2.0f}, {0, 3.0f}, {9, 4.0f}});

  // The next document starts from an empty table.
  counter.start();
  counter.add(7, 1);
  Counts next;
  counter.finish(next);
  CHECK(next == Counts{{7, 1.0f}});
}

TEST_CASE("feature counter: a large document grows the table, the next small one is still right",
          "[feature_counter]") {
  std::mt19937 rng(5);
  FeatureCounter counter;
  for (std::size_t distinct : {50000u, 3u, 20000u}) {
    INFO("distinct ids " << distinct);
    std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(distinct) - 1);
    std::vector<std::uint32_t> pool(distinct);
    for (auto& id : pool) id = rng();  // spread over the whole id space
    std::map<std::uint32_t, float> want;
    std::vector<std::uint32_t> first_seen;
    counter.start();
    for (int block = 0; block < 20; ++block) {  // several calls, so the table grows between them
      std::vector<std::uint32_t> ids(distinct / 4 + 1);
      for (auto& id : ids) {
        id = pool[pick(rng)];
        if (want[id]++ == 0) first_seen.push_back(id);
      }
      counter.add_all(ids.data(), ids.size(), 1);
    }
    Counts got;
    counter.finish(got);
    REQUIRE(got.size() == first_seen.size());
    for (std::size_t e = 0; e < got.size(); ++e) {
      CHECK(got[e].first == first_seen[e]);
      CHECK(got[e].second == want[first_seen[e]]);
    }
  }
}
