// The preauth child's parser of USERAUTH_REQUEST and USERAUTH_INFO_RESPONSE
// (preauth/userauth_request.h): where each size cap sits, and what a request
// over a cap becomes. Whatever is parsed as a request must be a message the
// monitor decodes unchanged (a refused one would be a violation by the
// child, not a client's mistake).
#include "preauth/userauth_request.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "monitor/protocol.h"
#include "monitor/state_table.h"
#include "wire/writer.h"

namespace {

using namespace lpsshd;
using preauth::Parsed;
using preauth::UserauthRequest;
using Bytes = std::vector<uint8_t>;

Bytes request(const std::string& user, const std::string& method, const Bytes& rest = {},
              const std::string& service = "ssh-connection") {
  wire::Writer w;
  w.u8(50).string(user).string(service).string(method).raw(rest);
  return w.take();
}

Bytes pubkey_fields(bool has_sig, const std::string& alg, size_t blob, size_t sig = 0) {
  wire::Writer w;
  w.boolean(has_sig).string(alg).string(Bytes(blob, 'k'));
  if (has_sig) w.string(Bytes(sig, 's'));
  return w.take();
}

Bytes password_fields(size_t len, bool change = false, size_t new_len = 0) {
  wire::Writer w;
  w.boolean(change).string(std::string(len, 'p'));
  if (change) w.string(std::string(new_len, 'n'));
  return w.take();
}

Parsed parse(const Bytes& payload, UserauthRequest& out, std::string& why) {
  return preauth::parse_userauth_request(payload, out, why);
}

Parsed parse(const Bytes& payload) {
  UserauthRequest out;
  std::string why;
  return parse(payload, out, why);
}

// The monitor takes what the child would forward for this request.
void expect_monitor_accepts(const UserauthRequest& req) {
  if (req.kind == UserauthRequest::Method::kPublickey) {
    monproto::AuthPubkeyRequest back;
    ASSERT_TRUE(monproto::decode(monproto::encode(req.pubkey), back));
    EXPECT_EQ(back.key_blob, req.pubkey.key_blob);
    EXPECT_EQ(back.signature, req.pubkey.signature);
  } else if (req.kind == UserauthRequest::Method::kPassword) {
    monproto::AuthPasswordRequest back;
    ASSERT_TRUE(monproto::decode(
        monproto::encode(monproto::AuthPasswordRequest{req.user, req.password.clone()}), back));
  }
  monproto::AuthNoneRequest none;
  ASSERT_TRUE(monproto::decode(monproto::encode(monproto::AuthNoneRequest{req.user}), none));
}

TEST(UserauthRequest, PublickeyQueryAndSignature) {
  UserauthRequest r;
  std::string why;
  ASSERT_EQ(parse(request("alice", "publickey", pubkey_fields(false, "ssh-ed25519", 51)), r, why),
            Parsed::kRequest);
  EXPECT_EQ(r.kind, UserauthRequest::Method::kPublickey);
  EXPECT_TRUE(r.is_pubkey);
  EXPECT_EQ(r.pubkey.user, "alice");
  EXPECT_EQ(r.pubkey.algorithm, "ssh-ed25519");
  EXPECT_EQ(r.pubkey.key_blob.size(), 51u);
  EXPECT_FALSE(r.pubkey.has_signature);
  expect_monitor_accepts(r);
  ASSERT_EQ(parse(request("alice", "publickey", pubkey_fields(true, "ssh-ed25519", 51, 83)), r, why),
            Parsed::kRequest);
  EXPECT_TRUE(r.pubkey.has_signature);
  EXPECT_EQ(r.pubkey.signature.size(), 83u);
  expect_monitor_accepts(r);
}

TEST(UserauthRequest, UserNameCapAndNulEndTheConnection) {
  UserauthRequest r;
  std::string why;
  const std::string longest(monproto::kMaxUserName, 'u');
  ASSERT_EQ(parse(request(longest, "none"), r, why), Parsed::kRequest);
  EXPECT_EQ(r.user, longest);
  expect_monitor_accepts(r);
  EXPECT_EQ(parse(request(longest + "u", "none"), r, why), Parsed::kBadUserName);
  EXPECT_EQ(why, "user name of 257 bytes (at most 256)");
  EXPECT_EQ(parse(request(std::string("al\0ce", 5), "none"), r, why), Parsed::kBadUserName);
  EXPECT_EQ(why, "user name with a NUL byte");
}

TEST(UserauthRequest, OversizedPasswordIsAFailedAttempt) {
  UserauthRequest r;
  std::string why;
  ASSERT_EQ(parse(request("alice", "password", password_fields(monproto::kMaxPassword)), r, why),
            Parsed::kRequest);
  EXPECT_EQ(r.password.size(), monproto::kMaxPassword);
  expect_monitor_accepts(r);
  ASSERT_EQ(parse(request("alice", "password", password_fields(monproto::kMaxPassword + 1)), r, why),
            Parsed::kFailedAttempt);
  EXPECT_EQ(why, "password of 1025 bytes (at most 1024)");
  EXPECT_EQ(r.user, "alice");
  EXPECT_EQ(r.service, "ssh-connection");
  EXPECT_TRUE(r.password.empty());
  // The new password of a change request is never passed on: not capped.
  ASSERT_EQ(parse(request("alice", "password", password_fields(8, true, 5000)), r, why),
            Parsed::kRequest);
  EXPECT_TRUE(r.password_change);
}

TEST(UserauthRequest, OversizedKeyFieldsAreFailedAttempts) {
  UserauthRequest r;
  std::string why;
  auto pk = [&](const Bytes& fields) { return parse(request("alice", "publickey", fields), r, why); };
  ASSERT_EQ(pk(pubkey_fields(false, "ssh-ed25519", monproto::kMaxKeyBlob)), Parsed::kRequest);
  expect_monitor_accepts(r);
  EXPECT_EQ(pk(pubkey_fields(false, "ssh-ed25519", monproto::kMaxKeyBlob + 1)), Parsed::kFailedAttempt);
  EXPECT_EQ(why, "key blob of 16385 bytes (at most 16384)");
  EXPECT_FALSE(r.is_pubkey);

  ASSERT_EQ(pk(pubkey_fields(true, "ssh-ed25519", 51, monproto::kMaxSignature)), Parsed::kRequest);
  expect_monitor_accepts(r);
  EXPECT_EQ(pk(pubkey_fields(true, "ssh-ed25519", 51, monproto::kMaxSignature + 1)),
            Parsed::kFailedAttempt);
  EXPECT_EQ(why, "signature of 2201 bytes (at most 2200)");

  const std::string alg(preauth::kMaxNameField, 'a');
  ASSERT_EQ(pk(pubkey_fields(false, alg, 51)), Parsed::kRequest);
  expect_monitor_accepts(r);
  EXPECT_EQ(pk(pubkey_fields(false, alg + "a", 51)), Parsed::kFailedAttempt);
  EXPECT_EQ(why, "unknown public key algorithm");
  EXPECT_EQ(pk(pubkey_fields(false, std::string("ssh-\0d25519", 11), 51)), Parsed::kFailedAttempt);
}

TEST(UserauthRequest, LongMethodIsUnknownAndLongServiceIsNotConnection) {
  UserauthRequest r;
  std::string why;
  ASSERT_EQ(parse(request("alice", std::string(100, 'm')), r, why), Parsed::kRequest);
  EXPECT_EQ(r.kind, UserauthRequest::Method::kOther);
  EXPECT_EQ(r.method, "");
  ASSERT_EQ(parse(request("alice", "none", {}, std::string(100, 's')), r, why), Parsed::kRequest);
  EXPECT_EQ(r.service, "");
}

TEST(UserauthRequest, KeyboardInteractiveFieldsAreReadNotCapped) {
  UserauthRequest r;
  std::string why;
  wire::Writer w;
  w.string(std::string(5000, 'l')).string(std::string(5000, 's'));
  ASSERT_EQ(parse(request("alice", "keyboard-interactive", w.take()), r, why), Parsed::kRequest);
  EXPECT_EQ(r.kind, UserauthRequest::Method::kKbdint);
}

TEST(UserauthRequest, MalformedRequests) {
  EXPECT_EQ(parse(Bytes{51}), Parsed::kMalformed);
  const auto good = request("alice", "publickey", pubkey_fields(true, "ssh-ed25519", 51, 83));
  for (size_t cut = 0; cut < good.size(); ++cut)
    ASSERT_EQ(parse(Bytes(good.begin(), good.begin() + cut)), Parsed::kMalformed) << cut;
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(parse(trailing), Parsed::kMalformed);
  // Trailing bytes make a request malformed even when a field is over a cap.
  auto big = request("alice", "publickey", pubkey_fields(false, "ssh-ed25519", 20000));
  EXPECT_EQ(parse(big), Parsed::kFailedAttempt);
  big.push_back(0);
  EXPECT_EQ(parse(big), Parsed::kMalformed);
  auto pw = request("alice", "password", password_fields(2000));
  pw.push_back(0);
  EXPECT_EQ(parse(pw), Parsed::kMalformed);
}

TEST(UserauthRequest, CapOnRequestsIsBelowTheMonitorsBound) {
  static_assert(preauth::kMaxUserauthRequests < monitor::kMaxAuthRequestsPerConnection);
  EXPECT_EQ(preauth::kMaxUserauthRequests, 64);
}

Bytes info_response(const std::vector<size_t>& sizes, bool trailing = false) {
  wire::Writer w;
  w.u8(61).u32(static_cast<uint32_t>(sizes.size()));
  for (size_t n : sizes) w.string(std::string(n, 'a'));
  if (trailing) w.u8(0);
  return w.take();
}

TEST(InfoResponse, CapsAndReasons) {
  std::vector<crypto::SecretBytes> out;
  std::string why;
  ASSERT_TRUE(preauth::parse_info_response(
      info_response(std::vector<size_t>(monproto::kMaxKbdintPrompts, monproto::kMaxPassword)), out, why));
  EXPECT_EQ(out.size(), monproto::kMaxKbdintPrompts);
  monproto::KbdintAnswers answers;
  for (auto& a : out) answers.answers.push_back(a.clone());
  monproto::KbdintAnswers back;
  EXPECT_TRUE(monproto::decode(monproto::encode(answers), back));

  EXPECT_FALSE(preauth::parse_info_response(
      info_response(std::vector<size_t>(monproto::kMaxKbdintPrompts + 1, 1)), out, why));
  EXPECT_EQ(why, "more than 32 keyboard-interactive responses");
  EXPECT_FALSE(preauth::parse_info_response(info_response({4, monproto::kMaxPassword + 1}), out, why));
  EXPECT_EQ(why, "keyboard-interactive response of 1025 bytes (at most 1024)");
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(preauth::parse_info_response(info_response({4}, true), out, why));
  EXPECT_EQ(why, "trailing bytes in USERAUTH_INFO_RESPONSE");
  EXPECT_FALSE(preauth::parse_info_response(request("alice", "none"), out, why));
  EXPECT_EQ(why, "expected USERAUTH_INFO_RESPONSE");
}

}  // namespace
