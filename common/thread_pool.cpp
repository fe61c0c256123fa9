#include "common/thread_pool.h"

#include <chrono>
#include <system_error>

#include <unistd.h>

namespace rasid {

namespace {

thread_local bool t_is_worker = false;

// Waiting first spins this long before sleeping: on a virtual machine,
// waking a sleeping thread on another CPU takes tens of microseconds
// (measured here: ~80 us per region, as long as the solver's regions
// themselves), while the next region usually comes within microseconds.
constexpr std::chrono::microseconds kSpin{200};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Spins until done() or kSpin has passed; returns done(). It yields the CPU
// now and then: when threads outnumber free cores (taskset, a container's
// CPU limit, a busy machine), the thread being waited for may need this
// very core, and pure spinning made regions 20x slower there.
template <class Done>
bool spin_until(Done&& done) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 1;; ++i) {
    if (done()) return true;
    cpu_relax();
    if (i % 64 == 0) {
      if (std::chrono::steady_clock::now() > until) return done();
      std::this_thread::yield();
    }
  }
}

}  // namespace

ThreadPool& ThreadPool::shared() {
  static ThreadPool* pool = new ThreadPool();  // deliberately leaked, see header
  return *pool;
}

ThreadPool::ThreadPool() : owner_(getpid()) {}

bool ThreadPool::grow(std::size_t workers) {
  try {
    workers_.reserve(workers);
    while (workers_.size() < workers) {
      const std::size_t id = workers_.size();
      // A new worker starts from the latest run, which is not its to join
      // (it did not exist), and waits for the next one.
      const std::uint64_t latest = run_.load(std::memory_order_relaxed);
      workers_.emplace_back([this, id, latest] { work(id, latest); });
    }
    return true;
  } catch (...) {  // no more threads or memory: let the caller cope
    return false;
  }
}

bool ThreadPool::try_run(std::size_t slices, Task task, void* context) {
  if (slices < 2 || slices > kMaxSlices || t_is_worker || getpid() != owner_) return false;
  bool expected = false;
  if (!busy_.compare_exchange_strong(expected, true)) return false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!grow(slices - 1)) {
      busy_ = false;
      return false;
    }
    task_ = task;
    context_ = context;
    pending_.store(slices - 1, std::memory_order_relaxed);
    // Publishes the run to spinning workers: a new generation and its slice
    // count in one word, so no worker can pair one run's count with
    // another's generation.
    const std::uint64_t generation = (run_.load(std::memory_order_relaxed) >> kSliceBits) + 1;
    run_.store(generation << kSliceBits | slices, std::memory_order_release);
  }
  wake_.notify_all();
  task(context, 0);
  auto finished = [this] { return pending_.load(std::memory_order_acquire) == 0; };
  if (!spin_until(finished)) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, finished);
  }
  busy_ = false;
  return true;
}

void ThreadPool::work(std::size_t worker, std::uint64_t seen) {
  t_is_worker = true;
  const std::size_t slice = worker + 1;
  for (;;) {
    auto published = [&] { return run_.load(std::memory_order_acquire) != seen; };
    if (!spin_until(published)) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, published);
    }
    seen = run_.load(std::memory_order_acquire);
    if (slice >= (seen & kSliceMask)) continue;  // this run needs fewer workers
    // A worker with a slice is counted in pending_, so the caller cannot
    // publish the next run (and overwrite these) before it is done.
    task_(context_, slice);
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // the caller may be between its check and its wait
      done_.notify_one();
    }
  }
}

}  // namespace rasid
