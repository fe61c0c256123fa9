#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace rasid {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  std::string tmpl = path_ + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw IoError("cannot write '" + path_ + "': " + std::strerror(errno));
  ::fchmod(fd, 0644);
  temp_path_ = tmpl;
  file_ = ::fdopen(fd, "wb");
  if (!file_) {
    int e = errno;
    ::close(fd);
    ::unlink(temp_path_.c_str());
    throw IoError("cannot write '" + path_ + "': " + std::strerror(e));
  }
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::fail(const char* what) {
  int e = errno;
  if (file_) std::fclose(file_);
  file_ = nullptr;
  ::unlink(temp_path_.c_str());
  temp_path_.clear();
  throw IoError(std::string("cannot ") + what + " '" + path_ + "': " + std::strerror(e));
}

void AtomicFile::write(std::string_view data) {
  if (!file_) throw IoError("write to a closed file '" + path_ + "'");
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size()) fail("write");
}

void AtomicFile::commit() {
  if (!file_) throw IoError("commit of a closed file '" + path_ + "'");
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) fail("write");
  if (std::fclose(file_) != 0) {
    file_ = nullptr;
    fail("write");
  }
  file_ = nullptr;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) fail("rename into");
  committed_ = true;
}

void write_file_atomically(const std::string& path, std::string_view data) {
  AtomicFile f(path);
  f.write(data);
  f.commit();
}

}  // namespace rasid
