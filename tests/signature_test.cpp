// User-key signatures (crypto/public_key.h): known answers from an
// independent implementation (tests/data/signature_vectors.h, made with
// python3-cryptography), and every malformed or mismatched input an
// attacker would try. Policy (accepted algorithms, RSA size, FIDO flags) is
// the monitor's and tested in monitor_core_test.
#include <gtest/gtest.h>

#include "crypto/ecdsa_signature.h"
#include "crypto/public_key.h"
#include "tests/data/signature_vectors.h"
#include "tests/support/test_user_keys.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd {
namespace {

using Bytes = std::vector<uint8_t>;
using crypto::parse_public_key;
using crypto::verify_signature;
using testkeys::TestUserKey;
using transport::KeyType;

Bytes hex(const std::string& h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}
Bytes data() { return Bytes(testvec::kData.begin(), testvec::kData.end()); }

crypto::PublicKey key(const std::string& h) {
  auto k = parse_public_key(hex(h));
  if (!k) throw std::runtime_error("test key does not parse");
  return *k;
}

// The fields of a signature blob, to rebuild it with one thing changed.
std::vector<Bytes> fields(const Bytes& blob) {
  wire::Reader r(blob);
  std::vector<Bytes> out;
  wire::Bytes b;
  while (r.remaining() >= 4 && r.string(b)) out.emplace_back(b.begin(), b.end());
  return out;
}

Bytes sig_blob(std::string_view alg, std::span<const uint8_t> inner, const Bytes& tail = {}) {
  wire::Writer w;
  w.string(alg).string(inner).raw(tail);
  return w.take();
}

Bytes rs_blob(std::span<const uint8_t> r, std::span<const uint8_t> s) {
  wire::Writer w;
  w.mpint_unsigned(r).mpint_unsigned(s);
  return w.take();
}

// ---- known answers ---------------------------------------------------------

TEST(SignatureKnownAnswer, Rsa2048AllThreeHashes) {
  const auto k = key(testvec::kRsaKey);
  EXPECT_EQ(k.type, KeyType::kRsa);
  EXPECT_EQ(k.rsa_bits, 2048u);
  EXPECT_TRUE(verify_signature(k, "rsa-sha2-256", hex(testvec::kRsaSha256Sig), data()).ok);
  EXPECT_TRUE(verify_signature(k, "rsa-sha2-512", hex(testvec::kRsaSha512Sig), data()).ok);
  EXPECT_TRUE(verify_signature(k, "ssh-rsa", hex(testvec::kRsaSha1Sig), data()).ok);
}

TEST(SignatureKnownAnswer, EcdsaEachCurve) {
  struct Case { const std::string &k, &s; const char* alg; KeyType t; };
  for (const Case& c : {Case{testvec::kEcdsaP256Key, testvec::kEcdsaP256Sig, "ecdsa-sha2-nistp256", KeyType::kEcdsaP256},
                        Case{testvec::kEcdsaP384Key, testvec::kEcdsaP384Sig, "ecdsa-sha2-nistp384", KeyType::kEcdsaP384},
                        Case{testvec::kEcdsaP521Key, testvec::kEcdsaP521Sig, "ecdsa-sha2-nistp521", KeyType::kEcdsaP521}}) {
    const auto k = key(c.k);
    EXPECT_EQ(k.type, c.t) << c.alg;
    EXPECT_TRUE(verify_signature(k, c.alg, hex(c.s), data()).ok) << c.alg;
  }
}

TEST(SignatureKnownAnswer, SecurityKeysReturnFlagsAndCounter) {
  const auto ed = key(testvec::kSkEd25519Key);
  EXPECT_EQ(ed.type, KeyType::kSkEd25519);
  EXPECT_EQ(ed.sk_application, testvec::kApplication);
  auto r = verify_signature(ed, "sk-ssh-ed25519@openssh.com", hex(testvec::kSkEd25519Sig01), data());
  EXPECT_TRUE(r.ok) << r.why;
  EXPECT_EQ(r.sk_flags, 0x01);
  EXPECT_EQ(r.sk_counter, 42u);
  r = verify_signature(ed, "sk-ssh-ed25519@openssh.com", hex(testvec::kSkEd25519Sig05), data());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.sk_flags, 0x05);
  EXPECT_EQ(r.sk_counter, 43u);
  // No user presence: the signature is good; refusing it is the monitor's policy.
  r = verify_signature(ed, "sk-ssh-ed25519@openssh.com", hex(testvec::kSkEd25519Sig00), data());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.sk_flags, 0x00);

  const auto ec = key(testvec::kSkEcdsaKey);
  EXPECT_EQ(ec.type, KeyType::kSkEcdsaP256);
  r = verify_signature(ec, "sk-ecdsa-sha2-nistp256@openssh.com", hex(testvec::kSkEcdsaSig01), data());
  EXPECT_TRUE(r.ok) << r.why;
  EXPECT_EQ(r.sk_flags, 0x01);
  EXPECT_EQ(r.sk_counter, 7u);
  r = verify_signature(ec, "sk-ecdsa-sha2-nistp256@openssh.com", hex(testvec::kSkEcdsaSig05), data());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.sk_flags, 0x05);
  r = verify_signature(ec, "sk-ecdsa-sha2-nistp256@openssh.com", hex(testvec::kSkEcdsaSig00), data());
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.sk_flags, 0x00);
}

