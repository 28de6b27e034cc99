// Settings the daemon refuses at start-up rather than honour halfway:
// SftpRoot without Landlock (it would run unconfined), internal-sftp with
// options sftp-server would refuse.
#include "sshd/preflight.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace lpsshd::sshd
