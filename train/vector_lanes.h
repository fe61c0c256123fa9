// Short fixed-size vectors (GCC/Clang vector extension) for the solver's
// kernels: operations on them are lane by lane the same IEEE multiply and
// add as scalar code, so vectorised sums stay bit for bit those of a
// scalar loop; the compiler maps them to SSE registers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace rasid {

using Float2 = float __attribute__((vector_size(8)));
using Float4 = float __attribute__((vector_size(16)));
using Float8 = float __attribute__((vector_size(32)));
using Double2 = double __attribute__((vector_size(16)));
// Bit masks of the float vectors' width.
using Int2 = std::int32_t __attribute__((vector_size(8)));
using Int4 = std::int32_t __attribute__((vector_size(16)));
using Int8 = std::int32_t __attribute__((vector_size(32)));

// The float vector, and its bit mask, of S = 2, 4 or 8 lanes.
template <std::size_t S>
using FloatLanes = std::conditional_t<S == 2, Float2, std::conditional_t<S == 4, Float4, Float8>>;
template <std::size_t S>
using IntLanes = std::conditional_t<S == 2, Int2, std::conditional_t<S == 4, Int4, Int8>>;

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

// The first K lanes from p, the others 0. Reads the whole vector's width
// from p, so the caller must own that many floats there.
template <class Lanes, std::size_t K>
Lanes load_first_lanes(const float* p) {
  constexpr std::size_t S = sizeof(Lanes) / sizeof(float);
  static_assert(K >= 1 && K <= S);
  Lanes v = load_lanes<Lanes>(p);
  if constexpr (K < S) {
    IntLanes<S> keep;
    for (std::size_t c = 0; c < S; ++c) keep[c] = c < K ? -1 : 0;
    IntLanes<S> b;
    std::memcpy(&b, &v, sizeof v);
    b &= keep;
    std::memcpy(&v, &b, sizeof v);
  }
  return v;
}

}  // namespace rasid
