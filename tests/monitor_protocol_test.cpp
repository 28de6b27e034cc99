// The monitor protocol (monitor/protocol.h) and its datagram transport
// (proc/fd_passing.h). Every message must survive a round trip, and every
// form the header promises to refuse (wrong type, truncation, trailing bytes,
// out-of-range fields) must be refused. Both ends run in this process over a
// real SOCK_SEQPACKET socketpair.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "monitor/protocol.h"
#include "proc/fd_passing.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::monproto;

namespace {

std::vector<uint8_t> filled(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = uint8_t(seed + i * 13);
  return v;
}

crypto::SecretBytes secret(size_t n, uint8_t seed) { return crypto::SecretBytes(filled(n, seed)); }

std::vector<uint8_t> bytes_of(const crypto::SecretBytes& s) {
  return {s.span().begin(), s.span().end()};
}

// One sample of every message, with every field set to something other than
// its default so a field that is dropped or swapped shows up.
KexInitRequest sample_kexinit() { return {"SSH-2.0-OpenSSH_9.2p1 Debian-2", filled(300, 20)}; }
KexEcdhRequest sample_ecdh() { return {filled(32, 1)}; }
AuthNoneRequest sample_none() { return {"alice"}; }
AuthPubkeyRequest sample_pubkey(bool with_sig) {
  AuthPubkeyRequest m;
  m.user = "alice";
  m.algorithm = "ssh-ed25519";
  m.key_blob = filled(51, 7);
  m.has_signature = with_sig;
  if (with_sig) m.signature = filled(83, 9);
  return m;
}
HandoverRequest sample_handover() { return {7, 9, 0x0102030405060708, 5, filled(100, 3)}; }
Hello sample_hello() { return {"SSH-2.0-lpsshd_0.1.0", filled(300, 6), "ssh-ed25519,rsa-sha2-256"}; }
// Two directions apart: an AEAD one way and a cipher with a MAC the other.
transport::DirectionKeys sample_keys(bool aead, uint8_t seed) {
  transport::DirectionKeys k;
  k.cipher = transport::find_cipher(aead ? "aes256-gcm@openssh.com" : "aes192-ctr");
  k.mac = aead ? nullptr : transport::find_mac("hmac-sha2-512");
  k.iv = secret(k.cipher->iv_bytes, seed);
  k.key = secret(k.cipher->key_bytes, seed + 1);
  if (k.mac) k.mac_key = secret(k.mac->key_bytes, seed + 2);
  return k;
}
void expect_same_keys(const transport::DirectionKeys& a, const transport::DirectionKeys& b) {
  EXPECT_EQ(a.cipher, b.cipher);
  EXPECT_EQ(a.mac, b.mac);
  EXPECT_EQ(bytes_of(a.iv), bytes_of(b.iv));
  EXPECT_EQ(bytes_of(a.key), bytes_of(b.key));
  EXPECT_EQ(bytes_of(a.mac_key), bytes_of(b.mac_key));
}
KexInitReply sample_kexinit_reply() {
  KexInitReply m;
  m.ok = true;
  m.reason = "fine";
  m.server_kexinit = filled(150, 4);
  m.strict_kex = true;
  m.client_ext_info = false;
  m.ignore_guessed = true;
  return m;
}
KexReply sample_kex_reply() {
  KexReply m;
  m.ok = true;
  m.host_key_blob = filled(51, 1);
  m.server_public = filled(32, 2);
  m.signature = filled(83, 3);
  m.exchange_hash = filled(32, 4);
  m.ctos = sample_keys(true, 5);
  m.stoc = sample_keys(false, 6);
  m.zlib_ctos = false;
  m.zlib_stoc = true;  // directions apart: a swap would show
  return m;
}
AuthReply sample_auth_reply() {
  AuthReply m;
  m.result = AuthResult::kPkOk;
  m.methods = "publickey";
  m.disconnect = true;
  m.banner = "Your account expires in 3 days.";
  return m;
}
TransportState sample_state() {
  TransportState m;
  m.session_id = filled(32, 8);
  m.ctos = sample_keys(false, 9);
  m.stoc = sample_keys(true, 10);
  m.send_seq = 0x01020304;
  m.recv_seq = 0xa0b0c0d0;
  m.send_position = 0x1122334455667788;
  m.recv_position = 3;
  m.strict_kex = true;
  m.zlib_ctos = true;
  m.zlib_stoc = false;
  return m;
}

AuthPasswordRequest sample_password() { return {"alice", secret(12, 40)}; }
AuthKbdintRequest sample_kbdint() { return {"alice"}; }
KbdintAnswers sample_answers() {
  KbdintAnswers m;
  m.answers.push_back(secret(6, 50));
  m.answers.push_back(secret(0, 0));  // an empty answer is still an answer
  m.answers.push_back(secret(9, 60));
  return m;
}
KbdintQuery sample_query() {
  return {"Your password has expired.", {{"Password: ", false}, {"Code: ", true}}};
}
PtyRelease sample_pty_release() { return {"/dev/pts/3"}; }
Grant sample_grant() {
  Grant g;
  g.pty = true;
  g.local_forwarding = true;
  g.agent_forwarding = true;
  g.command_from = Grant::CommandFrom::kKey;
  g.forced_command = "/usr/bin/rsync --server -logDtpre.iLsfxCIvu . /srv/backup";
  g.environment = {"BACKUP=1", "EMPTY="};
  g.permit_open = {"db.example.com:5432"};
  g.permit_listen = {"localhost:8080"};
  g.tunnel = "any";
  g.expires = 1924992000;
  g.streamlocal_local = true;
  g.admin_permit_open = {"127.0.0.1:*"};
  g.admin_permit_listen = {"none"};
  g.gateway_ports = 2;
  g.streamlocal_bind_mask = 0117;
  g.streamlocal_bind_unlink = true;
  return g;
}
SessionSettings sample_session_settings() {
  SessionSettings m;
  m.user = {"alice", "/home/alice", "/bin/bash", 1000, 1000};
  m.grant = sample_grant();
  m.subsystems = {{"sftp", "/usr/lib/openssh/sftp-server -l INFO"}};
  m.accept_env = {"LANG", "LC_*"};
  m.print_motd = false;
  m.print_last_log = true;
  m.pam_env = {"LANG=C.UTF-8", "MAIL=/var/mail/alice"};
  m.rekey_bytes = uint64_t{512} << 20;
  m.rekey_interval = 3600;
  m.kex_deadline = 30;
  return m;
}
PtyReply sample_pty_reply() { return {true, "/dev/pts/3", "Last login: Sun Nov 22 19:00:00 2026"}; }

// Every encoded sample with a decoder for its own type, for the generic
// malformation tests.
struct Sample {
  const char* name;
  std::vector<uint8_t> bytes;
  std::function<bool(std::span<const uint8_t>)> decode;
};

template <typename T>
std::function<bool(std::span<const uint8_t>)> decoder() {
  return [](std::span<const uint8_t> b) {
    T m;
    return decode(b, m);
  };
}

std::vector<Sample> all_samples() {
  KexReply failed_kex;
  failed_kex.reason = "shared secret is zero";
  return {
      {"KexInitRequest", encode(sample_kexinit()), decoder<KexInitRequest>()},
      {"KexInitRequest(rekey)", encode(KexInitRequest{"", filled(50, 1)}),
       decoder<KexInitRequest>()},
      {"KexEcdhRequest", encode(sample_ecdh()), decoder<KexEcdhRequest>()},
      {"AuthNoneRequest", encode(sample_none()), decoder<AuthNoneRequest>()},
      {"AuthPubkeyRequest(query)", encode(sample_pubkey(false)), decoder<AuthPubkeyRequest>()},
      {"AuthPubkeyRequest(sig)", encode(sample_pubkey(true)), decoder<AuthPubkeyRequest>()},
      {"HandoverRequest", encode(sample_handover()), decoder<HandoverRequest>()},
      {"PostauthReady", encode(PostauthReady{}), decoder<PostauthReady>()},
      {"Hello", encode(sample_hello()), decoder<Hello>()},
      {"KexInitReply", encode(sample_kexinit_reply()), decoder<KexInitReply>()},
      {"KexReply", encode(sample_kex_reply()), decoder<KexReply>()},
      {"KexReply(failed)", encode(failed_kex), decoder<KexReply>()},
      {"AuthReply", encode(sample_auth_reply()), decoder<AuthReply>()},
      {"TransportState", encode(sample_state()), decoder<TransportState>()},
      {"AuthPasswordRequest", encode(sample_password()), decoder<AuthPasswordRequest>()},
      {"AuthKbdintRequest", encode(sample_kbdint()), decoder<AuthKbdintRequest>()},
      {"KbdintAnswers", encode(sample_answers()), decoder<KbdintAnswers>()},
      {"KbdintAnswers(none)", encode(KbdintAnswers{}), decoder<KbdintAnswers>()},
      {"KbdintQuery", encode(sample_query()), decoder<KbdintQuery>()},
      {"PtyRequest", encode(PtyRequest{}), decoder<PtyRequest>()},
      {"PtyRelease", encode(sample_pty_release()), decoder<PtyRelease>()},
      {"SessionSettings", encode(sample_session_settings()), decoder<SessionSettings>()},
      {"PtyReply", encode(sample_pty_reply()), decoder<PtyReply>()},
      {"PtyReply(failed)", encode(PtyReply{}), decoder<PtyReply>()},
  };
}

}  // namespace

