#include "monitor/child_outbox.h"

#include <sodium.h>

#include "proc/fd_passing.h"

namespace lpsshd::monitor {

Outgoing& Outgoing::operator=(Outgoing&& o) noexcept {
  if (this != &o) {
    sodium_memzero(bytes.data(), bytes.size());
    bytes = std::move(o.bytes);
    fds = std::move(o.fds);
  }
  return *this;
}

Outgoing::~Outgoing() { sodium_memzero(bytes.data(), bytes.size()); }

ChildOutbox::Flush ChildOutbox::flush(int channel, bool& progress) {
  progress = false;
  while (!queue_.empty()) {
    const Outgoing& m = queue_.front();
    std::vector<int> fds;
    for (const auto& fd : m.fds) fds.push_back(fd.get());
    switch (proc::try_send_datagram(channel, m.bytes, fds)) {
      case proc::SendStatus::kSent: break;
      case proc::SendStatus::kWouldBlock: return Flush::kBlocked;
      case proc::SendStatus::kError: return Flush::kError;
    }
    queue_.pop_front();
    progress = true;
  }
  return Flush::kEmpty;
}

}  // namespace lpsshd::monitor