TEST(SignatureKnownAnswer, ShortNamesAsOpenSshLogsThem) {
  EXPECT_STREQ(crypto::key_type_log_name(KeyType::kRsa), "RSA");
  EXPECT_STREQ(crypto::key_type_log_name(KeyType::kEcdsaP521), "ECDSA");
  EXPECT_STREQ(crypto::key_type_log_name(KeyType::kEd25519), "ED25519");
  EXPECT_STREQ(crypto::key_type_log_name(KeyType::kSkEd25519), "ED25519-SK");
  EXPECT_STREQ(crypto::key_type_log_name(KeyType::kSkEcdsaP256), "ECDSA-SK");
}

// ---- every signature over changed data fails -------------------------------

TEST(SignatureRefused, FlippedBitInData) {
  struct Case { const std::string &k, &s; const char* alg; };
  for (const Case& c : {Case{testvec::kRsaKey, testvec::kRsaSha256Sig, "rsa-sha2-256"},
                        Case{testvec::kRsaKey, testvec::kRsaSha512Sig, "rsa-sha2-512"},
                        Case{testvec::kRsaKey, testvec::kRsaSha1Sig, "ssh-rsa"},
                        Case{testvec::kEcdsaP256Key, testvec::kEcdsaP256Sig, "ecdsa-sha2-nistp256"},
                        Case{testvec::kEcdsaP384Key, testvec::kEcdsaP384Sig, "ecdsa-sha2-nistp384"},
                        Case{testvec::kEcdsaP521Key, testvec::kEcdsaP521Sig, "ecdsa-sha2-nistp521"},
                        Case{testvec::kSkEd25519Key, testvec::kSkEd25519Sig01, "sk-ssh-ed25519@openssh.com"},
                        Case{testvec::kSkEcdsaKey, testvec::kSkEcdsaSig01, "sk-ecdsa-sha2-nistp256@openssh.com"}}) {
    Bytes d = data();
    d[5] ^= 0x01;
    EXPECT_FALSE(verify_signature(key(c.k), c.alg, hex(c.s), d).ok) << c.alg;
    // And a flipped bit in the signature itself (the last byte before any sk trailer).
    Bytes s = hex(c.s);
    const size_t at = std::string_view(c.alg).starts_with("sk-") ? s.size() - 6 : s.size() - 1;
    s[at] ^= 0x01;
    EXPECT_FALSE(verify_signature(key(c.k), c.alg, s, data()).ok) << c.alg;
  }
}

// ---- the algorithm: the blob's must be the request's, and fit the key ------

