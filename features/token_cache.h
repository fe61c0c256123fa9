// Memo of per-token feature ids. News text repeats its words, so each
// distinct token is split into n-grams, hashed and looked up once, not at
// every occurrence. Open addressing over flat arrays keeps a hit to one or
// two cache lines; the memo is cleared when full, so memory stays bounded.
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
    std::uint32_t begin, end;  // the token's ids in ids()
    std::uint64_t word_hash;   // hash of the whole token as a word
  };

  explicit TokenCache(int slots_log2 = 17) { reset(slots_log2); }

  // The entry of `token` (whose hash is `key`), or nullptr.
  const Entry* find(std::string_view token, std::uint64_t key) const {
    for (std::size_t s = key & mask_;; s = (s + 1) & mask_) {
      const std::uint32_t e = slot_entry_[s];
      if (e == 0) return nullptr;
      if (slot_key_[s] == key && same_token(e - 1, token)) return &entries_[e - 1];
    }
  }

  // Adds `token`; its ids are those appended to ids() since begin_insert().
  // Clears everything first when the memo is full.
  void begin_insert() {
    if ((entries_.size() + 1) * 2 > slot_entry_.size() || ids_.size() > kMaxIds) clear();
    pending_begin_ = static_cast<std::uint32_t>(ids_.size());
  }
  std::vector<std::uint32_t>& ids() { return ids_; }
  const std::vector<std::uint32_t>& ids() const { return ids_; }
  const Entry& end_insert(std::string_view token, std::uint64_t key, std::uint64_t word_hash) {
    std::size_t s = key & mask_;
    while (slot_entry_[s] != 0) s = (s + 1) & mask_;
    entries_.push_back({pending_begin_, static_cast<std::uint32_t>(ids_.size()), word_hash});
    key_offsets_.push_back(static_cast<std::uint32_t>(keys_.size()));
    keys_.append(token);
    slot_entry_[s] = static_cast<std::uint32_t>(entries_.size());
    slot_key_[s] = key;
    return entries_.back();
  }

  void clear() {
    std::fill(slot_entry_.begin(), slot_entry_.end(), 0u);
    entries_.clear();
    key_offsets_.clear();
    keys_.clear();
    ids_.clear();
  }

 private:
  static constexpr std::size_t kMaxIds = std::size_t{1} << 22;

  void reset(int slots_log2) {
    slot_entry_.assign(std::size_t{1} << slots_log2, 0u);
    slot_key_.assign(slot_entry_.size(), 0u);
    mask_ = slot_entry_.size() - 1;
  }
  bool same_token(std::uint32_t e, std::string_view token) const {
    const std::size_t begin = key_offsets_[e];
    const std::size_t end = e + 1 < key_offsets_.size() ? key_offsets_[e + 1] : keys_.size();
    return end - begin == token.size() && std::memcmp(keys_.data() + begin, token.data(), token.size()) == 0;
  }

  std::vector<std::uint32_t> slot_entry_;  // entry index + 1; 0 = empty
  std::vector<std::uint64_t> slot_key_;
  std::size_t mask_ = 0;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> key_offsets_;  // start of each token in keys_
  std::string keys_;
  std::vector<std::uint32_t> ids_;
  std::uint32_t pending_begin_ = 0;
};

}  // namespace rasid