// ---------------------------------------------------------------------------
// Round trips

TEST(MonitorProtocol, KexInitRequestRoundTrip) {
  const auto m = sample_kexinit();
  const auto b = encode(m);
  EXPECT_EQ(b[0], uint8_t(Type::kKexInit));
  KexInitRequest d;
  ASSERT_TRUE(decode(b, d));
  EXPECT_EQ(d.client_version, m.client_version);
  EXPECT_EQ(d.client_kexinit, m.client_kexinit);
  // Rekey: no version.
  KexInitRequest r;
  ASSERT_TRUE(decode(encode(KexInitRequest{"", filled(10, 0)}), r));
  EXPECT_EQ(r.client_version, "");
}

TEST(MonitorProtocol, KexEcdhRequestRoundTrip) {
  KexEcdhRequest d;
  ASSERT_TRUE(decode(encode(sample_ecdh()), d));
  EXPECT_EQ(d.client_public, sample_ecdh().client_public);
}

TEST(MonitorProtocol, AuthNoneRequestRoundTrip) {
  AuthNoneRequest d;
  ASSERT_TRUE(decode(encode(sample_none()), d));
  EXPECT_EQ(d.user, "alice");
}

TEST(MonitorProtocol, AuthPubkeyRequestRoundTrip) {
  for (bool with_sig : {false, true}) {
    const auto m = sample_pubkey(with_sig);
    AuthPubkeyRequest d;
    d.signature = {1, 2, 3};  // must be cleared when there is no signature
    ASSERT_TRUE(decode(encode(m), d));
    EXPECT_EQ(d.user, m.user);
    EXPECT_EQ(d.algorithm, m.algorithm);
    EXPECT_EQ(d.key_blob, m.key_blob);
    EXPECT_EQ(d.has_signature, with_sig);
    EXPECT_EQ(d.signature, m.signature);
  }
}

