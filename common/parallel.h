// Static-partition parallel loop. Each index is processed by exactly one
// thread and results are written to per-index slots, so the outcome never
// depends on the thread count: this is what keeps training deterministic.
#pragma once
#include <sched.h>

#include <algorithm>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "common/thread_pool.h"

namespace rasid {

// Number of worker threads to use: `requested` if positive, else the cores
// this process may run on (its CPU affinity, which taskset and container
// CPU sets restrict), not all of the machine's.
inline int resolve_threads(int requested) {
  if (requested > 0) return requested;
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) == 0 && CPU_COUNT(&allowed) > 0) return CPU_COUNT(&allowed);
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : static_cast<int>(hc);
}

// Which threads run a parallel region's slices.
enum class Workers {
  // Threads started for the call. For data stages, which allocate per
  // document: memory their threads free goes back to the system, while a
  // long-lived worker's heap keeps it mapped (measured on ant_news: about
  // 190 MB more peak RSS when feature extraction ran on the pool).
  kFresh,
  // The shared ThreadPool's long-lived workers (fresh threads when it is
  // busy). For the solver's thousands of short regions, where starting
  // threads would cost more than the work.
  kPooled,
};

// Calls fn(slice, begin, end) on up to `threads` contiguous slices of
// [0, n); `slice` (0-based) lets callers use per-thread scratch state. The
// first exception thrown by any slice is rethrown on the caller's thread.
template <class Fn>
void parallel_slices(std::size_t n, int threads, Fn&& fn, Workers workers = Workers::kFresh) {
  std::size_t t = static_cast<std::size_t>(std::max(1, threads));
  t = std::min(t, std::max<std::size_t>(1, n));
  if (t <= 1) {
    fn(std::size_t{0}, std::size_t{0}, n);
    return;
  }
  const std::size_t chunk = (n + t - 1) / t;
  struct Run {
    Fn& fn;
    std::size_t n, chunk;
    std::exception_ptr first_error;
    std::mutex error_mutex;
  } run{fn, n, chunk, nullptr, {}};
  ThreadPool::Task call = [](void* context, std::size_t s) noexcept {
    Run& r = *static_cast<Run*>(context);
    const std::size_t b = s * r.chunk;
    try {
      r.fn(s, b, std::min(r.n, b + r.chunk));
    } catch (...) {
      std::lock_guard<std::mutex> lock(r.error_mutex);
      if (!r.first_error) r.first_error = std::current_exception();
    }
  };
  const std::size_t slices = (n + chunk - 1) / chunk;
  if (workers != Workers::kPooled || !ThreadPool::shared().try_run(slices, call, &run)) {
    std::vector<std::thread> extra;
    extra.reserve(slices - 1);  // so that starting a thread is the only thing that can fail below
    std::size_t s = 1;
    try {
      for (; s < slices; ++s) extra.emplace_back(call, &run, s);
    } catch (const std::system_error&) {  // out of threads: run the rest here
    }
    for (; s < slices; ++s) call(&run, s);
    call(&run, 0);
    for (auto& th : extra) th.join();
  }
  if (run.first_error) std::rethrow_exception(run.first_error);
}

// Calls fn(begin, end) on `threads` contiguous slices of [0, n).
template <class Fn>
void parallel_for(std::size_t n, int threads, Fn&& fn, Workers workers = Workers::kFresh) {
  parallel_slices(n, threads, [&](std::size_t, std::size_t b, std::size_t e) { fn(b, e); }, workers);
}

}  // namespace rasid
