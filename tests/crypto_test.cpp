// Crypto building blocks, checked against values that do not come from the
// code under test: published test vectors (ChaCha20, RFC 7748, RFC 8032),
// libsodium primitives called directly, and OpenSSH's own ssh-keygen.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/chachapoly.h"
#include "crypto/ed25519.h"
#include "crypto/fingerprint.h"
#include "crypto/host_key_file.h"
#include "crypto/keyfile.h"
#include "crypto/x25519.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::crypto;

namespace {

std::vector<uint8_t> unhex(std::string_view hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t len = 0;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, nullptr),
            0);
  out.resize(len);
  return out;
}

std::vector<uint8_t> bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

// Original ChaCha20 (64-bit nonce) keystream for the all-zero key and nonce:
// block 0 (draft-agl-tls-chacha20poly1305 test vector) and block 1 (RFC 8439
// 2.3.2 / A.1 #2: with nonce and key zero the IETF and original layouts agree).
const std::vector<uint8_t> kZeroBlock0 = unhex(
    "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
    "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
const std::vector<uint8_t> kZeroBlock1 = unhex(
    "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
    "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// A packet as ChachaPoly::seal wants it: 4-byte length then body.
std::vector<uint8_t> make_packet(uint32_t declared_len, size_t body_len) {
  std::vector<uint8_t> p(4 + body_len);
  p[0] = uint8_t(declared_len >> 24);
  p[1] = uint8_t(declared_len >> 16);
  p[2] = uint8_t(declared_len >> 8);
  p[3] = uint8_t(declared_len);
  for (size_t i = 0; i < body_len; ++i) p[4 + i] = uint8_t(i * 7 + 3);
  return p;
}

// A temporary directory removed (with its contents) at the end of a test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lpsshd-crypto-XXXXXX";
    const char* d = mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    path_ = d ? d : "/tmp";
  }
  ~TempDir() {
    const int rc = std::system(("rm -rf '" + path_ + "'").c_str());
    EXPECT_EQ(rc, 0);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text, mode_t mode = 0600) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
  }
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}

// Runs a shell command and returns its stdout (the exit status must be 0).
std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  EXPECT_NE(p, nullptr);
  if (!p) return out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << cmd;
  return out;
}

std::string field(const std::string& line, size_t index) {
  std::istringstream ss(line);
  std::string f;
  for (size_t i = 0; i <= index; ++i)
    if (!(ss >> f)) return "";
  return f;
}

