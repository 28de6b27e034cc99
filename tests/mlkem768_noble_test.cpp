// ML-KEM-768 (crypto/mlkem768.h) byte for byte against an independent
// implementation: tests/tools/noble/mlkem_vectors.mjs runs
// @noble/post-quantum on 1000 seeded inputs; for each, our KeyGen must give
// noble's ek and dk, our Encaps noble's ciphertext and key, and our Decaps
// noble's keys for its ciphertext and for a random one (implicit rejection).
// Equal bytes also mean noble decapsulates what we produce.
//
// Needs node and `npm ci --prefix tests/tools/noble` (scripts/deps.sh);
// without them the test fails and says so. Label noble, not unit: the ASan
// run (label unit) need not have node.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/mlkem768.h"
#include "tests/support/hex.h"

using namespace lpsshd::crypto::mlkem768;
using lpsshd::test::hex;
using lpsshd::test::unhex;

namespace {

const std::string kNobleDir = NOBLE_DIR;
constexpr int kCount = 1000;

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  EXPECT_EQ(status, 0) << command;
  return out;
}

template <size_t N>
std::span<const uint8_t, N> fixed(const std::vector<uint8_t>& v) {
  EXPECT_EQ(v.size(), N);
  return std::span<const uint8_t, N>(v.data(), N);
}

}  // namespace

TEST(MlKem768Noble, ThousandSeededKeysAgree) {
  ASSERT_TRUE(std::filesystem::exists(kNobleDir + "/node_modules/@noble/post-quantum/package.json"))
      << "noble is not installed: run scripts/deps.sh (npm ci --prefix tests/tools/noble)";
  const std::string out =
      run("node " + kNobleDir + "/mlkem_vectors.mjs " + std::to_string(kCount) + " lpsshd-mlkem768");
  std::istringstream lines(out);
  std::string line;
  int tests = 0;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string d, z, m, ek, dk, ct, k, rct, rk;
    ASSERT_TRUE(fields >> d >> z >> m >> ek >> dk >> ct >> k >> rct >> rk) << "line " << tests;

    std::array<uint8_t, kEncapsulationKeyBytes> our_ek;
    std::array<uint8_t, kDecapsulationKeyBytes> our_dk;
    keygen(fixed<32>(unhex(d)), fixed<32>(unhex(z)), our_ek, our_dk);
    ASSERT_EQ(hex(our_ek), ek) << "keygen, test " << tests;
    ASSERT_EQ(hex(our_dk), dk) << "keygen, test " << tests;

    std::array<uint8_t, kCiphertextBytes> our_ct;
    std::array<uint8_t, kSharedSecretBytes> our_k;
    ASSERT_TRUE(encapsulate(our_ek, fixed<32>(unhex(m)), our_ct, our_k));
    ASSERT_EQ(hex(our_ct), ct) << "encapsulate, test " << tests;
    ASSERT_EQ(hex(our_k), k) << "encapsulate, test " << tests;

    ASSERT_TRUE(decapsulate(our_dk, fixed<kCiphertextBytes>(unhex(ct)), our_k));
    ASSERT_EQ(hex(our_k), k) << "decapsulate, test " << tests;
    ASSERT_TRUE(decapsulate(our_dk, fixed<kCiphertextBytes>(unhex(rct)), our_k));
    ASSERT_EQ(hex(our_k), rk) << "implicit rejection, test " << tests;
    ++tests;
  }
  EXPECT_EQ(tests, kCount);
}
