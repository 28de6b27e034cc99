// RSA and ECDSA P-256 host keys, their key files, and the P-256 ECDH
// primitive, checked against what does not come from the code under test:
// keys made by OpenSSH's ssh-keygen, signatures verified by Python's
// `cryptography` package, and RFC 5903's ECDH test vector.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/ecdsa_host_key.h"
#include "crypto/host_key_file.h"
#include "crypto/keyfile.h"
#include "crypto/p256_ecdh.h"
#include "crypto/rsa_host_key.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::crypto;

namespace {

using Blob = std::vector<uint8_t>;

Blob unhex(std::string_view hex) {
  Blob out(hex.size() / 2);
  size_t len = 0;
  EXPECT_EQ(sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), " ", &len, nullptr), 0);
  out.resize(len);
  return out;
}
Blob bytes(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }
std::string hex(std::span<const uint8_t> s) {
  std::string out(s.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), s.data(), s.size());
  out.pop_back();
  return out;
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/lpsshd-hostkey-XXXXXX";
    const char* d = mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    path_ = d ? d : "/tmp";
  }
  ~TempDir() { EXPECT_EQ(std::system(("rm -rf '" + path_ + "'").c_str()), 0); }
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
void write_file(const std::string& path, std::span<const uint8_t> data, mode_t mode = 0600) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  }
  ASSERT_EQ(chmod(path.c_str(), mode), 0);
}
void write_text(const std::string& path, const std::string& text, mode_t mode = 0600) {
  write_file(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, mode);
}

// stdout of a shell command; *status gets its exit status.
std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[512];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = pclose(p);
  if (status) *status = rc;
  else EXPECT_EQ(rc, 0) << cmd;
  return out;
}
std::string field(const std::string& line, size_t index) {
  std::istringstream ss(line);
  std::string f;
  for (size_t i = 0; i <= index; ++i)
    if (!(ss >> f)) return "";
  return f;
}
Blob b64(const std::string& text) {
  Blob out(text.size());
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(out.data(), out.size(), text.data(), text.size(), "\r\n", &len,
                              nullptr, sodium_base64_VARIANT_ORIGINAL),
            0);
  out.resize(len);
  return out;
}
std::string to_b64(std::span<const uint8_t> data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  return out;
}

bool have_python_cryptography() {
  return std::system("python3 -c 'import cryptography' 2>/dev/null") == 0;
}

// Verifies a signature blob's inner signature with Python's cryptography
// package over message, for the public key line in pub_path. kind is "rsa256",
// "rsa512" or "ecdsa" (sig then is r and s as two hex numbers).
bool python_verifies(const TempDir& dir, const std::string& pub_path, const std::string& kind,
                     std::span<const uint8_t> message, const std::string& sig) {
  const std::string msg_path = dir.file("msg"), sig_path = dir.file("sig");
  write_file(msg_path, message, 0644);
  write_text(sig_path, sig, 0644);
  const std::string script =
      "import sys\n"
      "from cryptography.hazmat.primitives import hashes, serialization\n"
      "from cryptography.hazmat.primitives.asymmetric import padding, ec, utils\n"
      "pub = serialization.load_ssh_public_key(open(sys.argv[1], 'rb').read())\n"
      "msg = open(sys.argv[3], 'rb').read()\n"
      "sig = open(sys.argv[4]).read()\n"
      "kind = sys.argv[2]\n"
      "if kind == 'ecdsa':\n"
      "    r, s = (int(v, 16) for v in sig.split())\n"
      "    pub.verify(utils.encode_dss_signature(r, s), msg, ec.ECDSA(hashes.SHA256()))\n"
      "else:\n"
      "    h = hashes.SHA512() if kind == 'rsa512' else hashes.SHA256()\n"
      "    pub.verify(bytes.fromhex(sig), msg, padding.PKCS1v15(), h)\n"
      "print('OK')\n";
  const std::string script_path = dir.file("verify.py");
  write_text(script_path, script, 0644);
  int status = 0;
  const std::string out = run("python3 '" + script_path + "' '" + pub_path + "' " + kind + " '" +
                                  msg_path + "' '" + sig_path + "' 2>/dev/null",
                              &status);
  return status == 0 && out == "OK\n";
}