TEST(MonitorProtocol, HandoverRequestRoundTrip) {
  HandoverRequest d;
  ASSERT_TRUE(decode(encode(sample_handover()), d));
  EXPECT_EQ(d.send_seq, 7u);
  EXPECT_EQ(d.recv_seq, 9u);
  EXPECT_EQ(d.pending, sample_handover().pending);
}

TEST(MonitorProtocol, PostauthReadyRoundTrip) {
  const auto b = encode(PostauthReady{});
  EXPECT_EQ(b, std::vector<uint8_t>{uint8_t(Type::kPostauthReady)});
  PostauthReady d;
  EXPECT_TRUE(decode(b, d));
}

TEST(MonitorProtocol, HelloRoundTrip) {
  Hello d;
  ASSERT_TRUE(decode(encode(sample_hello()), d));
  EXPECT_EQ(d.server_version, "SSH-2.0-lpsshd_0.1.0");
  EXPECT_EQ(d.server_sig_algs, "ssh-ed25519,rsa-sha2-256");
  EXPECT_EQ(d.server_kexinit, sample_hello().server_kexinit);
  ASSERT_TRUE(decode(encode(Hello{"SSH-2.0-x", {}, ""}), d));
  EXPECT_EQ(d.server_sig_algs, "");
}

// server-sig-algs goes on the wire as the preauth child got it: anything
// that is not a name-list (empty names, spaces, control bytes, names over
// 64 characters) is refused.
TEST(MonitorProtocol, HelloSigAlgsMustBeANameList) {
  Hello d;
  for (const std::string& bad : std::vector<std::string>{",", "a,", ",a", "a,,b", "a b", "a\r\nb", std::string(65, 'x'),
                                std::string("a\x7f"), std::string("ssh-ed25519,") + std::string(65, 'y')})
    EXPECT_FALSE(decode(encode(Hello{"SSH-2.0-x", {}, bad}), d)) << bad;
  EXPECT_TRUE(decode(encode(Hello{"SSH-2.0-x", {}, std::string(64, 'x') + ",a"}), d));
  EXPECT_FALSE(decode(encode(Hello{"SSH-2.0-x", {}, std::string(kMaxSigAlgsList + 1, 'a')}), d));
}

TEST(MonitorProtocol, KexInitReplyRoundTrip) {
  const auto m = sample_kexinit_reply();
  KexInitReply d;
  ASSERT_TRUE(decode(encode(m), d));
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.reason, "fine");
  EXPECT_EQ(d.server_kexinit, m.server_kexinit);
  EXPECT_TRUE(d.strict_kex);
  EXPECT_FALSE(d.client_ext_info);
  EXPECT_TRUE(d.ignore_guessed);
}

TEST(MonitorProtocol, KexReplyRoundTrip) {
  const auto m = sample_kex_reply();
  KexReply d;
  ASSERT_TRUE(decode(encode(m), d));
  EXPECT_TRUE(d.ok);
  EXPECT_EQ(d.host_key_blob, m.host_key_blob);
  EXPECT_EQ(d.server_public, m.server_public);
  EXPECT_EQ(d.signature, m.signature);
  EXPECT_EQ(d.exchange_hash, m.exchange_hash);
  expect_same_keys(d.ctos, m.ctos);
  expect_same_keys(d.stoc, m.stoc);
  EXPECT_FALSE(d.zlib_ctos);
  EXPECT_TRUE(d.zlib_stoc);

  KexReply failed;
  failed.reason = "no";
  KexReply f;
  ASSERT_TRUE(decode(encode(failed), f));
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.reason, "no");
  EXPECT_EQ(f.ctos.cipher, nullptr);
}

// Keys decode only as rows of the table with exactly their sizes: a child
// is never handed a cipher without its MAC or a key cut short.
TEST(MonitorProtocol, KeysDecodeOnlyAsCompleteRows) {
  auto decodes = [](auto mutate) {
    KexReply m = sample_kex_reply();
    mutate(m);
    KexReply d;
    return decode(encode(m), d);
  };
  EXPECT_TRUE(decodes([](KexReply&) {}));
  EXPECT_FALSE(decodes([](KexReply& m) { m.stoc.mac = nullptr; })) << "CTR without a MAC";
  EXPECT_FALSE(decodes([](KexReply& m) { m.ctos.mac = transport::find_mac("hmac-sha2-256"); }))
      << "a MAC with an AEAD";
  EXPECT_FALSE(decodes([](KexReply& m) { m.ctos.key = secret(16, 1); })) << "AES-128 key for AES-256";
  EXPECT_FALSE(decodes([](KexReply& m) { m.stoc.iv = secret(12, 1); })) << "short IV";
  EXPECT_FALSE(decodes([](KexReply& m) { m.stoc.mac_key = secret(32, 1); })) << "short MAC key";
  EXPECT_FALSE(decodes([](KexReply& m) { m.ctos.cipher = nullptr; })) << "no cipher";
  // An unknown name: the encoder only writes rows, so build the bytes.
  KexReply m = sample_kex_reply();
  auto bytes = encode(m);
  const std::string gcm = "aes256-gcm@openssh.com";
  auto at = std::search(bytes.begin(), bytes.end(), gcm.begin(), gcm.end());
  ASSERT_NE(at, bytes.end());
  *(at + 3) = 'X';  // aes256 -> aesX56
  KexReply d;
  EXPECT_FALSE(decode(bytes, d)) << "a name without a row";
}

