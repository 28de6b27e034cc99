// The monitor's Settings carry sshd_config's algorithm lists and
// RequiredRSASize as the parser resolved them; without configuration, the
// table's defaults.
#include "monitor/settings_from_config.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lpsshd::monitor {
namespace {

using transport::AlgorithmKind;
using Names = std::vector<std::string>;

TEST(SettingsFromConfigTest, DefaultsAreTheTableDefaults) {
  const Settings fresh;
  const Settings s = settings_from_config(config::Config{});
  for (const Settings* x : {&fresh, &s}) {
    EXPECT_EQ(x->ciphers, default_algorithm_list(AlgorithmKind::kCipher));
    EXPECT_EQ(x->macs, default_algorithm_list(AlgorithmKind::kMac));
    EXPECT_EQ(x->kex_algorithms, default_algorithm_list(AlgorithmKind::kKex));
    EXPECT_EQ(x->host_key_algorithms, default_algorithm_list(AlgorithmKind::kHostKey));
    EXPECT_EQ(x->pubkey_accepted_algorithms, default_algorithm_list(AlgorithmKind::kPubkey));
    EXPECT_EQ(x->ca_signature_algorithms, default_algorithm_list(AlgorithmKind::kCaSignature));
    EXPECT_EQ(x->required_rsa_size, 2048);
  }
  EXPECT_FALSE(fresh.ciphers.empty());
}

TEST(SettingsFromConfigTest, CarriesEveryList) {
  config::Config cfg;
  std::string error;
  ASSERT_TRUE(config::parse_config_text(
      "Ciphers aes256-ctr\nMACs hmac-sha2-512\nKexAlgorithms ecdh-sha2-nistp256\n"
      "HostKeyAlgorithms rsa-sha2-256\nPubkeyAcceptedAlgorithms +ssh-rsa\n"
      "CASignatureAlgorithms ecdsa-sha2-nistp384\nRequiredRSASize 4096\n",
      "test", cfg, error))
      << error;
  const Settings s = settings_from_config(cfg);
  EXPECT_EQ(s.ciphers, Names{"aes256-ctr"});
  EXPECT_EQ(s.macs, Names{"hmac-sha2-512"});
  EXPECT_EQ(s.kex_algorithms, Names{"ecdh-sha2-nistp256"});
  EXPECT_EQ(s.host_key_algorithms, Names{"rsa-sha2-256"});
  Names pubkey = default_algorithm_list(AlgorithmKind::kPubkey);
  pubkey.push_back("ssh-rsa");
  EXPECT_EQ(s.pubkey_accepted_algorithms, pubkey);
  EXPECT_EQ(s.ca_signature_algorithms, Names{"ecdsa-sha2-nistp384"});
  EXPECT_EQ(s.required_rsa_size, 4096);
}

}  // namespace
}  // namespace lpsshd::monitor