// Our own base64 codec for the tests, straight from libsodium, so key file
// bodies can be taken apart and rebuilt without trusting the code under test.
std::vector<uint8_t> b64_decode(const std::string& text) {
  std::vector<uint8_t> out(text.size());
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(out.data(), out.size(), text.data(), text.size(), "\r\n", &len,
                              nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}
std::string b64_encode(std::span<const uint8_t> data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return out;
}

const std::string kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
const std::string kEnd = "-----END OPENSSH PRIVATE KEY-----";

std::string armour(std::span<const uint8_t> raw) {
  const std::string b64 = b64_encode(raw);
  std::string out = kBegin + "\n";
  for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
  return out + kEnd + "\n";
}

std::vector<uint8_t> unarmour(const std::string& text) {
  const size_t b = text.find(kBegin), e = text.find(kEnd);
  EXPECT_NE(b, std::string::npos);
  EXPECT_NE(e, std::string::npos);
  return b64_decode(text.substr(b + kBegin.size(), e - b - kBegin.size()));
}

// Builds an openssh-key-v1 file from parts (PROTOCOL.key), so each test can
// break exactly one field. The defaults give a valid file.
struct KeyFileParts {
  std::string cipher = "none", kdf = "none";
  uint32_t nkeys = 1;
  uint32_t check1 = 0x11223344, check2 = 0x11223344;
  std::string comment = "parts";
  std::vector<uint8_t> padding;  // empty: the correct 1, 2, 3, ... padding
  bool auto_padding = true;
  int key_copies = 1;  // key entries written (public and private)
};

std::string build_key_file(const Ed25519Key& key, const KeyFileParts& p) {
  wire::Writer priv;
  priv.u32(p.check1).u32(p.check2);
  for (int i = 0; i < p.key_copies; ++i) {
    priv.string("ssh-ed25519").string(std::span<const uint8_t>(key.public_key()));
    priv.string(key.secret().span()).string(p.comment);
  }
  if (p.auto_padding)
    for (uint8_t i = 1; priv.size() % 8 != 0; ++i) priv.u8(i);
  else
    priv.raw(p.padding);
  wire::Writer f;
  f.raw(std::string_view("openssh-key-v1\0", 15)).string(p.cipher).string(p.kdf).string("");
  f.u32(p.nkeys);
  for (int i = 0; i < p.key_copies; ++i) f.string(key.public_blob());
  f.string(priv.bytes());
  return armour(f.bytes());
}

PrivateKeyFile parse_ok(const std::string& text) {
  std::string error;
  auto k = parse_openssh_private_key(text, error);
  EXPECT_TRUE(k.has_value()) << error;
  if (!k) std::abort();
  return std::move(*k);
}

std::string parse_error(const std::string& text) {
  std::string error;
  auto k = parse_openssh_private_key(text, error);
  EXPECT_FALSE(k.has_value());
  EXPECT_FALSE(error.empty());
  return error;
}

// RFC 8032 7.1 TEST 1.
const auto kRfc8032Seed = unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const auto kRfc8032Public =
    unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const auto kRfc8032Sig = unhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

Ed25519Key rfc8032_key() {
  SecretBytes sk(kRfc8032Seed);
  sk.append(kRfc8032Public);
  Ed25519Public pk;
  std::copy(kRfc8032Public.begin(), kRfc8032Public.end(), pk.begin());
  return Ed25519Key(std::move(sk), pk);
}

std::vector<uint8_t> expected_blob(std::string_view name, std::span<const uint8_t> value) {
  // Written out byte by byte: string name || string value (RFC 4251 5).
  std::vector<uint8_t> b;
  auto put_len = [&](size_t n) {
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(uint8_t(n >> shift));
  };
  put_len(name.size());
  for (char c : name) b.push_back(uint8_t(c));
  put_len(value.size());
  for (uint8_t v : value) b.push_back(v);
  return b;
}

}  // namespace

// ---------------------------------------------------------------------------
// chacha20-poly1305@openssh.com

TEST(ChachaPoly, ZeroKeyLengthIsXoredWithBlock0) {
  const std::vector<uint8_t> key(64, 0);
  ChachaPoly c(key);
  auto pkt = make_packet(0x00000020, 32);
  uint8_t tag[16];
  c.seal(0, pkt.data(), pkt.size(), tag);
  EXPECT_EQ(be32(pkt.data()), 0x00000020u ^ 0x76b8e0adu);
  EXPECT_EQ(c.packet_length(0, pkt.data()), 0x20u);
}

TEST(ChachaPoly, ZeroKeyPayloadUsesBlock1AndTagUsesBlock0) {
  const std::vector<uint8_t> key(64, 0);
  ChachaPoly c(key);
  const auto plain = make_packet(64, 64);
  auto pkt = plain;
  uint8_t tag[16];
  c.seal(0, pkt.data(), pkt.size(), tag);
  // Payload keystream starts at block 1, never block 0 (that is the MAC key).
  for (size_t i = 0; i < 64; ++i)
    ASSERT_EQ(pkt[4 + i], plain[4 + i] ^ kZeroBlock1[i]) << "byte " << i;
  // Poly1305 key = first 32 bytes of block 0; the tag covers enc length || enc payload.
  uint8_t expect[16];
  crypto_onetimeauth_poly1305(expect, pkt.data(), pkt.size(), kZeroBlock0.data());
  EXPECT_EQ(0, std::memcmp(expect, tag, 16));
}

