// SSH_MSG_USERAUTH_REQUEST (RFC 4252 5) as the preauth child understands it.
// Pure: no system calls, so the fuzzer (fuzz/fuzz_userauth.cpp) and unit
// tests drive it directly. The payload is untrusted client input.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "monitor/protocol.h"

namespace lpsshd::preauth {

// One parsed request. For "publickey", pubkey holds exactly what the monitor
// is asked about (pubkey.user == user); for every other method only the
// three common fields are read and is_pubkey is false.
struct UserauthRequest {
  std::string user, service, method;
  monproto::AuthPubkeyRequest pubkey;
  bool is_pubkey = false;
};

// Parses a full payload, message byte included. out is overwritten. False on
// any malformation: wrong message type, truncation, embedded NUL in a text
// field, a user name over monproto::kMaxUserName, a service, method or
// algorithm name over 64 bytes, a key blob or signature over the monitor
// protocol's caps, or (for publickey) trailing bytes. Fields of methods other
// than publickey are not read, so their trailing bytes are not checked.
bool parse_userauth_request(std::span<const uint8_t> payload, UserauthRequest& out);

}  // namespace lpsshd::preauth
