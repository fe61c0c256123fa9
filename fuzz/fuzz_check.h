// Invariant checks for the fuzz harnesses. A violated invariant prints what
// failed and traps, which libFuzzer reports as a crash (and saves the input)
// and which makes a replay test fail.
#pragma once
#include <cstdio>

#define FUZZ_CHECK(cond)                                                                     \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      std::fflush(stderr);                                                                   \
      __builtin_trap();                                                                      \
    }                                                                                        \
  } while (0)
