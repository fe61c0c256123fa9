#include "common/huge_pages.h"

#include <cstdlib>
#include <cstring>

#include <unistd.h>

namespace rasid {

namespace {

constexpr const char* kTunables = "GLIBC_TUNABLES";
constexpr const char* kHugeTlb = "glibc.malloc.hugetlb";

// AddressSanitizer replaces malloc: the tunable would do nothing.
#if defined(__SANITIZE_ADDRESS__)
#define RASID_OWN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RASID_OWN_ALLOCATOR 1
#endif
#endif

}  // namespace

std::optional<std::string> tunables_with_huge_pages(const char* current) {
  const std::string setting = std::string(kHugeTlb) + "=1";
  if (current == nullptr || *current == '\0') return setting;
  if (std::strstr(current, kHugeTlb) != nullptr) return std::nullopt;
  return std::string(current) + ":" + setting;
}

bool huge_page_restart_supported() {
#if defined(__linux__) && defined(__GLIBC__) && !defined(RASID_OWN_ALLOCATOR)
  return true;
#else
  return false;
#endif
}

void restart_with_huge_pages(char** argv) {
  if (!huge_page_restart_supported()) return;
  const char* current = std::getenv(kTunables);
  const std::optional<std::string> value = tunables_with_huge_pages(current);
  if (!value) return;
  const std::string before = current ? current : "";
  if (::setenv(kTunables, value->c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  // Still here: no /proc, or the binary is gone. Run as we are.
  if (current) ::setenv(kTunables, before.c_str(), 1);
  else ::unsetenv(kTunables);
}

}  // namespace rasid
