// ColumnMatrix (train/column_matrix.h): the solver's column-major matrix,
// checked against plain row-by-row arithmetic.
#include <catch2/catch.hpp>

#include <random>

#include "helpers.h"
#include "features/featurize.h"
#include "train/column_matrix.h"

using namespace rasid;
using rasid::test::random_matrix;

namespace {


std::vector<float> random_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

// s_i = x_i W row by row, columns ascending: the order ColumnMatrix promises.
std::vector<float> row_scores(const CsrMatrix& x, const std::vector<float>& w, std::size_t k) {
  std::vector<float> s(x.rows() * k, 0.0f);
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t t = x.ptr[i]; t < x.ptr[i + 1]; ++t)
      for (std::size_t c = 0; c < k; ++c) s[i * k + c] += x.val[t] * w[static_cast<std::size_t>(x.idx[t]) * k + c];
  return s;
}

// g_j = sum_i x_ij r_i, rows ascending.
std::vector<double> row_gradients(const CsrMatrix& x, const std::vector<double>& r, std::size_t k) {
  std::vector<double> g(x.n_cols * k, 0.0);
  for (std::size_t i = 0; i < x.rows(); ++i)
    for (std::size_t t = x.ptr[i]; t < x.ptr[i + 1]; ++t)
      for (std::size_t c = 0; c < k; ++c)
        g[static_cast<std::size_t>(x.idx[t]) * k + c] += static_cast<double>(x.val[t]) * r[i * k + c];
  return g;
}

// add_scores' padded rows, unpadded; the padding must stay 0.
std::vector<float> column_scores(const ColumnMatrix& m, const std::vector<float>& w, std::size_t k) {
  const std::size_t stride = ColumnMatrix::row_stride(k);
  REQUIRE(stride >= k);
  std::vector<float> padded(m.rows() * stride, 0.0f), s(m.rows() * k);
  for (std::size_t part = 0; part < m.parts(); ++part) m.add_scores(part, w.data(), k, padded.data());
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t c = 0; c < stride; ++c) {
      if (c < k) s[i * k + c] = padded[i * stride + c];
      else CHECK(padded[i * stride + c] == 0.0f);
    }
  return s;
}

// r (rows x k) padded to add_gradients' rows, with zeros.
std::vector<double> column_gradients(const ColumnMatrix& m, const std::vector<double>& r, std::size_t k) {
  const std::size_t stride = ColumnMatrix::row_stride(k);
  std::vector<double> padded(m.rows() * stride, 0.0);
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t c = 0; c < k; ++c) padded[i * stride + c] = r[i * k + c];
  std::vector<double> g(m.cols() * k, 0.0);
  m.add_gradients(0, m.cols() / 3, padded.data(), k, g.data());  // in two column ranges, as threads split it
  m.add_gradients(m.cols() / 3, m.cols(), padded.data(), k, g.data());
  return g;
}

}  // namespace

TEST_CASE("column matrix: scores and gradients equal row-by-row sums exactly", "[column_matrix]") {
  for (std::size_t rows : {1u, 5u, 120u})
    for (std::size_t k : {2u, 3u, 4u, 5u, 8u, 11u})  // every score stride; 11: the run-time class count path
      for (std::size_t parts : {1u, 2u, 3u, 8u})  // 8 parts of 5 rows: some parts are empty
        for (bool row_copy : {false, true}) {  // scores walk columns, or rows where rows_pay
          INFO("rows " << rows << ", classes " << k << ", parts " << parts << ", row copy " << row_copy);
          const CsrMatrix x = random_matrix(rows, 40, rows + k);
          // As many threads as parts: each part's rows are laid out by its own thread.
          const ColumnMatrix m(x, parts, static_cast<int>(parts), row_copy);
          CHECK(m.has_row_copy() == row_copy);
          CHECK(ColumnMatrix::rows_pay(40, k) == (k <= 8));
          CHECK(m.rows() == rows);
          CHECK(m.cols() == 40);
          CHECK(m.nnz() == x.nnz());
          CHECK(m.parts() <= parts);
          CHECK(m.part_begin_row(0) == 0);
          CHECK(m.part_end_row(m.parts() - 1) == rows);
          const std::vector<float> w = random_values(40 * k, 7);
          std::vector<double> r(rows * k);
          for (std::size_t i = 0; i < r.size(); ++i) r[i] = 0.1 * static_cast<double>(i % 13) - 0.6;
          CHECK(column_scores(m, w, k) == row_scores(x, w, k));
          CHECK(column_gradients(m, r, k) == row_gradients(x, r, k));
        }
}

TEST_CASE("column matrix: first_row is the first document with the column", "[column_matrix]") {
  const CsrMatrix x = random_matrix(30, 25, 3);
  const ColumnMatrix m(x, 2);
  for (std::size_t j = 0; j < 25; ++j) {
    std::size_t first = 30;
    for (std::size_t i = 0; i < 30 && first == 30; ++i)
      for (std::size_t t = x.ptr[i]; t < x.ptr[i + 1]; ++t)
        if (static_cast<std::size_t>(x.idx[t]) == j) first = i;
    CHECK(m.first_row(j) == first);
  }
}

TEST_CASE("column matrix: built from documents equals the matrix of their rows", "[column_matrix]") {
  const std::vector<std::string> texts = {
      "استهدف هجوم بطائرة مسيرة قاعدة عين الأسد غرب العراق",
      "الحكومة العراقية تبحث مع واشنطن إنهاء مهمة التحالف",
      "فصائل المقاومة تعلن هدنة وتعليق العمليات ضد القوات الأمريكية",
      "هجوم صاروخي على قاعدة حرير في أربيل",
      "",
      "واشنطن تعلن سحب جزء من قواتها من العراق خلال عام",
      "قاعدة عين الأسد تتعرض لهجوم جديد"};
  FeatureConfig config;
  config.bucket_bits = 16;
  config.min_df = 2;
  for (int threads : {1, 2, 3}) {
    INFO("threads " << threads);
    std::vector<DocFeatures> docs = extract_all(texts, {}, config, threads);
    Vocabulary vocab = Vocabulary::fit(docs, config);  // indexed
    REQUIRE(vocab.size() > 5);
    std::vector<DocFeatures> copy = docs;
    const CsrMatrix x = to_matrix(std::move(copy), vocab, true, threads);
    const ColumnMatrix m = ColumnMatrix::from_documents(std::move(docs), vocab, true, 2, threads);
    CHECK(docs.empty());  // consumed
    CHECK(m.rows() == texts.size());
    CHECK(m.nnz() == x.nnz());
    const std::size_t k = 3;
    const std::vector<float> w = random_values(vocab.size() * k, 11);
    std::vector<double> r(texts.size() * k, 0.25);
    CHECK(column_scores(m, w, k) == row_scores(x, w, k));
    CHECK(column_gradients(m, r, k) == row_gradients(x, r, k));
    // With the row-major copy (built from the column-major entries).
    std::vector<DocFeatures> again = extract_all(texts, {}, config, threads);
    const ColumnMatrix with_rows = ColumnMatrix::from_documents(std::move(again), vocab, true, 2, threads, true);
    CHECK(with_rows.has_row_copy());
    CHECK(column_scores(with_rows, w, k) == row_scores(x, w, k));
    CHECK(column_gradients(with_rows, r, k) == row_gradients(x, r, k));
  }
}
