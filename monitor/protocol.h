// The monitor protocol: every message a child may send the monitor and every
// reply, in one place. This page is the whole attack surface the monitor
// exposes to the unprivileged preauth child and the user's postauth child.
//
// Framing: one message per AF_UNIX SOCK_SEQPACKET datagram of at most
// kMaxMessage bytes (proc/fd_passing.h refuses truncation). A message is a
// Type byte followed by its fields in SSH wire encoding. Every parse consumes
// the datagram exactly: trailing bytes, over-long fields, out-of-range values
// and a descriptor count other than the type's are violations. Only
// PtyReply carries descriptors (exactly two: master and slave); every
// message a child sends must carry none.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"
#include "transport/algorithms.h"
#include "transport/packet_protection.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::monproto {

inline constexpr size_t kMaxMessage = 128 * 1024;
inline constexpr size_t kMaxUserName = 256;     // longer names are refused outright
inline constexpr size_t kMaxVersionLength = 255;
inline constexpr size_t kMaxSigAlgsList = 2048;  // Hello.server_sig_algs
inline constexpr size_t kMaxKexInitBytes = 32 * 1024;
// Bounds of the key-exchange values relayed, from the table of KEX methods
// (the monitor checks each method's exact sizes: it refuses a Q_C of any
// other size and makes Q_S the row's), and of host key and signature blobs
// (RSA up to 16384 bits).
inline constexpr size_t kMaxKexClientPublic = transport::max_kex_client_public();
inline constexpr size_t kMaxKexServerPublic = transport::max_kex_server_public();
inline constexpr size_t kMaxHostKeyBlob = 2200;
inline constexpr size_t kMaxSignatureBlob = 2200;
inline constexpr size_t kMaxKeyBlob = 16 * 1024;
// A user's signature blob: room for RSA up to the 16384 bits the monitor
// parses (string "rsa-sha2-512" + string of 2048 bytes = 2068 bytes).
inline constexpr size_t kMaxSignature = 2200;
inline constexpr size_t kMaxPending = 64 * 1024;  // bound of the (must be empty) read-ahead field

enum class Type : uint8_t {
  // child -> monitor
  kKexInit = 1,        // client KEXINIT (and, before auth, the client version)
  kKexEcdh = 2,        // client's ephemeral public value Q_C
  kAuthNone = 3,       // "none" method: bind the user, learn the methods
  kAuthPubkey = 4,     // publickey query (no signature) or proof (signature)
  kHandover = 5,       // preauth, after success: counters and unread bytes
  kPostauthReady = 6,  // postauth, hardened and running as the user
  kPtyRequest = 7,     // postauth: allocate a PTY for a session
  kPtyRelease = 8,     // postauth: a session's PTY is done (logout)
  kAuthPassword = 9,   // "password" method (through PAM)
  kAuthKbdint = 10,    // "keyboard-interactive" method starts (through PAM)
  kKbdintAnswers = 11, // the client's answers to a KbdintQuery
  kKexStart = 12,      // postauth: the server starts a key exchange (KexInitReply)
  kLog = 13,           // postauth: a line for the log (SFTP operations)
  // monitor -> child
  kHello = 64,
  kKexInitReply = 65,
  kKexReply = 66,
  kAuthReply = 67,
  kTransportState = 68,
  kSessionSettings = 69,  // sent right after TransportState
  kPtyReply = 70,
  kKbdintQuery = 71,      // prompts for SSH_MSG_USERAUTH_INFO_REQUEST
};
const char* type_name(uint8_t type);
inline constexpr uint8_t kFirstChildType = 1, kLastChildType = 13;

// --- child -> monitor ------------------------------------------------------

struct KexInitRequest {
  std::string client_version;         // empty after auth (rekey)
  std::vector<uint8_t> client_kexinit;  // the full payload
  static constexpr Type kType = Type::kKexInit;
};

struct KexEcdhRequest {
  std::vector<uint8_t> client_public;  // Q_C; the monitor requires the KEX row's size
  static constexpr Type kType = Type::kKexEcdh;
};

struct AuthNoneRequest {
  std::string user;
  static constexpr Type kType = Type::kAuthNone;
};

// The child sends only what came from the client; the monitor rebuilds the
// signed data itself from its own session id and the bound user.
struct AuthPubkeyRequest {
  std::string user;
  std::string algorithm;
  std::vector<uint8_t> key_blob;
  bool has_signature = false;
  std::vector<uint8_t> signature;  // empty unless has_signature
  static constexpr Type kType = Type::kAuthPubkey;
};

