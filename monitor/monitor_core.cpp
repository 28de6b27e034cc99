#include "monitor/monitor_core.h"

#include "monitor/user_tokens.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/fingerprint.h"
#include "crypto/sk_signature.h"
#include "log/escape.h"
#include "log/log.h"
#include "transport/algorithms.h"
#include "transport/rekey_policy.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

namespace lpsshd::monitor {

namespace {
constexpr const char* kPublickey = "publickey";
}

crypto::SecretBytes never_matching_password() {
  static constexpr uint8_t kNever[] = {'\b', '\n', '\r', 0x7f, 'l', 'p', 's', 's', 'h', 'd', 0x7f};
  return crypto::SecretBytes(std::span<const uint8_t>(kNever, sizeof kNever));
}

KexPolicy kex_policy(const Settings& settings) {
  return KexPolicy{settings.kex_algorithms, settings.host_key_algorithms, settings.ciphers,
                   settings.macs,           settings.compression,         settings.require_pq_kex};
}

MonitorCore::MonitorCore(const Settings& settings, const crypto::HostKeys& host_keys,
                         AuthBackend& backend, Peer peer)
    : settings_(settings), backend_(backend), peer_(std::move(peer)),
      kex_(host_keys, kex_policy(settings)) {}

// The version line and the server's KEXINIT, both sent before a byte of
// the client's is read, and server-sig-algs for EXT_INFO.
std::vector<uint8_t> MonitorCore::hello() {
  monproto::Hello h{kex_.server_version(), kex_.start_exchange().server_kexinit, {}};
  for (const auto& name : settings_.pubkey_accepted_algorithms) {
    if (!h.server_sig_algs.empty()) h.server_sig_algs += ',';
    h.server_sig_algs += name;
  }
  return monproto::encode(h);
}

void MonitorCore::enter(Phase p) {
  phase_ = p;
  std::fill(std::begin(counts_), std::end(counts_), 0);
}

Outcome MonitorCore::violation(std::string reason) {
  enter(Phase::kClosed);
  return Outcome::make(Outcome::Kind::kViolation, {}, std::move(reason));
}

std::string MonitorCore::where(uint8_t type) const {
  return std::string("message ") + monproto::type_name(type) + " (" + std::to_string(type) +
         ") in phase " + phase_name(phase_) + ": ";
}

Outcome MonitorCore::handle(Child from, std::span<const uint8_t> msg, size_t fd_count) {
  const uint8_t type = msg.empty() ? 0 : msg[0];
  const std::string where = this->where(type);
  if (phase_ == Phase::kClosed) return violation(where + "the connection is closing; nothing more is accepted");
  if (child_of(phase_) != from) return violation(where + "not from the child of this phase");
  const Permission* perm = find_permission(phase_, type);
  if (perm == nullptr) return violation(where + "not allowed");
  if (type == static_cast<uint8_t>(monproto::Type::kLog) && now_ms_ / 1000 != log_second_) {
    counts_[type] = 0;  // counted per second (state_table.h)
    log_second_ = now_ms_ / 1000;
  }
  if (counts_[type] >= perm->max_per_phase) return violation(where + "allowed count exceeded");
  ++counts_[type];
  if (fd_count != 0) return violation(where + "unexpected descriptors");

  Outcome out;
  may_grant_ = perm->decides_auth;
  switch (static_cast<monproto::Type>(type)) {
    case monproto::Type::kKexInit: out = on_kexinit(msg); break;
    case monproto::Type::kKexEcdh: out = on_ecdh(msg); break;
    case monproto::Type::kAuthNone: out = on_auth_none(msg); break;
    case monproto::Type::kAuthPubkey: out = on_auth_pubkey(msg); break;
    case monproto::Type::kHandover: out = on_handover(msg); break;
    case monproto::Type::kPostauthReady: out = on_postauth_ready(msg); break;
    case monproto::Type::kAuthPassword: out = on_auth_password(msg); break;
    case monproto::Type::kAuthKbdint: out = on_auth_kbdint(msg); break;
    case monproto::Type::kKbdintAnswers: out = on_kbdint_answers(msg); break;
    case monproto::Type::kPtyRequest: out = on_pty_request(msg); break;
    case monproto::Type::kPtyRelease: out = on_pty_release(msg); break;
    case monproto::Type::kKexStart: out = on_kex_start(msg); break;
    case monproto::Type::kLog: out = on_log(msg); break;
    default: return violation(where + "no handler");
  }
  // A PAM request started by a deciding row may decide when it finishes.
  if (out.kind == Outcome::Kind::kPamAuthenticate || out.kind == Outcome::Kind::kPamAccount)
    pam_may_grant_ = may_grant_;
  may_grant_ = false;
  if (out.kind == Outcome::Kind::kViolation) out.reason = where + out.reason;
  return out;
}

Outcome MonitorCore::on_kexinit(std::span<const uint8_t> msg) {
  monproto::KexInitRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  const bool first = phase_ == Phase::kKexInit;
  if (first != !req.client_version.empty())
    return violation("client version present only in the first exchange");
  if (first && !req.client_version.starts_with("SSH-2.0-") &&
      !req.client_version.starts_with("SSH-1.99-"))
    return violation("bad client version");
  auto reply = kex_.on_kexinit(req, first);
  if (!reply.ok) {
    log::error("Unable to negotiate with %s port %u: %s", peer_.address.c_str(), peer_.port,
               reply.reason.c_str());
    enter(Phase::kClosed);
    return Outcome::make(Outcome::Kind::kEndAfterReply, monproto::encode(reply), reply.reason);
  }
  enter(first ? Phase::kKexEcdh : Phase::kPostKexEcdh);
  return Outcome::make(Outcome::Kind::kReply, monproto::encode(reply));
}

Outcome MonitorCore::on_ecdh(std::span<const uint8_t> msg) {
  monproto::KexEcdhRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  const bool first = phase_ == Phase::kKexEcdh;
  // The first exchange is the preauth child's: never compressed.
  auto reply = kex_.on_ecdh(req, !first);
  if (!reply.ok) {
    log::error("kex failed with %s port %u: %s", peer_.address.c_str(), peer_.port,
               reply.reason.c_str());
    enter(Phase::kClosed);
    return Outcome::make(Outcome::Kind::kEndAfterReply, monproto::encode(reply), reply.reason);
  }
  if (first) log_key_exchange();
  enter(first ? Phase::kAuth : Phase::kPostIdle);
  return Outcome::make(Outcome::Kind::kReply, monproto::encode(reply));
}

// One line per connection, after its first exchange: what protects it.
// An admin reads off it whether clients use a post-quantum method and
// strict KEX (the Terrapin counter-measure).
void MonitorCore::log_key_exchange() const {
  const auto& n = kex_.keyed();
  if (!n) return;
  const auto* row = transport::find_kex(n->kex);
  auto protection = [](const std::string& cipher, const std::string& mac) {
    return mac.empty() ? cipher : cipher + " " + mac;
  };
  const std::string in = protection(n->cipher_ctos, n->mac_ctos);
  const std::string out = protection(n->cipher_stoc, n->mac_stoc);
  log::info("Key exchange with %s port %u: kex %s (%s), host key %s, cipher %s, strict KEX %s",
            peer_.address.c_str(), peer_.port, n->kex.c_str(),
            row && row->post_quantum ? "post-quantum" : "not post-quantum", n->hostkey.c_str(),
            in == out ? in.c_str() : (in + " in, " + out + " out").c_str(),
            kex_.strict_kex() ? "on" : "off");
}

bool MonitorCore::bind_user(const std::string& name) {
  if (user_) return *user_ == name;
  user_ = name;
  user_info_ = backend_.lookup_user(name);
  if (!user_info_)
    log::info("Invalid user %s from %s port %u", log::escape(name).c_str(), peer_.address.c_str(),
              peer_.port);
  allowed_ = user_info_ && backend_.user_allowed(*user_info_);
  return true;
}

// Like sshd: failures of known users are verbose until half of MaxAuthTries
// is used up; unknown users' failures are always logged, for fail2ban.
void MonitorCore::log_failed_publickey(const std::string& detail) const {
  const bool loud = !user_info_ || failures_ + 1 >= settings_.max_auth_tries / 2;
  const log::Level level = loud ? log::Level::kInfo : log::Level::kVerbose;
  if (!log::enabled(level)) return;
  log::info("Failed publickey for %s from %s port %u ssh2%s", user_for_log().c_str(),
            peer_.address.c_str(), peer_.port, detail.c_str());
}

std::string MonitorCore::user_for_log() const {
  if (!user_) return "";
  return (user_info_ ? "" : "invalid user ") + log::escape(*user_);
}

bool MonitorCore::user_may_use_publickey() const {
  if (!settings_.pubkey_authentication || !user_info_ || !allowed_) return false;
  // forced-commands-only is checked against the key's line: root_key_allowed().
  return user_info_->uid != 0 || settings_.permit_root_login != RootLogin::kNo;
}

bool MonitorCore::root_key_allowed(const authkeys::KeyOptions& key) const {
  if (user_info_->uid != 0 || settings_.permit_root_login != RootLogin::kForcedCommandsOnly)
    return true;
  if (key.command) return true;
  log::info("ROOT LOGIN REFUSED FROM %s port %u", peer_.address.c_str(), peer_.port);
  return false;
}

Outcome MonitorCore::auth_failure(bool counts, const std::string& banner) {
  if (counts) ++failures_;
  monproto::AuthReply reply;
  reply.banner = banner;
  reply.result = monproto::AuthResult::kFailure;
  reply.methods = methods();
  if (failures_ >= settings_.max_auth_tries) {
    reply.disconnect = true;
    log::error("maximum authentication attempts exceeded for %s from %s port %u ssh2",
               user_for_log().c_str(), peer_.address.c_str(), peer_.port);
    enter(Phase::kClosed);
    return Outcome::make(Outcome::Kind::kEndAfterReply, monproto::encode(reply),
                         "too many authentication failures");
  }
  return Outcome::make(Outcome::Kind::kReply, monproto::encode(reply));
}

Outcome MonitorCore::on_auth_none(std::span<const uint8_t> msg) {
  monproto::AuthNoneRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  if (!bind_user(req.user)) return violation("user name changed");
  // Like sshd, the first "none" probe is free; later ones count.
  return auth_failure(++auth_requests_ > 1);
}

namespace {

// The key blob's type string of a key type (for log lines).
std::string_view key_type_name(transport::KeyType t) {
  for (const auto& row : transport::kSignatureAlgorithms)
    if (row.key == t) return row.key_name;
  return "unknown";
}

bool is_security_key(transport::KeyType t) {
  return t == transport::KeyType::kSkEd25519 || t == transport::KeyType::kSkEcdsaP256;
}

}  // namespace

bool MonitorCore::pubkey_acceptable(const monproto::AuthPubkeyRequest& req,
                                    const std::optional<crypto::PublicKey>& key) const {
  const std::string alg = log::escape(req.algorithm);
  const transport::SignatureAlgorithm* row = transport::find_signature(req.algorithm);
  if (row == nullptr) {
    log::verbose("userauth_pubkey: unsupported public key algorithm: %s", alg.c_str());
    return false;
  }
  const auto& accepted = settings_.pubkey_accepted_algorithms;
  if (std::find(accepted.begin(), accepted.end(), req.algorithm) == accepted.end()) {
    log::info("userauth_pubkey: signature algorithm %s not in PubkeyAcceptedAlgorithms", alg.c_str());
    return false;
  }
  if (!key) {
    log::error("userauth_pubkey: parse key: invalid format");
    return false;
  }
  // rsa-sha2-256 names an ssh-rsa key; every other name its own type.
  if (key->type != row->key) {
    log::error("userauth_pubkey: key type mismatch for decoded key (received %s, expected %s)",
               std::string(key_type_name(key->type)).c_str(), alg.c_str());
    return false;
  }
  if (key->type == transport::KeyType::kRsa && key->rsa_bits < settings_.required_rsa_size) {
    log::info("refusing RSA key: Invalid key length");
    return false;
  }
  return true;
}

bool MonitorCore::sk_flags_acceptable(const crypto::PublicKey& key,
                                      const authkeys::KeyOptions& options, uint8_t flags,
                                      const std::string& key_log) const {
  if (!is_security_key(key.type)) return true;
  // A touch proves someone is at the authenticator: required unless the
  // key's line says no-touch-required (sshd's default), and then still if
  // PubkeyAuthOptions says touch-required. Verification likewise, from
  // either the line or the configuration.
  const bool touch = !options.no_touch_required || settings_.pubkey_touch_required;
  const bool verify = options.verify_required || settings_.pubkey_verify_required;
  if (touch && (flags & crypto::kSkUserPresent) == 0) {
    log::error("public key %s signature for %s from %s port %u rejected: user presence "
               "(authenticator touch) requirement not met ",
               key_log.c_str(), user_for_log().c_str(), peer_.address.c_str(), peer_.port);
    return false;
  }
  if (verify && (flags & crypto::kSkUserVerified) == 0) {
    log::error("public key %s signature for %s from %s port %u rejected: user verification "
               "requirement not met ",
               key_log.c_str(), user_for_log().c_str(), peer_.address.c_str(), peer_.port);
    return false;
  }
  return true;
}

Outcome MonitorCore::on_auth_pubkey(std::span<const uint8_t> msg) {
  monproto::AuthPubkeyRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  if (!bind_user(req.user)) return violation("user name changed");
  ++auth_requests_;
  const std::optional<crypto::PublicKey> pk = crypto::parse_public_key(req.key_blob);
  const bool alg_ok = pubkey_acceptable(req, pk);
  // Unknown and refused users take the same path to the same answer.
  // Unknown and refused users cost the same lookup as known ones: the
  // backend searches a placeholder account (whose files do not exist) and
  // the answer is thrown away, so timing does not tell who exists.
  std::optional<authkeys::KeyOptions> key;
  if (alg_ok && user_may_use_publickey()) {
    key = backend_.key_authorized(*user_info_, req.key_blob);
    if (key && !root_key_allowed(*key)) key.reset();
  } else if (alg_ok) {
    static const UserInfo kPlaceholder{kPamPlaceholderUser, 65534, 65534, "/nonexistent", "/bin/false"};
    (void)backend_.key_authorized(kPlaceholder, req.key_blob);
  }
  const bool authorized = key.has_value();
  // "RSA SHA256:..." as sshd names a key in its log lines.
  const std::string key_log =
      pk ? std::string(crypto::key_type_log_name(pk->type)) + " " + crypto::sha256_fingerprint(req.key_blob)
         : "";
  const std::string failed_detail = key_log.empty() ? "" : ": " + key_log;
  if (!req.has_signature) {
    if (!authorized) {
      log_failed_publickey(failed_detail);
      return auth_failure(true);
    }
    monproto::AuthReply reply;
    reply.result = monproto::AuthResult::kPkOk;
    return Outcome::make(Outcome::Kind::kReply, monproto::encode(reply));
  }
  crypto::VerifyResult verified;
  if (authorized && kex_.have_session()) {
    // The signed data is rebuilt from the monitor's own session id and bound
    // user, never taken from the child (RFC 4252 7). verify_signature also
    // requires the signature blob to name the request's algorithm.
    wire::Writer w(256);
    w.string(kex_.session_id()).u8(ssh::kUserauthRequest).string(*user_);
    w.string("ssh-connection").string(kPublickey).boolean(true);
    w.string(req.algorithm).string(req.key_blob);
    verified = crypto::verify_signature(*pk, req.algorithm, req.signature, w.bytes());
    if (!verified.ok) log::debug("publickey signature refused: %s", verified.why.c_str());
  }
  if (!verified.ok || !sk_flags_acceptable(*pk, *key, verified.sk_flags, key_log)) {
    log_failed_publickey(failed_detail);
    return auth_failure(true);
  }
  std::string detail = ": " + key_log;
  if (is_security_key(pk->type)) detail += ", signature count = " + std::to_string(verified.sk_counter);
  key_options_ = std::move(key);
  if (settings_.use_pam) {
    // The key is good; PAM's account checks (expiry, nologin, ...) decide
    // whether the account may log in now.
    pending_key_detail_ = detail;
    pam_method_ = PamMethod::kPubkey;
    enter(Phase::kAuthPam);
    auto out = Outcome::make(Outcome::Kind::kPamAccount);
    out.pam = PamRequest{PamMethod::kPubkey, *user_, {}};
    return out;
  }
  return accept("publickey", detail);
}

Outcome MonitorCore::accept(const char* method, const std::string& detail,
                            const std::string& banner) {
  if (!may_grant_) return violation("authentication granted by a request that may not decide it");
  // The record of what this login may do: the key's line (publickey only)
  // merged with sshd_config. Kept for the connection's life.
  const bool by_key = std::string_view(method) == kPublickey && key_options_;
  int64_t expires = 0;
  if (by_key && key_options_->expiry_time)
    expires = authkeys::expiry_time_seconds(*key_options_->expiry_time).value_or(0);
  grant_ = make_grant(settings_.grant_policy, by_key ? &*key_options_ : nullptr, expires);
  if (by_key && user_info_->uid == 0 &&
      settings_.permit_root_login == RootLogin::kForcedCommandsOnly)
    log::info("Root login accepted for forced command.");
  log::info("Accepted %s for %s from %s port %u ssh2%s", method, user_->c_str(),
            peer_.address.c_str(), peer_.port, detail.c_str());
  enter(Phase::kHandover);
  monproto::AuthReply reply;
  reply.banner = banner;
  reply.result = monproto::AuthResult::kSuccess;
  return Outcome::make(Outcome::Kind::kReply, monproto::encode(reply));
}

std::string MonitorCore::methods() const {
  std::string m;
  auto add = [&m](const char* name) {
    if (!m.empty()) m += ',';
    m += name;
  };
  if (settings_.pubkey_authentication) add(kPublickey);
  if (settings_.use_pam && settings_.password_authentication) add("password");
  if (settings_.use_pam && settings_.kbd_interactive_authentication) add("keyboard-interactive");
  return m;
}

// Passwords and one-time codes: the user must exist, be allowed, and not be
// root unless PermitRootLogin is yes.
bool MonitorCore::may_use_password_methods() const {
  return user_info_ && allowed_ &&
         (user_info_->uid != 0 || settings_.permit_root_login == RootLogin::kYes);
}

Outcome MonitorCore::on_auth_password(std::span<const uint8_t> msg) {
  monproto::AuthPasswordRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  if (!bind_user(req.user)) return violation("user name changed");
  ++auth_requests_;
  if (!settings_.use_pam || !settings_.password_authentication) return auth_failure(true);
  if (req.password.empty() && !settings_.permit_empty_passwords) {
    log::info("Failed password for %s from %s port %u ssh2 (empty password)", user_for_log().c_str(),
              peer_.address.c_str(), peer_.port);
    return auth_failure(true);
  }
  pam_method_ = PamMethod::kPassword;
  enter(Phase::kAuthPam);
  auto out = Outcome::make(Outcome::Kind::kPamAuthenticate);
  PamRequest pr;
  pr.method = PamMethod::kPassword;
  pr.pam_user = user_info_ && allowed_ ? *user_ : kPamPlaceholderUser;
  pr.may_succeed = may_use_password_methods();
  // Same PAM work with a password that cannot be right; the final decision
  // refuses anyway.
  pr.password = pr.may_succeed ? std::move(req.password) : never_matching_password();
  out.pam = std::move(pr);
  return out;
}

Outcome MonitorCore::on_auth_kbdint(std::span<const uint8_t> msg) {
  monproto::AuthKbdintRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  if (!bind_user(req.user)) return violation("user name changed");
  ++auth_requests_;
  if (!settings_.use_pam || !settings_.kbd_interactive_authentication) return auth_failure(true);
  pam_method_ = PamMethod::kKbdint;
  enter(Phase::kAuthPam);
  auto out = Outcome::make(Outcome::Kind::kPamAuthenticate);
  out.pam = PamRequest{PamMethod::kKbdint, user_info_ && allowed_ ? *user_ : kPamPlaceholderUser, {},
                       may_use_password_methods()};
  return out;
}

std::vector<uint8_t> MonitorCore::kbdint_query(const monproto::KbdintQuery& q) {
  enter(Phase::kAuthPrompt);
  return monproto::encode(q);
}

Outcome MonitorCore::on_kbdint_answers(std::span<const uint8_t> msg) {
  monproto::KbdintAnswers req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  enter(Phase::kAuthPam);
  auto out = Outcome::make(Outcome::Kind::kPamAnswers);
  out.answers = std::move(req.answers);
  // A user who may not log in this way (root under prohibit-password, a
  // denied or unknown user) is asked the same questions, but PAM never sees
  // the answers: the right password must not be an oracle, nor reach
  // pam_acct_mgmt or an expired-password change.
  if (!may_use_password_methods())
    for (auto& a : out.answers) a = never_matching_password();
  return out;
}

Outcome MonitorCore::pam_finished(bool pam_ok, const std::string& pam_error,
                                  const std::string& pam_messages) {
  if (!pam_pending()) return violation("PAM result without a PAM request");
  const PamMethod m = pam_method_;
  enter(Phase::kAuth);
  may_grant_ = pam_may_grant_;
  pam_may_grant_ = false;
  const char* name = m == PamMethod::kPassword ? "password"
                     : m == PamMethod::kKbdint ? "keyboard-interactive/pam"
                                               : "publickey";
  const bool may = m == PamMethod::kPubkey ? user_may_use_publickey() : may_use_password_methods();
  // PAM's words reach only a user who may log in this way: for unknown or
  // refused users (placeholder runs, root under prohibit-password) nothing is
  // shown, so replies stay identical whatever was typed.
  const std::string banner = may ? pam_messages.substr(0, 4096) : "";
  if (pam_ok && may) {
    const std::string detail = m == PamMethod::kPubkey ? pending_key_detail_ : "";
    Outcome out = accept(name, detail, banner);
    may_grant_ = false;
    return out;
  }
  if (m == PamMethod::kPubkey)
    log::info("PAM account checks refused %s from %s port %u: %s", user_for_log().c_str(),
              peer_.address.c_str(), peer_.port, log::escape(pam_error).c_str());
  else
    log::info("Failed %s for %s from %s port %u ssh2", name, user_for_log().c_str(),
              peer_.address.c_str(), peer_.port);
  may_grant_ = false;
  return auth_failure(true, banner);
}

Outcome MonitorCore::on_handover(std::span<const uint8_t> msg) {
  monproto::HandoverRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  // The preauth child reads one packet at a time: bytes it read past the
  // request that ended authentication could only be an injection.
  if (!req.pending.empty())
    return violation("read-ahead bytes at handover (" + std::to_string(req.pending.size()) + ")");
  // The child must at least have sent one reply per auth request plus the
  // service accept, and received as many requests plus the service request.
  // With strict KEX the counters restarted at NEWKEYS, so they are small.
  const uint32_t floor = static_cast<uint32_t>(auth_requests_) + 1;
  if (req.send_seq < floor || req.recv_seq < floor)
    return violation("transport counters below what authentication required");
  if (kex_.strict_kex() && (req.send_seq > monproto::kMaxStrictHandoverSeq ||
                            req.recv_seq > monproto::kMaxStrictHandoverSeq))
    return violation("transport counters out of range");
  // The postauth child resumes each cipher where the preauth child says it
  // stands. Packets under the current keys: at least the authentication
  // exchange, at most every packet counted (exactly those under strict
  // KEX, where the counters restarted with the keys).
  const auto in_range = [&](const transport::DirectionKeys& k, uint64_t pos, uint32_t seq) {
    const uint64_t least = kex_.strict_kex() ? seq : floor;
    return k.cipher && transport::position_possible(*k.cipher, pos, least, seq);
  };
  if (!in_range(kex_.keys_stoc(), req.send_position, req.send_seq) ||
      !in_range(kex_.keys_ctos(), req.recv_position, req.recv_seq))
    return violation("cipher positions do not fit the transport counters");
  handover_ = std::move(req);
  return Outcome::make(Outcome::Kind::kStartPostauth);
}

Outcome MonitorCore::on_postauth_ready(std::span<const uint8_t> msg) {
  monproto::PostauthReady req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  enter(settings_.rekey_after_auth ? Phase::kPostRekeyStart : Phase::kPostIdle);
  auto state = transport_state();
  auto out = Outcome::make(Outcome::Kind::kReply, monproto::encode(state));
  monproto::SessionSettings session = settings_.session;
  const UserInfo& u = *user_info_;
  session.user = monproto::SessionUser{u.name, u.home, u.shell, u.uid, u.gid};
  session.grant = grant_;
  session.grant.sftp_root = expand_user_tokens(grant_.sftp_root, u);
  session.rekey_after_auth = settings_.rekey_after_auth;
  session.rekey_bytes = rekey_bytes();
  out.followup = monproto::encode(session);
  return out;
}

// RekeyLimit for the ciphers in use: the smaller bound of the two directions.
// (Computed once, when the postauth child starts; rekeys keep the cipher.)
uint64_t MonitorCore::rekey_bytes() const {
  size_t block = 8;
  if (const auto& n = kex_.keyed()) {
    const auto* ctos = transport::find_cipher(n->cipher_ctos);
    const auto* stoc = transport::find_cipher(n->cipher_stoc);
    if (ctos != nullptr && stoc != nullptr) block = std::min(ctos->block_bytes, stoc->block_bytes);
  }
  return transport::effective_rekey_bytes(settings_.rekey_limit_bytes, block);
}

// The server's KEXINIT, built here without the client's; the client's
// follows. RekeyAfterAuth: the postauth child's first act (kPostKexInit,
// nothing else allowed). RekeyLimit: mid-session (kPostServerKexInit, where
// the session goes on until the client answers).
Outcome MonitorCore::on_kex_start(std::span<const uint8_t> msg) {
  monproto::KexStartRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  enter(phase_ == Phase::kPostRekeyStart ? Phase::kPostKexInit : Phase::kPostServerKexInit);
  return Outcome::make(Outcome::Kind::kReply, monproto::encode(kex_.start_exchange()));
}

Outcome MonitorCore::on_pty_request(std::span<const uint8_t> msg) {
  monproto::PtyRequest req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  if (++pty_requests_ > kMaxPtyRequestsPerConnection)
    return violation("more PTY requests than one connection may make");
  // The postauth child was told; asking anyway is not an honest mistake.
  if (!grant_.pty) return violation("PTY not granted to this login");
  return Outcome::make(Outcome::Kind::kAllocatePty);
}

Outcome MonitorCore::on_pty_release(std::span<const uint8_t> msg) {
  monproto::PtyRelease req;
  if (!monproto::decode(msg, req)) return violation("malformed");
  return Outcome::make(Outcome::Kind::kReleasePty, {}, req.tty);
}

// The user's process writes nothing to the log itself: its lines pass
// here, escaped, at most at INFO, behind "user NAME: " so that no text of
// theirs can start a line a log watcher would take for the daemon's.
Outcome MonitorCore::on_log(std::span<const uint8_t> msg) {
  monproto::LogLine line;
  if (!monproto::decode(msg, line)) return violation("malformed");
  const std::string text = log::escape(line.text, monproto::LogLine::kMaxLogText);
  const std::string user = log::escape(user_for_log());
  switch (line.level) {
    case monproto::LogLine::Level::kInfo: log::info("user %s: %s", user.c_str(), text.c_str()); break;
    case monproto::LogLine::Level::kVerbose: log::verbose("user %s: %s", user.c_str(), text.c_str()); break;
    case monproto::LogLine::Level::kDebug: log::debug("user %s: %s", user.c_str(), text.c_str()); break;
  }
  return Outcome::make(Outcome::Kind::kNothing);
}

monproto::TransportState MonitorCore::transport_state() const {
  monproto::TransportState s;
  s.session_id = kex_.session_id();
  s.ctos = kex_.keys_ctos().clone();
  s.stoc = kex_.keys_stoc().clone();
  s.send_position = handover_.send_position;
  s.recv_position = handover_.recv_position;
  s.send_seq = handover_.send_seq;
  s.recv_seq = handover_.recv_seq;
  s.strict_kex = kex_.strict_kex();
  // The postauth child runs after authentication: delayed compression
  // negotiated by the exchange in use starts now.
  if (const auto& n = kex_.keyed()) {
    s.zlib_ctos = transport::delayed_zlib(n->comp_ctos);
    s.zlib_stoc = transport::delayed_zlib(n->comp_stoc);
  }
  return s;
}

}  // namespace lpsshd::monitor