TEST(SignatureRefused, BlobNamesAnotherAlgorithm) {
  const auto k = key(testvec::kRsaKey);
  // An rsa-sha2-256 signature presented as rsa-sha2-512 or ssh-rsa.
  auto r = verify_signature(k, "rsa-sha2-512", hex(testvec::kRsaSha256Sig), data());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.why.find("another algorithm"), std::string::npos) << r.why;
  EXPECT_FALSE(verify_signature(k, "ssh-rsa", hex(testvec::kRsaSha256Sig), data()).ok);
  // The same bytes relabelled as rsa-sha2-512 in the blob too: the hash differs.
  const auto f = fields(hex(testvec::kRsaSha256Sig));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-512", sig_blob("rsa-sha2-512", f[1]), data()).ok);
  // A SHA-1 signature relabelled as SHA-2.
  const auto f1 = fields(hex(testvec::kRsaSha1Sig));
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", sig_blob("rsa-sha2-256", f1[1]), data()).ok);
  // ECDSA and sk the same.
  EXPECT_FALSE(verify_signature(key(testvec::kEcdsaP256Key), "ecdsa-sha2-nistp256",
                                sig_blob("ecdsa-sha2-nistp384", fields(hex(testvec::kEcdsaP256Sig))[1]), data()).ok);
  Bytes sk = hex(testvec::kSkEd25519Sig01);
  sk[4 + 3] ^= 0x20;  // "sk-" -> "SK-"-ish: another name
  EXPECT_FALSE(verify_signature(key(testvec::kSkEd25519Key), "sk-ssh-ed25519@openssh.com", sk, data()).ok);
}

TEST(SignatureRefused, KeyTypeDoesNotFitAlgorithm) {
  struct Case { const std::string &k, &s; const char* alg; };
  for (const Case& c : {Case{testvec::kRsaKey, testvec::kRsaSha256Sig, "ssh-ed25519"},
                        Case{testvec::kRsaKey, testvec::kRsaSha256Sig, "ecdsa-sha2-nistp256"},
                        Case{testvec::kEcdsaP256Key, testvec::kEcdsaP256Sig, "ecdsa-sha2-nistp384"},
                        Case{testvec::kEcdsaP384Key, testvec::kEcdsaP384Sig, "ecdsa-sha2-nistp256"},
                        Case{testvec::kEcdsaP256Key, testvec::kEcdsaP256Sig, "sk-ecdsa-sha2-nistp256@openssh.com"},
                        Case{testvec::kSkEcdsaKey, testvec::kSkEcdsaSig01, "ecdsa-sha2-nistp256"},
                        Case{testvec::kSkEd25519Key, testvec::kSkEd25519Sig01, "ssh-ed25519"},
                        Case{testvec::kRsaKey, testvec::kRsaSha256Sig, "rsa-sha2-384"},
                        Case{testvec::kRsaKey, testvec::kRsaSha256Sig, ""}}) {
    const auto r = verify_signature(key(c.k), c.alg, hex(c.s), data());
    EXPECT_FALSE(r.ok) << c.alg;
  }
  // Even with the blob relabelled to match the request.
  const auto f = fields(hex(testvec::kEcdsaP256Sig));
  EXPECT_FALSE(verify_signature(key(testvec::kEcdsaP256Key), "ecdsa-sha2-nistp384",
                                sig_blob("ecdsa-sha2-nistp384", f[1]), data()).ok);
  const auto e = TestUserKey::ed25519();
  const auto ek = parse_public_key(e.blob());
  ASSERT_TRUE(ek);
  EXPECT_TRUE(verify_signature(*ek, "ssh-ed25519", e.sign("ssh-ed25519", data()), data()).ok);
  EXPECT_FALSE(verify_signature(*ek, "sk-ssh-ed25519@openssh.com", e.sign("ssh-ed25519", data()), data()).ok);
}

// ---- ECDSA r and s ---------------------------------------------------------

