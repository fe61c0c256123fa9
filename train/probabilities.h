// Class probabilities of documents under a linear model's parameters: W
// (columns x classes, row-major) then the bias b, in single precision as a
// saved model holds them (float weights also halve the memory traffic).
#pragma once
#include <cstddef>
#include <vector>

#include "common/parallel.h"
#include "train/column_matrix.h"

namespace rasid {

// p = softmax(s) over k scores, computed in double.
void softmax_of(const float* s, std::size_t k, double* p);

// Calls on_row(i, p) with the probabilities of every row i of x with
// y[i] >= 0, once, on the thread that owns the row's part; `scores`
// (rows x row_stride(k)) is scratch space.
template <class OnRow>
void for_each_labelled_row(const ColumnMatrix& x, const float* w, std::size_t k, const std::vector<int>& y,
                           int threads, std::vector<float>& scores, OnRow&& on_row) {
  const std::size_t stride = ColumnMatrix::row_stride(k);
  scores.resize(x.rows() * stride);
  const float* bias = w + x.cols() * k;
  parallel_slices(x.parts(), threads, [&](std::size_t, std::size_t pb, std::size_t pe) {
    std::vector<double> p(k);
    for (std::size_t part = pb; part < pe; ++part) {
      const std::size_t rb = x.part_begin_row(part), re = x.part_end_row(part);
      for (std::size_t i = rb; i < re; ++i)
        for (std::size_t c = 0; c < stride; ++c) scores[i * stride + c] = c < k ? bias[c] : 0.0f;
      x.add_scores(part, w, k, scores.data());
      for (std::size_t i = rb; i < re; ++i)
        if (y[i] >= 0) {
          softmax_of(scores.data() + i * stride, k, p.data());
          on_row(i, p.data());
        }
    }
  }, Workers::kPooled);
}

}  // namespace rasid
