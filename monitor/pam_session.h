// The monitor's side of PAM: it starts the connection's lpsshd-pam helper on
// first need and drives it one request at a time. Every wait is bounded by a
// deadline (the rest of LoginGraceTime during authentication), and a helper
// that misses it is killed, so a stalled PAM module cannot freeze the
// monitor. Keyboard-interactive prompts are relayed to the client through
// the `ask` callback, which talks to the preauth child.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "monitor/auth_backend.h"
#include "monitor/monitor_core.h"
#include "monitor/protocol.h"
#include "pam/pam_protocol.h"
#include "proc/unique_fd.h"

namespace lpsshd::monitor {

struct PamOutcome {
  bool ok = false;
  std::string error;     // PAM's message for the step that failed
  std::string messages;  // PAM_TEXT_INFO/PAM_ERROR_MSG text nobody was asked about
};

class PamSession {
 public:
  using Ask = std::function<std::optional<std::vector<crypto::SecretBytes>>(
      const monproto::KbdintQuery&)>;

  PamSession(std::string service, std::string rhost)
      : service_(std::move(service)), rhost_(std::move(rhost)) {}
  ~PamSession() { kill(); }
  PamSession(const PamSession&) = delete;
  PamSession& operator=(const PamSession&) = delete;

  bool active() const { return pid_ > 0; }

  // Password or keyboard-interactive: pam_authenticate, then pam_acct_mgmt,
  // then, for keyboard-interactive with an expired password, pam_chauthtok.
  // When !req.may_succeed: pam_authenticate only, every answer replaced by
  // never_matching_password(), and a failure with no messages.
  PamOutcome authenticate(const PamRequest& req, const Ask& ask, int64_t deadline_ms);
  // Publickey: pam_acct_mgmt only.
  PamOutcome account(const PamRequest& req, int64_t deadline_ms);
  // After authentication: pam_open_session; env receives PAM's environment.
  bool open_session(std::vector<std::string>& env, int64_t deadline_ms);
  // Forks the postauth child in the helper (initgroups, pam_setcred, drop)
  // and opens a pidfd for it (see kill_user).
  pid_t spawn_user(const UserInfo& user, int max_sessions, const std::string& chroot, int client_fd,
                   int channel_fd,
                   int64_t deadline_ms);
  // SIGKILL for the user's postauth child, through its pidfd. The child is
  // the helper's, not ours, so its pid alone could name another process
  // once it has been reaped; a pidfd cannot. Safe to call more than once.
  void kill_user();
  // Ends the session as every way out of a connection must: the user's
  // child is killed, then pam_setcred(PAM_DELETE_CRED), pam_close_session
  // and pam_end run in the helper. A helper that does not answer by
  // deadline_ms is killed. Waits for the helper to exit.
  void close_session(int64_t deadline_ms);
  // Kills the user's child and the helper (no pam_close_session).
  void kill();

 private:
  using Converse = std::function<std::optional<std::vector<crypto::SecretBytes>>(
      const pamproto::Prompts&)>;
  bool ensure_started(const std::string& pam_user, int64_t deadline_ms);
  std::optional<pamproto::Result> run(const std::vector<uint8_t>& request,
                                      std::span<const int> fds, const Converse& conv,
                                      int64_t deadline_ms);
  Converse keyboard(const Ask& ask, bool may_succeed);

  std::string service_, rhost_;
  pid_t pid_ = -1;
  proc::UniqueFd channel_;
  proc::UniqueFd user_pidfd_;  // the postauth child the helper forked
  std::string pending_info_;  // PAM text shown with the next prompt (or as a banner)
  PamOutcome finish(bool ok, std::string error);
};

int64_t monotonic_ms();

}  // namespace lpsshd::monitor