TEST(MonitorProtocol, AuthReplyRoundTrip) {
  for (auto result : {AuthResult::kFailure, AuthResult::kPkOk, AuthResult::kSuccess}) {
    AuthReply m = sample_auth_reply();
    m.result = result;
    m.disconnect = result == AuthResult::kFailure;
    AuthReply d;
    ASSERT_TRUE(decode(encode(m), d));
    EXPECT_EQ(d.result, result);
    EXPECT_EQ(d.methods, "publickey");
    EXPECT_EQ(d.disconnect, m.disconnect);
    EXPECT_EQ(d.banner, m.banner);
  }
}

TEST(MonitorProtocol, TransportStateRoundTrip) {
  const auto m = sample_state();
  TransportState d;
  ASSERT_TRUE(decode(encode(m), d));
  EXPECT_EQ(d.session_id, m.session_id);
  expect_same_keys(d.ctos, m.ctos);
  expect_same_keys(d.stoc, m.stoc);
  EXPECT_EQ(d.send_seq, m.send_seq);
  EXPECT_EQ(d.recv_seq, m.recv_seq);
  EXPECT_EQ(d.send_position, m.send_position);
  EXPECT_EQ(d.recv_position, m.recv_position);
  EXPECT_TRUE(d.strict_kex);
  EXPECT_TRUE(d.zlib_ctos);
  EXPECT_FALSE(d.zlib_stoc);
}

TEST(MonitorProtocol, AuthPasswordRequestRoundTrip) {
  AuthPasswordRequest d;
  ASSERT_TRUE(decode(encode(sample_password()), d));
  EXPECT_EQ(d.user, "alice");
  EXPECT_EQ(bytes_of(d.password), filled(12, 40));
}

TEST(MonitorProtocol, AuthKbdintRequestRoundTrip) {
  AuthKbdintRequest d;
  ASSERT_TRUE(decode(encode(sample_kbdint()), d));
  EXPECT_EQ(d.user, "alice");
}

TEST(MonitorProtocol, KbdintAnswersRoundTrip) {
  KbdintAnswers d;
  d.answers.push_back(secret(3, 3));  // stale content must be replaced
  ASSERT_TRUE(decode(encode(sample_answers()), d));
  ASSERT_EQ(d.answers.size(), 3u);
  EXPECT_EQ(bytes_of(d.answers[0]), filled(6, 50));
  EXPECT_TRUE(d.answers[1].empty());
  EXPECT_EQ(bytes_of(d.answers[2]), filled(9, 60));
}

TEST(MonitorProtocol, KbdintQueryRoundTrip) {
  KbdintQuery d;
  ASSERT_TRUE(decode(encode(sample_query()), d));
  EXPECT_EQ(d.instruction, "Your password has expired.");
  ASSERT_EQ(d.prompts.size(), 2u);
  EXPECT_EQ(d.prompts[0].text, "Password: ");
  EXPECT_FALSE(d.prompts[0].echo);
  EXPECT_EQ(d.prompts[1].text, "Code: ");
  EXPECT_TRUE(d.prompts[1].echo);
}

TEST(MonitorProtocol, PtyMessagesRoundTrip) {
  EXPECT_EQ(encode(PtyRequest{}), std::vector<uint8_t>{uint8_t(Type::kPtyRequest)});
  PtyRequest req;
  EXPECT_TRUE(decode(encode(PtyRequest{}), req));
  PtyRelease rel;
  ASSERT_TRUE(decode(encode(sample_pty_release()), rel));
  EXPECT_EQ(rel.tty, "/dev/pts/3");
  PtyReply rep;
  ASSERT_TRUE(decode(encode(sample_pty_reply()), rep));
  EXPECT_TRUE(rep.ok);
  EXPECT_EQ(rep.tty, "/dev/pts/3");
  EXPECT_EQ(rep.last_login, sample_pty_reply().last_login);
}

TEST(MonitorProtocol, SessionSettingsRoundTrip) {
  SessionSettings d;
  ASSERT_TRUE(decode(encode(sample_session_settings()), d));
  EXPECT_EQ(d.accept_env, (std::vector<std::string>{"LANG", "LC_*"}));
  EXPECT_FALSE(d.print_motd);
  EXPECT_TRUE(d.print_last_log);
  EXPECT_EQ(d.pam_env, (std::vector<std::string>{"LANG=C.UTF-8", "MAIL=/var/mail/alice"}));
  EXPECT_EQ(d.user.name, "alice");
  EXPECT_EQ(d.user.home, "/home/alice");
  EXPECT_EQ(d.user.shell, "/bin/bash");
  EXPECT_EQ(d.user.uid, 1000u);
  EXPECT_EQ(d.grant, sample_grant());
  ASSERT_EQ(d.subsystems.size(), 1u);
  EXPECT_EQ(d.subsystems[0].command, "/usr/lib/openssh/sftp-server -l INFO");
  EXPECT_EQ(d.rekey_bytes, uint64_t{512} << 20);
  EXPECT_EQ(d.rekey_interval, 3600u);
  EXPECT_EQ(d.kex_deadline, 30u);
  // A default grant (everything "no") round-trips too.
  SessionSettings plain = sample_session_settings();
  plain.grant = Grant{};
  ASSERT_TRUE(decode(encode(plain), d));
  EXPECT_EQ(d.grant, Grant{});
  EXPECT_FALSE(d.grant.pty);
}

