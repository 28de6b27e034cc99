// ML-KEM-768 (crypto/mlkem768.h) against C2SP's CCTV vectors
// (tests/data/mlkem768/README.md): every intermediate value of one KeyGen,
// Encaps and Decaps; the seeds whose SampleNTT needs more than one block
// of SHAKE128 output; ciphertexts a strcmp()-based comparison would accept;
// the 780 keys with one coefficient >= q, which both the input check and
// encapsulate() must refuse; and the 10,000-test accumulated hash.
#include "crypto/mlkem768.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/keccak_xof.h"
#include "crypto/mlkem768_internal.h"
#include "crypto/mlkem_encoding.h"
#include "tests/support/hex.h"

namespace mlkem = lpsshd::crypto::mlkem;
using namespace lpsshd::crypto::mlkem768;
using lpsshd::crypto::Shake128;
using lpsshd::test::hex;
using lpsshd::test::unhex;

namespace {

const std::string kDataDir = MLKEM768_DATA_DIR;

// "name = value" lines; a name may repeat (the file's "r" is the 32-byte
// seed first and the noise vector later), so values are kept in order.
// One line names two things ("dkPKE = NTT(s) = ..."): both names get it.
class VectorFile {
 public:
  explicit VectorFile(const std::string& name) {
    std::ifstream in(kDataDir + "/" + name);
    EXPECT_TRUE(in) << name;
    std::string line;
    while (std::getline(in, line)) {
      // "name = value", "name = other name = value",
      // "name = {decimal coefficients} = value" or "name = {decimal}".
      std::vector<std::string> parts;
      size_t at;
      while ((at = line.find(" = ")) != std::string::npos) {
        parts.push_back(line.substr(0, at));
        line.erase(0, at + 3);
      }
      parts.push_back(line);
      std::string decimal;
      for (const auto& p : parts) {
        if (p.starts_with("{")) decimal = p;
      }
      for (size_t i = 0; i + 1 < parts.size(); ++i) {
        if (parts[i].starts_with("{")) continue;
        if (!line.starts_with("{")) values_[parts[i]].push_back(line);
        if (!decimal.empty()) decimals_[parts[i]] = decimal;
      }
    }
  }

