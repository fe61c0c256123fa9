#include "train/lbfgs.h"

#include <cmath>
#include <deque>
#include <vector>

#include "common/parallel.h"

namespace rasid {

namespace {

// Vector kernels over fixed-size chunks: partial sums are per chunk and
// added in chunk order, so results do not depend on the thread count.
constexpr std::size_t kChunk = 1 << 16;

template <class A, class B>
double dot(const A* a, const B* b, std::size_t n, int threads) {
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> part(chunks, 0.0);
  parallel_for(chunks, threads, [&](std::size_t cb, std::size_t ce) {
    for (std::size_t c = cb; c < ce; ++c) {
      double s = 0.0;
      const std::size_t end = std::min(n, (c + 1) * kChunk);
      for (std::size_t i = c * kChunk; i < end; ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
      part[c] = s;
    }
  });
  double total = 0.0;
  for (double p : part) total += p;
  return total;
}

// y += alpha * x
template <class X>
void axpy(double alpha, const X* x, double* y, std::size_t n, int threads) {
  parallel_for(n, threads, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) y[i] += alpha * static_cast<double>(x[i]);
  });
}

}  // namespace

LbfgsResult minimize_lbfgs(Objective& f, Eigen::VectorXd& w, const LbfgsOptions& opt,
                           const LbfgsCallback& callback) {
  const Eigen::Index n = f.dim();
  const std::size_t un = static_cast<std::size_t>(n);
  const int th = opt.threads;
  Eigen::VectorXd g(n), g_new(n), d(n), w_new(n);
  double fx = f.evaluate(w, g);
  const double g0 = std::max(1.0, std::sqrt(dot(g.data(), g.data(), un, th)));
  // History in single precision: half the memory of double, and the
  // search direction only needs to be roughly right.
  std::deque<std::vector<float>> s_hist, y_hist;
  std::deque<double> rho_hist;
  std::vector<double> recent{fx};
  LbfgsResult result;
  std::vector<double> alpha;

  for (int it = 1; it <= opt.max_iterations; ++it) {
    const double gnorm = std::sqrt(dot(g.data(), g.data(), un, th));
    if (gnorm <= opt.tolerance * g0) {
      result.converged = true;
      break;
    }
    // Two-loop recursion: d = -H g.
    parallel_for(un, th, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) d[static_cast<Eigen::Index>(i)] = -g[static_cast<Eigen::Index>(i)];
    });
    const std::size_t m = s_hist.size();
    alpha.assign(m, 0.0);
    for (std::size_t i = m; i-- > 0;) {
      alpha[i] = rho_hist[i] * dot(s_hist[i].data(), d.data(), un, th);
      axpy(-alpha[i], y_hist[i].data(), d.data(), un, th);
    }
    double scale = 1.0 / gnorm;  // first step: unit length
    if (m > 0) scale = 1.0 / (rho_hist.back() * dot(y_hist.back().data(), y_hist.back().data(), un, th));
    parallel_for(un, th, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) d[static_cast<Eigen::Index>(i)] *= scale;
    });
    for (std::size_t i = 0; i < m; ++i) {
      double beta = rho_hist[i] * dot(y_hist[i].data(), d.data(), un, th);
      axpy(alpha[i] - beta, s_hist[i].data(), d.data(), un, th);
    }
    double slope = dot(g.data(), d.data(), un, th);
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      s_hist.clear();
      y_hist.clear();
      rho_hist.clear();
      d = -g / gnorm;
      slope = -gnorm;
    }
    // Backtracking line search with the Armijo condition.
    double step = 1.0, f_new = 0.0;
    bool accepted = false;
    for (int ls = 0; ls < 30; ++ls) {
      parallel_for(un, th, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
          const Eigen::Index k = static_cast<Eigen::Index>(i);
          w_new[k] = w[k] + step * d[k];
        }
      });
      f_new = f.evaluate(w_new, g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no progress possible at machine precision
    // Recycle the oldest history slot to avoid reallocating.
    std::vector<float> s_new, y_new;
    if (s_hist.size() == static_cast<std::size_t>(opt.history)) {
      s_new = std::move(s_hist.front());
      y_new = std::move(y_hist.front());
      s_hist.pop_front();
      y_hist.pop_front();
      rho_hist.pop_front();
    }
    s_new.resize(un);
    y_new.resize(un);
    parallel_for(un, th, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) {
        const Eigen::Index k = static_cast<Eigen::Index>(i);
        s_new[i] = static_cast<float>(w_new[k] - w[k]);
        y_new[i] = static_cast<float>(g_new[k] - g[k]);
      }
    });
    double sy = dot(s_new.data(), y_new.data(), un, th);
    if (sy > 1e-12) {
      s_hist.push_back(std::move(s_new));
      y_hist.push_back(std::move(y_new));
      rho_hist.push_back(1.0 / sy);
    }
    w.swap(w_new);
    g.swap(g_new);
    fx = f_new;
    result.iterations = it;
    recent.push_back(fx);
    if (callback && !callback(it, fx, w)) break;
    if (recent.size() > 5) {
      double old = recent[recent.size() - 6];
      if ((old - fx) / std::max(1.0, std::fabs(fx)) < opt.min_decrease) {
        result.converged = true;
        break;
      }
    }
  }
  result.value = fx;
  return result;
}

}  // namespace rasid