TEST(SignatureRefused, EcdsaScalarsOutOfRange) {
  const Bytes n256 = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  const Bytes n384 = hex("ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973");
  const Bytes n521 = hex("01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409");
  struct Case { const std::string &k, &s; const char* alg; const Bytes& n; bool sk; };
  for (const Case& c : {Case{testvec::kEcdsaP256Key, testvec::kEcdsaP256Sig, "ecdsa-sha2-nistp256", n256, false},
                        Case{testvec::kEcdsaP384Key, testvec::kEcdsaP384Sig, "ecdsa-sha2-nistp384", n384, false},
                        Case{testvec::kEcdsaP521Key, testvec::kEcdsaP521Sig, "ecdsa-sha2-nistp521", n521, false},
                        Case{testvec::kSkEcdsaKey, testvec::kSkEcdsaSig01, "sk-ecdsa-sha2-nistp256@openssh.com", n256, true}}) {
    const auto k = key(c.k);
    const Bytes good = hex(c.s);
    const auto f = fields(good);
    const Bytes tail = c.sk ? Bytes(good.end() - 5, good.end()) : Bytes{};
    wire::Reader inner(f[1]);
    wire::Bytes r, s;
    ASSERT_TRUE(inner.mpint_unsigned(r, 66) && inner.mpint_unsigned(s, 66));
    // Sanity: the rebuilt blob still verifies.
    ASSERT_TRUE(verify_signature(k, c.alg, sig_blob(c.alg, rs_blob(r, s), tail), data()).ok) << c.alg;
    Bytes n_plus_r(c.n);  // r + n: same value mod n, must be refused as >= n
    const Bytes zero;
    Bytes big(c.n);
    big.back() += 1;  // n + 1 (none of these orders ends in 0xff)
    for (const auto& [rr, ss, what] : {std::tuple{zero, Bytes(s.begin(), s.end()), "r = 0"},
                                       std::tuple{Bytes(r.begin(), r.end()), zero, "s = 0"},
                                       std::tuple{c.n, Bytes(s.begin(), s.end()), "r = n"},
                                       std::tuple{Bytes(r.begin(), r.end()), c.n, "s = n"},
                                       std::tuple{big, Bytes(s.begin(), s.end()), "r = n + 1"},
                                       std::tuple{Bytes(r.begin(), r.end()), big, "s = n + 1"}}) {
      const auto res = verify_signature(k, c.alg, sig_blob(c.alg, rs_blob(rr, ss), tail), data());
      EXPECT_FALSE(res.ok) << c.alg << ": " << what;
      EXPECT_NE(res.why.find("out of range"), std::string::npos) << c.alg << ": " << what << ": " << res.why;
    }
    // The check is ours, not only nettle's.
    crypto::EcdsaRs rs{c.n, wire::Bytes(s)};
    EXPECT_FALSE(crypto::parse_ecdsa_rs(c.sk ? crypto::EcCurve::kP256 : crypto::EcCurve::kP256, rs_blob(zero, s), rs));
  }
}

// ---- key blobs -------------------------------------------------------------

Bytes ec_key_blob(std::string_view type, std::string_view curve, const Bytes& q, const std::string& app = "") {
  wire::Writer w;
  w.string(type).string(curve).string(q);
  if (!app.empty()) w.string(app);
  return w.take();
}

