// Output files that appear whole or not at all: data goes to a temporary
// file next to the target, which is flushed and renamed over it on commit().
// Dropping an uncommitted AtomicFile removes the temporary file.
#pragma once
#include <cstdio>
#include <string>
#include <string_view>

namespace rasid {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws IoError when the directory is not writable
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);  // throws IoError (e.g. disk full)
  void commit();                      // throws IoError
  // For writers that stream through stdio; check their errors yourself.
  std::FILE* stream() { return file_; }

 private:
  void fail(const char* what);
  std::string path_, temp_path_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// Convenience: the whole content at once.
void write_file_atomically(const std::string& path, std::string_view data);

}  // namespace rasid
