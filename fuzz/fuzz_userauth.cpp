// SSH_MSG_USERAUTH_REQUEST as the preauth child parses it. Beyond "never
// crashes": whatever publickey request the child accepts, the monitor must
// accept too, field for field, since the child forwards it as AUTH_PUBKEY;
// a request the monitor refused would kill the connection instead of failing
// the attempt.
#include <cstdlib>

#include "monitor/protocol.h"
#include "preauth/userauth_request.h"

using namespace lpsshd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  preauth::UserauthRequest req;
  if (!preauth::parse_userauth_request({data, size}, req)) return 0;
  if (req.is_pubkey != (req.method == "publickey")) abort();
  if (!req.is_pubkey) return 0;
  const auto& pk = req.pubkey;
  if (pk.user != req.user || (!pk.has_signature && !pk.signature.empty())) abort();
  const auto msg = monproto::encode(pk);
  monproto::AuthPubkeyRequest back;
  if (msg.size() > monproto::kMaxMessage || !monproto::decode(msg, back)) abort();
  if (back.user != pk.user || back.algorithm != pk.algorithm || back.key_blob != pk.key_blob ||
      back.has_signature != pk.has_signature || back.signature != pk.signature)
    abort();
  return 0;
}
