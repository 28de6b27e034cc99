// SSH_MSG_USERAUTH_REQUEST (RFC 4252 5) as the preauth child understands it.
// Pure: no system calls, so the fuzzer (fuzz/fuzz_userauth.cpp) and unit
// tests (tests/userauth_request_test.cpp) drive it directly. The payload is
// untrusted client input.
//
// Everything the child forwards must be a message the monitor accepts: a
// field over the monitor protocol's caps is refused here, never passed on
// (the monitor treats such a message as a violation by the child). A
// well-formed request with an oversized field is a client's mistake, not an
// attack on the monitor: it becomes a failed attempt or a DISCONNECT with a
// reason, as Parsed says.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"
#include "monitor/protocol.h"

namespace lpsshd::preauth {

// USERAUTH_REQUESTs the child puts to the monitor per connection; the next
// one ends the connection with DISCONNECT 14 "Too many authentication
// requests". MaxAuthTries (6 by default) ends clients that fail long before;
// this catches what MaxAuthTries does not count, such as queries for a key
// that is accepted (PK_OK) but never signed with, and MaxAuthTries set above
// it. It stays below the monitor's safety bound
// (monitor::kMaxAuthRequestsPerConnection), which a correct child therefore
// never reaches.
inline constexpr int kMaxUserauthRequests = 64;

// Longest service, method and algorithm name the child passes on.
inline constexpr size_t kMaxNameField = 64;

// One parsed request. For "publickey", pubkey holds exactly what the monitor
// is asked about (pubkey.user == user); for "password", password and
// password_change; "keyboard-interactive" has no fields the server uses
// (language and submethods are read and ignored, RFC 4256 3.1). For other
// methods only the three common fields are read.
struct UserauthRequest {
  enum class Method { kOther, kPublickey, kPassword, kKbdint };
  std::string user;
  std::string service;  // empty when over kMaxNameField bytes or not text
  std::string method;   // empty when over kMaxNameField bytes or not text (then kOther)
  Method kind = Method::kOther;
  monproto::AuthPubkeyRequest pubkey;
  bool is_pubkey = false;
  bool password_change = false;  // the client sends a new password too: refused
  crypto::SecretBytes password;
};

enum class Parsed : uint8_t {
  kRequest,        // out holds a request the monitor accepts as it is
  kFailedAttempt,  // well-formed, but a field is over a cap (why): answered
                   // USERAUTH_FAILURE and counted like any failed attempt;
                   // out.user (and out.service) are set, nothing else is used
  kBadUserName,    // the user name is over monproto::kMaxUserName or holds a
                   // NUL byte (why): DISCONNECT 15 (illegal user name)
  kMalformed,      // not a well-formed request (why): DISCONNECT 2
};

// Parses a full payload, message byte included. out is overwritten, why
// cleared unless there is something to say.
//   kMalformed: wrong message type, truncation, or (for publickey, password
//     and keyboard-interactive) trailing bytes. Fields of other methods are
//     not read, so their trailing bytes are not checked.
//   kBadUserName: see above.
//   kFailedAttempt: a password over monproto::kMaxPassword, a key blob over
//     monproto::kMaxKeyBlob, a signature over monproto::kMaxSignature, an
//     algorithm name over kMaxNameField or holding NUL.
// A method name over kMaxNameField (or holding NUL) is an unknown method
// (kRequest, kOther); a new password (password change) and the
// keyboard-interactive fields are read but not capped: they are never
// passed on.
Parsed parse_userauth_request(std::span<const uint8_t> payload, UserauthRequest& out,
                              std::string& why);

// SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 3.4): uint32 num-responses, then
// that many strings. At most monproto::kMaxKbdintPrompts answers of at most
// monproto::kMaxPassword bytes each; nothing may follow. False with why
// (for the client's DISCONNECT) otherwise.
bool parse_info_response(std::span<const uint8_t> payload, std::vector<crypto::SecretBytes>& out,
                         std::string& why);

}  // namespace lpsshd::preauth