// The preauth child reads one packet at a time, so it has read nothing
// ahead: `pending` must be empty (the monitor refuses anything else; the
// field exists so that a child that read ahead says so and is refused).
// Under strict KEX the counters restarted at NEWKEYS, so a handover above
// this is not a correct child's (the preauth child ends a connection after
// far fewer packets: preauth::kMaxPacketsBeforeAuth).
inline constexpr uint32_t kMaxStrictHandoverSeq = 1u << 24;
struct HandoverRequest {
  uint32_t send_seq = 0;         // next sequence number the server sends
  uint32_t recv_seq = 0;         // next sequence number expected from the client
  // Where each direction's cipher stands (PacketProtection::position():
  // AES-GCM invocations, AES-CTR blocks; 0 for chacha20-poly1305). The
  // monitor bounds them by the counters above before the postauth child
  // resumes there.
  uint64_t send_position = 0, recv_position = 0;
  std::vector<uint8_t> pending;  // received, undecoded ciphertext: must be empty
  static constexpr Type kType = Type::kHandover;
};

// The postauth child starts a key exchange itself (right after
// authentication): the reply is a KexInitReply carrying the server's
// KEXINIT, built without seeing the client's.
struct KexStartRequest {
  static constexpr Type kType = Type::kKexStart;
};

struct PostauthReady {
  static constexpr Type kType = Type::kPostauthReady;
};

inline constexpr size_t kMaxPassword = 1024;
inline constexpr size_t kMaxKbdintPrompts = 32;

struct AuthPasswordRequest {
  std::string user;
  crypto::SecretBytes password;
  static constexpr Type kType = Type::kAuthPassword;
};

struct AuthKbdintRequest {
  std::string user;
  static constexpr Type kType = Type::kAuthKbdint;
};

struct KbdintAnswers {
  std::vector<crypto::SecretBytes> answers;
  static constexpr Type kType = Type::kKbdintAnswers;
};

struct PtyRequest {
  static constexpr Type kType = Type::kPtyRequest;
};

struct PtyRelease {
  std::string tty;  // "/dev/pts/N" as the monitor named it in PtyReply
  static constexpr Type kType = Type::kPtyRelease;
};

// A line the user's process wants logged (the in-process SFTP server logs
// every operation, as sftp-server -l INFO does). The monitor writes it at
// the level given, never above INFO, behind a fixed prefix naming the user,
// so it cannot pass for one of the daemon's own lines.
struct LogLine {
  enum class Level : uint8_t { kInfo = 0, kVerbose = 1, kDebug = 2 };
  Level level = Level::kInfo;
  std::string text;  // at most kMaxLogText bytes, no NUL
  static constexpr size_t kMaxLogText = 2048;
  static constexpr Type kType = Type::kLog;
};

// --- monitor -> child ------------------------------------------------------

struct Hello {
  std::string server_version;
  // The server's KEXINIT, built without seeing the client's: the preauth
  // child sends it right after the version line (RFC 4253 7.1), so neither
  // side waits for the other.
  std::vector<uint8_t> server_kexinit;
  // The EXT_INFO server-sig-algs value (RFC 8308 3.1): what the monitor's
  // PubkeyAcceptedAlgorithms lets through, comma-separated. decode() takes
  // only a sane name-list: names of printable ASCII, none empty.
  std::string server_sig_algs;
  static constexpr Type kType = Type::kHello;
};

struct KexInitReply {
  bool ok = false;
  std::string reason;                   // why negotiation failed
  std::vector<uint8_t> server_kexinit;  // to send (rekey) or already sent
  bool strict_kex = false;
  bool client_ext_info = false;
  bool ignore_guessed = false;
  static constexpr Type kType = Type::kKexInitReply;
};

struct KexReply {
  bool ok = false;
  std::string reason;
  std::vector<uint8_t> host_key_blob;   // K_S
  std::vector<uint8_t> server_public;   // Q_S
  std::vector<uint8_t> signature;       // over H, by the host key
  std::vector<uint8_t> exchange_hash;   // H
  transport::DirectionKeys ctos, stoc;  // the negotiated rows and their keys
  // zlib@openssh.com per direction from these keys on: only ever true
  // after authentication (delayed compression); false means none.
  bool zlib_ctos = false, zlib_stoc = false;
  static constexpr Type kType = Type::kKexReply;
};

enum class AuthResult : uint8_t { kFailure = 0, kPkOk = 1, kSuccess = 2 };

