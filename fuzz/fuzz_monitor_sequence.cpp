// Structure-aware: the input is a mode byte, then a sequence of monitor
// messages (each a 2-byte length and that many bytes) played against a real
// MonitorCore, as a compromised child would send them. A fake backend knows
// one user, and any key is in her authorized_keys.
//   mode bit 0 clear: the messages come from the preauth child, from the
//     first byte of the connection. The fuzzer has no private key, and PAM,
//     when asked, always says no: no AuthReply success and no move to the
//     handover phase may ever happen, whatever the sequence.
//   mode bit 0 set: the postauth child. The harness first logs in along the
//     legal path (key exchange, a publickey login it signs itself, the
//     handover, POSTAUTH_READY); bit 1 turns RekeyAfterAuth off. Then the
//     messages come from the postauth child: no preauth phase, no second
//     postauth start and no AuthReply success may follow, and PTYs stay
//     within the per-connection bound across rekeys.
#include <sodium.h>

#include <cstdlib>

#include "crypto/ed25519_host_key.h"
#include "monitor/monitor_core.h"
#include "monitor/state_table.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;

namespace {
struct Backend : monitor::AuthBackend {
  std::optional<monitor::UserInfo> lookup_user(const std::string& name) override {
    if (name != "alice") return std::nullopt;
    return monitor::UserInfo{"alice", 1000, 1000, "/home/alice", "/bin/sh"};
  }
  std::optional<authkeys::KeyOptions> key_authorized(const monitor::UserInfo&,
                                                     std::span<const uint8_t>) override {
    return authkeys::KeyOptions{};
  }
  bool user_allowed(const monitor::UserInfo&) override { return true; }
};

void check_no_success(const monitor::Outcome& out, const monitor::MonitorCore& core) {
  if (!out.reply.empty() && out.reply[0] == static_cast<uint8_t>(monproto::Type::kAuthReply)) {
    monproto::AuthReply r;
    if (monproto::decode(out.reply, r) && r.result == monproto::AuthResult::kSuccess) abort();
  }
  if (core.phase() == monitor::Phase::kHandover || out.kind == monitor::Outcome::Kind::kStartPostauth)
    abort();
}

// Once in postauth, the connection never goes back to a preauth phase.
void check_still_postauth(const monitor::MonitorCore& core) {
  using monitor::Phase;
  switch (core.phase()) {
    case Phase::kKexInit: case Phase::kKexEcdh: case Phase::kAuth: case Phase::kAuthPam:
    case Phase::kAuthPrompt: case Phase::kHandover:
      abort();
    default:
      break;
  }
}

// A client KEXINIT the monitor accepts (curve25519, ed25519, chacha20).
std::vector<uint8_t> client_kexinit() {
  wire::Writer w;
  w.u8(20);
  for (int i = 0; i < 16; ++i) w.u8(static_cast<uint8_t>(i));
  w.string("curve25519-sha256,ext-info-c,kex-strict-c-v00@openssh.com");
  w.string("ssh-ed25519");
  w.string("chacha20-poly1305@openssh.com").string("chacha20-poly1305@openssh.com");
  w.string("hmac-sha2-256-etm@openssh.com").string("hmac-sha2-256-etm@openssh.com");
  w.string("none").string("none");
  w.string("").string("");
  w.boolean(false).u32(0);
  return w.take();
}

// The legal path to the postauth phases. A step the core refuses is a bug
// in this harness or in the core: abort either way.
void log_in(monitor::MonitorCore& core, const crypto::Ed25519Key& user_key) {
  using Kind = monitor::Outcome::Kind;
  using monitor::Child;
  auto o = core.handle(Child::kPreauth,
                       monproto::encode(monproto::KexInitRequest{"SSH-2.0-fuzz", client_kexinit()}), 0);
  if (o.kind != Kind::kReply) abort();
  std::vector<uint8_t> q_c(32);
  uint8_t secret[32];
  randombytes_buf(secret, sizeof secret);
  crypto_scalarmult_curve25519_base(q_c.data(), secret);
  o = core.handle(Child::kPreauth, monproto::encode(monproto::KexEcdhRequest{q_c}), 0);
  monproto::KexReply kr;
  if (o.kind != Kind::kReply || !monproto::decode(o.reply, kr) || !kr.ok) abort();
  monproto::AuthPubkeyRequest a;
  a.user = "alice";
  a.algorithm = "ssh-ed25519";
  a.key_blob = user_key.public_blob();
  a.has_signature = true;
  wire::Writer signed_data;
  signed_data.string(kr.exchange_hash).u8(50).string(a.user).string("ssh-connection");
  signed_data.string("publickey").boolean(true).string(a.algorithm).string(a.key_blob);
  a.signature = user_key.sign_blob(signed_data.bytes());
  o = core.handle(Child::kPreauth, monproto::encode(a), 0);
  if (o.kind == Kind::kPamAccount) o = core.pam_finished(true, "");
  if (o.kind != Kind::kReply) abort();
  o = core.handle(Child::kPreauth, monproto::encode(monproto::HandoverRequest{10, 10, 0, 0, {}}), 0);
  if (o.kind != Kind::kStartPostauth) abort();
  core.postauth_started();
  o = core.handle(Child::kPostauth, monproto::encode(monproto::PostauthReady{}), 0);
  if (o.kind != Kind::kReply) abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const crypto::HostKeys host_keys = [] {
    crypto::HostKeys v;
    v.push_back(std::make_unique<crypto::Ed25519HostKey>(crypto::Ed25519Key::generate()));
    return v;
  }();
  static const auto user_key = crypto::Ed25519Key::generate();
  if (size < 1) return 0;
  const bool postauth = (data[0] & 1) != 0;
  Backend backend;
  monitor::Settings settings;
  settings.use_pam = settings.password_authentication = settings.kbd_interactive_authentication = true;
  settings.rekey_after_auth = (data[0] & 2) == 0;
  monitor::MonitorCore core(settings, host_keys, backend, {"192.0.2.1", 22});
  if (postauth) log_in(core, user_key);
  const monitor::Child from = postauth ? monitor::Child::kPostauth : monitor::Child::kPreauth;
  int ptys = 0;
  wire::Reader r(data + 1, size - 1);
  uint8_t hi = 0, lo = 0;
  while (r.u8(hi) && r.u8(lo)) {
    wire::Bytes msg;
    if (!r.raw(msg, (size_t{hi} << 8) | lo)) break;
    auto out = core.handle(from, msg, 0);
    if (postauth) {
      check_still_postauth(core);
      if (out.kind == monitor::Outcome::Kind::kStartPostauth) abort();
      if (out.kind == monitor::Outcome::Kind::kAllocatePty &&
          ++ptys > monitor::kMaxPtyRequestsPerConnection)
        abort();
      if (!out.reply.empty() && out.reply[0] == static_cast<uint8_t>(monproto::Type::kAuthReply))
        abort();
    } else {
      check_no_success(out, core);
    }
    if (out.kind == monitor::Outcome::Kind::kViolation) break;
    if (out.kind == monitor::Outcome::Kind::kPamAuthenticate ||
        out.kind == monitor::Outcome::Kind::kPamAccount)
      check_no_success(core.pam_finished(false, "denied"), core);
  }
  return 0;
}
