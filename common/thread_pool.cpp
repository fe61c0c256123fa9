#include "common/thread_pool.h"

#include <system_error>

#include <unistd.h>

namespace rasid {

namespace {
thread_local bool t_is_worker = false;
}

ThreadPool& ThreadPool::shared() {
  static ThreadPool* pool = new ThreadPool();  // deliberately leaked, see header
  return *pool;
}

ThreadPool::ThreadPool() : owner_(getpid()) {}

bool ThreadPool::grow(std::size_t workers) {
  try {
    while (workers_.size() < workers) {
      const std::size_t id = workers_.size();
      workers_.emplace_back([this, id] { work(id); });
    }
    return true;
  } catch (const std::system_error&) {  // no more threads: let the caller cope
    return false;
  }
}

bool ThreadPool::try_run(std::size_t slices, Task task, void* context) {
  if (slices < 2 || t_is_worker || getpid() != owner_) return false;
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
    slices_ = slices;
    pending_ = slices - 1;
    ++generation_;
  }
  wake_.notify_all();
  task(context, 0);
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return pending_ == 0; });
  }
  busy_ = false;
  return true;
}

void ThreadPool::work(std::size_t worker) {
  t_is_worker = true;
  const std::size_t slice = worker + 1;
  std::uint64_t seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return generation_ != seen; });
    seen = generation_;
    if (slice >= slices_) continue;  // this run needs fewer workers
    const Task task = task_;
    void* context = context_;
    lock.unlock();
    task(context, slice);
    lock.lock();
    if (--pending_ == 0) done_.notify_one();
  }
}

}  // namespace rasid
