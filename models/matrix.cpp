#include "models/matrix.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rasid {

DenseMatrix::DenseMatrix(std::size_t rows, std::size_t cols, std::vector<float> data)
    : rows_(rows), cols_(cols), data_(std::move(data)) {
  if (data_.size() != rows_ * cols_) throw std::invalid_argument("DenseMatrix: data size does not match shape");
}

void DenseMatrix::accumulate(const SparseRow& row, float* scores) const {
  for (std::size_t j = 0; j < row.cols.size(); ++j) {
    const float* w = data_.data() + static_cast<std::size_t>(row.cols[j]) * cols_;
    const float v = row.vals[j];
    for (std::size_t k = 0; k < cols_; ++k) scores[k] += v * w[k];
  }
}

Int8Matrix::Int8Matrix(std::size_t rows, std::size_t cols, std::vector<std::int8_t> data, std::vector<float> scales)
    : rows_(rows), cols_(cols), data_(std::move(data)), scales_(std::move(scales)) {
  if (data_.size() != rows_ * cols_ || scales_.size() != rows_)
    throw std::invalid_argument("Int8Matrix: data size does not match shape");
}

std::unique_ptr<Int8Matrix> Int8Matrix::quantize(const Matrix& m) {
  std::size_t rows = m.rows(), cols = m.cols();
  std::vector<std::int8_t> data(rows * cols);
  std::vector<float> scales(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    float amax = 0.0f;
    for (std::size_t c = 0; c < cols; ++c) amax = std::max(amax, std::fabs(m.at(r, c)));
    float scale = amax > 0 ? amax / 127.0f : 1.0f;
    scales[r] = scale;
    for (std::size_t c = 0; c < cols; ++c)
      data[r * cols + c] = static_cast<std::int8_t>(std::lround(m.at(r, c) / scale));
  }
  return std::make_unique<Int8Matrix>(rows, cols, std::move(data), std::move(scales));
}

void Int8Matrix::accumulate(const SparseRow& row, float* scores) const {
  for (std::size_t j = 0; j < row.cols.size(); ++j) {
    std::size_t r = static_cast<std::size_t>(row.cols[j]);
    const std::int8_t* w = data_.data() + r * cols_;
    const float v = row.vals[j] * scales_[r];
    for (std::size_t k = 0; k < cols_; ++k) scores[k] += v * static_cast<float>(w[k]);
  }
}

}  // namespace rasid