  const std::string& text(const std::string& name, size_t occurrence = 0) const {
    const auto it = values_.find(name);
    if (it == values_.end() || occurrence >= it->second.size()) {
      ADD_FAILURE() << "no value " << name << " #" << occurrence;
      static const std::string empty;
      return empty;
    }
    return it->second[occurrence];
  }
  std::vector<uint8_t> bytes(const std::string& name, size_t occurrence = 0) const {
    return unhex(text(name, occurrence));
  }
  // "{1, 2, ...}": one polynomial's coefficients in decimal.
  mlkem::Poly poly(const std::string& name) const {
    const auto it = decimals_.find(name);
    if (it == decimals_.end()) {
      ADD_FAILURE() << "no decimal form of " << name;
      return {};
    }
    std::string t = it->second;
    std::replace_if(t.begin(), t.end(), [](char c) { return c == '{' || c == '}' || c == ','; }, ' ');
    std::istringstream in(t);
    mlkem::Poly p{};
    size_t n = 0;
    unsigned v;
    while (in >> v) {
      if (n < p.size()) p[n] = static_cast<uint16_t>(v);
      ++n;
    }
    EXPECT_EQ(n, p.size()) << name;
    return p;
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::map<std::string, std::string> decimals_;
};

template <size_t N>
std::span<const uint8_t, N> fixed(const std::vector<uint8_t>& v) {
  EXPECT_EQ(v.size(), N);
  return std::span<const uint8_t, N>(v.data(), N);
}

std::string encode(const PolyVec& v) {
  std::array<uint8_t, kVectorBytes> out;
  encode_vector(v, out);
  return hex(out);
}

std::string encode(const mlkem::Poly& p) {
  std::array<uint8_t, kPolyBytes> out;
  mlkem::byte_encode(12, p, out);
  return hex(out);
}

std::string encode(const Matrix& a, bool transposed) {
  std::string out;
  for (size_t i = 0; i < kK; ++i)
    for (size_t j = 0; j < kK; ++j) out += encode(transposed ? a[j][i] : a[i][j]);
  return out;
}

std::span<const uint8_t, 32> first32(const std::array<uint8_t, 64>& a) {
  return std::span<const uint8_t, 64>(a).first<32>();
}
std::span<const uint8_t, 32> last32(const std::array<uint8_t, 64>& a) {
  return std::span<const uint8_t, 64>(a).last<32>();
}

// ML-KEM.KeyGen as FIPS 203's initial public draft had it, (ρ, σ) = G(d)
// without the final standard's k: CCTV's published key vectors and
// accumulated hash come from that draft. Everything after G is the code the
// daemon runs (kpke_keygen_from_seeds, then Algorithm 16's layout of dk).
void keygen_ipd(std::span<const uint8_t, 32> d, std::span<const uint8_t, 32> z,
                std::span<uint8_t, kEncapsulationKeyBytes> ek,
                std::span<uint8_t, kDecapsulationKeyBytes> dk) {
  const auto rho_sigma = hash_g(d, {});
  kpke_keygen_from_seeds(first32(rho_sigma), last32(rho_sigma), ek, dk.first<kVectorBytes>());
  const auto h = hash_h(ek);
  auto out = std::copy(ek.begin(), ek.end(), dk.begin() + kVectorBytes);
  out = std::copy(h.begin(), h.end(), out);
  std::copy(z.begin(), z.end(), out);
}

// README.md's accumulated vectors, with a given KeyGen.
template <typename KeyGen>
std::string accumulated(int count, KeyGen keygen_fn) {
  Shake128 rng;
  Shake128 acc;
  for (int i = 0; i < count; ++i) {
    std::array<uint8_t, 32> d, z, m;
    std::array<uint8_t, kCiphertextBytes> random_ct;
    rng.squeeze(d);
    rng.squeeze(z);
    rng.squeeze(m);
    rng.squeeze(random_ct);
    std::array<uint8_t, kEncapsulationKeyBytes> ek;
    std::array<uint8_t, kDecapsulationKeyBytes> dk;
    keygen_fn(d, z, ek, dk);
    acc.absorb(ek);
    acc.absorb(dk);
    std::array<uint8_t, kCiphertextBytes> ct;
    std::array<uint8_t, kSharedSecretBytes> k, k2;
    EXPECT_TRUE(encapsulate(ek, m, ct, k));
    acc.absorb(ct);
    acc.absorb(k);
    EXPECT_TRUE(decapsulate(dk, ct, k2));
    EXPECT_EQ(k, k2) << i;
    EXPECT_TRUE(decapsulate(dk, random_ct, k2));
    acc.absorb(k2);
  }
  std::array<uint8_t, 32> out;
  acc.squeeze(out);
  return hex(out);
}

}  // namespace

// Algorithms 13 and 16, step by step: (ρ, σ) = G(d‖k), Â, s, e, their NTTs,
// t̂, then the keys.
TEST(MlKem768Intermediate, KeyGen) {
  const VectorFile f("intermediate-ML-KEM-768.txt");
  // The file follows FIPS 203's initial public draft here: ρ‖σ = G(d),
  // where the standard has G(d‖k). From ρ and σ on, nothing changed.
  const auto d = f.bytes("d");
  const auto rho_sigma = hash_g(d, {});
  EXPECT_EQ(hex(first32(rho_sigma)), f.text("ρ"));
  EXPECT_EQ(hex(last32(rho_sigma)), f.text("σ"));
  const uint8_t k = kK;
  EXPECT_NE(hex(first32(hash_g(d, std::span(&k, 1)))), f.text("ρ"));

  const Matrix a = expand_matrix(first32(rho_sigma));
  EXPECT_EQ(a[0][0], f.poly("A[0, 0]"));
  EXPECT_EQ(encode(a, false), f.text("A"));

  PolyVec s = sample_noise_vector(last32(rho_sigma), 0);
  EXPECT_EQ(s[0], f.poly("s[0]"));
  EXPECT_EQ(encode(s), f.text("s"));
  PolyVec e = sample_noise_vector(last32(rho_sigma), kK);
  EXPECT_EQ(encode(e), f.text("e"));
  ntt_vector(s);
  ntt_vector(e);
  EXPECT_EQ(s[0], f.poly("NTT(s[0])"));
  EXPECT_EQ(encode(s), f.text("NTT(s)"));
  EXPECT_EQ(encode(e), f.text("NTT(e)"));
  PolyVec t = matrix_times_vector(a, s, false);
  for (size_t i = 0; i < kK; ++i) mlkem::poly_add(t[i], e[i]);
  EXPECT_EQ(encode(t), f.text("t"));

  std::array<uint8_t, kEncapsulationKeyBytes> ek_pke;
  std::array<uint8_t, kVectorBytes> dk_pke;
  kpke_keygen_from_seeds(first32(rho_sigma), last32(rho_sigma), ek_pke, dk_pke);
  EXPECT_EQ(hex(dk_pke), f.text("dkPKE", 0));
  // The file's second "dkPKE" line holds K-PKE's encryption key (= ek).
  EXPECT_EQ(hex(ek_pke), f.text("dkPKE", 1));
  EXPECT_EQ(hex(ek_pke), f.text("ek"));
  EXPECT_EQ(hex(hash_h(ek_pke)), f.text("H(ek)"));
  // dk = dkPKE ‖ ek ‖ H(ek) ‖ z (Algorithm 16).
  EXPECT_EQ(f.text("dk"), f.text("dkPKE", 0) + f.text("ek") + f.text("H(ek)") + f.text("z"));
}

// Algorithms 14 and 17: (K, r) = G(m‖H(ek)), y (the file's vector "r"),
// e1, e2, u, μ, v, their compressions and the ciphertext.
TEST(MlKem768Intermediate, Encaps) {
  const VectorFile f("intermediate-ML-KEM-768.txt");
  const auto ek = f.bytes("ek");
  const auto m = f.bytes("m");
  const auto k_r = hash_g(m, hash_h(ek));
  EXPECT_EQ(hex(first32(k_r)), f.text("K"));
  EXPECT_EQ(hex(last32(k_r)), f.text("r", 0));
  const auto r = last32(k_r);

  const Matrix a = expand_matrix(fixed<kEncapsulationKeyBytes>(ek).last<32>());
  EXPECT_EQ(encode(a, true), f.text("A^T"));
  PolyVec y = sample_noise_vector(r, 0);
  EXPECT_EQ(encode(y), f.text("r", 1));
  const PolyVec e1 = sample_noise_vector(r, kK);
  EXPECT_EQ(encode(e1), f.text("e1"));
  mlkem::Poly e2;
  sample_noise(r, 2 * kK, e2);
  EXPECT_EQ(encode(e2), f.text("e2"));
  ntt_vector(y);
  EXPECT_EQ(encode(y), f.text("NTT(r)"));

  PolyVec u = matrix_times_vector(a, y, true);
  for (size_t i = 0; i < kK; ++i) {
    mlkem::inverse_ntt(u[i]);
    mlkem::poly_add(u[i], e1[i]);
  }
  EXPECT_EQ(encode(u), f.text("u"));
  EXPECT_EQ(u[0], f.poly("u[0]"));
  mlkem::Poly u0 = u[0];
  mlkem::compress_poly(kDu, u0);
  EXPECT_EQ(u0, f.poly("compress(u[0])"));

  mlkem::Poly mu = mlkem::byte_decode(1, m);
  mlkem::decompress_poly(1, mu);
  EXPECT_EQ(encode(mu), f.text("μ"));
  const PolyVec t = decode_vector(fixed<kEncapsulationKeyBytes>(ek).first<kVectorBytes>());
  mlkem::Poly v = inner_product(t, y);
  mlkem::inverse_ntt(v);
  mlkem::poly_add(v, e2);
  mlkem::poly_add(v, mu);
  EXPECT_EQ(v, f.poly("v"));
  mlkem::compress_poly(kDv, v);
  EXPECT_EQ(v, f.poly("compress(v)"));

  std::array<uint8_t, kCiphertextBytes> c;
  kpke_encrypt(fixed<kEncapsulationKeyBytes>(ek), fixed<32>(m), r, c);
  EXPECT_EQ(hex(std::span(c).first(kC1Bytes)), f.text("c1"));
  EXPECT_EQ(hex(std::span(c).last(kC2Bytes)), f.text("c2"));
  EXPECT_EQ(hex(c), f.text("c"));

  std::array<uint8_t, kSharedSecretBytes> shared;
  c.fill(0);
  ASSERT_TRUE(encapsulate(fixed<kEncapsulationKeyBytes>(ek), fixed<32>(m), c, shared));
  EXPECT_EQ(hex(c), f.text("c"));
  EXPECT_EQ(hex(shared), f.text("K"));
}

// Algorithms 15 and 18: u', v', w, the recovered m, the rejection key K̄,
// and K for the honest ciphertext.
TEST(MlKem768Intermediate, Decaps) {
  const VectorFile f("intermediate-ML-KEM-768.txt");
  const auto c = f.bytes("c");
  const auto dk = f.bytes("dk");
  PolyVec u;
  for (size_t i = 0; i < kK; ++i) {
    u[i] = mlkem::byte_decode(kDu, std::span(c).subspan(i * 32 * kDu, 32 * kDu));
    mlkem::decompress_poly(kDu, u[i]);
  }
  EXPECT_EQ(encode(u), f.text("uᵈ"));
  ntt_vector(u);
  EXPECT_EQ(encode(u), f.text("NTT(uᵈ)"));
  mlkem::Poly v = mlkem::byte_decode(kDv, std::span(c).last(kC2Bytes));
  mlkem::decompress_poly(kDv, v);
  EXPECT_EQ(encode(v), f.text("vᵈ"));
  mlkem::Poly su = inner_product(decode_vector(fixed<kDecapsulationKeyBytes>(dk).first<kVectorBytes>()), u);
  mlkem::inverse_ntt(su);
  mlkem::poly_sub(v, su);
  EXPECT_EQ(encode(v), f.text("w"));

  std::array<uint8_t, 32> m;
  kpke_decrypt(fixed<kDecapsulationKeyBytes>(dk).first<kVectorBytes>(), fixed<kCiphertextBytes>(c), m);
  EXPECT_EQ(hex(m), f.text("m"));
  EXPECT_EQ(hex(hash_j(fixed<kDecapsulationKeyBytes>(dk).last<32>(), c)), f.text("KBar"));

  std::array<uint8_t, kSharedSecretBytes> shared;
  ASSERT_TRUE(decapsulate(fixed<kDecapsulationKeyBytes>(dk), fixed<kCiphertextBytes>(c), shared));
  EXPECT_EQ(hex(shared), f.text("K"));
  // A flipped ciphertext bit gives K̄ = J(z‖c'), not an error.
  auto bad = c;
  bad[100] ^= 1;
  ASSERT_TRUE(decapsulate(fixed<kDecapsulationKeyBytes>(dk), fixed<kCiphertextBytes>(bad), shared));
  EXPECT_EQ(hex(shared), hex(hash_j(fixed<kDecapsulationKeyBytes>(dk).last<32>(), bad)));
}

// Seeds whose matrix needs more than 575 bytes of SHAKE128 for some entry:
// an implementation that stops squeezing early gets a different ek.
TEST(MlKem768, UnluckySample) {
  const VectorFile f("unluckysample-ML-KEM-768.txt");
  std::array<uint8_t, kEncapsulationKeyBytes> ek;
  std::array<uint8_t, kDecapsulationKeyBytes> dk;
  // Published for the draft's KeyGen (see keygen_ipd); its matrix seed ρ is
  // what makes the sample unlucky.
  keygen_ipd(fixed<32>(f.bytes("d")), fixed<32>(f.bytes("z")), ek, dk);
  EXPECT_EQ(hex(ek), f.text("ek"));
  EXPECT_EQ(hex(dk), f.text("dk"));
  std::array<uint8_t, kCiphertextBytes> c;
  std::array<uint8_t, kSharedSecretBytes> k;
  ASSERT_TRUE(encapsulate(ek, fixed<32>(f.bytes("m")), c, k));
  EXPECT_EQ(hex(c), f.text("c"));
  EXPECT_EQ(hex(k), f.text("K"));
  std::array<uint8_t, kSharedSecretBytes> k2;
  ASSERT_TRUE(decapsulate(dk, c, k2));
  EXPECT_EQ(hex(k2), f.text("K"));
}

// Ciphertexts whose re-encryption differs from them only after a zero byte:
// a strcmp()-style comparison would call them equal and return K, not K̄.
TEST(MlKem768, StrcmpCiphertextGetsRejectionKey) {
  const VectorFile f("strcmp-ML-KEM-768.txt");
  std::array<uint8_t, kSharedSecretBytes> k;
  ASSERT_TRUE(decapsulate(fixed<kDecapsulationKeyBytes>(f.bytes("dk")),
                          fixed<kCiphertextBytes>(f.bytes("c")), k));
  EXPECT_EQ(hex(k), f.text("K"));
}

TEST(MlKem768, ModulusCheckRefusesEveryKey) {
  gzFile gz = gzopen((kDataDir + "/modulus-ML-KEM-768.txt.gz").c_str(), "rb");
  ASSERT_NE(gz, nullptr);
  std::string text;
  char buf[65536];
  int n;
  while ((n = gzread(gz, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  gzclose(gz);
  std::istringstream lines(text);
  std::string line;
  size_t keys = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    const auto ek = unhex(line);
    ASSERT_EQ(ek.size(), kEncapsulationKeyBytes);
    EXPECT_FALSE(encapsulation_key_valid(ek)) << keys;
    std::array<uint8_t, kCiphertextBytes> c;
    std::array<uint8_t, kSharedSecretBytes> k;
    c.fill(0xa5);
    k.fill(0xa5);
    const std::array<uint8_t, 32> m{};
    EXPECT_FALSE(encapsulate(fixed<kEncapsulationKeyBytes>(ek), m, c, k)) << keys;
    EXPECT_TRUE(std::all_of(c.begin(), c.end(), [](uint8_t b) { return b == 0xa5; })) << keys;
    EXPECT_TRUE(std::all_of(k.begin(), k.end(), [](uint8_t b) { return b == 0xa5; })) << keys;
    ++keys;
  }
  EXPECT_EQ(keys, 780u);
}

TEST(MlKem768, KeyCheckSizesAndHash) {
  const VectorFile f("intermediate-ML-KEM-768.txt");
  auto ek = f.bytes("ek");
  EXPECT_TRUE(encapsulation_key_valid(ek));
  EXPECT_FALSE(encapsulation_key_valid(std::span(ek).first(ek.size() - 1)));
  ek.push_back(0);
  EXPECT_FALSE(encapsulation_key_valid(ek));
  EXPECT_FALSE(encapsulation_key_valid({}));

  // §7.3: a dk whose H(ek) does not match its ek is refused, nothing written.
  auto dk = f.bytes("dk");
  dk[kVectorBytes + kEncapsulationKeyBytes] ^= 1;
  std::array<uint8_t, kSharedSecretBytes> k;
  k.fill(0xa5);
  EXPECT_FALSE(decapsulate(fixed<kDecapsulationKeyBytes>(dk), fixed<kCiphertextBytes>(f.bytes("c")), k));
  EXPECT_TRUE(std::all_of(k.begin(), k.end(), [](uint8_t b) { return b == 0xa5; }));
}

// README.md's accumulated vectors: 10,000 key pairs, encapsulations and
// decapsulations of random ciphertexts from one SHAKE128 stream, all outputs
// hashed into a second one. The README's f7db260e... is the draft's KeyGen
// (G(d)); with the final standard's G(d‖k) the same procedure gives
// f959d18d..., which @noble/post-quantum 0.7.1 (tests/tools/noble) and
// BoringSSL's test (its kExpectedAdam768) print too.
//
// Under AddressSanitizer (a Debug build) 10,000 tests take about 50 s each,
// so that build runs the first 100 only: 8d0c478e... is Go's published
// value for 100 draft tests, 8d65b902... what noble prints for 100 final
// ones. The optimized build runs all 10,000 (about 4 s each).
#if defined(__SANITIZE_ADDRESS__)
#define LPSSHD_MLKEM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LPSSHD_MLKEM_ASAN 1
#endif
#endif

#ifdef LPSSHD_MLKEM_ASAN
TEST(MlKem768, Accumulated100Draft) {
  EXPECT_EQ(accumulated(100, keygen_ipd),
            "8d0c478ead6037897a0da6be21e5399545babf5fc6dd10c061c99b7dee2bf0dc");
}

TEST(MlKem768, Accumulated100Final) {
  EXPECT_EQ(accumulated(100, keygen),
            "8d65b902f28edc683cebee2872962fd165a4d197c9e24ec74caa4470270df0b7");
}
#else
TEST(MlKem768, Accumulated10000Draft) {
  EXPECT_EQ(accumulated(10000, keygen_ipd),
            "f7db260e1137a742e05fe0db9525012812b004d29040a5b606aad3d134b548d3");
}

TEST(MlKem768, Accumulated10000Final) {
  EXPECT_EQ(accumulated(10000, keygen),
            "f959d18d3d1180121433bf0e05f11e7908cf9d03edc150b2b07cb90bef5bc1c1");
}
#endif
