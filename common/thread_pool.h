// Worker threads kept alive between parallel regions. Training runs
// thousands of short regions (every solver vector operation is one);
// starting and joining threads for each cost more than the work itself on
// small data sets, so two threads used to be slower than one there. Idle
// workers (and a caller waiting for them) spin briefly, yielding now and
// then, before sleeping: waking a sleeping thread costs as much as a
// region's work on this kind of machine. That pays when each thread has a
// core; resolve_threads() counts only the cores this process may use.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace rasid {

class ThreadPool {
 public:
  // Must not throw: the caller catches inside the task.
  using Task = void (*)(void* context, std::size_t slice) noexcept;

  // The process-wide pool, created on first use and never destroyed, so
  // that exiting never waits on (or races with) idle workers.
  static ThreadPool& shared();

  // Runs task(context, s) for every s in [0, slices): slice 0 on the calling
  // thread, the others on workers, and returns when all are done. Returns
  // false without running anything when the pool cannot serve the call:
  // another caller is using it, the caller is itself a worker (nested
  // region), the process is a fork of the one that started the workers,
  // there are over 65,535 slices, or a worker thread cannot be started. The
  // caller then runs the slices another way.
  bool try_run(std::size_t slices, Task task, void* context);

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

 private:
  ThreadPool();
  void work(std::size_t worker, std::uint64_t seen);
  bool grow(std::size_t workers);

  std::atomic<bool> busy_{false};  // one caller at a time
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;  // worker i runs slice i + 1
  static constexpr unsigned kSliceBits = 16;
  static constexpr std::uint64_t kSliceMask = (std::uint64_t{1} << kSliceBits) - 1;
  static constexpr std::size_t kMaxSlices = kSliceMask;
  // Written by the caller before it publishes run_ (release), read by the
  // workers with a slice after they see it (acquire).
  Task task_ = nullptr;
  void* context_ = nullptr;
  // On cache lines of their own: workers spin on run_ while others
  // decrement pending_.
  alignas(64) std::atomic<std::size_t> pending_{0};  // workers still running this run's slices
  alignas(64) std::atomic<std::uint64_t> run_{0};    // generation << kSliceBits | slice count
  pid_t owner_;
};

}  // namespace rasid
