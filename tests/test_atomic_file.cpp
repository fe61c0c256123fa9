#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

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

TEST_CASE("a process killed in the middle of a write leaves the old content", "[atomic_file]") {
  test::TempDir dir;
  std::string path = dir.file("model.rasid");
  test::write_file(path, "old model");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // no cleanup can run: SIGKILL, as from the OOM killer or kill -9
    AtomicFile f(path);
    f.write(std::string(1 << 20, 'x'));
    std::fflush(f.stream());
    std::raise(SIGKILL);
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  CHECK(test::read_file(path) == "old model");
  // The killed writer's temporary file is left next to it (nothing can
  // remove it), but never under the target's name.
  CHECK(entries(dir.path) == 2);
}

TEST_CASE("a missing directory is an IoError at open", "[atomic_file]") {
  test::TempDir dir;
  CHECK_THROWS_AS(AtomicFile(dir.file("no/such/dir/x")), IoError);
}