TEST(ChachaPoly, FirstHalfIsPayloadKeySecondHalfIsLengthKey) {
  // K_2 zero, K_1 random: the payload still uses the zero-key stream, the
  // length does not.
  std::vector<uint8_t> key(64, 0);
  randombytes_buf(key.data() + 32, 32);
  ChachaPoly c(key);
  const auto plain = make_packet(8, 8);
  auto pkt = plain;
  uint8_t tag[16];
  c.seal(0, pkt.data(), pkt.size(), tag);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(pkt[4 + i], plain[4 + i] ^ kZeroBlock1[i]);
  uint8_t len_stream[4];
  const uint8_t nonce[8] = {};
  crypto_stream_chacha20(len_stream, 4, nonce, key.data() + 32);
  EXPECT_EQ(be32(pkt.data()), 8u ^ be32(len_stream));
  uint8_t expect[16];
  crypto_onetimeauth_poly1305(expect, pkt.data(), pkt.size(), kZeroBlock0.data());
  EXPECT_EQ(0, std::memcmp(expect, tag, 16));

  // And the other way round: K_1 zero gives the known length mask.
  std::vector<uint8_t> key2(64, 0);
  randombytes_buf(key2.data(), 32);
  ChachaPoly c2(key2);
  auto pkt2 = plain;
  c2.seal(0, pkt2.data(), pkt2.size(), tag);
  EXPECT_EQ(be32(pkt2.data()), 8u ^ 0x76b8e0adu);
  EXPECT_NE(0, std::memcmp(pkt2.data() + 4, pkt.data() + 4, 8));
}

TEST(ChachaPoly, SequenceNumberIsBigEndian64BitNonce) {
  std::vector<uint8_t> key(64);
  randombytes_buf(key.data(), key.size());
  ChachaPoly c(key);
  for (uint32_t seq : {1u, 0x01020304u, 0xffffffffu}) {
    const auto plain = make_packet(16, 16);
    auto pkt = plain;
    uint8_t tag[16];
    c.seal(seq, pkt.data(), pkt.size(), tag);
    const uint8_t nonce[8] = {
        0, 0, 0, 0, uint8_t(seq >> 24), uint8_t(seq >> 16), uint8_t(seq >> 8), uint8_t(seq)};
    uint8_t len_stream[4], body_stream[16], poly_key[32];
    crypto_stream_chacha20(len_stream, 4, nonce, key.data() + 32);
    crypto_stream_chacha20_xor_ic(body_stream, plain.data() + 4, 16, nonce, 1, key.data());
    crypto_stream_chacha20(poly_key, 32, nonce, key.data());
    EXPECT_EQ(be32(pkt.data()), 16u ^ be32(len_stream)) << seq;
    EXPECT_EQ(0, std::memcmp(pkt.data() + 4, body_stream, 16)) << seq;
    uint8_t expect[16];
    crypto_onetimeauth_poly1305(expect, pkt.data(), pkt.size(), poly_key);
    EXPECT_EQ(0, std::memcmp(expect, tag, 16)) << seq;
  }
}

TEST(ChachaPoly, SealOpenRoundTrip) {
  std::vector<uint8_t> key(64);
  randombytes_buf(key.data(), key.size());
  ChachaPoly c(key);
  for (size_t body : {0u, 1u, 8u, 63u, 64u, 65u, 1000u}) {
    const auto plain = make_packet(uint32_t(body), body);
    auto pkt = plain;
    uint8_t tag[16];
    c.seal(42, pkt.data(), pkt.size(), tag);
    EXPECT_NE(pkt, plain);
    EXPECT_EQ(c.packet_length(42, pkt.data()), body);
    std::vector<uint8_t> out(body);
    ASSERT_TRUE(c.open(42, pkt.data(), pkt.size(), tag, out.data())) << body;
    EXPECT_TRUE(std::equal(out.begin(), out.end(), plain.begin() + 4));
    // Another sequence number is another nonce: the tag no longer fits.
    EXPECT_FALSE(c.open(43, pkt.data(), pkt.size(), tag, out.data()));
  }
}

