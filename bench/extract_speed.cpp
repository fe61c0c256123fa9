// Feature extraction throughput on one core, stage by stage, for
// bench/run.py:  rasid_extract_speed MODEL DATA.jsonl
// Reads the documents (text, and claim for a pair model, under the field
// names the model was trained with), then times single-threaded passes
// over all of them: normalisation alone; extraction into hashed buckets
// (what training does); extraction into the model's columns (what
// prediction does). Prints one JSON object; MB are UTF-8 bytes of the
// text (+ claim) fields, 10^6 bytes.
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "common/huge_pages.h"
#include "features/extractor.h"
#include "features/normalizer.h"
#include "io/record_reader.h"
#include "models/model_file.h"

namespace {

std::string info(const rasid::Model& m, const std::string& key, const std::string& fallback) {
  for (const auto& [k, v] : m.info)
    if (k == key) return v;
  return fallback;
}

template <class Fn>
double seconds(Fn&& fn) {
  const auto t = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  rasid::restart_with_huge_pages(argv);  // as rasid itself runs
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL DATA.jsonl\n", argv[0]);
    return 2;
  }
  try {
    const rasid::Model model = rasid::load_model(argv[1]);
    const std::string text_field = info(model, "text_field", "text");
    const std::string claim_field = model.features.pair ? info(model, "claim_field", "claim") : "";
    std::vector<std::string> texts, claims;
    rasid::RecordReader reader(argv[2], rasid::Format::Jsonl, text_field);
    rasid::Record rec;
    std::string error;
    double bytes = 0;
    for (rasid::RecordReader::Status st; (st = reader.next(rec, error)) != rasid::RecordReader::Status::End;) {
      const std::string* text = st == rasid::RecordReader::Status::Ok ? rec.get(text_field) : nullptr;
      const std::string* claim = claim_field.empty() ? nullptr : rec.get(claim_field);
      if (!text || (!claim_field.empty() && !claim)) continue;
      texts.push_back(*text);
      claims.push_back(claim ? *claim : std::string());
      bytes += static_cast<double>(text->size() + (claim ? claim->size() : 0));
    }
    const rasid::Normalizer& norm = rasid::Normalizer::get(model.features.normalizer);
    std::string out;
    const double normalise_s = seconds([&] {
      for (std::size_t i = 0; i < texts.size(); ++i) {
        out.clear();
        norm.normalize(texts[i], out);
        norm.normalize(claims[i], out);
      }
    });
    rasid::DocFeatures doc;
    rasid::FeatureExtractor buckets(model.features);
    const double train_s = seconds([&] {
      for (std::size_t i = 0; i < texts.size(); ++i) buckets.extract(texts[i], claims[i], doc);
    });
    rasid::FeatureExtractor columns(model.features);
    columns.use_vocabulary(&model.vocabulary);
    const double predict_s = seconds([&] {
      for (std::size_t i = 0; i < texts.size(); ++i) columns.extract(texts[i], claims[i], doc);
    });
    const double mb = bytes / 1e6;
    std::printf("{\"docs\": %zu, \"mb\": %.4f, \"normalise_mb_per_s\": %.3f, \"extract_train_mb_per_s\": %.3f, "
                "\"extract_predict_mb_per_s\": %.3f}\n",
                texts.size(), mb, mb / normalise_s, mb / train_s, mb / predict_s);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rasid_extract_speed: %s\n", e.what());
    return 1;
  }
}
