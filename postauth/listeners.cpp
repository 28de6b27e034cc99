#include "postauth/listeners.h"

namespace lpsshd::postauth {

Listeners::Id Listeners::add(proc::UniqueFd fd, OnReady on_ready) {
  const Id id = next_++;
  entries_[id] = Entry{std::move(fd), std::move(on_ready)};
  return id;
}

void Listeners::remove(Id id) { entries_.erase(id); }

void Listeners::fill_pollfds(std::vector<pollfd>& fds) {
  polled_.clear();
  for (auto& [id, e] : entries_) {
    polled_.emplace_back(id, fds.size());
    fds.push_back({e.fd.get(), POLLIN, 0});
  }
}

void Listeners::on_poll(const std::vector<pollfd>& fds) {
  for (const auto& [id, index] : polled_) {
    if (index >= fds.size() || (fds[index].revents & (POLLIN | POLLERR | POLLHUP)) == 0) continue;
    // A callback may remove listeners (its own included): look each up again.
    auto it = entries_.find(id);
    if (it == entries_.end()) continue;
    const OnReady cb = it->second.on_ready;
    cb(it->second.fd.get());
  }
}

}  // namespace lpsshd::postauth
