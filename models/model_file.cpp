#include "models/model_file.h"

#include <xxhash.h>

#include <cereal/archives/portable_binary.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"

namespace rasid {

namespace {

constexpr char kMagic[8] = {'R', 'A', 'S', 'I', 'D', 'M', 'D', 'L'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 4 + 8 + 8;

void put_le(std::string& out, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
std::uint64_t get_le(const std::string& in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

// Writer: sizes as uint64, then contents.
struct Out {
  cereal::PortableBinaryOutputArchive& ar;
  template <class T>
  void vec(const std::vector<T>& v) {
    ar(static_cast<std::uint64_t>(v.size()));
    if (!v.empty()) ar(cereal::binary_data(v.data(), v.size() * sizeof(T)));
  }
  void str(const std::string& s) {
    ar(static_cast<std::uint64_t>(s.size()));
    if (!s.empty()) ar(cereal::binary_data(s.data(), s.size()));
  }
};

// Reader: every length is checked against the bytes left in the payload
// before anything is allocated, so a hostile or damaged file cannot make
// rasid reserve memory it does not need.
struct In {
  cereal::PortableBinaryInputArchive& ar;
  std::uint64_t remaining;
  void take(std::uint64_t n) {
    if (n > remaining) throw ModelError("model file is corrupt: a length points past the end of the payload");
    remaining -= n;
  }
  template <class T>
  void value(T& x) {
    take(sizeof(T));
    ar(x);
  }
  // A bool is written as one byte; reading any byte other than 0 or 1
  // straight into a bool would be undefined behaviour, so check it first.
  void flag(bool& b) {
    std::uint8_t v;
    value(v);
    if (v > 1) throw ModelError("model file is corrupt: a flag is neither 0 nor 1");
    b = v != 0;
  }
  std::uint64_t count(std::uint64_t element_bytes) {
    std::uint64_t n;
    value(n);
    if (element_bytes && n > remaining / element_bytes)
      throw ModelError("model file is corrupt: a length points past the end of the payload");
    return n;
  }
  template <class T>
  void vec(std::vector<T>& v) {
    std::uint64_t n = count(sizeof(T));
    take(n * sizeof(T));
    v.resize(n);
    if (n) ar(cereal::binary_data(v.data(), n * sizeof(T)));
  }
  void str(std::string& s) {
    std::uint64_t n = count(1);
    take(n);
    s.resize(n);
    if (n) ar(cereal::binary_data(s.data(), n));
  }
};

void write_payload(const Model& m, Out& o) {
  const FeatureConfig& f = m.features;
  o.ar(f.normalizer.fold_teh_marbuta, f.normalizer.fold_hamza, f.char_min, f.char_max, f.word_ngrams,
       f.bucket_bits, f.min_df, f.sublinear_tf, f.pair);
  o.vec(m.vocabulary.buckets());
  o.vec(m.vocabulary.idf());
  o.ar(static_cast<std::uint64_t>(m.heads.size()));
  for (const Head& h : m.heads) {
    o.str(h.field);
    o.ar(static_cast<std::uint64_t>(h.labels.size()));
    for (const std::string& l : h.labels) o.str(l);
    o.ar(static_cast<std::uint8_t>(h.weights->kind()), static_cast<std::uint64_t>(h.weights->rows()),
         static_cast<std::uint64_t>(h.weights->cols()));
    if (auto* d = dynamic_cast<const DenseMatrix*>(h.weights.get())) {
      o.vec(d->data());
    } else if (auto* q = dynamic_cast<const Int8Matrix*>(h.weights.get())) {
      o.vec(q->data());
      o.vec(q->scales());
    }
    o.vec(h.bias);
    o.ar(h.temperature);
  }
  o.ar(static_cast<std::uint64_t>(m.feature_names.size()));
  for (const auto& [col, name] : m.feature_names) {
    o.ar(col);
    o.str(name);
  }
  o.ar(static_cast<std::uint64_t>(m.info.size()));
  for (const auto& [k, v] : m.info) {
    o.str(k);
    o.str(v);
  }
}

void require(bool ok, const char* what) {
  if (!ok) throw ModelError(std::string("model file is corrupt: ") + what);
}

Model read_payload(In& in) {
  Model m;
  FeatureConfig& f = m.features;
  in.flag(f.normalizer.fold_teh_marbuta);
  in.flag(f.normalizer.fold_hamza);
  in.value(f.char_min);
  in.value(f.char_max);
  in.value(f.word_ngrams);
  in.value(f.bucket_bits);
  in.value(f.min_df);
  in.flag(f.sublinear_tf);
  in.flag(f.pair);
  try {
    f.validate();
  } catch (const InputError&) {
    require(false, "invalid feature settings");
  }
  std::vector<std::uint32_t> buckets;
  std::vector<float> idf;
  in.vec(buckets);
  in.vec(idf);
  require(buckets.size() == idf.size(), "vocabulary and idf sizes differ");
  for (std::uint32_t b : buckets) require(b <= f.bucket_mask(), "vocabulary bucket outside the hashing space");
  m.vocabulary = Vocabulary::from_parts(std::move(buckets), std::move(idf));
  try {
    m.vocabulary.index(f.bucket_bits);  // also refuses a bucket listed twice
  } catch (const ModelError& e) {
    require(false, e.what());
  }
  const std::size_t rows = m.vocabulary.size();

  std::uint64_t n_heads = in.count(16);
  for (std::uint64_t i = 0; i < n_heads; ++i) {
    Head h;
    in.str(h.field);
    std::uint64_t n_labels = in.count(8);
    require(n_labels >= 1, "a head without labels");
    h.labels.resize(n_labels);
    for (auto& l : h.labels) in.str(l);
    std::uint8_t kind;
    std::uint64_t r, c;
    in.value(kind);
    in.value(r);
    in.value(c);
    require(r == rows && c == n_labels, "weight matrix shape does not match the vocabulary and labels");
    if (kind == static_cast<std::uint8_t>(Matrix::Kind::Dense)) {
      std::vector<float> data;
      in.vec(data);
      require(data.size() == r * c, "weight matrix size");
      h.weights = std::make_unique<DenseMatrix>(r, c, std::move(data));
    } else if (kind == static_cast<std::uint8_t>(Matrix::Kind::Int8)) {
      std::vector<std::int8_t> data;
      std::vector<float> scales;
      in.vec(data);
      in.vec(scales);
      require(data.size() == r * c && scales.size() == r, "weight matrix size");
      h.weights = std::make_unique<Int8Matrix>(r, c, std::move(data), std::move(scales));
    } else {
      require(false, "unknown weight matrix kind");
    }
    in.vec(h.bias);
    require(h.bias.size() == n_labels, "bias size");
    in.value(h.temperature);
    require(h.temperature > 0.0f && h.temperature < 1e6f, "temperature");
    m.heads.push_back(std::move(h));
  }
  std::uint64_t n_names = in.count(12);
  m.feature_names.resize(n_names);
  for (auto& [col, name] : m.feature_names) {
    in.value(col);
    require(col >= 0 && static_cast<std::size_t>(col) < rows, "feature name column");
    in.str(name);
  }
  std::uint64_t n_info = in.count(16);
  m.info.resize(n_info);
  for (auto& [k, v] : m.info) {
    in.str(k);
    in.str(v);
  }
  require(in.remaining == 0, "trailing bytes after the payload");
  return m;
}

}  // namespace

std::string encode_model(const Model& model) {
  std::ostringstream payload_stream(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive ar(payload_stream);
    Out o{ar};
    write_payload(model, o);
  }
  std::string payload = payload_stream.str();
  std::string out;
  out.reserve(kHeaderBytes + payload.size());
  out.append(kMagic, sizeof kMagic);
  put_le(out, kModelFormatVersion, 4);
  put_le(out, 0, 4);
  put_le(out, payload.size(), 8);
  put_le(out, XXH3_64bits(payload.data(), payload.size()), 8);
  out += payload;
  return out;
}

Model decode_model(const std::string& bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw ModelError("not a rasid model file (wrong magic bytes)");
  if (bytes.size() < kHeaderBytes) throw ModelError("model file is truncated (incomplete header)");
  std::uint64_t version = get_le(bytes, 8, 4);
  if (version > kModelFormatVersion)
    throw ModelError("model format version " + std::to_string(version) + " is newer than this rasid supports (" +
                     std::to_string(kModelFormatVersion) + "); upgrade rasid to read it");
  if (version == 0) throw ModelError("model file is corrupt: format version 0");
  if (get_le(bytes, 12, 4) != 0) throw ModelError("model file is corrupt: unknown header flags");
  std::uint64_t size = get_le(bytes, 16, 8);
  std::uint64_t checksum = get_le(bytes, 24, 8);
  if (size > kMaxModelBytes) throw ModelError("model file is corrupt: payload size exceeds the limit");
  std::uint64_t have = bytes.size() - kHeaderBytes;
  if (have < size)
    throw ModelError("model file is truncated (" + std::to_string(have) + " of " + std::to_string(size) +
                     " payload bytes)");
  if (have > size) throw ModelError("model file is corrupt: unexpected bytes after the payload");
  if (XXH3_64bits(bytes.data() + kHeaderBytes, size) != checksum)
    throw ModelError("model file is corrupt: checksum mismatch");
  std::istringstream stream(bytes.substr(kHeaderBytes), std::ios::binary);
  try {
    cereal::PortableBinaryInputArchive ar(stream);
    In in{ar, size - 1};  // the archive's own first byte records endianness
    return read_payload(in);
  } catch (const cereal::Exception& e) {
    throw ModelError(std::string("model file is corrupt: ") + e.what());
  }
}

void save_model(const Model& model, const std::string& path) { write_file_atomically(path, encode_model(model)); }

Model load_model(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError("cannot open model '" + path + "': " + std::strerror(errno));
  f.seekg(0, std::ios::end);
  std::streamoff len = f.tellg();
  if (len < 0) throw IoError("cannot read model '" + path + "'");
  if (static_cast<std::uint64_t>(len) > kMaxModelBytes + kHeaderBytes)
    throw ModelError("'" + path + "' is too large to be a rasid model");
  f.seekg(0);
  std::string bytes(static_cast<std::size_t>(len), '\0');
  if (len > 0 && !f.read(bytes.data(), len)) throw IoError("cannot read model '" + path + "'");
  try {
    return decode_model(bytes);
  } catch (const ModelError& e) {
    throw ModelError("'" + path + "': " + e.what());
  }
}

}  // namespace rasid