TEST(ChachaPoly, OpenRejectsAnyFlippedBitAndWritesNothing) {
  std::vector<uint8_t> key(64);
  randombytes_buf(key.data(), key.size());
  ChachaPoly c(key);
  const auto plain = make_packet(24, 24);
  auto sealed = plain;
  uint8_t good_tag[16];
  c.seal(7, sealed.data(), sealed.size(), good_tag);

  auto try_open = [&](std::vector<uint8_t> pkt, std::array<uint8_t, 16> tag, const char* what) {
    std::vector<uint8_t> out(24, 0xa5);
    EXPECT_FALSE(c.open(7, pkt.data(), pkt.size(), tag.data(), out.data())) << what;
    EXPECT_EQ(out, std::vector<uint8_t>(24, 0xa5)) << what << ": output written";
  };
  std::array<uint8_t, 16> tag;
  std::copy(std::begin(good_tag), std::end(good_tag), tag.begin());
  for (size_t byte = 0; byte < sealed.size(); ++byte) {
    auto bad = sealed;
    bad[byte] ^= uint8_t(1u << (byte % 8));
    try_open(bad, tag, byte < 4 ? "length" : "payload");
  }
  for (size_t byte = 0; byte < 16; ++byte) {
    auto bad_tag = tag;
    bad_tag[byte] ^= 0x80;
    try_open(sealed, bad_tag, "tag");
  }
}

TEST(ChachaPoly, RefusesWrongKeySize) {
  const std::vector<uint8_t> k32(32), k65(65);
  EXPECT_THROW(ChachaPoly{k32}, std::invalid_argument);
  EXPECT_THROW(ChachaPoly{k65}, std::invalid_argument);
}

// ---------------------------------------------------------------------------
// ssh-ed25519

TEST(Ed25519, PublicBlobIsExactlyStringNameStringKey) {
  const auto key = rfc8032_key();
  const auto blob = key.public_blob();
  EXPECT_EQ(blob, expected_blob("ssh-ed25519", kRfc8032Public));
  EXPECT_EQ(blob.size(), 51u);
  auto parsed = ed25519_parse_public_blob(blob);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(std::equal(parsed->begin(), parsed->end(), kRfc8032Public.begin()));
}

TEST(Ed25519, ParsePublicBlobRejectsAnythingElse) {
  const auto good = expected_blob("ssh-ed25519", kRfc8032Public);
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(ed25519_parse_public_blob(trailing));
  EXPECT_FALSE(ed25519_parse_public_blob(std::span(good).first(50)));
  EXPECT_FALSE(ed25519_parse_public_blob(expected_blob("ssh-ed25518", kRfc8032Public)));
  EXPECT_FALSE(ed25519_parse_public_blob(expected_blob("ssh-rsa", kRfc8032Public)));
  EXPECT_FALSE(
      ed25519_parse_public_blob(expected_blob("ssh-ed25519", std::span(kRfc8032Public).first(31))));
  std::vector<uint8_t> k33 = kRfc8032Public;
  k33.push_back(0);
  EXPECT_FALSE(ed25519_parse_public_blob(expected_blob("ssh-ed25519", k33)));
  EXPECT_FALSE(ed25519_parse_public_blob({}));
}

TEST(Ed25519, SignatureMatchesRfc8032AndBlobFormat) {
  const auto key = rfc8032_key();
  EXPECT_TRUE(key.consistent());
  const auto sig = key.sign_blob({});
  EXPECT_EQ(sig, expected_blob("ssh-ed25519", kRfc8032Sig));
  EXPECT_TRUE(ed25519_verify_blob(key.public_blob(), sig, {}));
}

TEST(Ed25519, GeneratedKeySignsAndVerifies) {
  const auto key = Ed25519Key::generate();
  EXPECT_TRUE(key.consistent());
  const std::vector<uint8_t> msg = {'h', 'e', 'l', 'l', 'o'};
  const auto sig = key.sign_blob(msg);
  ASSERT_EQ(sig.size(), 83u);
  // libsodium's own verifier agrees with the signature inside the blob.
  EXPECT_EQ(crypto_sign_ed25519_verify_detached(sig.data() + 19, msg.data(), msg.size(),
                                                key.public_key().data()),
            0);
  EXPECT_TRUE(ed25519_verify_blob(key.public_blob(), sig, msg));
  auto other_msg = msg;
  other_msg[0] ^= 1;
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), sig, other_msg));
}

