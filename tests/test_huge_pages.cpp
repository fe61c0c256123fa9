// The restart that asks glibc for huge pages (common/huge_pages): the
// tunable string it builds, and, through the real binary, that the running
// rasid has the tunable set (or keeps the user's choice) and still reads
// its stdin and answers as before.
#include <catch2/catch.hpp>

#include <iostream>

#include "common/huge_pages.h"
#include "cli_helpers.h"

using namespace rasid;
using namespace rasid::cli_test;

TEST_CASE("huge pages: the tunable is added, appended, or left to the user", "[huge_pages]") {
  CHECK(tunables_with_huge_pages(nullptr) == std::optional<std::string>("glibc.malloc.hugetlb=1"));
  CHECK(tunables_with_huge_pages("") == std::optional<std::string>("glibc.malloc.hugetlb=1"));
  CHECK(tunables_with_huge_pages("glibc.malloc.arena_max=2") ==
        std::optional<std::string>("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"));
  CHECK_FALSE(tunables_with_huge_pages("glibc.malloc.hugetlb=0").has_value());
  CHECK_FALSE(tunables_with_huge_pages("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2").has_value());
}

namespace {

// Runs `rasid infer` on the queries, fed through a pipe after a second,
// and prints the glibc.malloc tunables in the running process's
// environment (one per line, sorted) once they match `expect` (a grep
// pattern), or after 5 s whatever they are. Read from /proc/PID/environ:
// glibc may cut the variable at each ':' there, hence one per line.
Result infer_and_read_tunables(const TempDir& d, const std::string& env, const std::string& expect) {
  const std::string model = train_base_model(d);
  d.write("q.jsonl", queries_jsonl());
  const std::string tunables = d.p("tunables");
  return run_shell(d, "(sleep 1; cat " + q(d.p("q.jsonl")) + ") | " + env + " " + q(RASID_BINARY) + " infer -m " +
                          q(model) + " - > " + q(d.p("out.jsonl")) + " & pid=$!; sleep 0.3; "
                          "for i in $(seq 50); do tr '\\0' '\\n' < /proc/$pid/environ | "
                          "grep -o 'glibc\\.malloc\\.[a-z_]*=[0-9]*' | sort > " + q(tunables) + "; "
                          "grep -q " + q(expect) + " " + q(tunables) + " && break; sleep 0.1; done; "
                          "cat " + q(tunables) + "; wait $pid");
}

}  // namespace

TEST_CASE("huge pages: rasid restarts with the tunable set and still reads its stdin", "[huge_pages][cli]") {
  if (!huge_page_restart_supported()) {
    std::cout << "RASID_TEST_SKIPPED: no restart in this build (sanitizer allocator or not glibc)\n";
    return;
  }
  TempDir d;
  SECTION("unset: hugetlb=1 after the restart") {
    Result r = infer_and_read_tunables(d, "env -u GLIBC_TUNABLES", "hugetlb=1");
    require_ok(r);
    CHECK(r.out == "glibc.malloc.hugetlb=1\n");
  }
  SECTION("other tunables are kept") {
    Result r = infer_and_read_tunables(d, "env GLIBC_TUNABLES=glibc.malloc.arena_max=2", "hugetlb=1");
    require_ok(r);
    CHECK(r.out == "glibc.malloc.arena_max=2\nglibc.malloc.hugetlb=1\n");
  }
  SECTION("the user's hugetlb=0 is left alone") {
    Result r = infer_and_read_tunables(d, "env GLIBC_TUNABLES=glibc.malloc.hugetlb=0", "hugetlb=0");
    require_ok(r);
    CHECK(r.out == "glibc.malloc.hugetlb=0\n");  // read 0.3 s after the start: long after a restart
  }
  // Every query answered: nothing of stdin was lost across the restart.
  std::vector<std::string> lines = split_lines(read_bytes(d.p("out.jsonl")));
  REQUIRE(lines.size() == kQueries.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    Json rec = parse_json(lines[i]);
    CHECK(rec["stance"]["label"].str == kQueries[i].stance);
  }
}
