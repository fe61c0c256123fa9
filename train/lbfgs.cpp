#include "train/lbfgs.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <vector>

#include "common/parallel.h"
#include "train/chunked_sums.h"
#include "train/vector_lanes.h"

namespace rasid {

namespace {

// Vector kernels over fixed-size chunks (train/chunked_sums.h). Each
// kernel does its element-wise update and the dot product that follows it
// in the same pass: the vectors are F x K long, so passes over memory are
// what the two-loop recursion costs.

// Two doubles in one SSE register (Double2): lanes 0-1 and 2-3 of a
// four-lane sum, so the dot products below run two elements per
// instruction with the same additions as four scalar lanes.
Double2 load2(const double* p) { return load_lanes<Double2>(p); }
Double2 load2(const float* p) { return Double2{static_cast<double>(p[0]), static_cast<double>(p[1])}; }
void store2(double* p, Double2 v) { store_lanes(p, v); }

// d = (d + a * x) * scale over [begin, end); returns z . d summed in four
// lanes. (scale 1 is exact: no rounding.)
template <class Z>
double update_chunk(double a, const float* x, double scale, const Z* z, double* d, std::size_t begin, std::size_t end) {
  const Double2 av = {a, a}, sv = {scale, scale};
  Double2 lanes01 = {0.0, 0.0}, lanes23 = {0.0, 0.0};
  std::size_t i = begin;
  for (; i + kSumLanes <= end; i += kSumLanes) {
    const Double2 d01 = (load2(d + i) + av * load2(x + i)) * sv;
    const Double2 d23 = (load2(d + i + 2) + av * load2(x + i + 2)) * sv;
    store2(d + i, d01);
    store2(d + i + 2, d23);
    lanes01 += load2(z + i) * d01;
    lanes23 += load2(z + i + 2) * d23;
  }
  double lane[kSumLanes] = {lanes01[0], lanes01[1], lanes23[0], lanes23[1]};
  for (std::size_t l = 0; i < end; ++i, ++l) {
    d[i] = (d[i] + a * static_cast<double>(x[i])) * scale;
    lane[l] += static_cast<double>(z[i]) * d[i];
  }
  return ((lane[0] + lane[1]) + lane[2]) + lane[3];
}

double dot(const double* a, const double* b, std::size_t n, int threads) {
  return chunked_sums<1>(n, threads, [=](std::size_t begin, std::size_t end) {
    return lane_sums<1>(begin, end, [=](std::size_t i, std::array<double, 1>& s) { s[0] += a[i] * b[i]; });
  })[0];
}

// d = -g * scale; returns z . d.
template <class Z>
double start_direction(const double* g, double scale, const Z* z, double* d, std::size_t n, int threads) {
  return chunked_sums<1>(n, threads, [=](std::size_t begin, std::size_t end) {
    return lane_sums<1>(begin, end, [=](std::size_t i, std::array<double, 1>& s) {
      d[i] = -g[i] * scale;
      s[0] += static_cast<double>(z[i]) * d[i];
    });
  })[0];
}

// d = (d + a * x) * scale; returns z . d.
template <class Z>
double update_direction(double a, const float* x, double scale, const Z* z, double* d, std::size_t n, int threads) {
  return chunked_sums<1>(n, threads, [=](std::size_t begin, std::size_t end) {
    return std::array<double, 1>{update_chunk(a, x, scale, z, d, begin, end)};
  })[0];
}

}  // namespace

LbfgsResult minimize_lbfgs(Objective& f, Eigen::VectorXd& w, const LbfgsOptions& opt,
                           const LbfgsCallback& callback) {
  const Eigen::Index n = f.dim();
  const std::size_t un = static_cast<std::size_t>(n);
  const int th = opt.threads;
  const std::size_t history = static_cast<std::size_t>(std::max(1, opt.history));
  Eigen::VectorXd g(n), g_new(n), d(n), w_new(n);
  double fx = f.evaluate(w, g);
  double gg = dot(g.data(), g.data(), un, th);  // |g|^2, kept up to date below
  const double g0 = std::max(1.0, std::sqrt(gg));
  // History in single precision: half the memory of double, and the
  // search direction only needs to be roughly right.
  std::deque<std::vector<float>> s_hist, y_hist;
  std::deque<double> rho_hist;
  double yy_last = 0.0;  // y . y of the newest history pair
  std::vector<double> recent{fx};
  LbfgsResult result;
  std::vector<double> alpha;

  for (int it = 1; it <= opt.max_iterations; ++it) {
    const double gnorm = std::sqrt(gg);
    if (gnorm <= opt.tolerance * g0) {
      result.converged = true;
      break;
    }
    // Two-loop recursion, d = -H g, one pass per history vector; the first
    // step (no history) has unit length.
    const std::size_t m = s_hist.size();
    double slope = 0.0;
    double* dp = d.data();
    if (m == 0) {
      slope = start_direction(g.data(), 1.0 / gnorm, g.data(), dp, un, th);
    } else {
      alpha.assign(m, 0.0);
      alpha[m - 1] = rho_hist[m - 1] * start_direction(g.data(), 1.0, s_hist[m - 1].data(), dp, un, th);
      for (std::size_t i = m - 1; i > 0; --i)
        alpha[i - 1] = rho_hist[i - 1] * update_direction(-alpha[i], y_hist[i].data(), 1.0, s_hist[i - 1].data(), dp, un, th);
      const double scale = 1.0 / (rho_hist.back() * yy_last);
      double beta = rho_hist[0] * update_direction(-alpha[0], y_hist[0].data(), scale, y_hist[0].data(), dp, un, th);
      for (std::size_t i = 0; i < m; ++i) {
        if (i + 1 < m) {
          beta = rho_hist[i + 1] * update_direction(alpha[i] - beta, s_hist[i].data(), 1.0, y_hist[i + 1].data(), dp, un, th);
        } else {
          slope = update_direction(alpha[i] - beta, s_hist[i].data(), 1.0, g.data(), dp, un, th);
        }
      }
    }
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
      }, Workers::kPooled);
      f_new = f.value(w_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        f.gradient(w_new, g_new);  // only where the step is taken
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no progress possible at machine precision
    // Recycle the oldest history slot to avoid reallocating.
    std::vector<float> s_new, y_new;
    if (s_hist.size() == history) {
      s_new = std::move(s_hist.front());
      y_new = std::move(y_hist.front());
      s_hist.pop_front();
      y_hist.pop_front();
      rho_hist.pop_front();
    }
    s_new.resize(un);
    y_new.resize(un);
    // The new pair, its products s.y and y.y, and |g_new|^2 in one pass.
    const std::array<double, 3> sums = chunked_sums<3>(un, th, [&](std::size_t begin, std::size_t end) {
      return lane_sums<3>(begin, end, [&](std::size_t i, std::array<double, 3>& acc) {
        const Eigen::Index k = static_cast<Eigen::Index>(i);
        s_new[i] = static_cast<float>(w_new[k] - w[k]);
        y_new[i] = static_cast<float>(g_new[k] - g[k]);
        acc[0] += static_cast<double>(s_new[i]) * static_cast<double>(y_new[i]);
        acc[1] += static_cast<double>(y_new[i]) * static_cast<double>(y_new[i]);
        acc[2] += g_new[k] * g_new[k];
      });
    });
    const double sy = sums[0];
    gg = sums[2];
    if (sy > 1e-12) {
      s_hist.push_back(std::move(s_new));
      y_hist.push_back(std::move(y_new));
      rho_hist.push_back(1.0 / sy);
      yy_last = sums[1];
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
