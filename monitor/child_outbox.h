// What the monitor's loop has to send to its current child, sent without
// ever blocking: a child that stops reading fills its socket buffer, and a
// blocking send would stall the monitor (and with it signals, LoginGraceTime
// and the session's clean-up) for as long as the child likes. The loop
// sends when the channel is writable, does not read the child's next
// request while anything is queued, and ends the connection when the queue
// does not move by its deadline.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "proc/unique_fd.h"

namespace lpsshd::monitor {

// One datagram with the descriptors it carries (owned: they are closed
// once sent). The bytes are wiped when the message goes: replies may hold
// keys.
struct Outgoing {
  std::vector<uint8_t> bytes;
  std::vector<proc::UniqueFd> fds;

  Outgoing() = default;
  explicit Outgoing(std::vector<uint8_t> b, std::vector<proc::UniqueFd> f = {})
      : bytes(std::move(b)), fds(std::move(f)) {}
  Outgoing(Outgoing&&) noexcept = default;
  Outgoing& operator=(Outgoing&&) noexcept;
  ~Outgoing();
};

class ChildOutbox {
 public:
  enum class Flush { kEmpty, kBlocked, kError };

  void push(Outgoing m) { queue_.push_back(std::move(m)); }
  bool empty() const { return queue_.empty(); }
  // Sends queued messages in order until the queue is empty (kEmpty), the
  // channel is full (kBlocked) or a send fails (kError: the child is gone).
  // `progress` is set if at least one message went.
  Flush flush(int channel, bool& progress);
  // Drops (and wipes) everything queued.
  void clear() { queue_.clear(); }

 private:
  std::deque<Outgoing> queue_;
};

}  // namespace lpsshd::monitor