// The grant has one encoding per meaning: out-of-range sources, a command
// without a source, environment entries without a name and an unnamed user
// are refused, not read as something else.
TEST(MonitorProtocol, SessionSettingsRefusesMalformedGrant) {
  SessionSettings d;
  SessionSettings m = sample_session_settings();
  m.grant.command_from = Grant::CommandFrom::kNone;
  EXPECT_FALSE(decode(encode(m), d)) << "command text without a source";
  m = sample_session_settings();
  m.grant.command_from = static_cast<Grant::CommandFrom>(3);
  EXPECT_FALSE(decode(encode(m), d)) << "unknown command source";
  for (const char* bad : {"NOEQUALS", "=value"}) {
    m = sample_session_settings();
    m.grant.environment = {bad};
    EXPECT_FALSE(decode(encode(m), d)) << bad;
  }
  m = sample_session_settings();
  m.user.name.clear();
  EXPECT_FALSE(decode(encode(m), d)) << "unnamed user";
  m = sample_session_settings();
  m.grant.expires = -1;
  EXPECT_FALSE(decode(encode(m), d)) << "negative expiry";
  m = sample_session_settings();
  m.grant.gateway_ports = 3;
  EXPECT_FALSE(decode(encode(m), d)) << "unknown GatewayPorts value";
  m = sample_session_settings();
  m.grant.streamlocal_bind_mask = 01000;
  EXPECT_FALSE(decode(encode(m), d)) << "bind mask beyond the permission bits";
  m = sample_session_settings();
  m.grant.forced_command = std::string(kMaxGrantCommand + 1, 'x');
  EXPECT_FALSE(decode(encode(m), d)) << "oversize forced command";
  // A flag byte other than 0 or 1 is a forgery (strict booleans).
  auto bytes = encode(sample_session_settings());
  const size_t pty_at = 1 + (4 + 5) + (4 + 11) + (4 + 9) + 4 + 4;
  ASSERT_EQ(bytes[pty_at], 1);
  bytes[pty_at] = 2;
  EXPECT_FALSE(decode(bytes, d));
}

// RekeyLimit below what sshd_config accepts, or a key exchange without a
// deadline, is nothing the monitor sends.
TEST(MonitorProtocol, SessionSettingsRefusesUnboundedRekeyValues) {
  SessionSettings d;
  SessionSettings m = sample_session_settings();
  m.rekey_bytes = 15;
  EXPECT_FALSE(decode(encode(m), d)) << "rekey after 15 bytes";
  m.rekey_bytes = 16;
  EXPECT_TRUE(decode(encode(m), d));
  m.kex_deadline = 0;
  EXPECT_FALSE(decode(encode(m), d)) << "no key exchange deadline";
}

TEST(MonitorProtocol, SessionSettingsRefusesPamEnvWithoutName) {
  for (const char* bad : {"NOEQUALS", "=value"}) {
    SessionSettings m = sample_session_settings();
    m.pam_env = {bad};
    SessionSettings d;
    EXPECT_FALSE(decode(encode(m), d)) << bad;
  }
}

// ---------------------------------------------------------------------------
// Malformed messages, generated over every sample

TEST(MonitorProtocol, EverySampleDecodes) {
  for (const auto& s : all_samples()) EXPECT_TRUE(s.decode(s.bytes)) << s.name;
}

TEST(MonitorProtocol, WrongTypeByteIsRefused) {
  for (const auto& s : all_samples()) {
    for (int t = 0; t < 256; ++t) {
      if (t == s.bytes[0]) continue;
      auto b = s.bytes;
      b[0] = uint8_t(t);
      ASSERT_FALSE(s.decode(b)) << s.name << " with type " << t;
    }
  }
  // And a message of one type never decodes as another.
  AuthNoneRequest none;
  EXPECT_FALSE(decode(encode(KexEcdhRequest{filled(5, 0)}), none));
}

TEST(MonitorProtocol, EveryStrictPrefixIsRefused) {
  for (const auto& s : all_samples())
    for (size_t cut = 0; cut < s.bytes.size(); ++cut)
      ASSERT_FALSE(s.decode(std::span(s.bytes).first(cut))) << s.name << " cut at " << cut;
}

TEST(MonitorProtocol, OneTrailingByteIsRefused) {
  for (const auto& s : all_samples()) {
    for (uint8_t extra : {0, 1, 0xff}) {
      auto b = s.bytes;
      b.push_back(extra);
      EXPECT_FALSE(s.decode(b)) << s.name;
    }
  }
}

TEST(MonitorProtocol, UserNameLimitsAndNul) {
  AuthNoneRequest n;
  EXPECT_TRUE(decode(encode(AuthNoneRequest{std::string(kMaxUserName, 'u')}), n));
  EXPECT_FALSE(decode(encode(AuthNoneRequest{std::string(kMaxUserName + 1, 'u')}), n));
  EXPECT_FALSE(decode(encode(AuthNoneRequest{std::string("ro\0ot", 5)}), n));

  AuthPubkeyRequest p = sample_pubkey(true);
  AuthPubkeyRequest d;
  p.user = std::string(kMaxUserName + 1, 'u');
  EXPECT_FALSE(decode(encode(p), d));
  p.user = std::string("root\0x", 6);
  EXPECT_FALSE(decode(encode(p), d));
  p.user = "root";
  p.algorithm = std::string("ssh-ed25519\0", 12);
  EXPECT_FALSE(decode(encode(p), d));

  AuthPasswordRequest pw;
  EXPECT_FALSE(
      decode(encode(AuthPasswordRequest{std::string(kMaxUserName + 1, 'u'), secret(4, 0)}), pw));
  EXPECT_FALSE(decode(encode(AuthPasswordRequest{std::string("a\0b", 3), secret(4, 0)}), pw));
  AuthKbdintRequest kb;
  EXPECT_TRUE(decode(encode(AuthKbdintRequest{std::string(kMaxUserName, 'u')}), kb));
  EXPECT_FALSE(decode(encode(AuthKbdintRequest{std::string(kMaxUserName + 1, 'u')}), kb));
  EXPECT_FALSE(decode(encode(AuthKbdintRequest{std::string("a\0b", 3)}), kb));
}

