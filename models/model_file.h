// The on-disk model format: a fixed header (magic, format version, payload
// size, checksum) followed by a cereal portable-binary payload. Every length
// is checked against the bytes that remain before anything is allocated.
#pragma once
#include <cstdint>
#include <string>

#include "models/model.h"

namespace rasid {

constexpr std::uint32_t kModelFormatVersion = 1;
constexpr std::uint64_t kMaxModelBytes = std::uint64_t{8} << 30;  // 8 GiB

// Writes atomically: a temporary file in the same directory, flushed to
// disk, then renamed over `path`. Throws IoError; never leaves a partial file.
void save_model(const Model& model, const std::string& path);

// Throws ModelError for anything that is not an intact rasid model of a
// supported version, IoError when the file cannot be read.
Model load_model(const std::string& path);

// Serialised payload and its parsing, exposed for tests and fuzzing.
std::string encode_model(const Model& model);
Model decode_model(const std::string& file_bytes);

}  // namespace rasid