std::unique_ptr<HostKey> parse_key(const std::string& text, std::string* why = nullptr) {
  std::string error;
  auto f = parse_openssh_private_key(text, error);
  if (why) *why = error;
  return f ? std::move(f->key) : nullptr;
}

// --- building key files from fields (PROTOCOL.key), independent of the
// writer under test, so each consistency check can be hit alone.

Blob unarmour(const std::string& text) {
  const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
  const std::string end = "-----END OPENSSH PRIVATE KEY-----";
  const size_t b = text.find(begin) + begin.size();
  return b64(text.substr(b, text.find(end) - b));
}
std::string armour(std::span<const uint8_t> raw) {
  std::string out = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  const std::string body = to_b64(raw);
  for (size_t i = 0; i < body.size(); i += 70) out += body.substr(i, 70) + "\n";
  return out + "-----END OPENSSH PRIVATE KEY-----\n";
}

// The typed fields of a key file's private section as raw field bytes
// (mpint magnitudes or strings), read with the wire reader.
struct KeyFields {
  std::string type;
  std::vector<Blob> f;  // rsa: n e d iqmp p q; ecdsa: curve Q d
};

KeyFields fields_of(const std::string& text) {
  const Blob raw = unarmour(text);
  wire::Reader r(raw);
  wire::Bytes skip, priv;
  uint32_t n;
  EXPECT_TRUE(r.raw(skip, 15) && r.string(skip) && r.string(skip) && r.string(skip) && r.u32(n) &&
              r.string(skip) && r.string(priv));
  wire::Reader pr(priv);
  wire::Bytes type;
  EXPECT_TRUE(pr.u32(n) && pr.u32(n) && pr.string(type));
  KeyFields k{std::string(wire::as_view(type)), {}};
  const bool rsa = k.type == "ssh-rsa";
  for (int i = 0; i < (rsa ? 6 : 3); ++i) {
    wire::Bytes v;
    const bool ok = (rsa || i == 2) ? pr.mpint_unsigned(v, 4096) : pr.string(v);
    EXPECT_TRUE(ok);
    k.f.push_back(bytes(v));
  }
  return k;
}

// A whole file from fields: the outer public blob is derived from the same
// fields, so only the private/public consistency checks can refuse it.
std::string build_file(const KeyFields& k) {
  const bool rsa = k.type == "ssh-rsa";
  wire::Writer pub;
  pub.string(k.type);
  if (rsa) pub.mpint_unsigned(k.f[1]).mpint_unsigned(k.f[0]);
  else pub.string(k.f[0]).string(k.f[1]);
  wire::Writer priv;
  priv.u32(7).u32(7).string(k.type);
  for (size_t i = 0; i < k.f.size(); ++i) {
    if (rsa || i == 2) priv.mpint_unsigned(k.f[i]);
    else priv.string(k.f[i]);
  }
  priv.string("built");
  for (uint8_t i = 1; priv.size() % 8 != 0; ++i) priv.u8(i);
  wire::Writer f;
  f.raw(std::string_view("openssh-key-v1\0", 15)).string("none").string("none").string("");
  f.u32(1).string(pub.bytes()).string(priv.bytes());
  return armour(f.bytes());
}

// Adds a small number to a big-endian magnitude.
Blob plus(Blob v, unsigned add) {
  for (size_t i = v.size(); i-- > 0 && add != 0;) {
    const unsigned s = v[i] + add;
    v[i] = uint8_t(s);
    add = s >> 8;
  }
  if (add != 0) v.insert(v.begin(), uint8_t(add));
  return v;
}

// A signature blob's parts: string algorithm, string signature.
std::pair<std::string, Blob> split_sig(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  wire::Bytes alg, sig;
  EXPECT_TRUE(r.string(alg) && r.string(sig) && r.end());
  return {std::string(wire::as_view(alg)), bytes(sig)};
}