TEST(MonitorProtocol, BooleansMustBeZeroOrOne) {
  // Built by hand: encode() cannot produce a boolean byte of 2.
  auto pubkey = [](uint8_t b) {
    wire::Writer w;
    w.u8(uint8_t(Type::kAuthPubkey)).string("alice").string("ssh-ed25519").string(filled(51, 1));
    w.u8(b).string(filled(83, 2));
    return w.take();
  };
  AuthPubkeyRequest pk;
  EXPECT_TRUE(decode(pubkey(1), pk));
  EXPECT_FALSE(decode(pubkey(2), pk));
  EXPECT_FALSE(decode(pubkey(0xff), pk));

  auto auth_reply = [](uint8_t result, uint8_t disconnect) {
    wire::Writer w;
    w.u8(uint8_t(Type::kAuthReply)).u8(result).string("publickey").u8(disconnect).string("");
    return w.take();
  };
  AuthReply ar;
  EXPECT_TRUE(decode(auth_reply(2, 1), ar));
  EXPECT_FALSE(decode(auth_reply(2, 2), ar));
  EXPECT_FALSE(decode(auth_reply(3, 0), ar)) << "result out of range";

  auto kexinit_reply = [](int which_bad) {
    wire::Writer w;
    w.u8(uint8_t(Type::kKexInitReply)).u8(which_bad == 0 ? 2 : 1).string("").string(filled(9, 0));
    for (int i = 1; i <= 3; ++i) w.u8(which_bad == i ? 2 : 0);
    return w.take();
  };
  KexInitReply kr;
  EXPECT_TRUE(decode(kexinit_reply(-1), kr));
  for (int i = 0; i <= 3; ++i) EXPECT_FALSE(decode(kexinit_reply(i), kr)) << i;

  auto state = encode(sample_state());
  // strict_kex: the one byte where the encodings with and without it differ.
  TransportState unstrict = sample_state();
  unstrict.strict_kex = false;
  const auto other = encode(unstrict);
  ASSERT_EQ(other.size(), state.size());
  const size_t strict_at = std::mismatch(state.begin(), state.end(), other.begin()).first - state.begin();
  ASSERT_EQ(state[strict_at], 1);
  state[strict_at] = 2;
  TransportState ts;
  EXPECT_FALSE(decode(state, ts));
  // The compression flags are the last two booleans.
  for (size_t back = 1; back <= 2; ++back) {
    auto st = encode(sample_state());
    st[st.size() - back] = 2;
    EXPECT_FALSE(decode(st, ts)) << back;
    auto kx = encode(sample_kex_reply());
    kx[kx.size() - back] = 2;
    KexReply kr2;
    EXPECT_FALSE(decode(kx, kr2)) << back;
  }

  auto kex = encode(sample_kex_reply());
  ASSERT_EQ(kex[1], 1);
  kex[1] = 2;
  KexReply k;
  EXPECT_FALSE(decode(kex, k));

  auto pty = encode(sample_pty_reply());
  ASSERT_EQ(pty[1], 1);
  pty[1] = 2;
  PtyReply pr;
  EXPECT_FALSE(decode(pty, pr));

  // SessionSettings (with no PAM variables and no subsystems) ends with its
  // two booleans, two zero counts, rekey_after_auth and 16 bytes of rekey
  // values; KbdintQuery's last byte is the last prompt's echo flag.
  for (size_t back : {17u, 25u, 26u}) {
    SessionSettings plain = sample_session_settings();
    plain.pam_env.clear();
    plain.subsystems.clear();
    auto ss = encode(plain);
    ss[ss.size() - back] = 2;
    SessionSettings sd;
    EXPECT_FALSE(decode(ss, sd)) << back;
  }
  auto q = encode(sample_query());
  ASSERT_EQ(q.back(), 1);
  q.back() = 2;
  KbdintQuery qd;
  EXPECT_FALSE(decode(q, qd));
}

// The relayed values are bounded (room for RSA host keys and the longest Q_S
// of the KEX table, nothing more); H is the size of some KEX row's hash
// (SHA-256 or SHA-512). The keys are checked against their rows
// (KeysDecodeOnlyAsCompleteRows).
TEST(MonitorProtocol, KexReplyFieldsAreBounded) {
  auto decodes = [](auto mutate) {
    KexReply m = sample_kex_reply();
    mutate(m);
    KexReply d;
    return decode(encode(m), d);
  };
  EXPECT_TRUE(decodes([](KexReply& m) {
    m.host_key_blob = filled(kMaxHostKeyBlob, 1);
    m.server_public = filled(kMaxKexServerPublic, 2);
    m.signature = filled(kMaxSignatureBlob, 3);
  }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.host_key_blob = filled(kMaxHostKeyBlob + 1, 1); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.server_public = filled(kMaxKexServerPublic + 1, 2); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.signature = filled(kMaxSignatureBlob + 1, 3); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.exchange_hash = filled(31, 4); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.exchange_hash = filled(33, 4); }));
  EXPECT_TRUE(decodes([](KexReply& m) { m.exchange_hash = filled(64, 4); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.exchange_hash = filled(48, 4); }));
  EXPECT_FALSE(decodes([](KexReply& m) { m.exchange_hash = filled(65, 4); }));
}

