// The monitor's decisions, without system calls: it takes one datagram from
// a child, checks it against the state table, parses it, and says what to do
// (reply, start the postauth child, or treat the child as hostile). Every
// grant of authentication is made here, from the monitor's own checks.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/public_key.h"
#include "monitor/auth_backend.h"
#include "monitor/grant.h"
#include "monitor/kex_server.h"
#include "transport/algorithms.h"
#include "monitor/protocol.h"
#include "monitor/state_table.h"
#include "transport/algorithms.h"

namespace lpsshd::monitor {

enum class RootLogin { kYes, kProhibitPassword, kForcedCommandsOnly, kNo };

// transport::default_algorithms(kind) as owned strings: Settings' defaults.
inline std::vector<std::string> default_algorithm_list(transport::AlgorithmKind kind) {
  const auto names = transport::default_algorithms(kind);
  return {names.begin(), names.end()};
}

struct Settings {
  int max_auth_tries = 6;
  bool pubkey_authentication = true;
  bool password_authentication = false;  // through PAM only
  bool kbd_interactive_authentication = false;  // through PAM only
  bool use_pam = false;
  bool permit_empty_passwords = false;
  RootLogin permit_root_login = RootLogin::kProhibitPassword;
  GrantPolicy grant_policy;           // sshd_config's side of every login's grant
  bool rekey_after_auth = true;       // RekeyAfterAuth: new keys before any channel
  bool compression = true;            // Compression yes|delayed (zlib@openssh.com) or no
  uint64_t rekey_limit_bytes = 0;     // RekeyLimit as configured (0: the cipher's default)
  monproto::SessionSettings session;  // handed to the postauth child (user and grant filled in)
  // sshd_config's algorithm lists, resolved (config/algorithm_list.h): only
  // names of transport/algorithms.h, never empty, in preference order.
  std::vector<std::string> ciphers = default_algorithm_list(transport::AlgorithmKind::kCipher);
  std::vector<std::string> macs = default_algorithm_list(transport::AlgorithmKind::kMac);
  std::vector<std::string> kex_algorithms = default_algorithm_list(transport::AlgorithmKind::kKex);
  std::vector<std::string> host_key_algorithms =
      default_algorithm_list(transport::AlgorithmKind::kHostKey);
  // PubkeyAcceptedAlgorithms: the signature algorithms a user key may sign
  // with; also sent as server-sig-algs (Hello).
  std::vector<std::string> pubkey_accepted_algorithms =
      default_algorithm_list(transport::AlgorithmKind::kPubkey);
  std::vector<std::string> ca_signature_algorithms =
      default_algorithm_list(transport::AlgorithmKind::kCaSignature);
  uint32_t required_rsa_size = 2048;  // RequiredRSASize: smaller RSA user keys are refused
  bool require_pq_kex = false;        // RequirePQKex
  // PubkeyAuthOptions: FIDO keys always need a touch / always need user
  // verification, whatever their authorized_keys line says.
  bool pubkey_touch_required = false;
  bool pubkey_verify_required = false;
};

// The key-exchange part of the settings, as KexServer takes it.
KexPolicy kex_policy(const Settings& settings);

struct Peer {
  std::string address;  // numeric
  uint16_t port = 0;
};

enum class PamMethod { kPassword, kKbdint, kPubkey };

// What PAM must do for an auth request. For users who may not succeed
// (unknown, denied, root with a password) the same work is done under a
// placeholder user or with a password that cannot match, and the monitor
// refuses at the end whatever PAM said.
struct PamRequest {
  PamMethod method = PamMethod::kPassword;
  std::string pam_user;
  crypto::SecretBytes password;
  // Password and keyboard-interactive only: false when the policy refuses
  // this user the method whatever PAM says. PAM then gets only answers that
  // cannot match and runs pam_authenticate alone: never pam_acct_mgmt or
  // pam_chauthtok, whose words would tell a right password from a wrong one.
  bool may_succeed = false;
};

// A password no keyboard sends (control bytes), given to PAM in place of
// every answer of a user who may not succeed.
crypto::SecretBytes never_matching_password();

// Placeholder for pam_start when the user does not exist or is not allowed.
inline constexpr const char* kPamPlaceholderUser = "NOUSER";

struct Outcome {
  enum class Kind {
    kReply,           // send reply to the child that asked
    kStartPostauth,   // handover accepted: start the user's child
    kEndAfterReply,   // send reply, then the connection ends (e.g. too many failures)
    kViolation,       // hostile or broken child: audit, kill, close
    kAllocatePty,     // allocate a PTY and send PtyReply with its fds
    kReleasePty,      // `reason` names the tty to release (if it is ours)
    kPamAuthenticate, // run PAM for `pam` (password or keyboard-interactive)
    kPamAccount,      // publickey verified: run PAM account checks for `pam`
    kPamAnswers,      // the client's keyboard-interactive answers, in `answers`
    kNothing,         // handled; no reply (a log line)
  };
  Kind kind = Kind::kReply;
  std::vector<uint8_t> reply;
  std::vector<uint8_t> followup;  // a second message to send after reply
  std::string reason;  // for kViolation and kEndAfterReply; the tty for kReleasePty
  std::optional<PamRequest> pam;
  std::vector<crypto::SecretBytes> answers;

