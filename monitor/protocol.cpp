#include "monitor/protocol.h"

#include <sodium.h>

#include <cstdint>

namespace lpsshd::monproto {

namespace {
using wire::Bytes;
using wire::Reader;
using wire::Writer;

Writer start(Type t) {
  Writer w(256);
  w.u8(static_cast<uint8_t>(t));
  return w;
}

bool expect_type(Reader& r, Type t) { return r.expect_u8(static_cast<uint8_t>(t)); }

bool bytes_field(Reader& r, std::vector<uint8_t>& out, size_t max) {
  Bytes b;
  if (!r.string(b) || b.size() > max) return false;
  out.assign(b.begin(), b.end());
  return true;
}

bool secret_field(Reader& r, crypto::SecretBytes& out, size_t n) {
  Bytes b;
  if (!r.fixed_string(b, n)) return false;
  out = crypto::SecretBytes(b);
  return true;
}

bool bool_field(Reader& r, bool& out) { return r.strict_boolean(out); }

// An exchange hash or session id: as long as some KEX row's hash (32 for
// SHA-256, 64 for SHA-512).
bool hash_field(Reader& r, std::vector<uint8_t>& out) {
  Bytes b;
  if (!r.string(b) || !transport::is_kex_hash_size(b.size())) return false;
  out.assign(b.begin(), b.end());
  return true;
}

// RFC 4251 5 name-list, as the preauth child will put it on the wire: names
// of 1 to 64 printable US-ASCII characters without commas, separated by
// single commas; empty is an empty list.
bool sane_name_list(std::string_view list) {
  if (list.empty()) return true;
  size_t name_len = 0;
  for (char c : list) {
    if (c == ',') {
      if (name_len == 0) return false;
      name_len = 0;
    } else if (c < 0x21 || c > 0x7e || ++name_len > 64) {
      return false;
    }
  }
  return name_len != 0;
}


// DirectionKeys: string cipher, string mac ("" for an AEAD), string iv,
// string key, string mac_key. Decoding takes only rows of the table and
// keys of exactly their sizes.
void put_keys(Writer& w, const transport::DirectionKeys& k) {
  w.string(k.cipher ? k.cipher->name : "").string(k.mac ? k.mac->name : "");
  w.string(k.iv.span()).string(k.key.span()).string(k.mac_key.span());
}
bool keys_field(Reader& r, transport::DirectionKeys& k) {
  Bytes cipher, mac;
  if (!r.string(cipher) || !r.string(mac)) return false;
  k.cipher = transport::find_cipher(wire::as_view(cipher));
  k.mac = mac.empty() ? nullptr : transport::find_mac(wire::as_view(mac));
  if (k.cipher == nullptr || (k.mac == nullptr && !mac.empty())) return false;
  const size_t mac_key = k.mac ? k.mac->key_bytes : 0;
  return secret_field(r, k.iv, k.cipher->iv_bytes) && secret_field(r, k.key, k.cipher->key_bytes) &&
         secret_field(r, k.mac_key, mac_key) && k.complete();
}
}  // namespace

const char* type_name(uint8_t type) {
  switch (static_cast<Type>(type)) {
    case Type::kKexInit: return "KEX_INIT";
    case Type::kKexEcdh: return "KEX_ECDH";
    case Type::kAuthNone: return "AUTH_NONE";
    case Type::kAuthPubkey: return "AUTH_PUBKEY";
    case Type::kHandover: return "HANDOVER";
    case Type::kPostauthReady: return "POSTAUTH_READY";
    case Type::kHello: return "HELLO";
    case Type::kKexInitReply: return "KEX_INIT_REPLY";
    case Type::kKexReply: return "KEX_REPLY";
    case Type::kAuthReply: return "AUTH_REPLY";
    case Type::kTransportState: return "TRANSPORT_STATE";
    case Type::kPtyRequest: return "PTY_REQUEST";
    case Type::kPtyRelease: return "PTY_RELEASE";
    case Type::kLog: return "LOG";
    case Type::kSessionSettings: return "SESSION_SETTINGS";
    case Type::kPtyReply: return "PTY_REPLY";
    case Type::kAuthPassword: return "AUTH_PASSWORD";
    case Type::kAuthKbdint: return "AUTH_KBDINT";
    case Type::kKbdintAnswers: return "KBDINT_ANSWERS";
    case Type::kKbdintQuery: return "KBDINT_QUERY";
    case Type::kKexStart: return "KEX_START";
  }
  return "UNKNOWN";
}

// KexInitRequest: string client_version, string client_kexinit
std::vector<uint8_t> encode(const KexInitRequest& m) {
  auto w = start(m.kType);
  w.string(m.client_version).string(m.client_kexinit);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KexInitRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.text(m.client_version, kMaxVersionLength) &&
         bytes_field(r, m.client_kexinit, kMaxKexInitBytes) && !m.client_kexinit.empty() && r.end();
}

// KexEcdhRequest: string Q_C
std::vector<uint8_t> encode(const KexEcdhRequest& m) {
  auto w = start(m.kType);
  w.string(m.client_public);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KexEcdhRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && bytes_field(r, m.client_public, kMaxKexClientPublic) && r.end();
}

// AuthNoneRequest: string user
std::vector<uint8_t> encode(const AuthNoneRequest& m) {
  auto w = start(m.kType);
  w.string(m.user);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, AuthNoneRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.text(m.user, kMaxUserName) && r.end();
}

// AuthPubkeyRequest: string user, string algorithm, string key_blob,
// bool has_signature, [string signature]
std::vector<uint8_t> encode(const AuthPubkeyRequest& m) {
  auto w = start(m.kType);
  w.string(m.user).string(m.algorithm).string(m.key_blob).boolean(m.has_signature);
  if (m.has_signature) w.string(m.signature);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, AuthPubkeyRequest& m) {
  Reader r(msg);
  if (!expect_type(r, m.kType) || !r.text(m.user, kMaxUserName) || !r.text(m.algorithm, 64) ||
      !bytes_field(r, m.key_blob, kMaxKeyBlob) || !bool_field(r, m.has_signature))
    return false;
  m.signature.clear();
  if (m.has_signature && !bytes_field(r, m.signature, kMaxSignature)) return false;
  return r.end();
}

// HandoverRequest: uint32 send_seq, uint32 recv_seq, uint64 send_position,
// uint64 recv_position, string pending
std::vector<uint8_t> encode(const HandoverRequest& m) {
  auto w = start(m.kType);
  w.u32(m.send_seq).u32(m.recv_seq).u64(m.send_position).u64(m.recv_position).string(m.pending);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, HandoverRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.u32(m.send_seq) && r.u32(m.recv_seq) &&
         r.u64(m.send_position) && r.u64(m.recv_position) &&
         bytes_field(r, m.pending, kMaxPending) && r.end();
}

// KexStartRequest: no fields
std::vector<uint8_t> encode(const KexStartRequest& m) { return start(m.kType).take(); }
bool decode(std::span<const uint8_t> msg, KexStartRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.end();
}

std::vector<uint8_t> encode(const PostauthReady& m) { return start(m.kType).take(); }
bool decode(std::span<const uint8_t> msg, PostauthReady& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.end();
}

// Hello: string server_version, string server_kexinit, string server_sig_algs
std::vector<uint8_t> encode(const Hello& m) {
  auto w = start(m.kType);
  w.string(m.server_version).string(m.server_kexinit).string(m.server_sig_algs);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, Hello& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.text(m.server_version, kMaxVersionLength) &&
         bytes_field(r, m.server_kexinit, kMaxKexInitBytes) &&
         r.text(m.server_sig_algs, kMaxSigAlgsList) && sane_name_list(m.server_sig_algs) && r.end();
}

// KexInitReply: bool ok, string reason, string server_kexinit,
// bool strict_kex, bool client_ext_info, bool ignore_guessed
std::vector<uint8_t> encode(const KexInitReply& m) {
  auto w = start(m.kType);
  w.boolean(m.ok).string(m.reason).string(m.server_kexinit);
  w.boolean(m.strict_kex).boolean(m.client_ext_info).boolean(m.ignore_guessed);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KexInitReply& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && bool_field(r, m.ok) && r.text(m.reason, 256) &&
         bytes_field(r, m.server_kexinit, kMaxKexInitBytes) && bool_field(r, m.strict_kex) &&
         bool_field(r, m.client_ext_info) && bool_field(r, m.ignore_guessed) && r.end();
}

// KexReply: bool ok, string reason, and when ok: string K_S, string Q_S,
// string signature, string H, keys ctos, keys stoc (DirectionKeys),
// bool zlib_ctos, bool zlib_stoc
std::vector<uint8_t> encode(const KexReply& m) {
  auto w = start(m.kType);
  w.boolean(m.ok).string(m.reason);
  if (m.ok) {
    w.string(m.host_key_blob).string(m.server_public).string(m.signature).string(m.exchange_hash);
    put_keys(w, m.ctos);
    put_keys(w, m.stoc);
    w.boolean(m.zlib_ctos).boolean(m.zlib_stoc);
  }
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KexReply& m) {
  Reader r(msg);
  if (!expect_type(r, m.kType) || !bool_field(r, m.ok) || !r.text(m.reason, 256)) return false;
  if (m.ok &&
      !(bytes_field(r, m.host_key_blob, kMaxHostKeyBlob) &&
        bytes_field(r, m.server_public, kMaxKexServerPublic) &&
        bytes_field(r, m.signature, kMaxSignatureBlob) && hash_field(r, m.exchange_hash) &&
        keys_field(r, m.ctos) && keys_field(r, m.stoc) &&
        bool_field(r, m.zlib_ctos) && bool_field(r, m.zlib_stoc)))
    return false;
  return r.end();
}

// AuthReply: byte result, string methods, bool disconnect, string banner
std::vector<uint8_t> encode(const AuthReply& m) {
  auto w = start(m.kType);
  w.u8(static_cast<uint8_t>(m.result)).string(m.methods).boolean(m.disconnect).string(m.banner);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, AuthReply& m) {
  Reader r(msg);
  uint8_t result = 0;
  if (!expect_type(r, m.kType) || !r.u8(result) || result > 2 || !r.text(m.methods, 256) ||
      !bool_field(r, m.disconnect) || !r.text(m.banner, 8192) || !r.end())
    return false;
  m.result = static_cast<AuthResult>(result);
  return true;
}

// TransportState: string session_id, keys ctos, keys stoc (DirectionKeys),
// uint32 send_seq, uint32 recv_seq, uint64 send_position, uint64 recv_position,
// bool strict_kex, bool zlib_ctos, bool zlib_stoc
std::vector<uint8_t> encode(const TransportState& m) {
  auto w = start(m.kType);
  w.string(m.session_id);
  put_keys(w, m.ctos);
  put_keys(w, m.stoc);
  w.u32(m.send_seq).u32(m.recv_seq).u64(m.send_position).u64(m.recv_position).boolean(m.strict_kex);
  w.boolean(m.zlib_ctos).boolean(m.zlib_stoc);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, TransportState& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && hash_field(r, m.session_id) &&
         keys_field(r, m.ctos) && keys_field(r, m.stoc) && r.u32(m.send_seq) && r.u32(m.recv_seq) &&
         r.u64(m.send_position) && r.u64(m.recv_position) && bool_field(r, m.strict_kex) &&
         bool_field(r, m.zlib_ctos) && bool_field(r, m.zlib_stoc) && r.end();
}

// AuthPasswordRequest: string user, string password
std::vector<uint8_t> encode(const AuthPasswordRequest& m) {
  auto w = start(m.kType);
  w.string(m.user).string(m.password.span());
  return w.take();
}
bool decode(std::span<const uint8_t> msg, AuthPasswordRequest& m) {
  Reader r(msg);
  Bytes pw;
  if (!expect_type(r, m.kType) || !r.text(m.user, kMaxUserName) || !r.string(pw) ||
      pw.size() > kMaxPassword || !r.end())
    return false;
  m.password = crypto::SecretBytes(pw);
  return true;
}

// AuthKbdintRequest: string user
std::vector<uint8_t> encode(const AuthKbdintRequest& m) {
  auto w = start(m.kType);
  w.string(m.user);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, AuthKbdintRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.text(m.user, kMaxUserName) && r.end();
}

// KbdintAnswers: uint32 n, n x string answer
std::vector<uint8_t> encode(const KbdintAnswers& m) {
  auto w = start(m.kType);
  w.u32(static_cast<uint32_t>(m.answers.size()));
  for (const auto& a : m.answers) w.string(a.span());
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KbdintAnswers& m) {
  Reader r(msg);
  uint32_t n = 0;
  if (!expect_type(r, m.kType) || !r.u32(n) || n > kMaxKbdintPrompts) return false;
  m.answers.clear();
  for (uint32_t i = 0; i < n; ++i) {
    Bytes a;
    if (!r.string(a) || a.size() > kMaxPassword) return false;
    m.answers.emplace_back(a);
  }
  return r.end();
}

// KbdintQuery: string instruction, uint32 n, n x (string prompt, bool echo)
std::vector<uint8_t> encode(const KbdintQuery& m) {
  auto w = start(m.kType);
  w.string(m.instruction).u32(static_cast<uint32_t>(m.prompts.size()));
  for (const auto& p : m.prompts) w.string(p.text).boolean(p.echo);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, KbdintQuery& m) {
  Reader r(msg);
  uint32_t n = 0;
  if (!expect_type(r, m.kType) || !r.text(m.instruction, 8192) || !r.u32(n) ||
      n > kMaxKbdintPrompts)
    return false;
  m.prompts.assign(n, {});
  for (auto& p : m.prompts)
    if (!r.text(p.text, 1024) || !bool_field(r, p.echo)) return false;
  return r.end();
}

std::vector<uint8_t> encode(const PtyRequest& m) { return start(m.kType).take(); }
bool decode(std::span<const uint8_t> msg, PtyRequest& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.end();
}

// PtyRelease: string tty
std::vector<uint8_t> encode(const PtyRelease& m) {
  auto w = start(m.kType);
  w.string(m.tty);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, PtyRelease& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && r.text(m.tty, 64) && r.end();
}

// LogLine: byte level (0 info, 1 verbose, 2 debug), string text
std::vector<uint8_t> encode(const LogLine& m) {
  auto w = start(m.kType);
  w.u8(static_cast<uint8_t>(m.level)).string(m.text);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, LogLine& m) {
  Reader r(msg);
  uint8_t level = 0;
  if (!expect_type(r, m.kType) || !r.u8(level) || level > 2 ||
      !r.text(m.text, LogLine::kMaxLogText) || !r.end())
    return false;
  m.level = static_cast<LogLine::Level>(level);
  return true;
}

namespace {
// string-list: uint32 n, n x string, each text of at most max_len bytes.
void put_list(Writer& w, const std::vector<std::string>& list) {
  w.u32(static_cast<uint32_t>(list.size()));
  for (const auto& e : list) w.string(e);
}
bool get_list(Reader& r, std::vector<std::string>& list, size_t max_items, size_t max_len) {
  uint32_t n = 0;
  if (!r.u32(n) || n > max_items) return false;
  list.assign(n, {});
  for (auto& e : list)
    if (!r.text(e, max_len)) return false;
  return true;
}

bool env_entry(const std::string& e) { return e.find('=') != std::string::npos && e.front() != '='; }

// SessionUser: string name, string home, string shell, uint32 uid, uint32 gid
void put_user(Writer& w, const SessionUser& u) {
  w.string(u.name).string(u.home).string(u.shell).u32(u.uid).u32(u.gid);
}
bool get_user(Reader& r, SessionUser& u) {
  return r.text(u.name, kMaxUserName) && !u.name.empty() && r.text(u.home, 4096) &&
         r.text(u.shell, 4096) && r.u32(u.uid) && r.u32(u.gid);
}

// Grant: bool pty, bool local_forwarding, bool remote_forwarding,
// bool agent_forwarding, bool x11_forwarding, bool user_rc,
// byte command_from, string forced_command, string-list environment,
// string-list permit_open, string-list permit_listen, string tunnel,
// uint64 expires, bool streamlocal_local, bool streamlocal_remote,
// string-list admin_permit_open, string-list admin_permit_listen,
// byte gateway_ports (0-2), uint32 streamlocal_bind_mask (<= 0777),
// bool streamlocal_bind_unlink
void put_grant(Writer& w, const Grant& g) {
  w.boolean(g.pty).boolean(g.local_forwarding).boolean(g.remote_forwarding);
  w.boolean(g.agent_forwarding).boolean(g.x11_forwarding).boolean(g.user_rc);
  w.u8(static_cast<uint8_t>(g.command_from)).string(g.forced_command);
  put_list(w, g.environment);
  put_list(w, g.permit_open);
  put_list(w, g.permit_listen);
  w.string(g.tunnel).u64(static_cast<uint64_t>(g.expires));
  w.boolean(g.streamlocal_local).boolean(g.streamlocal_remote);
  put_list(w, g.admin_permit_open);
  put_list(w, g.admin_permit_listen);
  w.u8(g.gateway_ports).u32(g.streamlocal_bind_mask).boolean(g.streamlocal_bind_unlink);
  w.string(g.sftp_root).u8(static_cast<uint8_t>(g.sftp_jail));
}
bool get_grant(Reader& r, Grant& g) {
  uint8_t from = 0, jail = 0;
  uint64_t expires = 0;
  if (!bool_field(r, g.pty) || !bool_field(r, g.local_forwarding) ||
      !bool_field(r, g.remote_forwarding) || !bool_field(r, g.agent_forwarding) ||
      !bool_field(r, g.x11_forwarding) || !bool_field(r, g.user_rc) || !r.u8(from) ||
      from > static_cast<uint8_t>(Grant::CommandFrom::kKey) ||
      !r.text(g.forced_command, kMaxGrantCommand) ||
      !get_list(r, g.environment, kMaxGrantList, 4096) ||
      !get_list(r, g.permit_open, kMaxGrantList, 1100) ||
      !get_list(r, g.permit_listen, kMaxGrantList, 1100) || !r.text(g.tunnel, 16) ||
      !r.u64(expires) || expires > INT64_MAX || !bool_field(r, g.streamlocal_local) ||
      !bool_field(r, g.streamlocal_remote) ||
      !get_list(r, g.admin_permit_open, kMaxGrantList, 1100) ||
      !get_list(r, g.admin_permit_listen, kMaxGrantList, 1100) || !r.u8(g.gateway_ports) ||
      g.gateway_ports > 2 || !r.u32(g.streamlocal_bind_mask) || g.streamlocal_bind_mask > 0777 ||
      !bool_field(r, g.streamlocal_bind_unlink) ||
      !r.text(g.sftp_root, 4096) || !r.u8(jail) ||
      jail > static_cast<uint8_t>(Grant::SftpJail::kUploadOnly))
    return false;
  g.sftp_jail = static_cast<Grant::SftpJail>(jail);
  // A jail is an absolute directory (the monitor expanded it), or none.
  if (!g.sftp_root.empty() && g.sftp_root[0] != '/') return false;
  g.command_from = static_cast<Grant::CommandFrom>(from);
  g.expires = static_cast<int64_t>(expires);
  // One encoding per meaning: no command text without a source.
  if (g.command_from == Grant::CommandFrom::kNone && !g.forced_command.empty()) return false;
  for (const auto& e : g.environment)
    if (!env_entry(e)) return false;
  return true;
}
}  // namespace

// SessionSettings: SessionUser user, Grant grant, string-list accept_env,
// bool print_motd, bool print_last_log, string-list pam_env,
// uint32 n, n x (string name, string command) subsystems, bool rekey_after_auth,
// uint64 rekey_bytes, uint32 rekey_interval, uint32 kex_deadline
std::vector<uint8_t> encode(const SessionSettings& m) {
  auto w = start(m.kType);
  put_user(w, m.user);
  put_grant(w, m.grant);
  put_list(w, m.accept_env);
  w.boolean(m.print_motd).boolean(m.print_last_log);
  put_list(w, m.pam_env);
  w.u32(static_cast<uint32_t>(m.subsystems.size()));
  for (const auto& s : m.subsystems) w.string(s.name).string(s.command);
  w.boolean(m.rekey_after_auth);
  w.u64(m.rekey_bytes).u32(m.rekey_interval).u32(m.kex_deadline);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, SessionSettings& m) {
  Reader r(msg);
  uint32_t n = 0;
  if (!expect_type(r, m.kType) || !get_user(r, m.user) || !get_grant(r, m.grant) ||
      !get_list(r, m.accept_env, 256, 1024) || !bool_field(r, m.print_motd) ||
      !bool_field(r, m.print_last_log) || !get_list(r, m.pam_env, 128, 4096) || !r.u32(n) ||
      n > 64)
    return false;
  for (const auto& e : m.pam_env)
    if (!env_entry(e)) return false;
  m.subsystems.assign(n, {});
  for (auto& s : m.subsystems)
    if (!r.text(s.name, 256) || s.name.empty() || !r.text(s.command, 1024) || s.command.empty())
      return false;
  // A key retired after fewer than 16 bytes, or an exchange with no time
  // limit, is nothing the monitor would send.
  return bool_field(r, m.rekey_after_auth) && r.u64(m.rekey_bytes) && m.rekey_bytes >= 16 &&
         r.u32(m.rekey_interval) && r.u32(m.kex_deadline) && m.kex_deadline > 0 && r.end();
}

// PtyReply: bool ok, string tty, string last_login
std::vector<uint8_t> encode(const PtyReply& m) {
  auto w = start(m.kType);
  w.boolean(m.ok).string(m.tty).string(m.last_login);
  return w.take();
}
bool decode(std::span<const uint8_t> msg, PtyReply& m) {
  Reader r(msg);
  return expect_type(r, m.kType) && bool_field(r, m.ok) && r.text(m.tty, 64) &&
         r.text(m.last_login, 512) && r.end();
}

}  // namespace lpsshd::monproto
