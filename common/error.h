// Error types shared by every stage. Each carries a message that is shown to
// the user as is, so it must say what went wrong and where.
#pragma once
#include <stdexcept>
#include <string>

namespace rasid {

// Bad user input: a malformed data row, an unknown option value, a missing field.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A model file that cannot be trusted: wrong magic, newer version, corrupt, truncated.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The operating system refused: unreadable or unwritable paths, full disks.
struct IoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace rasid
