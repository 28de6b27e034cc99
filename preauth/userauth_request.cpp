#include "preauth/userauth_request.h"

#include "transport/ssh_msg.h"
#include "wire/reader.h"

namespace lpsshd::preauth {

bool parse_userauth_request(std::span<const uint8_t> payload, UserauthRequest& out) {
  out = UserauthRequest{};
  wire::Reader r(payload);
  uint8_t type = 0;
  if (!r.u8(type) || type != ssh::kUserauthRequest) return false;
  // string user name, string service name, string method name
  if (!r.text(out.user, monproto::kMaxUserName) || !r.text(out.service, 64) ||
      !r.text(out.method, 64))
    return false;
  if (out.method == "password") {
    out.kind = UserauthRequest::Method::kPassword;
    // boolean FALSE (TRUE: a password change follows), string password
    wire::Bytes pw, new_pw;
    if (!r.boolean(out.password_change) || !r.string(pw) || pw.size() > monproto::kMaxPassword)
      return false;
    out.password = crypto::SecretBytes(pw);
    if (out.password_change && (!r.string(new_pw) || new_pw.size() > monproto::kMaxPassword))
      return false;
    return r.end();
  }
  if (out.method == "keyboard-interactive") {
    out.kind = UserauthRequest::Method::kKbdint;
    // string language tag (deprecated), string submethods
    wire::Bytes language, submethods;
    return r.string(language) && language.size() <= 256 && r.string(submethods) &&
           submethods.size() <= 1024 && r.end();
  }
  if (out.method != "publickey") return true;  // other methods' fields are not read
  out.kind = UserauthRequest::Method::kPublickey;
  out.is_pubkey = true;
  auto& pk = out.pubkey;
  // boolean has signature, string public key algorithm name, string key blob
  wire::Bytes blob, sig;
  if (!r.boolean(pk.has_signature) || !r.text(pk.algorithm, 64) || !r.string(blob) ||
      blob.size() > monproto::kMaxKeyBlob)
    return false;
  pk.key_blob.assign(blob.begin(), blob.end());
  if (pk.has_signature) {
    // string signature
    if (!r.string(sig) || sig.size() > monproto::kMaxSignature) return false;
    pk.signature.assign(sig.begin(), sig.end());
  }
  pk.user = out.user;
  return r.end();
}

bool parse_info_response(std::span<const uint8_t> payload, std::vector<crypto::SecretBytes>& out) {
  out.clear();
  wire::Reader r(payload);
  uint8_t type = 0;
  uint32_t n = 0;
  if (!r.u8(type) || type != ssh::kUserauthInfoResponse || !r.u32(n) ||
      n > monproto::kMaxKbdintPrompts)
    return false;
  for (uint32_t i = 0; i < n; ++i) {
    wire::Bytes a;
    if (!r.string(a) || a.size() > monproto::kMaxPassword) return false;
    out.emplace_back(a);
  }
  return r.end();
}

}  // namespace lpsshd::preauth