TEST(Ed25519, VerifyRejectsMalformedOrForeignSignatures) {
  const auto key = Ed25519Key::generate();
  const auto other = Ed25519Key::generate();
  const std::vector<uint8_t> msg = {1, 2, 3};
  const auto sig = key.sign_blob(msg);
  const std::span<const uint8_t> raw_sig(sig.data() + 19, 64);

  EXPECT_FALSE(ed25519_verify_blob(other.public_blob(), sig, msg)) << "wrong key";
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), expected_blob("ssh-ed25518", raw_sig), msg))
      << "wrong algorithm name";
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), expected_blob("rsa-sha2-256", raw_sig), msg));
  auto trailing = sig;
  trailing.push_back(0);
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), trailing, msg)) << "trailing byte";
  EXPECT_FALSE(
      ed25519_verify_blob(key.public_blob(), expected_blob("ssh-ed25519", raw_sig.first(63)), msg))
      << "63-byte signature";
  std::vector<uint8_t> sig65(raw_sig.begin(), raw_sig.end());
  sig65.push_back(0);
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), expected_blob("ssh-ed25519", sig65), msg));
  auto pub_trailing = key.public_blob();
  pub_trailing.push_back(0);
  EXPECT_FALSE(ed25519_verify_blob(pub_trailing, sig, msg)) << "trailing byte in public blob";
  EXPECT_FALSE(ed25519_verify_blob(key.public_blob(), {}, msg));
}

TEST(Ed25519, ConsistentDetectsMismatchedHalves) {
  const auto a = Ed25519Key::generate();
  const auto b = Ed25519Key::generate();
  Ed25519Key mixed(a.secret().clone(), b.public_key());
  EXPECT_FALSE(mixed.consistent());
  Ed25519Key short_secret(SecretBytes(a.secret().span().first(32)), a.public_key());
  EXPECT_FALSE(short_secret.consistent());
}

// ---------------------------------------------------------------------------
// X25519

