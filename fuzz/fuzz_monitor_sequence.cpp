// Structure-aware: the input is a sequence of monitor messages (each a
// 2-byte length and that many bytes) played against a real MonitorCore, as
// a compromised preauth and then postauth child would send them. A fake
// backend knows one user and one authorized key whose private half the
// fuzzer does not have. The invariant: no AuthReply success and no move to
// the handover phase ever happens, whatever the sequence; PAM, when asked,
// always says no.
#include <cstdlib>

#include "monitor/monitor_core.h"
#include "wire/reader.h"

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
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto host_key = crypto::Ed25519Key::generate();
  Backend backend;
  monitor::Settings settings;
  settings.use_pam = settings.password_authentication = settings.kbd_interactive_authentication = true;
  monitor::MonitorCore core(settings, host_key, backend, {"192.0.2.1", 22});
  wire::Reader r(data, size);
  uint8_t hi = 0, lo = 0;
  while (r.u8(hi) && r.u8(lo)) {
    wire::Bytes msg;
    if (!r.raw(msg, (size_t{hi} << 8) | lo)) break;
    auto out = core.handle(monitor::Child::kPreauth, msg, 0);
    check_no_success(out, core);
    if (out.kind == monitor::Outcome::Kind::kViolation) break;
    if (out.kind == monitor::Outcome::Kind::kPamAuthenticate ||
        out.kind == monitor::Outcome::Kind::kPamAccount)
      check_no_success(core.pam_finished(false, "denied"), core);
  }
  return 0;
}
