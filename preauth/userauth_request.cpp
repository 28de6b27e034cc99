#include "preauth/userauth_request.h"

#include <cstring>

#include "transport/ssh_msg.h"
#include "wire/reader.h"

namespace lpsshd::preauth {

namespace {

bool has_nul(wire::Bytes b) { return std::memchr(b.data(), 0, b.size()) != nullptr; }

// A name the child may pass on, or "" (over kMaxNameField, or not text).
std::string name_field(wire::Bytes b) {
  if (b.size() > kMaxNameField || has_nul(b)) return "";
  return std::string(wire::as_view(b));
}

std::string over(const char* what, size_t size, size_t max) {
  return std::string(what) + " of " + std::to_string(size) + " bytes (at most " +
         std::to_string(max) + ")";
}

}  // namespace

Parsed parse_userauth_request(std::span<const uint8_t> payload, UserauthRequest& out,
                              std::string& why) {
  out = UserauthRequest{};
  why.clear();
  wire::Reader r(payload);
  uint8_t type = 0;
  if (!r.u8(type) || type != ssh::kUserauthRequest) {
    why = "expected USERAUTH_REQUEST";
    return Parsed::kMalformed;
  }
  // string user name, string service name, string method name
  wire::Bytes user, service, method;
  if (!r.string(user) || !r.string(service) || !r.string(method)) {
    why = "truncated USERAUTH_REQUEST";
    return Parsed::kMalformed;
  }
  if (user.size() > monproto::kMaxUserName) {
    why = over("user name", user.size(), monproto::kMaxUserName);
    return Parsed::kBadUserName;
  }
  if (has_nul(user)) {
    why = "user name with a NUL byte";
    return Parsed::kBadUserName;
  }
  out.user.assign(wire::as_view(user));
  out.service = name_field(service);
  out.method = name_field(method);

  if (out.method == "password") {
    out.kind = UserauthRequest::Method::kPassword;
    // boolean FALSE (TRUE: a password change follows), string password
    wire::Bytes pw, new_pw;
    if (!r.boolean(out.password_change) || !r.string(pw) ||
        (out.password_change && !r.string(new_pw)) || !r.end()) {
      why = "malformed password request";
      return Parsed::kMalformed;
    }
    // Like sshd, a password this long is not tried: a failed attempt.
    if (pw.size() > monproto::kMaxPassword) {
      why = over("password", pw.size(), monproto::kMaxPassword);
      return Parsed::kFailedAttempt;
    }
    out.password = crypto::SecretBytes(pw);
    return Parsed::kRequest;
  }
  if (out.method == "keyboard-interactive") {
    out.kind = UserauthRequest::Method::kKbdint;
    // string language tag (deprecated), string submethods: both ignored
    wire::Bytes language, submethods;
    if (!r.string(language) || !r.string(submethods) || !r.end()) {
      why = "malformed keyboard-interactive request";
      return Parsed::kMalformed;
    }
    return Parsed::kRequest;
  }
  if (out.method != "publickey") return Parsed::kRequest;  // other methods' fields are not read
  out.kind = UserauthRequest::Method::kPublickey;
  out.is_pubkey = true;
  // boolean has signature, string public key algorithm name, string key
  // blob, [string signature]
  bool has_signature = false;
  wire::Bytes algorithm, blob, sig;
  if (!r.boolean(has_signature) || !r.string(algorithm) || !r.string(blob) ||
      (has_signature && !r.string(sig)) || !r.end()) {
    why = "malformed publickey request";
    return Parsed::kMalformed;
  }
  // Nothing of this size or shape is a key lpsshd could accept: the
  // attempt fails, as an unknown key type or a bad signature would.
  if (algorithm.size() > kMaxNameField || has_nul(algorithm))
    why = "unknown public key algorithm";
  else if (blob.size() > monproto::kMaxKeyBlob)
    why = over("key blob", blob.size(), monproto::kMaxKeyBlob);
  else if (sig.size() > monproto::kMaxSignature)
    why = over("signature", sig.size(), monproto::kMaxSignature);
  if (!why.empty()) {
    out.is_pubkey = false;
    return Parsed::kFailedAttempt;
  }
  auto& pk = out.pubkey;
  pk.user = out.user;
  pk.algorithm.assign(wire::as_view(algorithm));
  pk.key_blob.assign(blob.begin(), blob.end());
  pk.has_signature = has_signature;
  if (has_signature) pk.signature.assign(sig.begin(), sig.end());
  return Parsed::kRequest;
}

bool parse_info_response(std::span<const uint8_t> payload, std::vector<crypto::SecretBytes>& out,
                         std::string& why) {
  out.clear();
  why.clear();
  wire::Reader r(payload);
  uint8_t type = 0;
  uint32_t n = 0;
  if (!r.u8(type) || type != ssh::kUserauthInfoResponse || !r.u32(n)) {
    why = "expected USERAUTH_INFO_RESPONSE";
    return false;
  }
  if (n > monproto::kMaxKbdintPrompts) {
    why = "more than " + std::to_string(monproto::kMaxKbdintPrompts) +
          " keyboard-interactive responses";
    return false;
  }
  for (uint32_t i = 0; i < n; ++i) {
    wire::Bytes a;
    if (!r.string(a)) {
      why = "truncated USERAUTH_INFO_RESPONSE";
      out.clear();
      return false;
    }
    if (a.size() > monproto::kMaxPassword) {
      why = over("keyboard-interactive response", a.size(), monproto::kMaxPassword);
      out.clear();
      return false;
    }
    out.emplace_back(a);
  }
  if (!r.end()) {
    why = "trailing bytes in USERAUTH_INFO_RESPONSE";
    out.clear();
    return false;
  }
  return true;
}

}  // namespace lpsshd::preauth
