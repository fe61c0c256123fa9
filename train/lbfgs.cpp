#include "train/lbfgs.h"

#include <cmath>
#include <deque>
#include <vector>

namespace rasid {

LbfgsResult minimize_lbfgs(Objective& f, Eigen::VectorXd& w, const LbfgsOptions& opt,
                           const LbfgsCallback& callback) {
  const Eigen::Index n = f.dim();
  Eigen::VectorXd g(n), g_new(n), d(n), w_new(n);
  double fx = f.evaluate(w, g);
  const double g0 = std::max(1.0, g.norm());
  std::deque<Eigen::VectorXf> s_hist, y_hist;
  std::deque<double> rho_hist;
  std::vector<double> recent{fx};
  LbfgsResult result;
  std::vector<double> alpha;

  for (int it = 1; it <= opt.max_iterations; ++it) {
    if (g.norm() <= opt.tolerance * g0) {
      result.converged = true;
      break;
    }
    // Two-loop recursion: d = -H g.
    d = -g;
    const std::size_t m = s_hist.size();
    alpha.assign(m, 0.0);
    for (std::size_t i = m; i-- > 0;) {
      alpha[i] = rho_hist[i] * s_hist[i].cast<double>().dot(d);
      d -= alpha[i] * y_hist[i].cast<double>();
    }
    if (m > 0) {
      Eigen::VectorXd y = y_hist.back().cast<double>();
      d *= s_hist.back().cast<double>().dot(y) / y.squaredNorm();
    } else {
      d /= g.norm();  // first step: unit length
    }
    for (std::size_t i = 0; i < m; ++i) {
      double beta = rho_hist[i] * y_hist[i].cast<double>().dot(d);
      d += (alpha[i] - beta) * s_hist[i].cast<double>();
    }
    double slope = g.dot(d);
    if (slope >= 0) {  // not a descent direction: restart from steepest descent
      s_hist.clear();
      y_hist.clear();
      rho_hist.clear();
      d = -g / g.norm();
      slope = g.dot(d);
    }
    // Backtracking line search with the Armijo condition.
    double step = 1.0, f_new = 0.0;
    bool accepted = false;
    for (int ls = 0; ls < 30; ++ls) {
      w_new = w + step * d;
      f_new = f.evaluate(w_new, g_new);
      if (std::isfinite(f_new) && f_new <= fx + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no progress possible at machine precision
    Eigen::VectorXd s = w_new - w, y = g_new - g;
    double sy = s.dot(y);
    if (sy > 1e-12) {
      if (s_hist.size() == static_cast<std::size_t>(opt.history)) {
        s_hist.pop_front();
        y_hist.pop_front();
        rho_hist.pop_front();
      }
      s_hist.push_back(s.cast<float>());
      y_hist.push_back(y.cast<float>());
      rho_hist.push_back(1.0 / s_hist.back().cast<double>().dot(y_hist.back().cast<double>()));
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
