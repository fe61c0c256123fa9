// Weight storage of a linear head: rows are feature columns, columns are
// classes. An interface so that a compressed matrix can replace the dense
// one without touching the code that scores documents.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "features/sparse_row.h"

namespace rasid {

class Matrix {
 public:
  enum class Kind : std::uint8_t { Dense = 1, Int8 = 2 };
  virtual ~Matrix() = default;
  virtual Kind kind() const = 0;
  virtual std::size_t rows() const = 0;
  virtual std::size_t cols() const = 0;
  virtual float at(std::size_t row, std::size_t col) const = 0;
  // scores[k] += sum_j row.vals[j] * W(row.cols[j], k)
  virtual void accumulate(const SparseRow& row, float* scores) const = 0;
};

// Row-major float weights.
class DenseMatrix final : public Matrix {
 public:
  DenseMatrix(std::size_t rows, std::size_t cols, std::vector<float> data);
  Kind kind() const override { return Kind::Dense; }
  std::size_t rows() const override { return rows_; }
  std::size_t cols() const override { return cols_; }
  float at(std::size_t r, std::size_t c) const override { return data_[r * cols_ + c]; }
  void accumulate(const SparseRow& row, float* scores) const override;
  const std::vector<float>& data() const { return data_; }

 private:
  std::size_t rows_, cols_;
  std::vector<float> data_;
};

// 8-bit weights with one scale per row: four times smaller than dense, for
// models that must be small; rounding error is at most scale/2 per weight.
class Int8Matrix final : public Matrix {
 public:
  Int8Matrix(std::size_t rows, std::size_t cols, std::vector<std::int8_t> data, std::vector<float> scales);
  static std::unique_ptr<Int8Matrix> quantize(const Matrix& m);
  Kind kind() const override { return Kind::Int8; }
  std::size_t rows() const override { return rows_; }
  std::size_t cols() const override { return cols_; }
  float at(std::size_t r, std::size_t c) const override { return scales_[r] * data_[r * cols_ + c]; }
  void accumulate(const SparseRow& row, float* scores) const override;
  const std::vector<std::int8_t>& data() const { return data_; }
  const std::vector<float>& scales() const { return scales_; }

 private:
  std::size_t rows_, cols_;
  std::vector<std::int8_t> data_;
  std::vector<float> scales_;
};

}  // namespace rasid