struct AuthReply {
  AuthResult result = AuthResult::kFailure;
  std::string methods;   // for SSH_MSG_USERAUTH_FAILURE
  bool disconnect = false;  // too many failures: say so and end
  std::string banner;       // PAM's messages for the user (USERAUTH_BANNER), or empty
  static constexpr Type kType = Type::kAuthReply;
};

struct TransportState {
  std::vector<uint8_t> session_id;
  transport::DirectionKeys ctos, stoc;
  uint32_t send_seq = 0, recv_seq = 0;
  uint64_t send_position = 0, recv_position = 0;  // as checked at handover
  bool strict_kex = false;
  // zlib@openssh.com negotiated for the keys in use: the postauth child
  // compresses from its first packet sent / inflates from its first read.
  bool zlib_ctos = false, zlib_stoc = false;
  static constexpr Type kType = Type::kTransportState;
};

// The account the session runs as, from the monitor's own lookup of the
// authenticated name: two passwd lines may share a uid, so the postauth
// child never looks itself up by uid.
struct SessionUser {
  std::string name, home, shell;
  uint32_t uid = 0, gid = 0;
};

// What this login may do: a record, not a yes. The monitor builds it once at
// authentication from the matching authorized_keys line's options and
// sshd_config (monitor/grant.h; the most restrictive wins), keeps it for
// the connection's life and enforces what it grants itself (PTYs); the
// postauth child is started with it and applies the rest. Every field
// defaults to "no".
inline constexpr size_t kMaxGrantCommand = 8192;
inline constexpr size_t kMaxGrantList = 256;
struct Grant {
  enum class CommandFrom : uint8_t { kNone = 0, kConfig = 1, kKey = 2 };
  bool pty = false;
  bool local_forwarding = false;   // direct-tcpip (ssh -L, -D)
  bool remote_forwarding = false;  // tcpip-forward (ssh -R)
  bool agent_forwarding = false;
  bool x11_forwarding = false;
  bool user_rc = false;
  CommandFrom command_from = CommandFrom::kNone;
  std::string forced_command;  // run instead of what the client asks (kNone: empty)
  std::vector<std::string> environment;    // "NAME=value": key environment=, if permitted
  std::vector<std::string> permit_open;    // key permitopen=; empty: not restricted by the key
  std::vector<std::string> permit_listen;  // key permitlisten=; likewise
  std::string tunnel;                      // key tunnel= ("" none)
  int64_t expires = 0;                     // key expiry-time, seconds since the epoch; 0 none
  // Unix-socket forwarding (AllowStreamLocalForwarding, no-port-forwarding):
  // direct-streamlocal (ssh -L path) and streamlocal-forward (ssh -R path).
  bool streamlocal_local = false;
  bool streamlocal_remote = false;
  // sshd_config PermitOpen / PermitListen; a request must pass these and
  // the key's lists above. Empty: not restricted by the config.
  std::vector<std::string> admin_permit_open;
  std::vector<std::string> admin_permit_listen;
  // How the listeners of remote forwards are made: GatewayPorts (0 no,
  // 1 yes, 2 clientspecified), StreamLocalBindMask, StreamLocalBindUnlink.
  uint8_t gateway_ports = 0;
  uint32_t streamlocal_bind_mask = 0177;
  bool streamlocal_bind_unlink = false;
  // SftpRoot: the in-process SFTP server alone, confined by Landlock to
  // this directory ("" none; expanded for the user when the session starts).
  enum class SftpJail : uint8_t { kReadWrite = 0, kReadOnly = 1, kUploadOnly = 2 };
  std::string sftp_root;
  SftpJail sftp_jail = SftpJail::kReadWrite;
  friend bool operator==(const Grant&, const Grant&) = default;
};

// Whether a command line is OpenSSH's "internal-sftp", with or without
// arguments: the postauth child serves it in-process rather than run it
// (as a Subsystem, ForceCommand or a key's command=).
inline bool is_internal_sftp(std::string_view command) {
  constexpr std::string_view kName = "internal-sftp";
  return command == kName || (command.starts_with(kName) && command.size() > kName.size() &&
                              (command[kName.size()] == ' ' || command[kName.size()] == '\t'));
}

struct SubsystemCommand {
  std::string name, command;
};