TEST(X25519, Rfc7748Section61) {
  const SecretBytes alice(
      unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  const auto alice_pub = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  const auto bob_pub = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const auto shared = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  uint8_t derived_pub[32];
  crypto_scalarmult_curve25519_base(derived_pub, alice.data());
  EXPECT_EQ(bytes(derived_pub), alice_pub);
  auto k = x25519_shared(alice, bob_pub);
  ASSERT_TRUE(k);
  EXPECT_EQ(bytes(k->span()), shared);
}

TEST(X25519, GeneratedPairsAgree) {
  auto a = x25519_generate();
  auto b = x25519_generate();
  ASSERT_EQ(a.secret.size(), 32u);
  uint8_t pub[32];
  crypto_scalarmult_curve25519_base(pub, a.secret.data());
  EXPECT_EQ(bytes(pub), bytes(a.public_key));
  EXPECT_NE(bytes(a.public_key), bytes(b.public_key));
  auto ka = x25519_shared(a.secret, b.public_key);
  auto kb = x25519_shared(b.secret, a.public_key);
  ASSERT_TRUE(ka && kb);
  EXPECT_EQ(bytes(ka->span()), bytes(kb->span()));
}

TEST(X25519, RejectsBadPeerValues) {
  auto a = x25519_generate();
  std::vector<uint8_t> p31(31, 9), p33(33, 9);
  EXPECT_FALSE(x25519_shared(a.secret, p31));
  EXPECT_FALSE(x25519_shared(a.secret, p33));
  EXPECT_FALSE(x25519_shared(a.secret, {}));
  const std::vector<uint8_t> zero(32, 0);
  EXPECT_FALSE(x25519_shared(a.secret, zero));
  // u = 1 has order 4: the clamped scalar sends it to zero.
  std::vector<uint8_t> one(32, 0);
  one[0] = 1;
  EXPECT_FALSE(x25519_shared(a.secret, one));
  // A secret of the wrong size is refused too.
  SecretBytes short_secret(a.secret.span().first(31));
  std::vector<uint8_t> nine(32, 0);
  nine[0] = 9;
  EXPECT_FALSE(x25519_shared(short_secret, nine));
  EXPECT_TRUE(x25519_shared(a.secret, nine));
}

// ---------------------------------------------------------------------------
// OpenSSH key files

class KeyFileTest : public ::testing::Test {
 protected:
  // A key written by the real ssh-keygen, so the parser meets the real format.
  void SetUp() override {
    key_path_ = dir_.file("id_ed25519");
    const std::string cmd = "ssh-keygen -q -t ed25519 -N '' -C test -f '" + key_path_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    text_ = read_file(key_path_);
    pub_line_ = read_file(key_path_ + ".pub");
    ASSERT_FALSE(text_.empty());
  }
  TempDir dir_;
  std::string key_path_, text_, pub_line_;
};

TEST_F(KeyFileTest, ParsesSshKeygenOutput) {
  auto k = parse_ok(text_);
  EXPECT_EQ(k.comment, "test");
  EXPECT_TRUE(k.ed25519()->consistent());
  EXPECT_EQ(field(pub_line_, 0), "ssh-ed25519");
  EXPECT_EQ(k.ed25519()->public_blob(), b64_decode(field(pub_line_, 1)));
  EXPECT_EQ(format_public_key_line(k.ed25519()->public_key(), "test") + "\n", pub_line_);
}

TEST_F(KeyFileTest, FormatParseRoundTripAndSshKeygenReadsIt) {
  const auto orig = parse_ok(text_);
  const std::string out = format_openssh_private_key(*orig.ed25519(), "round trip");
  auto back = parse_ok(out);
  EXPECT_EQ(back.comment, "round trip");
  EXPECT_EQ(bytes(back.ed25519()->public_key()), bytes(orig.ed25519()->public_key()));
  EXPECT_EQ(bytes(back.ed25519()->secret().span()), bytes(orig.ed25519()->secret().span()));
  // Line layout like ssh-keygen: 70 base64 columns.
  std::istringstream lines(out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line, kBegin);
  while (std::getline(lines, line) && line != kEnd) EXPECT_LE(line.size(), 70u);
  EXPECT_EQ(line, kEnd);
  // OpenSSH itself accepts what we write and derives the same public key.
  const std::string path = dir_.file("ours");
  write_file(path, out);
  const std::string derived = run("ssh-keygen -y -f '" + path + "'");
  EXPECT_EQ(field(derived, 1), field(pub_line_, 1));
}

TEST_F(KeyFileTest, PartsBuilderBaselineParses) {
  // The builder below must produce a valid file, or the rejection tests that
  // use it would prove nothing.
  const auto k = parse_ok(text_);
  auto back = parse_ok(build_key_file(*k.ed25519(), {}));
  EXPECT_EQ(back.comment, "parts");
  EXPECT_EQ(bytes(back.ed25519()->public_key()), bytes(k.ed25519()->public_key()));
}

TEST_F(KeyFileTest, RejectsEncryptedKey) {
  const std::string path = dir_.file("enc");
  ASSERT_EQ(std::system(("ssh-keygen -q -t ed25519 -N pass -C x -f '" + path + "'").c_str()), 0);
  EXPECT_NE(parse_error(read_file(path)).find("encrypted"), std::string::npos);
}

TEST_F(KeyFileTest, RejectsFlippedCheckBytes) {
  // Flip a bit of checkint2 in the real file.
  auto raw = unarmour(text_);
  wire::Reader r(raw);
  wire::Bytes skip;
  uint32_t n;
  ASSERT_TRUE(r.raw(skip, 15) && r.string(skip) && r.string(skip) && r.string(skip) && r.u32(n) &&
              r.string(skip) && r.u32(n));
  const size_t check2 = r.position() + 4;
  raw[check2] ^= 0x01;
  EXPECT_NE(parse_error(armour(raw)).find("check bytes"), std::string::npos);

  const auto k = parse_ok(text_);
  KeyFileParts p;
  p.check2 = p.check1 + 1;
  parse_error(build_key_file(*k.ed25519(), p));
}

TEST_F(KeyFileTest, RejectsBadPadding) {
  const auto k = parse_ok(text_);
  KeyFileParts p;
  p.comment = "1234";  // 8+15+36+68+8 = 135 bytes: one padding byte needed
  p.auto_padding = false;
  p.padding = {2};
  EXPECT_NE(parse_error(build_key_file(*k.ed25519(), p)).find("padding"), std::string::npos);
  p.padding = {1};
  parse_ok(build_key_file(*k.ed25519(), p));
  // A whole extra block of padding is refused too.
  p.padding = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  parse_error(build_key_file(*k.ed25519(), p));
  // Unpadded (135 bytes is not a multiple of 8).
  p.padding = {};
  parse_error(build_key_file(*k.ed25519(), p));
}

TEST_F(KeyFileTest, RejectsTruncatedBase64) {
  // Drop one base64 character: no longer a whole number of quanta.
  std::string one = text_;
  const size_t end_at = one.find(kEnd);
  one.erase(end_at - 2, 1);  // the last character before "\n-----END"
  parse_error(one);
  // Drop the whole last base64 line: valid base64, truncated structure.
  std::string line = text_;
  const size_t last_nl = line.rfind('\n', line.find(kEnd) - 2);
  line.erase(last_nl + 1, line.find(kEnd) - last_nl - 1);
  ASSERT_NE(line, text_);
  parse_error(line);
  // Whitespace inside a base64 line is not ignored.
  std::string space = text_;
  space.insert(kBegin.size() + 5, " ");
  parse_error(space);
}

TEST_F(KeyFileTest, RejectsWrongArmour) {
  std::string rsa = text_;
  rsa.replace(0, kBegin.size(), "-----BEGIN RSA PRIVATE KEY-----");
  parse_error(rsa);
  std::string no_end = text_.substr(0, text_.find(kEnd));
  parse_error(no_end);
  parse_error("");
}

TEST_F(KeyFileTest, RejectsTwoKeys) {
  const auto k = parse_ok(text_);
  KeyFileParts p;
  p.nkeys = 2;
  p.key_copies = 2;
  EXPECT_NE(parse_error(build_key_file(*k.ed25519(), p)).find("exactly one"), std::string::npos);
  // nkeys says 1 but a second public key follows: trailing data.
  p.nkeys = 1;
  parse_error(build_key_file(*k.ed25519(), p));
}

TEST_F(KeyFileTest, RejectsOtherCipherOrKdf) {
  const auto k = parse_ok(text_);
  KeyFileParts p;
  p.cipher = "aes256-ctr";
  parse_error(build_key_file(*k.ed25519(), p));
  p.cipher = "none";
  p.kdf = "bcrypt";
  parse_error(build_key_file(*k.ed25519(), p));
}

TEST_F(KeyFileTest, RejectsMismatchedPublicKey) {
  // Outer public blob from another key than the private section.
  const auto k = parse_ok(text_);
  const auto other = Ed25519Key::generate();
  auto raw = unarmour(build_key_file(*k.ed25519(), {}));
  const auto kb = k.ed25519()->public_blob();
  const auto ob = other.public_blob();
  auto it = std::search(raw.begin(), raw.end(), kb.begin(), kb.end());
  ASSERT_NE(it, raw.end());
  std::copy(ob.begin(), ob.end(), it);
  parse_error(armour(raw));
}

TEST(Base64, Rfc4648VectorsAndStrictDecode) {
  const std::pair<const char*, const char*> v[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : v) {
    const std::string_view p(plain);
    const std::span<const uint8_t> ps(reinterpret_cast<const uint8_t*>(p.data()), p.size());
    EXPECT_EQ(base64_encode(ps), enc);
    auto d = base64_decode(enc);
    ASSERT_TRUE(d) << enc;
    EXPECT_EQ(*d, bytes(ps));
  }
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));
  EXPECT_FALSE(base64_decode("Zm9v\n"));
  EXPECT_FALSE(base64_decode("Zm9*"));
  EXPECT_FALSE(base64_decode("Zg=")) << "short padding";
}

