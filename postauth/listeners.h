// Listening sockets the event loop polls for the user's connection: the
// remote forwards (ssh -R) and the agent socket. Kind-agnostic: each
// listener is a descriptor and what to do when it is readable, so neither
// the channel core nor the main loop knows what forwarding is.
#pragma once

#include <poll.h>

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "proc/unique_fd.h"

namespace lpsshd::postauth {

class Listeners {
 public:
  // Called with the listening descriptor when it is readable (accept()).
  using OnReady = std::function<void(int listen_fd)>;
  using Id = uint64_t;

  Id add(proc::UniqueFd fd, OnReady on_ready);
  // Closes the listener; its callback is not called again.
  void remove(Id id);
  size_t size() const { return entries_.size(); }

  void fill_pollfds(std::vector<pollfd>& fds);
  void on_poll(const std::vector<pollfd>& fds);

 private:
  struct Entry {
    proc::UniqueFd fd;
    OnReady on_ready;
  };
  std::map<Id, Entry> entries_;
  std::vector<std::pair<Id, size_t>> polled_;  // listener, index in the poll vector
  Id next_ = 1;
};

}  // namespace lpsshd::postauth
