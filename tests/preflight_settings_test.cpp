// Settings the daemon refuses at start-up rather than honour halfway:
// SftpRoot without Landlock (it would run unconfined), internal-sftp with
// options sftp-server would refuse.
#include "sshd/preflight.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace lpsshd::sshd {
namespace {

TEST(PreflightSettings, SftpRootNeedsLandlock) {
  config::Config cfg;
  EXPECT_EQ(unsupported_settings(cfg, 0), "");  // no SftpRoot: no Landlock needed
  cfg.sftp_root = "/srv/drop/%u";
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
  EXPECT_EQ(unsupported_settings(cfg, 1), "");
  const std::string why = unsupported_settings(cfg, 0);
  EXPECT_NE(why.find("SftpRoot needs Landlock"), std::string::npos) << why;
}

// RequirePQKex with no post-quantum method in KexAlgorithms would refuse
// every client: the daemon refuses to start instead.
TEST(PreflightSettings, RequirePQKexNeedsAPostQuantumMethod) {
  config::Config cfg;
  cfg.require_pq_kex = true;
  EXPECT_EQ(unsupported_settings(cfg, 7), "");  // the default list has them
  cfg.kex_algorithms = {"curve25519-sha256", "sntrup761x25519-sha512@openssh.com"};
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
  cfg.kex_algorithms = {"curve25519-sha256", "ecdh-sha2-nistp256"};
  const std::string why = unsupported_settings(cfg, 7);
  EXPECT_NE(why.find("RequirePQKex yes, but KexAlgorithms lists no post-quantum method"),
            std::string::npos) << why;
  cfg.require_pq_kex = false;
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
}

TEST(PreflightSettings, InternalSftpOptionsAreChecked) {
  config::Config cfg;
  cfg.subsystems = {{"sftp", "internal-sftp -R -u 022"}};
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
  cfg.subsystems = {{"sftp", "internal-sftp -u 888"}};
  EXPECT_NE(unsupported_settings(cfg, 7).find("Subsystem sftp: "), std::string::npos);
  cfg.subsystems = {{"sftp", "/usr/lib/openssh/sftp-server -u 888"}};  // not ours to judge
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
  cfg.force_command = "internal-sftp -Z";
  EXPECT_NE(unsupported_settings(cfg, 7).find("ForceCommand: "), std::string::npos);
}

TEST(PreflightSettings, SeveralHostKeysAreAccepted) {
  config::Config cfg;
  cfg.host_keys = {"/etc/lpsshd/ssh_host_ed25519_key", "/etc/lpsshd/ssh_host_rsa_key",
                   "/etc/lpsshd/ssh_host_ecdsa_key"};
  EXPECT_EQ(unsupported_settings(cfg, 7), "");
}

TEST(PreflightSettings, DashACreatesTheTypeTheFileNameSays) {
  using transport::KeyType;
  EXPECT_EQ(host_key_type_to_create("/etc/lpsshd/ssh_host_ed25519_key"), KeyType::kEd25519);
  EXPECT_EQ(host_key_type_to_create("/etc/lpsshd/ssh_host_rsa_key"), KeyType::kRsa);
  EXPECT_EQ(host_key_type_to_create("/etc/lpsshd/ssh_host_ecdsa_key"), KeyType::kEcdsaP256);
  EXPECT_EQ(host_key_type_to_create("/k/host_key"), KeyType::kEd25519);
  // Only the file name counts, not a directory on the way.
  EXPECT_EQ(host_key_type_to_create("/srv/rsa-keys/ecdsa/host"), KeyType::kEd25519);
  EXPECT_EQ(host_key_type_to_create("/srv/ecdsa/rsa_host"), KeyType::kRsa);
}

class DefaultHostKeys : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lpsshd-preflight-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    defaults_ = {dir_ + "/ssh_host_ed25519_key", dir_ + "/ssh_host_rsa_key"};
  }
  void TearDown() override { EXPECT_EQ(std::system(("rm -rf '" + dir_ + "'").c_str()), 0); }
  void create(const std::string& path) { std::ofstream(path) << "key\n"; }
  std::string dir_;
  std::vector<std::string> defaults_;
};

TEST_F(DefaultHostKeys, MissingDefaultKeysAreSkippedWithAnErrorLine) {
  config::Config cfg;
  cfg.host_keys = defaults_;
  create(defaults_[0]);
  std::vector<std::string> skipped;
  EXPECT_EQ(usable_host_keys(cfg, defaults_, skipped), std::vector<std::string>{defaults_[0]});
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find(defaults_[1]), std::string::npos) << skipped[0];
  // Both present: both used, nothing said.
  create(defaults_[1]);
  skipped.clear();
  EXPECT_EQ(usable_host_keys(cfg, defaults_, skipped), defaults_);
  EXPECT_TRUE(skipped.empty());
}

TEST_F(DefaultHostKeys, NoDefaultKeyLeftIsEmptySoPreflightRefuses) {
  config::Config cfg;
  cfg.host_keys = defaults_;
  std::vector<std::string> skipped;
  EXPECT_TRUE(usable_host_keys(cfg, defaults_, skipped).empty());
  EXPECT_EQ(skipped.size(), 2u);
  cfg.host_keys.clear();
  const std::string why = check_host_keys(cfg);
  EXPECT_NE(why.find("no host key available"), std::string::npos) << why;
  EXPECT_NE(why.find("lpsshd -A"), std::string::npos) << why;
}

TEST_F(DefaultHostKeys, ConfiguredKeysAreNeverDropped) {
  // A HostKey line the admin wrote stays, missing or not: preflight then
  // names the missing file.
  config::Config cfg;
  cfg.host_keys = {defaults_[1]};
  std::vector<std::string> skipped;
  EXPECT_EQ(usable_host_keys(cfg, defaults_, skipped), cfg.host_keys);
  EXPECT_TRUE(skipped.empty());
}

}  // namespace
}  // namespace lpsshd::sshd
