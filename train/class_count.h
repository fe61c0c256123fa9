// Compile-time class counts for the per-non-zero loops over classes.
#pragma once
#include <cstddef>
#include <type_traits>

namespace rasid {

// Calls fn(std::integral_constant<std::size_t, K>{}) with K = k for the
// small class counts most tasks have, so the loops over classes are
// unrolled and vectorised; K = 0 stands for "k, at run time".
template <class Fn>
void with_class_count(std::size_t k, Fn&& fn) {
  switch (k) {
    case 2: return fn(std::integral_constant<std::size_t, 2>{});
    case 3: return fn(std::integral_constant<std::size_t, 3>{});
    case 4: return fn(std::integral_constant<std::size_t, 4>{});
    case 5: return fn(std::integral_constant<std::size_t, 5>{});
    case 6: return fn(std::integral_constant<std::size_t, 6>{});
    case 7: return fn(std::integral_constant<std::size_t, 7>{});
    case 8: return fn(std::integral_constant<std::size_t, 8>{});
    default: return fn(std::integral_constant<std::size_t, 0>{});
  }
}

}  // namespace rasid