// ---------------------------------------------------------------------------
// Fingerprints

TEST_F(KeyFileTest, FingerprintMatchesSshKeygen) {
  const auto k = parse_ok(text_);
  const std::string line = run("ssh-keygen -l -f '" + key_path_ + ".pub'");
  // "256 SHA256:... test (ED25519)"
  const std::string fp = sha256_fingerprint(k.ed25519()->public_blob());
  EXPECT_EQ(fp, field(line, 1));
  EXPECT_EQ(fp.rfind("SHA256:", 0), 0u);
  EXPECT_EQ(fp.find('='), std::string::npos);
  EXPECT_EQ(fp.size(), 7u + 43u);
}

// ---------------------------------------------------------------------------
// Host key files (tests run as root)

class HostKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "host key tests need root (ownership checks)";
    key_ = Ed25519Key::generate();
    path_ = dir_.file("host_key");
    write_file(path_, format_openssh_private_key(*key_, "host"), 0600);
  }
  TempDir dir_;
  std::optional<Ed25519Key> key_;
  std::string path_;
};

TEST_F(HostKeyFileTest, AcceptsRootOwned0600AndLoads) {
  EXPECT_EQ(check_host_key_file(path_), "");
  std::string error;
  auto loaded = load_host_key(path_, error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->public_blob(), key_->public_blob());
  EXPECT_EQ(loaded->algorithms(), std::vector<std::string_view>{kEd25519Name});
}

