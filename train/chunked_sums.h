// Sums over long vectors that do not depend on the thread count: the
// vector is cut into fixed-size chunks, each chunk sums in four lanes, and
// the chunks' sums are added in chunk order. The solver's kernels use them
// to fuse an element-wise update with the dot product that follows it, so
// a vector is read once instead of twice.
#pragma once
#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "common/parallel.h"

namespace rasid {

// Small enough that two threads get nearly equal shares of a small problem
// (a 300k-element vector is 37 chunks).
constexpr std::size_t kSumChunk = 1 << 13;

// Calls chunk(begin, end) on consecutive chunks of [0, n) and returns the
// sum of the N-vectors it returns, in chunk order.
template <std::size_t N, class Chunk>
std::array<double, N> chunked_sums(std::size_t n, int threads, Chunk&& chunk) {
  using Sums = std::array<double, N>;
  const std::size_t chunks = (n + kSumChunk - 1) / kSumChunk;
  std::vector<Sums> part(chunks);
  parallel_for(chunks, threads, [&](std::size_t cb, std::size_t ce) {
    for (std::size_t c = cb; c < ce; ++c) part[c] = chunk(c * kSumChunk, std::min(n, (c + 1) * kSumChunk));
  }, Workers::kPooled);
  Sums total{};
  for (const Sums& p : part)
    for (std::size_t k = 0; k < N; ++k) total[k] += p[k];
  return total;
}

// Within a chunk, element i adds to lane (i - begin) % 4, and the lanes
// are added in order at the end: one accumulator would chain every
// addition to the previous one and run at the adder's latency.
constexpr std::size_t kSumLanes = 4;

// Four-lane sums of body(i, lane) over [begin, end).
template <std::size_t N, class Body>
std::array<double, N> lane_sums(std::size_t begin, std::size_t end, Body&& body) {
  std::array<std::array<double, N>, kSumLanes> lane{};
  std::size_t i = begin;
  for (; i + kSumLanes <= end; i += kSumLanes)
    for (std::size_t l = 0; l < kSumLanes; ++l) body(i + l, lane[l]);
  for (std::size_t l = 0; i < end; ++i, ++l) body(i, lane[l]);
  std::array<double, N> s{};
  for (const auto& l : lane)
    for (std::size_t k = 0; k < N; ++k) s[k] += l[k];
  return s;
}

}  // namespace rasid