  static Outcome make(Kind k, std::vector<uint8_t> reply = {}, std::string reason = {}) {
    Outcome o;
    o.kind = k;
    o.reply = std::move(reply);
    o.reason = std::move(reason);
    return o;
  }
};

class MonitorCore {
 public:
  MonitorCore(const Settings& settings, const crypto::HostKeys& host_keys, AuthBackend& backend,
              Peer peer);

  // The first message to the preauth child.
  std::vector<uint8_t> hello();

  // One datagram from `from`, with the number of descriptors it carried.
  Outcome handle(Child from, std::span<const uint8_t> msg, size_t fd_count);

  Phase phase() const { return phase_; }
  int failures() const { return failures_; }
  // "message NAME (n) in phase P: " for audit lines about `type`.
  std::string where(uint8_t type) const;
  // The connection is ending (a violation found outside the core): nothing
  // more is accepted.
  void close() { enter(Phase::kClosed); }
  // The monitor's monotonic clock, for what is counted per second (log
  // lines); the core reads no clock itself.
  void set_clock(int64_t now_ms) { now_ms_ = now_ms; }
  // PAM's environment for the session (from pam_open_session).
  void set_pam_env(std::vector<std::string> env) { settings_.session.pam_env = std::move(env); }
  // Valid once the phase is kPostauthStart or later.
  const UserInfo& user() const { return *user_info_; }
  // What this login may do; valid once authentication succeeded.
  const monproto::Grant& grant() const { return grant_; }
  // The state the postauth child starts from: keys from the monitor's own
  // record of the key exchange, counters and bytes from the handover.
  monproto::TransportState transport_state() const;
  // Called when the postauth process exists (moves to kPostauthStart).
  void postauth_started() { enter(Phase::kPostauthStart); }

  // PAM asks the client something: the KbdintQuery to send to the preauth
  // child, which may then answer exactly once (phase kAuthPrompt).
  std::vector<uint8_t> kbdint_query(const monproto::KbdintQuery& q);
  // PAM is done with the request from kPamAuthenticate/kPamAccount. pam_ok:
  // every PAM step returned PAM_SUCCESS. The grant is still the monitor's:
  // it also requires a real, allowed user and a method the user may use.
  // pam_messages: what PAM said for the user (account expired, password
  // expiry warnings), shown to the client as a banner.
  Outcome pam_finished(bool pam_ok, const std::string& pam_error,
                       const std::string& pam_messages = "");
  // True while a PAM request is in progress (kAuthPam / kAuthPrompt).
  bool pam_pending() const { return phase_ == Phase::kAuthPam || phase_ == Phase::kAuthPrompt; }

