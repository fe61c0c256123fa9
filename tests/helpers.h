// Shared helpers for the unit tests: temporary directories and tiny corpora.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "features/csr_matrix.h"
#include "train/corpus.h"

namespace rasid::test {

// A fresh directory under /tmp, removed with its contents on destruction.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/rasid_test_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string file(const std::string& name) const { return path + "/" + name; }
};

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A random sparse matrix with columns ascending in each row; every 7th row
// (i % 7 == 3) is empty. Deterministic for a seed.
inline CsrMatrix random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> value(0.05f, 1.0f);
  CsrMatrix x;
  x.n_cols = cols;
  for (std::size_t i = 0; i < rows; ++i) {
    for (std::size_t j = 0; j < cols; ++j)
      if (i % 7 != 3 && rng() % 4 == 0) {
        x.idx.push_back(static_cast<std::int32_t>(j));
        x.val.push_back(value(rng));
      }
    x.ptr.push_back(x.idx.size());
  }
  return x;
}

// A small two-field corpus where words decide the labels: "topic" from the
// subject words, "tone" from the adjective. Deterministic.
inline Corpus tiny_corpus(int copies = 6) {
  const char* subjects[3][2] = {{"صاروخ", "قاعدة"}, {"مباراة", "هدف"}, {"نفط", "اسعار"}};
  const char* topics[3] = {"war", "sport", "economy"};
  const char* tones[2][2] = {{"ممتاز", "good"}, {"سيئ", "bad"}};
  Corpus c;
  c.source = "tiny";
  c.labels.resize(2);
  int n = 0;
  for (int rep = 0; rep < copies; ++rep)
    for (int s = 0; s < 3; ++s)
      for (int t = 0; t < 2; ++t) {
        std::string text = std::string("خبر ") + subjects[s][rep % 2] + " " + tones[t][0] + " رقم " + std::to_string(rep);
        c.ids.push_back("d" + std::to_string(n));
        c.texts.push_back(text);
        c.labels[0].push_back(topics[s]);
        c.labels[1].push_back(tones[t][1]);
        c.lines.push_back(static_cast<std::size_t>(++n));
      }
  return c;
}

inline FieldNames tiny_fields() {
  FieldNames f;
  f.labels = {"topic", "tone"};
  return f;
}

}  // namespace rasid::test
