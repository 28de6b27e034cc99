// The protocol between the monitor and its PAM helper (lpsshd-pam). The
// helper is root and runs the host's PAM modules with the connection's one
// PAM handle; the monitor drives it one request at a time and can kill it
// whenever a module stalls. Same framing as the monitor protocol: one
// SOCK_SEQPACKET datagram per message, a type byte, SSH wire fields, exact
// parsing. The monitor validates what the helper says like any other input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"

namespace lpsshd::pamproto {

inline constexpr size_t kMaxMessage = 64 * 1024;
inline constexpr size_t kMaxPrompts = 32;        // PAM_MAX_NUM_MSG
inline constexpr size_t kMaxPromptText = 1024;
inline constexpr size_t kMaxAnswer = 1024;
inline constexpr size_t kMaxEnv = 128;

enum class Type : uint8_t {
  // monitor -> helper
  kStart = 1,          // pam_start
  kAuthenticate = 2,   // pam_authenticate, or pam_chauthtok for an expired password
  kAnswers = 3,        // replies to kPrompts
  kAcctMgmt = 4,       // pam_acct_mgmt
  kOpenSession = 5,    // pam_open_session (once per connection)
  kSpawnUser = 6,      // fork the postauth child: initgroups, pam_setcred, drop, exec
  kCloseSession = 7,   // pam_close_session, pam_setcred(DELETE), pam_end; then exit
  // helper -> monitor
  kPrompts = 64,       // a conversation step
  kResult = 65,        // the outcome of the request in progress
};

// PAM message styles as they cross the pipe.
enum class Style : uint8_t { kEchoOff = 1, kEchoOn = 2, kError = 3, kInfo = 4 };

struct Start {
  std::string service, user, rhost;
};
struct Authenticate {
  bool change_expired = false;
};
struct Answers {
  bool ok = false;                        // false: the conversation failed
  std::vector<crypto::SecretBytes> answers;  // one per prompt, in order
};
struct SpawnUser {
  std::string name, home, postauth_path;
  uint32_t uid = 0, gid = 0, max_sessions = 0;
  std::string chroot;  // ChrootDirectory, expanded and checked by the monitor; "" none
  static constexpr size_t kFds = 3;  // client socket, postauth channel, /dev/null
};
struct Prompt {
  Style style;
  std::string text;
};
struct Prompts {
  std::vector<Prompt> prompts;
};
struct Result {
  int32_t code = 0;            // PAM return code (PAM_SUCCESS = 0)
  std::string message;         // pam_strerror
  uint32_t pid = 0;            // kSpawnUser: the child's pid
  std::vector<std::string> env;  // kOpenSession: pam_getenvlist
};

// Encoders write the type byte. Decoders need the right type, every field
// in range and nothing left over; the bare-type requests (kAcctMgmt,
// kOpenSession, kCloseSession) are one byte.
std::vector<uint8_t> encode(const Start&);
std::vector<uint8_t> encode(const Authenticate&);
std::vector<uint8_t> encode(const Answers&);  // holds secrets: wipe after send
std::vector<uint8_t> encode(Type bare);
std::vector<uint8_t> encode(const SpawnUser&);
std::vector<uint8_t> encode(const Prompts&);
std::vector<uint8_t> encode(const Result&);

bool decode(std::span<const uint8_t>, Start&);
bool decode(std::span<const uint8_t>, Authenticate&);
bool decode(std::span<const uint8_t>, Answers&);
bool decode_bare(std::span<const uint8_t>, Type expected);
bool decode(std::span<const uint8_t>, SpawnUser&);
bool decode(std::span<const uint8_t>, Prompts&);
bool decode(std::span<const uint8_t>, Result&);

}  // namespace lpsshd::pamproto
