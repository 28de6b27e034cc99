#include "monitor/pam_driver.h"

#include <poll.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "proc/fd_passing.h"

namespace lpsshd::monitor {

namespace {

class PamDriver {
 public:
  PamDriver(MonitorCore& core, Child from, int channel, int64_t deadline_ms)
      : core_(core), from_(from), channel_(channel), deadline_ms_(deadline_ms) {}

  // Relays PAM's question to the client through the preauth child and waits,
  // until the grace deadline, for exactly one answer message.
  std::optional<std::vector<crypto::SecretBytes>> ask_client(const monproto::KbdintQuery& q) {
    if (!send_by_deadline(core_.kbdint_query(q))) return std::nullopt;
    pollfd p{channel_, POLLIN, 0};
    const int64_t left = deadline_ms_ - monotonic_ms();
    if (left <= 0 || poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX))) <= 0)
      return std::nullopt;
    std::vector<uint8_t> msg;
    std::vector<proc::UniqueFd> fds;
    std::string why;
    if (proc::recv_datagram(channel_, monproto::kMaxMessage, msg, fds, why) !=
        proc::RecvStatus::kOk) {
      pending_violation_ = why.empty() ? "" : why;
      return std::nullopt;
    }
    auto out = core_.handle(from_, msg, fds.size());
    sodium_memzero(msg.data(), msg.size());
    if (out.kind != Outcome::Kind::kPamAnswers) {
      pending_violation_ = out.kind == Outcome::Kind::kViolation ? out.reason : "unexpected message";
      return std::nullopt;
    }
    return std::move(out.answers);
  }

  // Set while relaying a PAM conversation: the child broke the protocol.
  const std::string& pending_violation() const { return pending_violation_; }

 private:
  // A child that stopped reading its replies cannot stall the monitor
  // beyond the deadline.
  bool send_by_deadline(const std::vector<uint8_t>& m) {
    while (true) {
      switch (proc::try_send_datagram(channel_, m)) {
        case proc::SendStatus::kSent: return true;
        case proc::SendStatus::kError: return false;
        case proc::SendStatus::kWouldBlock: break;
      }
      pollfd p{channel_, POLLOUT, 0};
      const int64_t left = deadline_ms_ - monotonic_ms();
      if (left <= 0 || poll(&p, 1, static_cast<int>(std::min<int64_t>(left, INT32_MAX))) < 0)
        return false;
    }
  }

  MonitorCore& core_;
  Child from_;
  int channel_;
  int64_t deadline_ms_;
  std::string pending_violation_;
};

}  // namespace

// Password, keyboard-interactive, or publickey account checks through PAM.
Outcome run_pam_request(PamSession& pam, MonitorCore& core, Child from, int channel,
                        const Outcome& request, int64_t deadline_ms, int64_t& reply_due_ms) {
  const int64_t started = monotonic_ms();
  PamDriver driver(core, from, channel, deadline_ms);
  PamOutcome r;
  if (request.kind == Outcome::Kind::kPamAccount) {
    r = pam.account(*request.pam, deadline_ms);
  } else {
    r = pam.authenticate(*request.pam,
                         [&driver](const monproto::KbdintQuery& q) { return driver.ask_client(q); },
                         deadline_ms);
  }
  if (!driver.pending_violation().empty())
    return Outcome::make(Outcome::Kind::kViolation, {}, driver.pending_violation());
  auto reply = core.pam_finished(r.ok, r.error, r.messages);
  const bool failed = reply.kind != Outcome::Kind::kReply || core.phase() != Phase::kHandover;
  reply_due_ms = failed ? started + kPamFailureDelayMs : 0;
  return reply;
}

}  // namespace lpsshd::monitor