 private:
  void enter(Phase p);
  Outcome violation(std::string reason);
  Outcome on_kexinit(std::span<const uint8_t> msg);
  Outcome on_ecdh(std::span<const uint8_t> msg);
  Outcome on_auth_none(std::span<const uint8_t> msg);
  Outcome on_auth_pubkey(std::span<const uint8_t> msg);
  Outcome on_handover(std::span<const uint8_t> msg);
  Outcome on_postauth_ready(std::span<const uint8_t> msg);
  Outcome on_kex_start(std::span<const uint8_t> msg);
  uint64_t rekey_bytes() const;
  Outcome on_auth_password(std::span<const uint8_t> msg);
  Outcome on_auth_kbdint(std::span<const uint8_t> msg);
  Outcome on_kbdint_answers(std::span<const uint8_t> msg);
  bool may_use_password_methods() const;
  std::string methods() const;
  Outcome accept(const char* method, const std::string& detail, const std::string& banner = "");
  Outcome on_pty_request(std::span<const uint8_t> msg);
  Outcome on_pty_release(std::span<const uint8_t> msg);
  Outcome on_log(std::span<const uint8_t> msg);
  // Binds the user name on the first request; false if it changed.
  bool bind_user(const std::string& name);
  bool user_may_use_publickey() const;
  // PermitRootLogin forced-commands-only: root only with a key that forces
  // a command. Logs the refusal as sshd does.
  bool root_key_allowed(const authkeys::KeyOptions& key) const;
  Outcome auth_failure(bool counts, const std::string& banner = "");
  void log_key_exchange() const;
  void log_failed_publickey(const std::string& detail) const;
  // False when a publickey request's algorithm or key is refused before any
  // lookup (unknown or not accepted algorithm, key that does not parse or
  // does not fit the algorithm, RSA below RequiredRSASize), logged as sshd
  // does. The same for every user, so it tells nothing about accounts.
  bool pubkey_acceptable(const monproto::AuthPubkeyRequest& req,
                         const std::optional<crypto::PublicKey>& key) const;
  // FIDO keys: user presence unless no-touch-required, user verification
  // when verify-required. Logs a refusal as sshd does.
  bool sk_flags_acceptable(const crypto::PublicKey& key, const authkeys::KeyOptions& options,
                           uint8_t flags, const std::string& key_log) const;

 public:
  // "USER" or "invalid user USER" (escaped) once a user is bound, else "".
  std::string user_for_log() const;
  // The name the first auth request bound, as the client sent it.
  const std::optional<std::string>& bound_user() const { return user_; }

 private:

  Settings settings_;
  AuthBackend& backend_;
  Peer peer_;
  KexServer kex_;
  Phase phase_ = Phase::kKexInit;
  uint16_t counts_[static_cast<size_t>(monproto::kLastChildType) + 1] = {};
  int64_t now_ms_ = 0, log_second_ = -1;
  std::optional<std::string> user_;           // bound by the first auth request
  std::optional<UserInfo> user_info_;         // nullopt: no such user
  bool allowed_ = false;                      // AllowUsers/DenyUsers/... and nologin
  PamMethod pam_method_ = PamMethod::kPassword;
  std::string pending_key_detail_;            // ": TYPE SHA256:..." awaiting PAM account checks
  std::optional<authkeys::KeyOptions> key_options_;  // of the verified key's line
  monproto::Grant grant_;                     // what the login may do (from accept())
  // The state table's decides_auth column, made true: accept() refuses
  // unless the request being handled (or the PAM request it started) is
  // from a row marked to decide authentication.
  bool may_grant_ = false;
  bool pam_may_grant_ = false;
  int failures_ = 0;
  int pty_requests_ = 0;  // per connection, across rekeys
  int auth_requests_ = 0;
  monproto::HandoverRequest handover_;
};

}  // namespace lpsshd::monitor
