// A progress line on stderr (bar, count, rate, ETA) for long jobs. Off by
// default; the CLI turns it on when stderr is a terminal and --quiet is not
// given, so pipes, logs and library users never see it.
#pragma once
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace rasid {

class Progress {
 public:
  static void enable(bool on);  // process-wide switch
  static bool enabled();
  // Prints `line` and a line end on stderr. A progress line on display is
  // cleared first, so the message starts on a line of its own (the bar is
  // drawn again below it at its next update).
  static void message(const std::string& line);

  // `total` 0 means unknown (no bar, no ETA).
  Progress(std::string label, std::size_t total);
  ~Progress();  // finishes the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void add(std::size_t n = 1);  // thread-safe
  void set(std::size_t done);   // thread-safe

 private:
  void draw(bool final);
  std::string label_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_;
  std::mutex draw_mutex_;
  bool active_;
  bool drawn_ = false;
};

}  // namespace rasid