TEST(PublicKeyRefused, PointNotOnCurveOrNotUncompressed) {
  for (const auto& h : {testvec::kEcdsaP256Key, testvec::kEcdsaP384Key, testvec::kEcdsaP521Key, testvec::kSkEcdsaKey}) {
    const Bytes good = hex(h);
    ASSERT_TRUE(parse_public_key(good));
    const auto f = fields(good);
    const std::string type(wire::as_view(f[0])), curve(wire::as_view(f[1]));
    const std::string app = f.size() > 3 ? std::string(wire::as_view(f[3])) : "";
    Bytes q(f[2].begin(), f[2].end());
    ASSERT_TRUE(parse_public_key(ec_key_blob(type, curve, q, app))) << type;
    Bytes off = q;
    off.back() ^= 0x01;  // Y changed: off the curve
    EXPECT_FALSE(parse_public_key(ec_key_blob(type, curve, off, app))) << type;
    Bytes compressed = q;
    compressed[0] = 0x02;
    EXPECT_FALSE(parse_public_key(ec_key_blob(type, curve, compressed, app))) << type;
    Bytes zero(q.size(), 0);
    zero[0] = 0x04;
    EXPECT_FALSE(parse_public_key(ec_key_blob(type, curve, zero, app))) << type;
    // X, Y = 0xff..: above the field prime.
    Bytes ff(q.size(), 0xff);
    ff[0] = 0x04;
    EXPECT_FALSE(parse_public_key(ec_key_blob(type, curve, ff, app))) << type;
    // Curve name of another type.
    EXPECT_FALSE(parse_public_key(ec_key_blob(type, curve == "nistp256" ? "nistp384" : "nistp256", q, app))) << type;
  }
  // The point check also guards verification through a key never parsed.
  EXPECT_FALSE(crypto::ec_point_valid(crypto::EcCurve::kP256, Bytes(65, 0x04)));
}

TEST(PublicKeyRefused, TruncatedOrTrailingBytes) {
  for (const auto& h : {testvec::kRsaKey, testvec::kEcdsaP256Key, testvec::kEcdsaP384Key, testvec::kEcdsaP521Key,
                        testvec::kSkEd25519Key, testvec::kSkEcdsaKey}) {
    Bytes b = hex(h);
    ASSERT_TRUE(parse_public_key(b));
    Bytes longer = b;
    longer.push_back(0);
    EXPECT_FALSE(parse_public_key(longer));
    for (size_t cut = 0; cut < b.size(); cut += (cut < 40 ? 1 : 37))
      EXPECT_FALSE(parse_public_key(std::span(b).first(cut))) << cut;
  }
  EXPECT_FALSE(parse_public_key(Bytes{}));
  // Unknown type.
  wire::Writer w;
  w.string("ssh-dss").string("x");
  EXPECT_FALSE(parse_public_key(w.bytes()));
}

TEST(PublicKeyRefused, SecurityKeyApplication) {
  const auto f = fields(hex(testvec::kSkEd25519Key));
  wire::Writer w;
  w.string(f[0]).string(f[1]).string("");
  EXPECT_FALSE(parse_public_key(w.bytes())) << "empty application";
  // Another application: the signature binds SHA256(application).
  wire::Writer other;
  other.string(f[0]).string(f[1]).string("ssh:other");
  const auto k = parse_public_key(other.bytes());
  ASSERT_TRUE(k);
  EXPECT_FALSE(verify_signature(*k, "sk-ssh-ed25519@openssh.com", hex(testvec::kSkEd25519Sig01), data()).ok);
}

TEST(SignatureRefused, SecurityKeyFlagsAndCounterAreSigned) {
  for (const auto& [k, s, alg] : {std::tuple{testvec::kSkEd25519Key, testvec::kSkEd25519Sig00, "sk-ssh-ed25519@openssh.com"},
                                  std::tuple{testvec::kSkEcdsaKey, testvec::kSkEcdsaSig00, "sk-ecdsa-sha2-nistp256@openssh.com"}}) {
    Bytes b = hex(s);
    b[b.size() - 5] = 0x01;  // claim user presence the authenticator did not assert
    EXPECT_FALSE(verify_signature(key(k), alg, b, data()).ok) << alg;
    b = hex(s);
    b.back() ^= 1;  // another counter
    EXPECT_FALSE(verify_signature(key(k), alg, b, data()).ok) << alg;
  }
}

Bytes rsa_blob(const Bytes& e, const Bytes& n) {
  wire::Writer w;
  w.string("ssh-rsa").mpint_unsigned(e).mpint_unsigned(n);
  return w.take();
}

