// The grant record's rules (monitor/grant.h): what sshd_config and an
// authorized_keys line say together, the most restrictive winning.
#include "monitor/grant.h"

#include <gtest/gtest.h>

namespace lpsshd::monitor {
namespace {

using CommandFrom = monproto::Grant::CommandFrom;

TEST(Grant, DefaultsAllowWhatSshdAllows) {
  const auto g = make_grant(GrantPolicy{}, nullptr);
  EXPECT_TRUE(g.pty);
  EXPECT_TRUE(g.local_forwarding && g.remote_forwarding && g.agent_forwarding && g.user_rc);
  EXPECT_FALSE(g.x11_forwarding);  // X11Forwarding defaults to no
  EXPECT_EQ(g.command_from, CommandFrom::kNone);
  EXPECT_TRUE(g.forced_command.empty());
}

TEST(Grant, RestrictTurnsEverythingOffAndPtyTurnsOneBackOn) {
  authkeys::KeyOptions k;
  k.restrict_all = k.no_pty = k.no_port_forwarding = k.no_agent_forwarding =
      k.no_x11_forwarding = k.no_user_rc = true;
  GrantPolicy all;
  all.x11_forwarding = true;
  auto g = make_grant(all, &k);
  EXPECT_FALSE(g.pty || g.local_forwarding || g.remote_forwarding || g.agent_forwarding ||
               g.x11_forwarding || g.user_rc);
  k.no_pty = false;  // "restrict,pty"
  g = make_grant(all, &k);
  EXPECT_TRUE(g.pty);
  EXPECT_FALSE(g.local_forwarding);
}

TEST(Grant, ConfigurationNoWinsOverKeyYes) {
  GrantPolicy p;
  p.permit_tty = false;
  p.allow_tcp_local = false;
  p.allow_agent_forwarding = false;
  p.permit_user_rc = false;
  authkeys::KeyOptions k;  // a key that restricts nothing
  const auto g = make_grant(p, &k);
  EXPECT_FALSE(g.pty);
  EXPECT_FALSE(g.local_forwarding);
  EXPECT_TRUE(g.remote_forwarding);
  EXPECT_FALSE(g.agent_forwarding);
  EXPECT_FALSE(g.user_rc);
}

TEST(Grant, ForceCommandOverridesTheKeysCommand) {
  authkeys::KeyOptions k;
  k.command = "key-cmd";
  auto g = make_grant(GrantPolicy{}, &k);
  EXPECT_EQ(g.command_from, CommandFrom::kKey);
  EXPECT_EQ(g.forced_command, "key-cmd");
  GrantPolicy p;
  p.force_command = "config-cmd";
  g = make_grant(p, &k);
  EXPECT_EQ(g.command_from, CommandFrom::kConfig);
  EXPECT_EQ(g.forced_command, "config-cmd");
  g = make_grant(p, nullptr);  // password logins get ForceCommand too
  EXPECT_EQ(g.forced_command, "config-cmd");
  k.command = "";  // command="" forces an empty command, not none
  g = make_grant(GrantPolicy{}, &k);
  EXPECT_EQ(g.command_from, CommandFrom::kKey);
}

TEST(Grant, KeyEnvironmentOnlyWithPermitUserEnvironment) {
  authkeys::KeyOptions k;
  k.environment = {"LANG=C", "LD_PRELOAD=/tmp/x.so", "TZ=UTC"};
  EXPECT_TRUE(make_grant(GrantPolicy{}, &k).environment.empty());  // default no
  GrantPolicy yes;
  yes.permit_user_environment = {"*"};
  EXPECT_EQ(make_grant(yes, &k).environment, k.environment);
  GrantPolicy some;
  some.permit_user_environment = {"LANG", "T*"};
  EXPECT_EQ(make_grant(some, &k).environment, (std::vector<std::string>{"LANG=C", "TZ=UTC"}));
}

TEST(Grant, KeyListsAndExpiryAreCarried) {
  authkeys::KeyOptions k;
  k.permitopen = {"db:5432"};
  k.permitlisten = {"8080"};
  k.tunnel = "0";
  const auto g = make_grant(GrantPolicy{}, &k, 1924992000);
  EXPECT_EQ(g.permit_open, k.permitopen);
  EXPECT_EQ(g.permit_listen, k.permitlisten);
  EXPECT_EQ(g.tunnel, "0");
  EXPECT_EQ(g.expires, 1924992000);
}

// Unix-socket forwarding follows AllowStreamLocalForwarding, and the key's
// no-port-forwarding (and so restrict) covers it too, as in sshd.
TEST(Grant, StreamLocalForwardingFollowsConfigAndKey) {
  GrantPolicy p;
  p.allow_streamlocal_remote = false;  // AllowStreamLocalForwarding local
  auto g = make_grant(p, nullptr);
  EXPECT_TRUE(g.streamlocal_local);
  EXPECT_FALSE(g.streamlocal_remote);
  authkeys::KeyOptions k;
  k.no_port_forwarding = true;
  g = make_grant(GrantPolicy{}, &k);
  EXPECT_FALSE(g.streamlocal_local || g.streamlocal_remote || g.local_forwarding ||
               g.remote_forwarding);
}

// PermitOpen / PermitListen travel beside the key's lists (a request must
// pass both), with the listener settings.
TEST(Grant, ConfigListsAndListenerSettingsAreCarried) {
  GrantPolicy p;
  p.permit_open = {"db:5432"};
  p.permit_listen = {"none"};
  p.gateway_ports = 2;
  p.streamlocal_bind_mask = 0117;
  p.streamlocal_bind_unlink = true;
  authkeys::KeyOptions k;
  k.permitopen = {"cache:6379"};
  const auto g = make_grant(p, &k);
  EXPECT_EQ(g.admin_permit_open, p.permit_open);
  EXPECT_EQ(g.admin_permit_listen, p.permit_listen);
  EXPECT_EQ(g.permit_open, k.permitopen);
  EXPECT_EQ(g.gateway_ports, 2);
  EXPECT_EQ(g.streamlocal_bind_mask, 0117u);
  EXPECT_TRUE(g.streamlocal_bind_unlink);
}

// SftpRoot: the in-process SFTP server and nothing else, whatever the key
// or the rest of the config allow; a ForceCommand internal-sftp keeps its
// options, any other forced command is replaced.
TEST(Grant, SftpRootAllowsOnlyTheSftpServer) {
  GrantPolicy p;
  p.x11_forwarding = true;
  p.allow_streamlocal_local = p.allow_streamlocal_remote = true;
  p.sftp_root = "/srv/drop/%u";
  p.sftp_jail = monproto::Grant::SftpJail::kUploadOnly;
  authkeys::KeyOptions k;
  k.command = "/bin/sh";
  k.permitopen = {"db:5432"};
  auto g = make_grant(p, &k);
  EXPECT_FALSE(g.pty || g.local_forwarding || g.remote_forwarding || g.streamlocal_local ||
               g.streamlocal_remote || g.agent_forwarding || g.x11_forwarding || g.user_rc);
  EXPECT_TRUE(g.permit_open.empty());
  EXPECT_EQ(g.forced_command, "internal-sftp");
  EXPECT_EQ(g.command_from, CommandFrom::kConfig);
  EXPECT_EQ(g.sftp_root, "/srv/drop/%u");
  EXPECT_EQ(g.sftp_jail, monproto::Grant::SftpJail::kUploadOnly);
  p.force_command = "internal-sftp -R -l VERBOSE";
  EXPECT_EQ(make_grant(p, nullptr).forced_command, "internal-sftp -R -l VERBOSE");
  p.force_command = "internal-sftpx";
  EXPECT_EQ(make_grant(p, nullptr).forced_command, "internal-sftp");
}

TEST(Grant, InternalSftpIsTheWordNotAPrefix) {
  EXPECT_TRUE(monproto::is_internal_sftp("internal-sftp"));
  EXPECT_TRUE(monproto::is_internal_sftp("internal-sftp -R"));
  EXPECT_FALSE(monproto::is_internal_sftp("internal-sftpd"));
  EXPECT_FALSE(monproto::is_internal_sftp("/usr/lib/openssh/sftp-server"));
  EXPECT_FALSE(monproto::is_internal_sftp(" internal-sftp"));
}

}  // namespace
}  // namespace lpsshd::monitor
