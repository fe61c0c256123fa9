#include "common/progress.h"

#include <cstdio>

namespace rasid {

namespace {
std::atomic<bool> g_enabled{false};
// Serialises stderr between bars and messages; `g_bar_shown` is true while
// the cursor stands at the end of an unfinished progress line.
std::mutex g_stderr_mutex;
bool g_bar_shown = false;
constexpr std::chrono::milliseconds kRedrawInterval{100};  // at most 10 redraws a second
}  // namespace

void Progress::enable(bool on) { g_enabled = on; }
bool Progress::enabled() { return g_enabled; }

void Progress::message(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_stderr_mutex);
  if (g_bar_shown) std::fputs("\r\033[K", stderr);  // back to the line start, then clear it
  g_bar_shown = false;
  std::fprintf(stderr, "%s\n", line.c_str());
}

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      // The first update draws at once: a job shorter than the redraw interval
      // still shows its line (and tests need not race the clock to see it).
      last_(start_ - kRedrawInterval),
      active_(g_enabled) {}

Progress::~Progress() {
  if (active_ && drawn_) draw(true);
}

void Progress::add(std::size_t n) { set(done_.fetch_add(n) + n); }

void Progress::set(std::size_t done) {
  if (!active_) return;
  done_ = done;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < kRedrawInterval) return;
  std::unique_lock<std::mutex> lock(draw_mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return;
  last_ = now;
  draw(false);
}

void Progress::draw(bool final) {
  const std::size_t done = done_;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  char line[160];
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(total_));
    char bar[21];
    int fill = static_cast<int>(frac * 20);
    for (int i = 0; i < 20; ++i) bar[i] = i < fill ? '#' : '.';
    bar[20] = 0;
    double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0.0;
    std::snprintf(line, sizeof line, "\r%-22s [%s] %3d%% %zu/%zu %.0f/s ETA %.0fs  ", label_.c_str(), bar,
                  static_cast<int>(frac * 100), done, total_, rate, eta);
  } else {
    std::snprintf(line, sizeof line, "\r%-22s %zu %.0f/s %.0fs  ", label_.c_str(), done, rate, secs);
  }
  std::lock_guard<std::mutex> lock(g_stderr_mutex);
  std::fputs(line, stderr);
  if (final) std::fputs("\n", stderr);
  g_bar_shown = !final;
  drawn_ = true;
}

}  // namespace rasid
