// A std::vector whose resize() leaves new elements of trivial types
// uninitialised instead of zeroing them.
//
// Why: the first write to a fresh page is what costs on the machines rasid
// runs on (the kernel zeroes it, in a trap). A large array that is about
// to be written in full by several threads would otherwise be zeroed
// first, page by page, by the one thread that sized it; left
// uninitialised, each page is first touched by the thread that fills it.
// Only for arrays whose every element is written before it is read.
#pragma once
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace rasid {

template <class T>
struct NoInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() = default;
  template <class U>
  NoInitAllocator(const NoInitAllocator<U>&) noexcept {}
  // Value-initialisation (what resize() asks for) becomes default-
  // initialisation: nothing for trivial types.
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <class T>
using UninitVector = std::vector<T, NoInitAllocator<T>>;

}  // namespace rasid