// The bounds come from the KEX table: the hybrids' sizes, nothing larger.
TEST(MonitorProtocol, KexBoundsAreTheTablesLargestValues) {
  EXPECT_EQ(kMaxKexClientPublic, 1184u + 32u);  // mlkem768x25519 Q_C
  EXPECT_EQ(kMaxKexServerPublic, 1088u + 32u);  // mlkem768x25519 Q_S
  KexEcdhRequest q;
  EXPECT_TRUE(decode(encode(KexEcdhRequest{filled(kMaxKexClientPublic, 1)}), q));
  EXPECT_TRUE(decode(encode(KexEcdhRequest{filled(1158 + 32, 1)}), q));  // sntrup761x25519
  EXPECT_FALSE(decode(encode(KexEcdhRequest{filled(kMaxKexClientPublic + 1, 1)}), q));
}

TEST(MonitorProtocol, FieldSizeCaps) {
  KexInitRequest ki;
  EXPECT_FALSE(decode(encode(KexInitRequest{"SSH-2.0-x", {}}), ki)) << "empty KEXINIT";
  EXPECT_TRUE(decode(encode(KexInitRequest{"SSH-2.0-x", filled(kMaxKexInitBytes, 0)}), ki));
  EXPECT_FALSE(decode(encode(KexInitRequest{"SSH-2.0-x", filled(kMaxKexInitBytes + 1, 0)}), ki));
  EXPECT_FALSE(
      decode(encode(KexInitRequest{std::string(kMaxVersionLength + 1, 'v'), filled(10, 0)}), ki));

  HandoverRequest h;
  EXPECT_TRUE(decode(encode(HandoverRequest{3, 3, 0, 0, filled(kMaxPending, 0)}), h));
  EXPECT_FALSE(decode(encode(HandoverRequest{3, 3, 0, 0, filled(kMaxPending + 1, 0)}), h));

  AuthPubkeyRequest p = sample_pubkey(true);
  AuthPubkeyRequest d;
  p.signature = filled(kMaxSignature + 1, 0);
  EXPECT_FALSE(decode(encode(p), d));
  // An RSA-16384 rsa-sha2-512 signature blob (the largest key parsed) fits.
  p.signature = filled(4 + 12 + 4 + 2048, 0);
  EXPECT_TRUE(decode(encode(p), d));
  p = sample_pubkey(false);
  p.key_blob = filled(kMaxKeyBlob + 1, 0);
  EXPECT_FALSE(decode(encode(p), d));

  TransportState ts;
  auto st = sample_state();
  st.session_id = filled(20, 0);
  EXPECT_FALSE(decode(encode(st), ts)) << "session id is a SHA-256 or SHA-512";
  st.session_id = filled(64, 0);
  EXPECT_TRUE(decode(encode(st), ts)) << "sntrup761x25519-sha512's session id";
  st.session_id = filled(63, 0);
  EXPECT_FALSE(decode(encode(st), ts));
}

TEST(MonitorProtocol, AuthReplyBannerIsBoundedText) {
  AuthReply m = sample_auth_reply();
  AuthReply d;
  m.banner = std::string(8192, 'b');
  EXPECT_TRUE(decode(encode(m), d));
  m.banner = std::string(8193, 'b');
  EXPECT_FALSE(decode(encode(m), d));
  m.banner = std::string("a\0b", 3);
  EXPECT_FALSE(decode(encode(m), d));
}

TEST(MonitorProtocol, CountAndSizeCapsOfListsAndSecrets) {
  AuthPasswordRequest pw;
  EXPECT_TRUE(decode(encode(AuthPasswordRequest{"a", secret(kMaxPassword, 1)}), pw));
  EXPECT_FALSE(decode(encode(AuthPasswordRequest{"a", secret(kMaxPassword + 1, 1)}), pw));

  KbdintAnswers many;
  for (size_t i = 0; i < kMaxKbdintPrompts; ++i) many.answers.push_back(secret(1, uint8_t(i)));
  KbdintAnswers d;
  EXPECT_TRUE(decode(encode(many), d));
  many.answers.push_back(secret(1, 0));
  EXPECT_FALSE(decode(encode(many), d));
  KbdintAnswers long_answer;
  long_answer.answers.push_back(secret(kMaxPassword + 1, 0));
  EXPECT_FALSE(decode(encode(long_answer), d));
  // A count larger than what follows is truncation, not an allocation.
  wire::Writer w;
  w.u8(uint8_t(Type::kKbdintAnswers)).u32(0xffffffffu);
  EXPECT_FALSE(decode(w.bytes(), d));

  KbdintQuery q;
  q.prompts.assign(kMaxKbdintPrompts + 1, KbdintPrompt{"p", false});
  KbdintQuery qd;
  EXPECT_FALSE(decode(encode(q), qd));

  SessionSettings ss = sample_session_settings();
  ss.accept_env.assign(257, "X");
  SessionSettings sd;
  EXPECT_FALSE(decode(encode(ss), sd));
  ss.accept_env.assign(256, "X");
  EXPECT_TRUE(decode(encode(ss), sd));

  PtyRelease rel;
  EXPECT_FALSE(decode(encode(PtyRelease{std::string(65, 't')}), rel));
  EXPECT_FALSE(decode(encode(PtyRelease{std::string("/dev/pts/1\0", 11)}), rel));
}

TEST(MonitorProtocol, TypeNames) {
  EXPECT_STREQ(type_name(uint8_t(Type::kAuthPubkey)), "AUTH_PUBKEY");
  EXPECT_STREQ(type_name(0), "UNKNOWN");
  EXPECT_STREQ(type_name(200), "UNKNOWN");
}

// ---------------------------------------------------------------------------
// Datagrams and descriptors over a real socketpair

