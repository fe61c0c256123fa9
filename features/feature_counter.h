// Per-document term frequencies of feature ids, in order of first
// occurrence: the extractor's innermost loop, run for every n-gram id.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace rasid {

class FeatureCounter {
 public:
  FeatureCounter() { grow_storage(); }

  void start() { shift_ = 32 - kInitialLog2; }

  // Room for `more` new ids, made at once instead of by doubling step by
  // step.
  void reserve(std::size_t more) {
    std::size_t log2 = 32 - shift_;
    while ((size_ + more) * kSlotsPerId > (std::size_t{1} << log2)) ++log2;
    if (log2 != 32 - shift_) rehash(log2);
  }

  // Adds `weight` occurrences of `id`. Counts are whole numbers, so the
  // float values finish() gives equal summing one occurrence at a time.
  void add(std::uint32_t id, std::uint32_t weight) { add_all(&id, 1, weight); }

  // add() for each of ids[0, n), with the table's fields in registers: the
  // slot stores could alias them, so the compiler reloads them after every
  // add() call.
  void add_all(const std::uint32_t* ids, std::size_t n, std::uint32_t weight) {
    reserve(n);
    Slot* const slots = slots_.data();
    std::uint32_t* const slot_of_entry = slot_of_entry_.data();
    const std::uint32_t shift = shift_, mask = capacity() - 1;
    std::uint32_t size = size_;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t id = ids[i];
      std::uint32_t s = (id * kMul) >> shift;
      // No branch on whether the id is new: that is a coin toss per n-gram,
      // and mispredicting it costs more than the unconditional stores. The
      // probe's one condition, zero when the slot is empty or holds `id`
      // (compilers split `empty || holds id` into two branches), is
      // false only past another id.
      while (std::min(slots[s].count, slots[s].id ^ id) != 0) s = (s + 1) & mask;
      Slot& slot = slots[s];
      const bool is_new = slot.count == 0;
      slot.id = id;
      slot.count += weight;
      slot_of_entry[size] = s;
      size += is_new;
    }
    size_ = size;
  }

  // Appends the (id, count) pairs to `out` in order of first occurrence and
  // empties the counter for the next document.
  void finish(std::vector<std::pair<std::uint32_t, float>>& out) {
    out.reserve(out.size() + size_);
    for (std::uint32_t e = 0; e < size_; ++e) {
      Slot& slot = slots_[slot_of_entry_[e]];
      out.emplace_back(slot.id, static_cast<float>(slot.count));
      slot = {};
    }
    size_ = 0;
  }

 private:
  struct Slot {
    std::uint32_t id = 0;
    std::uint32_t count = 0;  // 0: empty
  };
  static constexpr std::uint32_t kMul = 0x9E3779B1u;
  // A quarter full at most: probes passing another id, the one branch left
  // to mispredict, are rarer than at half full, which measured faster
  // despite the larger table.
  static constexpr std::size_t kSlotsPerId = 4;
  // Each document starts with a small table: one sized for the largest
  // document so far would spread a short one over many cache lines.
  static constexpr std::uint32_t kInitialLog2 = 10;

  std::uint32_t capacity() const { return std::uint32_t{1} << (32 - shift_); }
  void grow_storage() {
    if (slots_.size() < capacity()) slots_.resize(capacity());
    if (slot_of_entry_.size() < capacity() / kSlotsPerId) slot_of_entry_.resize(capacity() / kSlotsPerId);
  }
  // Every slot not holding one of the document's entries is empty, so only
  // those are moved, however large the table once grew.
  void rehash(std::size_t capacity_log2) {
    moved_.resize(size_);
    for (std::uint32_t e = 0; e < size_; ++e) {
      moved_[e] = slots_[slot_of_entry_[e]];
      slots_[slot_of_entry_[e]] = {};
    }
    shift_ = 32 - static_cast<std::uint32_t>(capacity_log2);
    grow_storage();
    const std::uint32_t mask = capacity() - 1;
    for (std::uint32_t e = 0; e < size_; ++e) {
      std::uint32_t s = (moved_[e].id * kMul) >> shift_;
      while (slots_[s].count != 0) s = (s + 1) & mask;
      slots_[s] = moved_[e];
      slot_of_entry_[e] = s;
    }
  }

  std::uint32_t shift_ = 32 - kInitialLog2;
  std::uint32_t size_ = 0;  // distinct ids of the document so far
  std::vector<Slot> slots_;  // open addressing; a probe reads one array
  std::vector<std::uint32_t> slot_of_entry_;
  std::vector<Slot> moved_;  // rehash() scratch
};

}  // namespace rasid