class SshKeygenKey : public ::testing::Test {
 protected:
  // ssh-keygen -t type -b bits into the temp dir; sets path_, text_, pub_.
  void make(const std::string& type, int bits) {
    path_ = dir_.file("id_" + type + std::to_string(bits));
    const std::string cmd = "ssh-keygen -q -t " + type + " -b " + std::to_string(bits) +
                            " -N '' -C keygen -f '" + path_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    text_ = read_file(path_);
    pub_ = read_file(path_ + ".pub");
  }
  TempDir dir_;
  std::string path_, text_, pub_;
};

const uint8_t kMessage[] = "exchange hash stand-in";

}  // namespace

// ---------------------------------------------------------------------------
// RSA

TEST_F(SshKeygenKey, RsaFromSshKeygenSignsRsaSha2AndPythonVerifies) {
  make("rsa", 2048);
  std::string why;
  auto key = parse_key(text_, &why);
  ASSERT_TRUE(key) << why;
  EXPECT_EQ(key->algorithms(), (std::vector<std::string_view>{"rsa-sha2-512", "rsa-sha2-256"}));
  EXPECT_EQ(field(pub_, 0), "ssh-rsa");
  EXPECT_EQ(key->public_blob(), b64(field(pub_, 1)));
  EXPECT_FALSE(key->secret_material().empty());
  EXPECT_EQ(dynamic_cast<RsaHostKey&>(*key).bits(), 2048u);

  if (!have_python_cryptography()) GTEST_SKIP() << "python3 cryptography missing";
  for (const char* alg : {"rsa-sha2-512", "rsa-sha2-256"}) {
    const auto blob = key->sign(alg, kMessage);
    auto [name, sig] = split_sig(blob);
    EXPECT_EQ(name, alg);
    EXPECT_EQ(sig.size(), 256u) << "exactly the modulus length";
    const std::string kind = std::string(alg) == "rsa-sha2-512" ? "rsa512" : "rsa256";
    EXPECT_TRUE(python_verifies(dir_, path_ + ".pub", kind, kMessage, hex(sig))) << alg;
    // The other hash does not verify: the algorithm really picks the digest.
    EXPECT_FALSE(python_verifies(dir_, path_ + ".pub", kind == "rsa512" ? "rsa256" : "rsa512",
                                 kMessage, hex(sig)));
    // PKCS#1 v1.5 is deterministic: blinding must not change the result.
    EXPECT_EQ(key->sign(alg, kMessage), blob);
  }
  // Never SHA-1, and nothing for another key type's algorithm.
  EXPECT_TRUE(key->sign("ssh-rsa", kMessage).empty());
  EXPECT_TRUE(key->sign("ssh-ed25519", kMessage).empty());
  EXPECT_TRUE(key->sign("ecdsa-sha2-nistp256", kMessage).empty());
}

TEST_F(SshKeygenKey, RsaSignatureIsPaddedToModulusLength) {
  // 1 signature in 256 has a leading zero byte; over many messages the
  // length must never vary (RFC 8332 3).
  make("rsa", 2048);
  auto key = parse_key(text_);
  ASSERT_TRUE(key);
  // Until one signature starts with a zero byte (about 1 in 256; 4000
  // tries miss with probability below 1e-6), so the padding is exercised.
  bool saw_leading_zero = false;
  for (int i = 0; i < 4000 && !saw_leading_zero; ++i) {
    const uint8_t m[2] = {uint8_t(i), uint8_t(i >> 8)};
    auto [name, sig] = split_sig(key->sign("rsa-sha2-256", m));
    ASSERT_EQ(sig.size(), 256u) << i;
    saw_leading_zero = sig[0] == 0;
  }
  EXPECT_TRUE(saw_leading_zero);
}

TEST_F(SshKeygenKey, RsaBuilderBaselineParses) {
  // The field builder makes a valid file, so the refusals below are for
  // the field each one breaks.
  make("rsa", 2048);
  std::string why;
  const auto k = fields_of(text_);
  auto key = parse_key(build_file(k), &why);
  ASSERT_TRUE(key) << why;
  EXPECT_EQ(key->public_blob(), b64(field(pub_, 1)));
}