TEST_F(HostKeyFileTest, RefusesGroupOrOtherAccess) {
  for (mode_t mode : {0640, 0644, 0604, 0660}) {
    ASSERT_EQ(chmod(path_.c_str(), mode), 0);
    EXPECT_NE(check_host_key_file(path_), "") << std::oct << mode;
    std::string error;
    EXPECT_FALSE(load_host_key(path_, error)) << std::oct << mode;
    EXPECT_NE(error.find(path_), std::string::npos) << error;
  }
}

TEST_F(HostKeyFileTest, RefusesSymlinkNonRootDirectoryAndMissing) {
  const std::string link = dir_.file("link");
  ASSERT_EQ(symlink(path_.c_str(), link.c_str()), 0);
  EXPECT_NE(check_host_key_file(link), "");
  std::string error;
  EXPECT_FALSE(load_host_key(link, error));

  EXPECT_NE(check_host_key_file(dir_.file("")), "") << "a directory";
  EXPECT_NE(check_host_key_file(dir_.file("missing")), "");

  ASSERT_EQ(chown(path_.c_str(), 1, 0), 0);
  EXPECT_NE(check_host_key_file(path_), "") << "not owned by root";
}

TEST_F(HostKeyFileTest, LoadReportsParseErrorsWithPath) {
  write_file(path_, "not a key\n", 0600);
  std::string error;
  EXPECT_FALSE(load_host_key(path_, error));
  EXPECT_NE(error.find(path_), std::string::npos) << error;
}

TEST_F(HostKeyFileTest, GenerateCreatesPrivate0600AndPublic0644) {
  const mode_t old = umask(022);  // the .pub mode is 0644 under the usual umask
  const std::string path = dir_.file("new_key");
  EXPECT_EQ(generate_host_key(path, transport::KeyType::kEd25519), "");
  umask(old);
  struct stat st;
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(lstat((path + ".pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);

  EXPECT_EQ(check_host_key_file(path), "");
  std::string error;
  auto loaded = load_host_key(path, error);
  ASSERT_TRUE(loaded) << error;
  const std::string pub = read_file(path + ".pub");
  EXPECT_EQ(field(pub, 0), "ssh-ed25519");
  EXPECT_EQ(b64_decode(field(pub, 1)), loaded->public_blob());
  // ssh-keygen derives the same public key from the private file.
  EXPECT_EQ(field(run("ssh-keygen -y -f '" + path + "'"), 1), field(pub, 1));

  // Never overwrites: a second run fails and leaves both files untouched.
  const std::string before = read_file(path);
  EXPECT_NE(generate_host_key(path, transport::KeyType::kEd25519), "");
  EXPECT_EQ(read_file(path), before);
  EXPECT_EQ(read_file(path + ".pub"), pub);
}
