#include "pam/pam_protocol.h"

#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::pamproto {

namespace {
using wire::Reader;
using wire::Writer;

Writer start(Type t) {
  Writer w(128);
  w.u8(static_cast<uint8_t>(t));
  return w;
}

bool expect(Reader& r, Type t) { return r.expect_u8(static_cast<uint8_t>(t)); }
bool flag(Reader& r, bool& out) { return r.strict_boolean(out); }

bool count(Reader& r, uint32_t& n, size_t max) { return r.u32(n) && n <= max; }
}  // namespace

// Start: string service, string user, string rhost
std::vector<uint8_t> encode(const Start& m) {
  auto w = start(Type::kStart);
  w.string(m.service).string(m.user).string(m.rhost);
  return w.take();
}
bool decode(std::span<const uint8_t> b, Start& m) {
  Reader r(b);
  return expect(r, Type::kStart) && r.text(m.service, 64) && r.text(m.user, 256) &&
         r.text(m.rhost, 64) && r.end();
}

// Authenticate: bool change_expired
std::vector<uint8_t> encode(const Authenticate& m) {
  auto w = start(Type::kAuthenticate);
  w.boolean(m.change_expired);
  return w.take();
}
bool decode(std::span<const uint8_t> b, Authenticate& m) {
  Reader r(b);
  return expect(r, Type::kAuthenticate) && flag(r, m.change_expired) && r.end();
}

// Answers: bool ok, uint32 n, n x string answer
std::vector<uint8_t> encode(const Answers& m) {
  auto w = start(Type::kAnswers);
  w.boolean(m.ok).u32(static_cast<uint32_t>(m.answers.size()));
  for (const auto& a : m.answers) w.string(a.span());
  return w.take();
}
bool decode(std::span<const uint8_t> b, Answers& m) {
  Reader r(b);
  uint32_t n = 0;
  if (!expect(r, Type::kAnswers) || !flag(r, m.ok) || !count(r, n, kMaxPrompts)) return false;
  m.answers.clear();
  for (uint32_t i = 0; i < n; ++i) {
    wire::Bytes a;
    if (!r.string(a) || a.size() > kMaxAnswer) return false;
    m.answers.emplace_back(a);
  }
  return r.end();
}

std::vector<uint8_t> encode(Type bare) { return start(bare).take(); }
bool decode_bare(std::span<const uint8_t> b, Type expected) {
  Reader r(b);
  return expect(r, expected) && r.end();
}

// SpawnUser: string name, string home, string postauth_path, uint32 uid,
// uint32 gid, uint32 max_sessions, string chroot
std::vector<uint8_t> encode(const SpawnUser& m) {
  auto w = start(Type::kSpawnUser);
  w.string(m.name).string(m.home).string(m.postauth_path).u32(m.uid).u32(m.gid).u32(m.max_sessions);
  w.string(m.chroot);
  return w.take();
}
bool decode(std::span<const uint8_t> b, SpawnUser& m) {
  Reader r(b);
  return expect(r, Type::kSpawnUser) && r.text(m.name, 256) && r.text(m.home, 4096) &&
         r.text(m.postauth_path, 4096) && r.u32(m.uid) && r.u32(m.gid) &&
         r.u32(m.max_sessions) && r.text(m.chroot, 4096) && r.end();
}

// Prompts: uint32 n, n x (byte style, string text)
std::vector<uint8_t> encode(const Prompts& m) {
  auto w = start(Type::kPrompts);
  w.u32(static_cast<uint32_t>(m.prompts.size()));
  for (const auto& p : m.prompts) w.u8(static_cast<uint8_t>(p.style)).string(p.text);
  return w.take();
}
bool decode(std::span<const uint8_t> b, Prompts& m) {
  Reader r(b);
  uint32_t n = 0;
  if (!expect(r, Type::kPrompts) || !count(r, n, kMaxPrompts) || n == 0) return false;
  m.prompts.assign(n, {});
  for (auto& p : m.prompts) {
    uint8_t style = 0;
    if (!r.u8(style) || style < 1 || style > 4 || !r.text(p.text, kMaxPromptText)) return false;
    p.style = static_cast<Style>(style);
  }
  return r.end();
}

// Result: uint32 code (as signed), string message, uint32 pid, uint32 n,
// n x string env
std::vector<uint8_t> encode(const Result& m) {
  auto w = start(Type::kResult);
  w.u32(static_cast<uint32_t>(m.code)).string(m.message).u32(m.pid);
  w.u32(static_cast<uint32_t>(m.env.size()));
  for (const auto& e : m.env) w.string(e);
  return w.take();
}
bool decode(std::span<const uint8_t> b, Result& m) {
  Reader r(b);
  uint32_t code = 0, n = 0;
  if (!expect(r, Type::kResult) || !r.u32(code) || !r.text(m.message, 256) || !r.u32(m.pid) ||
      !count(r, n, kMaxEnv))
    return false;
  m.code = static_cast<int32_t>(code);
  m.env.assign(n, {});
  for (auto& e : m.env)
    if (!r.text(e, 4096) || e.find('=') == std::string::npos) return false;
  return r.end();
}

}  // namespace lpsshd::pamproto