TEST_F(SshKeygenKey, RsaInconsistentKeysRefused) {
  make("rsa", 2048);
  const auto good = fields_of(text_);
  enum { N, E, D, IQMP, P, Q };
  auto refused = [&](const char* what, KeyFields k, const std::string& expect) {
    std::string why;
    EXPECT_FALSE(parse_key(build_file(k), &why)) << what;
    EXPECT_NE(why.find(expect), std::string::npos) << what << ": " << why;
  };
  KeyFields k = good;
  k.f[N] = plus(good.f[N], 2);
  refused("n changed", k, "p*q != n");
  k = good;
  k.f[D] = plus(good.f[D], 2);
  refused("d changed", k, "d is not e^-1");
  k = good;
  k.f[E] = plus(good.f[E], 2);
  refused("e changed", k, "d is not e^-1");
  k = good;
  k.f[IQMP] = plus(good.f[IQMP], 1);
  refused("iqmp changed", k, "iqmp");
  // iqmp + p: the same residue, but nettle's CRT code needs iqmp < p.
  k = good;
  {
    // p + iqmp computed with the byte adder, one byte column at a time.
    Blob sum = good.f[P];
    const Blob& add = good.f[IQMP];
    unsigned carry = 0;
    for (size_t i = 0; i < sum.size(); ++i) {
      const size_t si = sum.size() - 1 - i;
      const unsigned a = i < add.size() ? add[add.size() - 1 - i] : 0;
      const unsigned s = sum[si] + a + carry;
      sum[si] = uint8_t(s);
      carry = s >> 8;
    }
    if (carry) sum.insert(sum.begin(), uint8_t(carry));
    k.f[IQMP] = sum;
  }
  refused("iqmp + p", k, "iqmp");
  // p = 1, q = n: p*q == n, but there is no p-1 to reduce modulo.
  k = good;
  k.f[P] = {1};
  k.f[Q] = good.f[N];
  refused("p = 1", k, "primes");
  k = good;
  k.f[P] = {};
  refused("p = 0", k, "primes");
  // p and q swapped: iqmp is then the inverse of the wrong prime.
  k = good;
  std::swap(k.f[P], k.f[Q]);
  refused("p and q swapped", k, "iqmp");
  k = good;
  k.f[E] = {1};
  refused("e = 1", k, "exponent");
  k = good;
  k.f[E] = {0x01, 0x00, 0x00};
  refused("even e", k, "exponent");
}

TEST_F(SshKeygenKey, Rsa1024Refused) {
  make("rsa", 1024);
  std::string why;
  EXPECT_FALSE(parse_key(text_, &why));
  EXPECT_NE(why.find("1024 bits is too small"), std::string::npos) << why;
  // And at load time, naming the file.
  std::string error;
  EXPECT_FALSE(load_host_key(path_, error));
  EXPECT_NE(error.find(path_), std::string::npos) << error;
  EXPECT_NE(error.find("too small"), std::string::npos) << error;
}

TEST_F(SshKeygenKey, RsaOuterPublicKeyMustMatch) {
  make("rsa", 2048);
  const std::string other_path = dir_.file("other");
  ASSERT_EQ(std::system(("ssh-keygen -q -t rsa -b 2048 -N '' -f '" + other_path + "'").c_str()), 0);
  // Splice the other key's public blob into this file's outer copy.
  Blob raw = unarmour(text_);
  const Blob mine = b64(field(pub_, 1));
  const Blob theirs = b64(field(read_file(other_path + ".pub"), 1));
  ASSERT_EQ(mine.size(), theirs.size());
  auto it = std::search(raw.begin(), raw.end(), mine.begin(), mine.end());
  ASSERT_NE(it, raw.end());
  std::copy(theirs.begin(), theirs.end(), it);
  std::string why;
  EXPECT_FALSE(parse_key(armour(raw), &why));
  EXPECT_NE(why.find("does not match"), std::string::npos) << why;
}

