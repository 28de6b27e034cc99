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
  if (out.method != "publickey") return true;  // other methods' fields are not read
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

}  // namespace lpsshd::preauth