TEST(PublicKeyRefused, RsaExponentAndModulus) {
  const auto k = key(testvec::kRsaKey);
  EXPECT_TRUE(parse_public_key(rsa_blob(k.rsa_e, k.rsa_n)));
  EXPECT_FALSE(parse_public_key(rsa_blob({0x01}, k.rsa_n))) << "e = 1";
  EXPECT_FALSE(parse_public_key(rsa_blob({0x02}, k.rsa_n))) << "e = 2";
  EXPECT_FALSE(parse_public_key(rsa_blob({0x01, 0x00, 0x00}, k.rsa_n))) << "even e";
  EXPECT_FALSE(parse_public_key(rsa_blob({}, k.rsa_n))) << "e = 0";
  EXPECT_TRUE(parse_public_key(rsa_blob({0x03}, k.rsa_n))) << "e = 3";
  EXPECT_FALSE(parse_public_key(rsa_blob(Bytes(9, 0x01), k.rsa_n))) << "e of 72 bits";
  Bytes even = k.rsa_n;
  even.back() &= 0xfe;
  EXPECT_FALSE(parse_public_key(rsa_blob(k.rsa_e, even)));
  // Bit counts measured exactly: 16384 bits parse, 16385 do not.
  Bytes n16384(2048, 0xff);
  const auto big = parse_public_key(rsa_blob(k.rsa_e, n16384));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->rsa_bits, 16384u);
  Bytes n16385(2049, 0xff);
  n16385[0] = 0x01;
  EXPECT_FALSE(parse_public_key(rsa_blob(k.rsa_e, n16385)));
  Bytes n1023(128, 0xff);
  n1023[0] = 0x7f;
  EXPECT_FALSE(parse_public_key(rsa_blob(k.rsa_e, n1023)));
  Bytes n1025(129, 0xff);
  n1025[0] = 0x01;
  const auto k1025 = parse_public_key(rsa_blob(k.rsa_e, n1025));
  ASSERT_TRUE(k1025);
  EXPECT_EQ(k1025->rsa_bits, 1025u);
  // A non-minimal mpint (a superfluous zero byte) is another encoding: refused.
  wire::Writer w;
  Bytes padded(k.rsa_n.size() + 1, 0);
  std::copy(k.rsa_n.begin(), k.rsa_n.end(), padded.begin() + 1);
  if (!(k.rsa_n[0] & 0x80)) {
    w.string("ssh-rsa").mpint_unsigned(k.rsa_e).string(padded);
    EXPECT_FALSE(parse_public_key(w.bytes()));
  }
}

TEST(SignatureRefused, RsaSignatureLengths) {
  const auto k = key(testvec::kRsaKey);
  const auto f = fields(hex(testvec::kRsaSha256Sig));
  Bytes s(f[1].begin(), f[1].end());
  ASSERT_EQ(s.size(), 256u);
  Bytes longer(s.size() + 1, 0);
  std::copy(s.begin(), s.end(), longer.begin() + 1);
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", sig_blob("rsa-sha2-256", longer), data()).ok);
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", sig_blob("rsa-sha2-256", Bytes{}), data()).ok);
  Bytes trailing = hex(testvec::kRsaSha256Sig);
  trailing.push_back(0);
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", trailing, data()).ok);
  Bytes truncated = hex(testvec::kRsaSha256Sig);
  truncated.pop_back();
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", truncated, data()).ok);
  // s = n: not below the modulus.
  EXPECT_FALSE(verify_signature(k, "rsa-sha2-256", sig_blob("rsa-sha2-256", k.rsa_n), data()).ok);
}

