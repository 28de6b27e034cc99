// SSH_MSG_USERAUTH_REQUEST and SSH_MSG_USERAUTH_INFO_RESPONSE as the preauth
// child parses them. Beyond "never crashes": whatever the child accepts and
// forwards (AUTH_PUBKEY, AUTH_PASSWORD, KBDINT_ANSWERS, and AUTH_NONE for a
// failed attempt), the monitor must accept too, unchanged; a message the
// monitor refused would kill the connection as a violation instead of
// failing the attempt. Every refusal carries a reason for the client.
#include <algorithm>
#include <cstdlib>
#include <string>

#include "monitor/protocol.h"
#include "preauth/userauth_request.h"

using namespace lpsshd;

// What the monitor makes of a forwarded message.
template <class M>
M forwarded(const M& m) {
  const auto msg = monproto::encode(m);
  M back;
  if (msg.size() > monproto::kMaxMessage || !monproto::decode(msg, back)) abort();
  return back;
}
static bool same(const crypto::SecretBytes& a, const crypto::SecretBytes& b) {
  return std::ranges::equal(a.span(), b.span());
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string why;
  monproto::KbdintAnswers answers;
  if (preauth::parse_info_response({data, size}, answers.answers, why)) {
    if (!std::ranges::equal(forwarded(answers).answers, answers.answers, same)) abort();
  } else if (why.empty() || !answers.answers.empty()) {
    abort();
  }
  preauth::UserauthRequest req;
  const auto parsed = preauth::parse_userauth_request({data, size}, req, why);
  using P = preauth::Parsed;
  if (parsed == P::kMalformed || parsed == P::kBadUserName) {
    if (why.empty()) abort();
    return 0;
  }
  // Every request that is not refused outright binds a user the monitor takes.
  if (forwarded(monproto::AuthNoneRequest{req.user}).user != req.user) abort();
  if (parsed == P::kFailedAttempt) {
    if (why.empty() || req.is_pubkey || !req.password.empty()) abort();
    return 0;
  }
  using M = preauth::UserauthRequest::Method;
  if (req.is_pubkey != (req.kind == M::kPublickey) || req.is_pubkey != (req.method == "publickey"))
    abort();
  if (req.method.size() > preauth::kMaxNameField || req.service.size() > preauth::kMaxNameField)
    abort();
  if (req.kind == M::kPassword) {
    const auto back = forwarded(monproto::AuthPasswordRequest{req.user, req.password.clone()});
    if (back.user != req.user || !same(back.password, req.password)) abort();
  }
  const auto& pk = req.pubkey;
  if (!req.is_pubkey) return 0;
  const auto back = forwarded(pk);
  if (pk.user != req.user || back.user != pk.user || back.algorithm != pk.algorithm ||
      back.key_blob != pk.key_blob || back.has_signature != pk.has_signature ||
      back.signature != pk.signature)
    abort();
  return 0;
}