// The start-up record of the postauth child: who it runs as, what the login
// was granted, and the settings of the configuration it needs (it never
// reads the configuration file itself).
struct SessionSettings {
  SessionUser user;
  Grant grant;
  std::vector<std::string> accept_env;  // AcceptEnv patterns
  bool print_motd = true;
  bool print_last_log = true;
  std::vector<std::string> pam_env;     // "NAME=value" from pam_getenvlist
  std::vector<SubsystemCommand> subsystems;  // sshd_config Subsystem lines
  // RekeyAfterAuth: start a key exchange before acting on any channel
  // message, so the session runs on keys the preauth child never knew.
  bool rekey_after_auth = true;
  // RekeyLimit as the monitor computed it for the negotiated cipher
  // (transport/rekey_policy.h): bytes per direction under one key, and
  // seconds (0: no time limit).
  uint64_t rekey_bytes = uint64_t{1} << 30;
  uint32_t rekey_interval = 0;
  // Seconds a key exchange may take once started (by either side).
  uint32_t kex_deadline = 120;
  static constexpr Type kType = Type::kSessionSettings;
};

struct KbdintPrompt {
  std::string text;
  bool echo = false;
};

struct KbdintQuery {
  std::string instruction;  // PAM's informational and error messages
  std::vector<KbdintPrompt> prompts;
  static constexpr Type kType = Type::kKbdintQuery;
};

// ok: two descriptors follow by SCM_RIGHTS, the master then the slave.
struct PtyReply {
  bool ok = false;
  std::string tty;             // "/dev/pts/N"
  std::string last_login;      // "Last login: ..." line, or empty
  static constexpr Type kType = Type::kPtyReply;
  static constexpr size_t kFds = 2;
};

// --- encoding ----------------------------------------------------------------
// encode() writes the type byte and fields. decode() requires the type byte
// to match T, every field in range and nothing left over.

std::vector<uint8_t> encode(const KexInitRequest&);
std::vector<uint8_t> encode(const KexEcdhRequest&);
std::vector<uint8_t> encode(const AuthNoneRequest&);
std::vector<uint8_t> encode(const AuthPubkeyRequest&);
std::vector<uint8_t> encode(const HandoverRequest&);
std::vector<uint8_t> encode(const PostauthReady&);
std::vector<uint8_t> encode(const KexStartRequest&);
std::vector<uint8_t> encode(const Hello&);
std::vector<uint8_t> encode(const KexInitReply&);
std::vector<uint8_t> encode(const KexReply&);    // holds keys: wipe after send
std::vector<uint8_t> encode(const AuthReply&);
std::vector<uint8_t> encode(const TransportState&);  // holds keys: wipe after send
std::vector<uint8_t> encode(const AuthPasswordRequest&);  // holds the password: wipe
std::vector<uint8_t> encode(const AuthKbdintRequest&);
std::vector<uint8_t> encode(const KbdintAnswers&);        // holds secrets: wipe
std::vector<uint8_t> encode(const KbdintQuery&);
std::vector<uint8_t> encode(const PtyRequest&);
std::vector<uint8_t> encode(const PtyRelease&);
std::vector<uint8_t> encode(const LogLine&);
std::vector<uint8_t> encode(const SessionSettings&);
std::vector<uint8_t> encode(const PtyReply&);

bool decode(std::span<const uint8_t> msg, KexInitRequest&);
bool decode(std::span<const uint8_t> msg, KexEcdhRequest&);
bool decode(std::span<const uint8_t> msg, AuthNoneRequest&);
bool decode(std::span<const uint8_t> msg, AuthPubkeyRequest&);
bool decode(std::span<const uint8_t> msg, HandoverRequest&);
bool decode(std::span<const uint8_t> msg, PostauthReady&);
bool decode(std::span<const uint8_t> msg, KexStartRequest&);
bool decode(std::span<const uint8_t> msg, Hello&);
bool decode(std::span<const uint8_t> msg, KexInitReply&);
bool decode(std::span<const uint8_t> msg, KexReply&);
bool decode(std::span<const uint8_t> msg, AuthReply&);
bool decode(std::span<const uint8_t> msg, TransportState&);
bool decode(std::span<const uint8_t> msg, AuthPasswordRequest&);
bool decode(std::span<const uint8_t> msg, AuthKbdintRequest&);
bool decode(std::span<const uint8_t> msg, KbdintAnswers&);
bool decode(std::span<const uint8_t> msg, KbdintQuery&);
bool decode(std::span<const uint8_t> msg, PtyRequest&);
bool decode(std::span<const uint8_t> msg, PtyRelease&);
bool decode(std::span<const uint8_t> msg, LogLine&);
bool decode(std::span<const uint8_t> msg, SessionSettings&);
bool decode(std::span<const uint8_t> msg, PtyReply&);

}  // namespace lpsshd::monproto
