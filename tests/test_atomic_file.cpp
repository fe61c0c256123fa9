#include <catch2/catch.hpp>

#include <dirent.h>

#include "common/atomic_file.h"
#include "common/error.h"
#include "helpers.h"

using namespace rasid;

namespace {
int entries(const std::string& dir) {
  int n = 0;
  DIR* d = ::opendir(dir.c_str());
  while (dirent* e = ::readdir(d))
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
  ::closedir(d);
  return n;
}
}  // namespace

TEST_CASE("an atomic file appears only on commit", "[atomic_file]") {
  test::TempDir dir;
  std::string path = dir.file("out.txt");
  {
    AtomicFile f(path);
    f.write("hello ");
    f.write("world");
    CHECK(test::read_file(path).empty());
    f.commit();
  }
  CHECK(test::read_file(path) == "hello world");
  CHECK(entries(dir.path) == 1);
}

TEST_CASE("an abandoned atomic file leaves the old content and no temporary", "[atomic_file]") {
  test::TempDir dir;
  std::string path = dir.file("out.txt");
  test::write_file(path, "old");
  {
    AtomicFile f(path);
    f.write("partial");
  }
  CHECK(test::read_file(path) == "old");
  CHECK(entries(dir.path) == 1);
}

TEST_CASE("a missing directory is an IoError at open", "[atomic_file]") {
  test::TempDir dir;
  CHECK_THROWS_AS(AtomicFile(dir.file("no/such/dir/x")), IoError);
}
