// Fuzz target: the model file reader. decode_model must return a model or
// throw ModelError; any other exception, crash or sanitizer finding is a bug.
//
// Two modes, chosen by the input itself:
//  - the input is decoded as a whole file (this exercises the header checks;
//    mutations of the valid model files in the seed corpus mostly stop at
//    the checksum);
//  - an input that does not start with the magic bytes is also taken as a
//    payload, and the harness wraps it in a correct header (magic, version 1,
//    flags 0, payload size, XXH3-64 checksum) so that every mutation reaches
//    the payload deserializer and its bounds checks.
// A model that decodes must survive a round trip (encode → decode → encode
// is a fixed point) and must be usable: the predictor runs every head, with
// explanations, on a few documents.
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "common/error.h"
#include "fuzz_check.h"
#include "infer/predictor.h"
#include "models/model_file.h"

using namespace rasid;

namespace {

constexpr char kMagic[8] = {'R', 'A', 'S', 'I', 'D', 'M', 'D', 'L'};

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

std::string wrap_payload(const std::string& payload) {
  std::string out(kMagic, sizeof kMagic);
  put_le(out, kModelFormatVersion, 4);
  put_le(out, 0, 4);
  put_le(out, payload.size(), 8);
  put_le(out, XXH3_64bits(payload.data(), payload.size()), 8);
  return out + payload;
}

void exercise(const Model& m) {
  std::string encoded = encode_model(m);
  Model back = decode_model(encoded);  // a written model always reads back
  FUZZ_CHECK(encode_model(back) == encoded);

  for (const Head& h : m.heads) {
    FUZZ_CHECK(!h.labels.empty());
    FUZZ_CHECK(h.weights && h.weights->rows() == m.vocabulary.size() && h.weights->cols() == h.labels.size());
    FUZZ_CHECK(h.bias.size() == h.labels.size());
  }
  for (const auto& [col, name] : m.feature_names) {
    FUZZ_CHECK(col >= 0 && static_cast<std::size_t>(col) < m.vocabulary.size());
    (void)m.feature_name(col);  // lookup must stay in bounds whatever the order
  }

  Predictor predictor(m);
  Prediction out;
  const char* docs[] = {"", "أصيب ثلاثة عمال بجروح جراء سقوط صاروخ على موقع البرجسية",
                        "مباراة هدف ممتاز رقم 3", "oil prices rose"};
  for (const char* d : docs) {
    predictor.predict(d, "سقوط صاروخ", out, 3);
    FUZZ_CHECK(out.probs.size() == m.heads.size());
    FUZZ_CHECK(out.explanations.size() == m.heads.size());
    for (std::size_t h = 0; h < m.heads.size(); ++h) {
      FUZZ_CHECK(out.probs[h].size() == m.heads[h].labels.size());
      int best = out.best(h);
      FUZZ_CHECK(best >= 0 && static_cast<std::size_t>(best) < m.heads[h].labels.size());
      FUZZ_CHECK(out.explanations[h].size() <= 3);
    }
  }
}

void decode_one(const std::string& bytes) {
  Model m;
  try {
    m = decode_model(bytes);
  } catch (const ModelError&) {
    return;  // refused cleanly
  }
  exercise(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  decode_one(bytes);
  if (size < sizeof kMagic || std::memcmp(data, kMagic, sizeof kMagic) != 0) decode_one(wrap_payload(bytes));
  return 0;
}
