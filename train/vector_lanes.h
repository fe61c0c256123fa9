// Short fixed-size vectors (GCC/Clang vector extension) for the solver's
// kernels: operations on them are lane by lane the same IEEE multiply and
// add as scalar code, so vectorised sums stay bit for bit those of a
// scalar loop; the compiler maps them to SSE registers.
#pragma once
#include <cstring>

namespace rasid {

using Float2 = float __attribute__((vector_size(8)));
using Float4 = float __attribute__((vector_size(16)));
using Float8 = float __attribute__((vector_size(32)));
using Double2 = double __attribute__((vector_size(16)));

// Unaligned load and store of a whole vector of lanes from / to p.
template <class Lanes, class T>
Lanes load_lanes(const T* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class Lanes, class T>
void store_lanes(T* p, Lanes v) {
  std::memcpy(p, &v, sizeof v);
}

}  // namespace rasid