// A signature whose top byte is zero, sent without it (as some clients do):
// the same integer, accepted as OpenSSH does.
TEST(SignatureKnownAnswer, RsaShortSignatureIsLeftPadded) {
  const auto tk = TestUserKey::rsa(1024);
  const auto k = parse_public_key(tk.blob());
  ASSERT_TRUE(k);
  for (uint32_t i = 0; i < 20000; ++i) {
    Bytes d = data();
    d.push_back(static_cast<uint8_t>(i));
    d.push_back(static_cast<uint8_t>(i >> 8));
    const Bytes sig = tk.sign("rsa-sha2-256", d);
    const auto f = fields(sig);
    if (f[1][0] != 0) continue;
    ASSERT_TRUE(verify_signature(*k, "rsa-sha2-256", sig, d).ok);
    const Bytes stripped = sig_blob("rsa-sha2-256", std::span(f[1]).subspan(1));
    EXPECT_TRUE(verify_signature(*k, "rsa-sha2-256", stripped, d).ok);
    return;
  }
  FAIL() << "no signature with a zero top byte in 20000 tries";
}

TEST(SignatureRefused, TruncatedOrTrailingSignatureBlobs) {
  struct Case { const std::string &k, &s; const char* alg; };
  for (const Case& c : {Case{testvec::kRsaKey, testvec::kRsaSha512Sig, "rsa-sha2-512"},
                        Case{testvec::kEcdsaP384Key, testvec::kEcdsaP384Sig, "ecdsa-sha2-nistp384"},
                        Case{testvec::kSkEd25519Key, testvec::kSkEd25519Sig01, "sk-ssh-ed25519@openssh.com"},
                        Case{testvec::kSkEcdsaKey, testvec::kSkEcdsaSig01, "sk-ecdsa-sha2-nistp256@openssh.com"}}) {
    const Bytes s = hex(c.s);
    Bytes longer = s;
    longer.push_back(0);
    EXPECT_FALSE(verify_signature(key(c.k), c.alg, longer, data()).ok) << c.alg;
    for (size_t cut = 0; cut < s.size(); cut += (cut < 48 ? 1 : 29))
      EXPECT_FALSE(verify_signature(key(c.k), c.alg, std::span(s).first(cut), data()).ok) << c.alg << " " << cut;
  }
  // Trailing bytes inside ECDSA's inner string.
  const auto f = fields(hex(testvec::kEcdsaP256Sig));
  Bytes inner(f[1].begin(), f[1].end());
  inner.push_back(0);
  EXPECT_FALSE(verify_signature(key(testvec::kEcdsaP256Key), "ecdsa-sha2-nistp256",
                                sig_blob("ecdsa-sha2-nistp256", inner), data()).ok);
}

// Keys made at run time by nettle sign what the verifier accepts: the
// helper the monitor tests and the raw client use is itself right.
TEST(SignatureRoundTrip, TestKeysOfEveryType) {
  std::vector<std::pair<TestUserKey, std::vector<const char*>>> keys;
  keys.emplace_back(TestUserKey::rsa(2048), std::vector<const char*>{"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa"});
  keys.emplace_back(TestUserKey::ecdsa(KeyType::kEcdsaP256), std::vector<const char*>{"ecdsa-sha2-nistp256"});
  keys.emplace_back(TestUserKey::ecdsa(KeyType::kEcdsaP384), std::vector<const char*>{"ecdsa-sha2-nistp384"});
  keys.emplace_back(TestUserKey::ecdsa(KeyType::kEcdsaP521), std::vector<const char*>{"ecdsa-sha2-nistp521"});
  keys.emplace_back(TestUserKey::sk_ed25519(), std::vector<const char*>{"sk-ssh-ed25519@openssh.com"});
  keys.emplace_back(TestUserKey::sk_ecdsa(), std::vector<const char*>{"sk-ecdsa-sha2-nistp256@openssh.com"});
  for (const auto& [tk, algs] : keys) {
    const auto k = parse_public_key(tk.blob());
    ASSERT_TRUE(k);
    for (const char* alg : algs) {
      const auto r = verify_signature(*k, alg, tk.sign(alg, data(), 0x05, 99), data());
      EXPECT_TRUE(r.ok) << alg << ": " << r.why;
    }
  }
}

}  // namespace
}  // namespace lpsshd
