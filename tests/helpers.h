// Shared helpers for the unit tests: temporary directories and tiny corpora.
#pragma once
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

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
