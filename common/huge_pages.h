// Backs the heap with transparent huge pages (2 MB) instead of 4 KB pages.
//
// Why: on the virtual machines rasid is measured on, the first touch of a
// fresh page is a trap into the hypervisor costing several microseconds,
// and rasid touches fresh memory in bulk (the 16 MB bucket tables, the
// training matrix, the solver's vectors). Measured on ans_stance: training
// took 0.59 s with 22,600 page faults on 4 KB pages and 0.43 s with 5,700
// on huge pages; a 20-document run 0.18 s -> 0.07 s; `infer` on ant_news
// dev 0.93 s -> 0.53 s; peak memory of ant_news training within run-to-run
// noise (1.34-1.39 GB either way).
//
// glibc does this when its tunable glibc.malloc.hugetlb=1 is set (it then
// madvises its heap and mmapped chunks), but reads tunables only at
// program start, so the binary restarts itself once with it set. Set
// GLIBC_TUNABLES=glibc.malloc.hugetlb=0 to keep 4 KB pages.
#pragma once
#include <optional>
#include <string>

namespace rasid {

// The GLIBC_TUNABLES value that adds hugetlb=1 to `current` (the variable's
// value, or null when unset), or nothing when `current` already says what
// hugetlb should be (the user's choice, or a restart already done).
std::optional<std::string> tunables_with_huge_pages(const char* current);

// Whether restart_with_huge_pages() can restart here: glibc on Linux, and
// not a sanitizer build (its own allocator ignores the tunable).
bool huge_page_restart_supported();

// Re-executes this program (/proc/self/exe, same arguments) with huge pages
// asked for, before anything else has run. Returns only when it did not
// restart: not supported here, already set, or the exec failed (the
// environment is then left as it was).
void restart_with_huge_pages(char** argv);

}  // namespace rasid
