#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "common/parallel.h"

using namespace rasid;

namespace {
// Every index of [0, n) visited exactly once, slices contiguous and in
// slice order.
bool covers_once(std::size_t n, int threads, Workers workers = Workers::kPooled) {
  std::vector<int> hits(n, 0);
  std::vector<std::pair<std::size_t, std::size_t>> ranges(static_cast<std::size_t>(std::max(1, threads)), {0, 0});
  parallel_slices(
      n, threads,
      [&](std::size_t s, std::size_t b, std::size_t e) {
        ranges[s] = {b, e};
        for (std::size_t i = b; i < e; ++i) ++hits[i];
      },
      workers);
  for (int h : hits)
    if (h != 1) return false;
  std::size_t next = 0;
  for (auto [b, e] : ranges) {
    if (b == e) continue;
    if (b != next) return false;
    next = e;
  }
  return next == n;
}
}  // namespace

TEST_CASE("parallel_slices visits every index once, for any thread count", "[parallel]") {
  for (Workers workers : {Workers::kFresh, Workers::kPooled})
    for (std::size_t n : {0u, 1u, 2u, 3u, 7u, 100u, 1001u})
      for (int threads : {1, 2, 3, 4, 8}) {
        INFO("n " << n << ", threads " << threads << ", pooled " << (workers == Workers::kPooled));
        CHECK(covers_once(n, threads, workers));
      }
}

TEST_CASE("parallel_for gives the same sums whatever the thread count", "[parallel]") {
  const std::size_t n = 100000;
  auto sums = [&](int threads, Workers workers) {
    std::vector<double> out(n);
    parallel_for(
        n, threads,
        [&](std::size_t b, std::size_t e) {
          for (std::size_t i = b; i < e; ++i) out[i] = 1.0 / static_cast<double>(i + 1);
        },
        workers);
    return out;
  };
  const std::vector<double> one = sums(1, Workers::kFresh);
  for (int t : {2, 3, 5}) {
    CHECK(sums(t, Workers::kFresh) == one);
    CHECK(sums(t, Workers::kPooled) == one);
  }
}

TEST_CASE("an exception in a slice reaches the caller and the pool keeps working", "[parallel]") {
  for (Workers workers : {Workers::kFresh, Workers::kPooled})
    for (int round = 0; round < 3; ++round) {
      CHECK_THROWS_WITH(parallel_for(
                            10, 2,
                            [](std::size_t b, std::size_t) {
                              if (b > 0) throw std::runtime_error("slice failed");
                            },
                            workers),
                        "slice failed");
      CHECK(covers_once(1000, 2, workers));
    }
}

TEST_CASE("a parallel region inside a parallel region runs", "[parallel]") {
  std::vector<std::atomic<int>> hits(64);
  parallel_for(
      4, 2,
      [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
          parallel_for(
              16, 2,
              [&](std::size_t ib, std::size_t ie) {
                for (std::size_t j = ib; j < ie; ++j) ++hits[i * 16 + j];
              },
              Workers::kPooled);
      },
      Workers::kPooled);
  for (auto& h : hits) CHECK(h.load() == 1);
}

TEST_CASE("callers on several threads at once each get their own complete run", "[parallel]") {
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int round = 0; round < 200; ++round)
        if (!covers_once(513, 2)) ++failures;
    });
  for (auto& t : callers) t.join();
  CHECK(failures.load() == 0);
}

TEST_CASE("a forked child runs parallel regions without the parent's workers", "[parallel]") {
  REQUIRE(covers_once(1000, 2));  // the parent's pool has started its workers
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) _exit(covers_once(1000, 2) && covers_once(77, 3) ? 0 : 1);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("all cores means the cores this process may run on", "[parallel]") {
  cpu_set_t before;
  REQUIRE(sched_getaffinity(0, sizeof before, &before) == 0);
  CHECK(resolve_threads(3) == 3);
  CHECK(resolve_threads(0) == CPU_COUNT(&before));
  int first = 0;
  while (!CPU_ISSET(first, &before)) ++first;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(first, &one);
  REQUIRE(sched_setaffinity(0, sizeof one, &one) == 0);  // as `taskset -c N` would
  const int resolved = resolve_threads(0);
  REQUIRE(sched_setaffinity(0, sizeof before, &before) == 0);
  CHECK(resolved == 1);
}
