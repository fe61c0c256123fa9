// Memo of per-token feature ids. News text repeats its words, so each
// distinct token is split into n-grams, hashed and looked up once, not at
// every occurrence. Open addressing over flat arrays keeps a hit to one or
// two cache lines; the owner clears the memo when full(), so memory stays
// bounded.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace rasid {

class TokenCache {
 public:
  struct Entry {
    std::uint32_t begin, end;  // the token's character n-gram ids in ids()
    std::uint64_t word_hash;   // hash of the whole token as a word
    std::int32_t word_id;      // feature id of the token as a word, or -1
    // Occurrences in the document being extracted, so that its n-grams are
    // counted once per distinct token; the extractor resets it to 0.
    std::uint32_t occurrences;
    std::uint32_t text_begin, text_size;  // the token itself, in texts_
  };

  explicit TokenCache(int slots_log2 = 17) { reset(slots_log2); }

  static constexpr std::uint32_t kNone = ~0u;

  // Index of the entry of `token` (whose hash is `key`), or kNone.
  std::uint32_t find(std::string_view token, std::uint64_t key) const {
    for (std::size_t s = key & mask_;; s = (s + 1) & mask_) {
      const Slot& slot = slots_[s];
      if (slot.entry == 0) return kNone;
      if (slot.key == key && same_token(entries_[slot.entry - 1], token)) return slot.entry - 1;
    }
  }
  // Starts loading the slot where find(…, key) begins, for a caller that
  // knows its next tokens ahead.
  void prefetch_slot(std::uint64_t key) const { __builtin_prefetch(&slots_[key & mask_]); }
  // Starts loading the entry of the token in the slot where find(…, key)
  // begins, once that slot has loaded: the second step of looking ahead.
  void prefetch_entry(std::uint64_t key) const {
    const Slot& slot = slots_[key & mask_];
    if (slot.entry != 0) __builtin_prefetch(&entries_[slot.entry - 1]);
  }
  // Then the token's text, which find() compares, once the entry has loaded.
  void prefetch_text(std::uint64_t key) const {
    const Slot& slot = slots_[key & mask_];
    if (slot.entry != 0) __builtin_prefetch(texts_.data() + entries_[slot.entry - 1].text_begin);
  }
  Entry& entry(std::uint32_t index) { return entries_[index]; }

  // Whether the next insertion needs a clear() first. The owner clears, as
  // entry indices it still holds become invalid.
  bool full() const { return (entries_.size() + 1) * 2 > slots_.size() || ids_.size() > kMaxIds; }

  // Adds `token`; its ids are those appended to ids() since begin_insert().
  // Returns the new entry's index.
  void begin_insert() { pending_begin_ = static_cast<std::uint32_t>(ids_.size()); }
  std::vector<std::uint32_t>& ids() { return ids_; }
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  // Starts loading an entry's ids (a token's usually span one or two cache
  // lines), for a reader that will need them soon.
  void prefetch_ids(const Entry& e) const {
    if (e.begin == e.end) return;
    __builtin_prefetch(ids_.data() + e.begin);
    __builtin_prefetch(ids_.data() + e.end - 1);
  }
  std::uint32_t end_insert(std::string_view token, std::uint64_t key, std::uint64_t word_hash, std::int32_t word_id) {
    std::size_t s = key & mask_;
    while (slots_[s].entry != 0) s = (s + 1) & mask_;
    entries_.push_back({pending_begin_, static_cast<std::uint32_t>(ids_.size()), word_hash, word_id, 0,
                        static_cast<std::uint32_t>(texts_.size()), static_cast<std::uint32_t>(token.size())});
    texts_.append(token);
    slots_[s] = {key, static_cast<std::uint32_t>(entries_.size())};
    return static_cast<std::uint32_t>(entries_.size() - 1);
  }

  void clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    entries_.clear();
    texts_.clear();
    ids_.clear();
  }

 private:
  static constexpr std::size_t kMaxIds = std::size_t{1} << 22;

  // A probe reads one slot: key and entry side by side.
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t entry = 0;  // entry index + 1; 0 = empty
  };

  void reset(int slots_log2) {
    slots_.assign(std::size_t{1} << slots_log2, Slot{});
    mask_ = slots_.size() - 1;
  }
  bool same_token(const Entry& e, std::string_view token) const {
    return e.text_size == token.size() && std::memcmp(texts_.data() + e.text_begin, token.data(), token.size()) == 0;
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<Entry> entries_;
  std::string texts_;  // the tokens, one after another
  std::vector<std::uint32_t> ids_;
  std::uint32_t pending_begin_ = 0;
};

}  // namespace rasid
