// Writes the model seeds of fuzz/corpus/fuzz_model_loader: tiny models
// trained on a fixed corpus, each as a whole file (model-*.rasid) and as its
// bare payload (payload-*.bin, which the harness wraps in a valid header).
// Usage: make_seed_models OUTPUT_DIR. Deterministic; not part of the build.
#include <cstdio>
#include <fstream>
#include <string>

#include "models/model_file.h"
#include "train/trainer.h"

using namespace rasid;

namespace {

Corpus corpus(bool pairs) {
  const char* subjects[3][2] = {{"صاروخ", "قاعدة"}, {"مباراة", "هدف"}, {"نفط", "أسعار"}};
  const char* topics[3] = {"war", "sport", "economy"};
  const char* tones[2][2] = {{"ممتاز", "good"}, {"سيئ", "bad"}};
  Corpus c;
  c.source = "seed";
  c.labels.resize(2);
  for (int rep = 0; rep < 4; ++rep)
    for (int s = 0; s < 3; ++s)
      for (int t = 0; t < 2; ++t) {
        c.ids.push_back("d" + std::to_string(c.texts.size()));
        c.texts.push_back(std::string("خبر ") + subjects[s][rep % 2] + " " + tones[t][0]);
        if (pairs) c.claims.push_back(std::string("ادعاء ") + subjects[s][(rep + 1) % 2]);
        c.labels[0].push_back(topics[s]);
        c.labels[1].push_back(tones[t][1]);
        c.lines.push_back(c.texts.size());
      }
  return c;
}

void write(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
  if (!f) {
    std::fprintf(stderr, "cannot write %s\n", path.c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seed_models OUTPUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  struct Variant {
    const char* name;
    bool quantize, pairs;
    int char_max, word_ngrams;
  } variants[] = {{"dense", false, false, 3, 1}, {"int8", true, false, 3, 2}, {"pair", false, true, 0, 1}};
  for (const Variant& v : variants) {
    TrainOptions o;
    o.features.bucket_bits = 10;
    o.features.min_df = 2;
    o.features.char_min = 2;
    o.features.char_max = v.char_max;
    o.features.word_ngrams = v.word_ngrams;
    o.features.pair = v.pairs;
    o.features.normalizer.fold_hamza = v.pairs;
    o.max_iterations = 10;
    o.threads = 1;
    o.quantize = v.quantize;
    o.names_per_class = 4;
    FieldNames fields;
    fields.labels = {"topic", "tone"};
    if (v.pairs) fields.claim = "claim";
    std::string bytes = encode_model(train_model(corpus(v.pairs), nullptr, fields, o));
    write(dir + "/model-" + v.name + ".rasid", bytes);
    write(dir + "/payload-" + v.name + ".bin", bytes.substr(32));  // after the 32-byte header
    std::printf("%s: %zu bytes\n", v.name, bytes.size());
  }
  return 0;
}
