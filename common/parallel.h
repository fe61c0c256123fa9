// Static-partition parallel loop. Each index is processed by exactly one
// thread and results are written to per-index slots, so the outcome never
// depends on the thread count: this is what keeps training deterministic.
#pragma once
#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace rasid {

// Number of worker threads to use: `requested` if positive, else all cores.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

// Calls fn(slice, begin, end) on up to `threads` contiguous slices of
// [0, n); `slice` (0-based) lets callers use per-thread scratch state.
// The first exception thrown by any slice is rethrown on the caller's thread.
template <class Fn>
void parallel_slices(std::size_t n, int threads, Fn&& fn) {
  std::size_t t = static_cast<std::size_t>(std::max(1, threads));
  t = std::min(t, std::max<std::size_t>(1, n));
  if (t <= 1) {
    fn(std::size_t{0}, std::size_t{0}, n);
    return;
  }
  std::vector<std::thread> pool;
  std::exception_ptr first_error;
  std::mutex error_mutex;
  std::size_t chunk = (n + t - 1) / t;
  for (std::size_t i = 0; i < t; ++i) {
    std::size_t b = i * chunk, e = std::min(n, b + chunk);
    if (b >= e) break;
    pool.emplace_back([&, i, b, e] {
      try {
        fn(i, b, e);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (first_error) std::rethrow_exception(first_error);
}

// Calls fn(begin, end) on `threads` contiguous slices of [0, n).
template <class Fn>
void parallel_for(std::size_t n, int threads, Fn&& fn) {
  parallel_slices(n, threads, [&](std::size_t, std::size_t b, std::size_t e) { fn(b, e); });
}

}  // namespace rasid