TEST(RsaGenerate, Key3072WrittenAndReadBackBySshKeygen) {
  TempDir dir;
  const std::string path = dir.file("ssh_host_rsa_key");
  const mode_t old = umask(022);
  ASSERT_EQ(generate_host_key(path, transport::KeyType::kRsa), "");
  umask(old);
  struct stat st;
  ASSERT_EQ(lstat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(lstat((path + ".pub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
  std::string error;
  auto key = load_host_key(path, error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(dynamic_cast<RsaHostKey&>(*key).bits(), 3072u);
  const std::string pub = read_file(path + ".pub");
  EXPECT_EQ(field(pub, 0), "ssh-rsa");
  EXPECT_EQ(b64(field(pub, 1)), key->public_blob());
  // OpenSSH reads the private file and derives the same public key.
  EXPECT_EQ(field(run("ssh-keygen -y -f '" + path + "'"), 1), field(pub, 1));
  const std::string fp = run("ssh-keygen -l -f '" + path + "'");
  EXPECT_EQ(field(fp, 0), "3072") << fp;
  EXPECT_NE(fp.find("(RSA)"), std::string::npos) << fp;
  // e = 65537: the public blob is string "ssh-rsa", mpint 0x010001, ...
  const Blob blob = key->public_blob();
  wire::Reader r(blob);
  wire::Bytes t, e;
  ASSERT_TRUE(r.string(t) && r.mpint_unsigned(e, 8));
  EXPECT_EQ(bytes(e), (Blob{0x01, 0x00, 0x01}));
  // Signatures by the generated key verify with an independent verifier.
  if (!have_python_cryptography()) GTEST_SKIP() << "python3 cryptography missing";
  auto [name, sig] = split_sig(key->sign("rsa-sha2-512", kMessage));
  EXPECT_EQ(sig.size(), 384u);
  EXPECT_TRUE(python_verifies(dir, path + ".pub", "rsa512", kMessage, hex(sig)));
}

// ---------------------------------------------------------------------------
// ECDSA P-256

TEST_F(SshKeygenKey, EcdsaFromSshKeygenSignsAndPythonVerifies) {
  make("ecdsa", 256);
  std::string why;
  auto key = parse_key(text_, &why);
  ASSERT_TRUE(key) << why;
  EXPECT_EQ(key->algorithms(), std::vector<std::string_view>{"ecdsa-sha2-nistp256"});
  EXPECT_EQ(field(pub_, 0), "ecdsa-sha2-nistp256");
  EXPECT_EQ(key->public_blob(), b64(field(pub_, 1)));
  EXPECT_EQ(key->secret_material().size(), 32u);
  EXPECT_TRUE(key->sign("rsa-sha2-256", kMessage).empty());

  const auto blob = key->sign("ecdsa-sha2-nistp256", kMessage);
  auto [name, sig] = split_sig(blob);
  EXPECT_EQ(name, "ecdsa-sha2-nistp256");
  // RFC 5656 3.1.2: string (mpint r, mpint s), nothing else.
  wire::Reader r(sig);
  wire::Bytes rr, ss;
  ASSERT_TRUE(r.mpint_unsigned(rr, 32) && r.mpint_unsigned(ss, 32) && r.end());
  // A fresh nonce each time.
  EXPECT_NE(key->sign("ecdsa-sha2-nistp256", kMessage), blob);
  if (!have_python_cryptography()) GTEST_SKIP() << "python3 cryptography missing";
  EXPECT_TRUE(python_verifies(dir_, path_ + ".pub", "ecdsa", kMessage, hex(rr) + " " + hex(ss)));
  const uint8_t other[] = "another message";
  EXPECT_FALSE(python_verifies(dir_, path_ + ".pub", "ecdsa", other, hex(rr) + " " + hex(ss)));
}

TEST_F(SshKeygenKey, EcdsaInconsistentKeysRefused) {
  make("ecdsa", 256);
  const auto good = fields_of(text_);
  enum { CURVE, Q, D };
  {
    std::string why;
    ASSERT_TRUE(parse_key(build_file(good), &why)) << "baseline: " << why;
  }
  auto refused = [&](const char* what, KeyFields k, const std::string& expect) {
    std::string why;
    EXPECT_FALSE(parse_key(build_file(k), &why)) << what;
    EXPECT_NE(why.find(expect), std::string::npos) << what << ": " << why;
  };
  // Q of another key: a valid point, but not d*G.
  auto other = EcdsaP256HostKey::generate();
  KeyFields k = good;
  k.f[Q] = bytes(other->public_point());
  refused("Q != d*G", k, "does not match");
  k = good;
  k.f[D] = plus(good.f[D], 1);
  refused("d changed", k, "does not match");
  k = good;
  k.f[D] = {};
  refused("d = 0", k, "out of range");
  // d = n (the group order) is out of range too.
  k = good;
  k.f[D] = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  refused("d = n", k, "out of range");
  k = good;
  k.f[Q].back() ^= 1;
  refused("Q off the curve", k, "not a point");
  k = good;
  k.f[Q][0] = 0x02;
  refused("Q compressed prefix", k, "not a point");
  k = good;
  k.f[CURVE] = {'n', 'i', 's', 't', 'p', '3', '8', '4'};
  refused("curve name", k, "curve");
}

TEST(EcdsaGenerate, KeyWrittenAndReadBackBySshKeygen) {
  TempDir dir;
  const std::string path = dir.file("ssh_host_ecdsa_key");
  ASSERT_EQ(generate_host_key(path, transport::KeyType::kEcdsaP256), "");
  std::string error;
  auto key = load_host_key(path, error);
  ASSERT_TRUE(key) << error;
  const std::string pub = read_file(path + ".pub");
  EXPECT_EQ(field(pub, 0), "ecdsa-sha2-nistp256");
  EXPECT_EQ(b64(field(pub, 1)), key->public_blob());
  EXPECT_EQ(field(run("ssh-keygen -y -f '" + path + "'"), 1), field(pub, 1));
  const std::string fp = run("ssh-keygen -l -f '" + path + "'");
  EXPECT_EQ(field(fp, 0), "256") << fp;
  EXPECT_NE(fp.find("(ECDSA)"), std::string::npos) << fp;
}

TEST(KeyFileWriter, RoundTripsEveryType) {
  std::vector<std::unique_ptr<HostKey>> keys;
  keys.push_back(EcdsaP256HostKey::generate());
  keys.push_back(RsaHostKey::generate(2048));
  for (const auto& k : keys) {
    ASSERT_TRUE(k);
    std::string error;
    auto back = parse_openssh_private_key(format_openssh_private_key(*k, "c"), error);
    ASSERT_TRUE(back) << error;
    EXPECT_EQ(back->comment, "c");
    EXPECT_EQ(back->key->public_blob(), k->public_blob());
    EXPECT_EQ(bytes(back->key->secret_material()), bytes(k->secret_material()));
    EXPECT_EQ(back->ed25519(), nullptr);
  }
}

// ---------------------------------------------------------------------------
// ecdh-sha2-nistp256

namespace {
// RFC 5903 8.1 (256-bit random ECP group).
const Blob kI = unhex("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
const Blob kGiXY = unhex(
    "04DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
    "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
const Blob kR = unhex("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53");
const Blob kGrXY = unhex(
    "04D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
    "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
const Blob kGirX = unhex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
}  // namespace

TEST(P256Ecdh, Rfc5903Section81) {
  auto i = P256Ephemeral::from_secret(kI);
  auto r = P256Ephemeral::from_secret(kR);
  ASSERT_TRUE(i && r);
  EXPECT_EQ(bytes(i->public_point()), kGiXY);
  EXPECT_EQ(bytes(r->public_point()), kGrXY);
  auto k1 = p256_shared(i->secret(), kGrXY);
  auto k2 = p256_shared(r->secret(), kGiXY);
  ASSERT_TRUE(k1 && k2);
  EXPECT_EQ(bytes(k1->span()), kGirX);
  EXPECT_EQ(bytes(k2->span()), kGirX);
}

TEST(P256Ecdh, GeneratedPairsAgree) {
  auto a = P256Ephemeral::generate(), b = P256Ephemeral::generate();
  EXPECT_EQ(a.public_point()[0], 0x04);
  EXPECT_EQ(a.secret().size(), 32u);
  auto ka = p256_shared(a.secret(), b.public_point());
  auto kb = p256_shared(b.secret(), a.public_point());
  ASSERT_TRUE(ka && kb);
  EXPECT_EQ(bytes(ka->span()), bytes(kb->span()));
  EXPECT_NE(bytes(a.public_point()), bytes(b.public_point()));
}

TEST(P256Ecdh, RefusesAnythingButAnUncompressedPointOnTheCurve) {
  auto i = P256Ephemeral::from_secret(kI);
  ASSERT_TRUE(i);
  // Refused by p256_shared, and already by the point decoder on its own (so
  // the check does not rest on a later one, such as the infinity test).
  auto refused = [&](const Blob& q) {
    P256Point point;
    return !point.decode(q) && !p256_shared(i->secret(), q).has_value();
  };
  ASSERT_FALSE(refused(kGrXY)) << "baseline";
  Blob off = kGrXY;
  off.back() ^= 0x01;
  EXPECT_TRUE(refused(off)) << "off the curve";
  EXPECT_TRUE(refused(Blob(kGrXY.begin(), kGrXY.end() - 1))) << "64 bytes";
  Blob longer = kGrXY;
  longer.push_back(0);
  EXPECT_TRUE(refused(longer)) << "66 bytes";
  EXPECT_TRUE(refused({})) << "empty";
  EXPECT_TRUE(refused(Blob(kGrXY.begin(), kGrXY.begin() + 33))) << "X alone";
  for (uint8_t prefix : {0x00, 0x02, 0x03, 0x05, 0x06, 0x07}) {
    Blob q = kGrXY;
    q[0] = prefix;
    EXPECT_TRUE(refused(q)) << "prefix " << int(prefix);
    Blob compressed(kGrXY.begin(), kGrXY.begin() + 33);
    compressed[0] = prefix;
    EXPECT_TRUE(refused(compressed)) << "compressed, prefix " << int(prefix);
  }
  EXPECT_TRUE(refused(Blob(65, 0x00))) << "all zero";
  Blob zero = Blob(65, 0x00);
  zero[0] = 0x04;
  EXPECT_TRUE(refused(zero)) << "(0, 0), the usual stand-in for infinity";
  // (0, y) is on P-256; X = p is the same residue as 0, written
  // non-canonically: refused, like X or Y >= p in general.
  const Blob p = unhex("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
  const Blob y0 = unhex("66485c780e2f83d72433bd5d84a06bb6541c2af31dae871728bf856a174f93f4");
  Blob x0 = {0x04};
  x0.insert(x0.end(), 32, 0x00);
  x0.insert(x0.end(), y0.begin(), y0.end());
  ASSERT_FALSE(refused(x0)) << "(0, y) is a valid point";
  Blob xp = {0x04};
  xp.insert(xp.end(), p.begin(), p.end());
  xp.insert(xp.end(), y0.begin(), y0.end());
  EXPECT_TRUE(refused(xp)) << "X = p";
  Blob yp(kGrXY.begin(), kGrXY.begin() + 33);
  yp.insert(yp.end(), p.begin(), p.end());
  EXPECT_TRUE(refused(yp)) << "Y = p";
  Blob ff(65, 0xff);
  ff[0] = 0x04;
  EXPECT_TRUE(refused(ff)) << "X, Y = 2^256 - 1";
}

TEST(P256Ecdh, RefusesBadScalars) {
  EXPECT_FALSE(P256Ephemeral::from_secret(Blob(32, 0)));
  const Blob n = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  EXPECT_FALSE(P256Ephemeral::from_secret(n)) << "the group order";
  EXPECT_TRUE(P256Ephemeral::from_secret(plus(Blob(32, 0), 1)));
  EXPECT_FALSE(P256Ephemeral::from_secret(Blob(31, 1))) << "31 bytes";
  SecretBytes short_secret(std::span<const uint8_t>(kI).first(31));
  EXPECT_FALSE(p256_shared(short_secret, kGrXY));
}