namespace {

class SocketPair : public ::testing::Test {
 protected:
  void SetUp() override {
    int sv[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
    a_.reset(sv[0]);
    b_.reset(sv[1]);
  }
  proc::RecvStatus recv(size_t max_len = kMaxMessage) {
    why_.clear();
    return proc::recv_datagram(b_.get(), max_len, buf_, fds_, why_);
  }
  proc::UniqueFd a_, b_;
  std::vector<uint8_t> buf_;
  std::vector<proc::UniqueFd> fds_;
  std::string why_;
};

size_t open_fd_count() {
  size_t n = 0;
  DIR* d = opendir("/proc/self/fd");
  if (!d) return 0;
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

}  // namespace

TEST_F(SocketPair, MessageRoundTrip) {
  const auto msg = encode(sample_handover());
  ASSERT_TRUE(proc::send_datagram(a_.get(), msg));
  ASSERT_EQ(recv(), proc::RecvStatus::kOk) << why_;
  EXPECT_EQ(buf_, msg);
  EXPECT_TRUE(fds_.empty());
  HandoverRequest d;
  EXPECT_TRUE(decode(buf_, d));
}

TEST_F(SocketPair, ExactlyMaxLengthIsAccepted) {
  const auto msg = filled(1000, 1);
  ASSERT_TRUE(proc::send_datagram(a_.get(), msg));
  EXPECT_EQ(recv(1000), proc::RecvStatus::kOk) << why_;
  EXPECT_EQ(buf_.size(), 1000u);
}

TEST_F(SocketPair, OversizeDatagramIsViolation) {
  for (size_t extra : {1u, 500u}) {
    ASSERT_TRUE(proc::send_datagram(a_.get(), filled(1000 + extra, 1)));
    EXPECT_EQ(recv(1000), proc::RecvStatus::kViolation) << extra;
    EXPECT_EQ(why_, "oversize message");
  }
  // The next message is read on its own: no leftover of the oversize one.
  ASSERT_TRUE(proc::send_datagram(a_.get(), filled(10, 2)));
  ASSERT_EQ(recv(1000), proc::RecvStatus::kOk);
  EXPECT_EQ(buf_, filled(10, 2));
}

TEST_F(SocketPair, DescriptorsArriveCloseOnExecAndWork) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);  // no O_CLOEXEC on purpose: the flag must come from the receiver
  proc::UniqueFd rd(p[0]), wr(p[1]);
  const int to_send[] = {wr.get(), rd.get()};
  ASSERT_TRUE(proc::send_datagram(a_.get(), filled(3, 0), to_send));
  ASSERT_EQ(recv(), proc::RecvStatus::kOk) << why_;
  ASSERT_EQ(fds_.size(), 2u);
  for (auto& fd : fds_) {
    const int flags = fcntl(fd.get(), F_GETFD);
    ASSERT_GE(flags, 0);
    EXPECT_TRUE(flags & FD_CLOEXEC) << "fd " << fd.get();
    EXPECT_NE(fd.get(), wr.get());
  }
  // The received write end really is the pipe.
  ASSERT_EQ(write(fds_[0].get(), "x", 1), 1);
  char c = 0;
  ASSERT_EQ(read(rd.get(), &c, 1), 1);
  EXPECT_EQ(c, 'x');
}

TEST_F(SocketPair, FourDescriptorsMaxFiveRefusedOnSend) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  proc::UniqueFd rd(p[0]), wr(p[1]);
  const int four[] = {rd.get(), rd.get(), wr.get(), wr.get()};
  ASSERT_TRUE(proc::send_datagram(a_.get(), filled(1, 0), four));
  ASSERT_EQ(recv(), proc::RecvStatus::kOk) << why_;
  EXPECT_EQ(fds_.size(), 4u);

  const int five[] = {rd.get(), rd.get(), wr.get(), wr.get(), rd.get()};
  errno = 0;
  EXPECT_FALSE(proc::send_datagram(a_.get(), filled(1, 0), five));
  EXPECT_EQ(errno, EINVAL);
  // Nothing was sent.
  ASSERT_EQ(fcntl(b_.get(), F_SETFL, O_NONBLOCK), 0);
  EXPECT_EQ(recv(), proc::RecvStatus::kError);
  EXPECT_EQ(errno, EAGAIN);
}

TEST_F(SocketPair, TooManyDescriptorsFromARawSenderIsViolationWithoutLeak) {
  // A hostile child is not bound by send_datagram's limit.
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  proc::UniqueFd rd(p[0]), wr(p[1]);
  const size_t before = open_fd_count();
  {
    int fds[6] = {rd.get(), rd.get(), rd.get(), wr.get(), wr.get(), wr.get()};
    uint8_t byte = 1;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof fds);
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);
    ASSERT_EQ(sendmsg(a_.get(), &msg, 0), 1);
  }
  EXPECT_EQ(recv(), proc::RecvStatus::kViolation);
  EXPECT_FALSE(why_.empty());
  fds_.clear();  // whatever arrived is owned and now closed
  EXPECT_EQ(open_fd_count(), before);
}

TEST_F(SocketPair, OversizeWithDescriptorsClosesThem) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  proc::UniqueFd rd(p[0]), wr(p[1]);
  const size_t before = open_fd_count();
  const int one[] = {wr.get()};
  ASSERT_TRUE(proc::send_datagram(a_.get(), filled(200, 0), one));
  EXPECT_EQ(recv(100), proc::RecvStatus::kViolation);
  EXPECT_EQ(why_, "oversize message");
  fds_.clear();
  EXPECT_EQ(open_fd_count(), before);
}

TEST_F(SocketPair, ClosedPeerIsClosed) {
  a_.reset();
  EXPECT_EQ(recv(), proc::RecvStatus::kClosed);
}

TEST_F(SocketPair, SendToClosedPeerFailsWithoutSignal) {
  b_.reset();
  EXPECT_FALSE(proc::send_datagram(a_.get(), filled(4, 0)));  // EPIPE, not SIGPIPE
}
