// SSH_MSG_USERAUTH_REQUEST (RFC 4252 5) as the preauth child understands it.
// Pure: no system calls, so the fuzzer (fuzz/fuzz_userauth.cpp) and unit
// tests drive it directly. The payload is untrusted client input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "crypto/secret.h"

#include "monitor/protocol.h"

namespace lpsshd::preauth {

// One parsed request. For "publickey", pubkey holds exactly what the monitor
// is asked about (pubkey.user == user); for "password", password and
// password_change; "keyboard-interactive" has no fields the server uses
// (language and submethods are read and ignored, RFC 4256 3.1). For other
// methods only the three common fields are read.
struct UserauthRequest {
  enum class Method { kOther, kPublickey, kPassword, kKbdint };
  std::string user, service, method;
  Method kind = Method::kOther;
  monproto::AuthPubkeyRequest pubkey;
  bool is_pubkey = false;
  bool password_change = false;  // the client sends a new password too: refused
  crypto::SecretBytes password;
};

// Parses a full payload, message byte included. out is overwritten. False on
// any malformation: wrong message type, truncation, embedded NUL in a text
// field, a user name over monproto::kMaxUserName, a service, method or
// algorithm name over 64 bytes, a key blob, signature or password over the
// monitor protocol's caps, or (for publickey, password and
// keyboard-interactive) trailing bytes. Fields of other methods are not read,
// so their trailing bytes are not checked.
bool parse_userauth_request(std::span<const uint8_t> payload, UserauthRequest& out);

// SSH_MSG_USERAUTH_INFO_RESPONSE (RFC 4256 3.4): uint32 num-responses, then
// that many strings. At most monproto::kMaxKbdintPrompts answers of at most
// monproto::kMaxPassword bytes each; nothing may follow.
bool parse_info_response(std::span<const uint8_t> payload, std::vector<crypto::SecretBytes>& out);

}  // namespace lpsshd::preauth
