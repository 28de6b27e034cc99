#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace lpsshd::config {
namespace {

// Parses `text` into a fresh Config; fails the test on a parse error.
Config parse_ok(std::string_view text) {
  Config cfg;
  std::string error;
  EXPECT_TRUE(parse_config_text(text, "/etc/lpsshd/sshd_config", cfg, error)) << error;
  return cfg;
}

// The error message for `text`, or "" if it parsed.
std::string parse_error(std::string_view text) {
  Config cfg;
  std::string error;
  if (parse_config_text(text, "/etc/lpsshd/sshd_config", cfg, error)) return "";
  return error;
}

TEST(ConfigTest, DefaultsAreTheDocumentedOnes) {
  const Config cfg = parse_ok("");
  EXPECT_EQ(cfg.ports, std::vector<uint16_t>{22});
  EXPECT_TRUE(cfg.listen_addresses.empty());
  EXPECT_EQ(cfg.host_keys, (std::vector<std::string>{"/etc/lpsshd/ssh_host_ed25519_key",
                                                      "/etc/lpsshd/ssh_host_rsa_key"}));
  EXPECT_EQ(cfg.login_grace_time, 120u);
  EXPECT_EQ(cfg.max_auth_tries, 6);
  EXPECT_EQ(cfg.max_sessions, 10);
  EXPECT_TRUE(cfg.pubkey_authentication);
  EXPECT_TRUE(cfg.strict_modes);
  EXPECT_EQ(cfg.authorized_keys_files, std::vector<std::string>{".ssh/authorized_keys"});
  EXPECT_EQ(cfg.permit_root_login, PermitRootLogin::kProhibitPassword);
  EXPECT_FALSE(cfg.password_authentication);
  EXPECT_FALSE(cfg.kbd_interactive_authentication);
  EXPECT_FALSE(cfg.use_pam);
  EXPECT_FALSE(cfg.permit_empty_passwords);
  EXPECT_EQ(cfg.log_level, LogLevel::kInfo);
  EXPECT_EQ(cfg.syslog_facility, SyslogFacility::kAuth);
  EXPECT_EQ(cfg.preauth_user, "lpsshd");
  EXPECT_EQ(cfg.preauth_chroot, "/var/empty");
  EXPECT_TRUE(cfg.tcp_keep_alive);
  EXPECT_EQ(cfg.client_alive_interval, 0u);
  EXPECT_EQ(cfg.client_alive_count_max, 3);
  EXPECT_EQ(cfg.pid_file, "");
  EXPECT_TRUE(cfg.print_motd);
  EXPECT_TRUE(cfg.print_last_log);
  EXPECT_EQ(cfg.subsystems, (std::vector<Subsystem>{{"sftp", "internal-sftp"}}));  // in-process
  using transport::AlgorithmKind;
  EXPECT_EQ(cfg.ciphers, default_algorithm_names(AlgorithmKind::kCipher));
  EXPECT_EQ(cfg.macs, default_algorithm_names(AlgorithmKind::kMac));
  EXPECT_EQ(cfg.kex_algorithms, default_algorithm_names(AlgorithmKind::kKex));
  EXPECT_EQ(cfg.host_key_algorithms, default_algorithm_names(AlgorithmKind::kHostKey));
  EXPECT_EQ(cfg.pubkey_accepted_algorithms, default_algorithm_names(AlgorithmKind::kPubkey));
  EXPECT_EQ(cfg.ca_signature_algorithms, default_algorithm_names(AlgorithmKind::kCaSignature));
  EXPECT_EQ(cfg.required_rsa_size, 2048);
}

TEST(ConfigTest, LineSyntaxVariants) {
  const Config cfg = parse_ok(
      "# comment line\n"
      "\n"
      "   \t\n"
      "  # indented comment\n"
      "port 2222\n"                        // keyword case-insensitive
      "MaxAuthTries=3\n"                   // Keyword=value
      "MaxSessions = 4\r\n"                // spaces around '=', CRLF
      "PasswordAuthentication YES # trailing comment\n"
      "HostKey \"/etc/lpsshd/key with space\"\n"
      "PreauthChroot /var/lib/\"lpsshd\"/empty\n");  // quotes mid-argument
  EXPECT_EQ(cfg.ports, std::vector<uint16_t>{2222});
  EXPECT_EQ(cfg.max_auth_tries, 3);
  EXPECT_EQ(cfg.max_sessions, 4);
  EXPECT_TRUE(cfg.password_authentication);
  EXPECT_EQ(cfg.host_keys, std::vector<std::string>{"/etc/lpsshd/key with space"});
  EXPECT_EQ(cfg.preauth_chroot, "/var/lib/lpsshd/empty");
}

TEST(ConfigTest, FirstValueWinsWithinAFile) {
  const Config cfg = parse_ok("LoginGraceTime 30\nLoginGraceTime 60\nLogLevel ERROR\nLogLevel DEBUG3\n");
  EXPECT_EQ(cfg.login_grace_time, 30u);
  EXPECT_EQ(cfg.log_level, LogLevel::kError);
}

TEST(ConfigTest, CommandLineOptionOverridesFile) {
  Config cfg;
  std::string error;
  ASSERT_TRUE(parse_config_option("PasswordAuthentication=yes", cfg, error)) << error;
  ASSERT_TRUE(parse_config_option("LogLevel VERBOSE", cfg, error)) << error;
  ASSERT_TRUE(parse_config_text("PasswordAuthentication no\nLogLevel QUIET\nMaxSessions 2\n",
                                "f", cfg, error))
      << error;
  EXPECT_TRUE(cfg.password_authentication);
  EXPECT_EQ(cfg.log_level, LogLevel::kVerbose);
  EXPECT_EQ(cfg.max_sessions, 2);
}

TEST(ConfigTest, LaterBadValueIsStillAnError) {
  // First value wins, but a later line is still checked: a typo must not hide.
  EXPECT_EQ(parse_error("MaxAuthTries 3\nMaxAuthTries lots\n"),
            "/etc/lpsshd/sshd_config line 2: invalid value for MaxAuthTries: lots "
            "(out of range or not a number)");
}

TEST(ConfigTest, ListKeywordsReplaceDefaultThenAccumulate) {
  const Config cfg = parse_ok(
      "Port 2222\nPort 2200\n"
      "HostKey /k1\nHostKey /k2\n"
      "ListenAddress 192.0.2.1\nListenAddress [2001:db8::1]:2022\n"
      "AcceptEnv LANG LC_*\nAcceptEnv TZ\n"
      "AllowUsers alice bob@192.0.2.*\nDenyUsers mallory\n"
      "AllowGroups ssh-users\nDenyGroups nologin\n");
  EXPECT_EQ(cfg.ports, (std::vector<uint16_t>{2222, 2200}));
  EXPECT_EQ(cfg.host_keys, (std::vector<std::string>{"/k1", "/k2"}));
  EXPECT_EQ(cfg.listen_addresses, (std::vector<std::string>{"192.0.2.1", "[2001:db8::1]:2022"}));
  EXPECT_EQ(cfg.accept_env, (std::vector<std::string>{"LANG", "LC_*", "TZ"}));
  EXPECT_EQ(cfg.allow_users, (std::vector<std::string>{"alice", "bob@192.0.2.*"}));
  EXPECT_EQ(cfg.deny_users, std::vector<std::string>{"mallory"});
  EXPECT_EQ(cfg.allow_groups, std::vector<std::string>{"ssh-users"});
  EXPECT_EQ(cfg.deny_groups, std::vector<std::string>{"nologin"});
}

TEST(ConfigTest, ListsAccumulateAcrossCommandLineAndFile) {
  Config cfg;
  std::string error;
  ASSERT_TRUE(parse_config_option("Port=2222", cfg, error)) << error;
  ASSERT_TRUE(parse_config_text("Port 22\n", "f", cfg, error)) << error;
  EXPECT_EQ(cfg.ports, (std::vector<uint16_t>{2222, 22}));
}

TEST(ConfigTest, TimeFormats) {
  struct Case {
    const char* text;
    uint32_t seconds;
  };
  for (const Case& c : {Case{"90", 90}, Case{"2m", 120}, Case{"1h30m", 5400}, Case{"10s", 10},
                        Case{"10S", 10}, Case{"1w", 604800}, Case{"1d2h", 93600}, Case{"0", 0},
                        Case{"2147483647", 2147483647u}}) {
    const Config cfg = parse_ok(std::string("LoginGraceTime ") + c.text + "\n");
    EXPECT_EQ(cfg.login_grace_time, c.seconds) << c.text;
  }
  for (const char* bad : {"m", "10x", "-5", "1.5h", "2147483648", "99999999999999999999", "1h 2m",
                          "5000w"}) {
    EXPECT_NE(parse_error(std::string("ClientAliveInterval ") + bad + "\n"), "") << bad;
  }
  EXPECT_EQ(parse_error("LoginGraceTime 10x\n"),
            "/etc/lpsshd/sshd_config line 1: invalid value for LoginGraceTime: 10x "
            "(a time such as 90, 2m or 1h30m)");
}

TEST(ConfigTest, EnumsAndAliases) {
  EXPECT_EQ(parse_ok("PermitRootLogin without-password\n").permit_root_login,
            PermitRootLogin::kProhibitPassword);
  EXPECT_EQ(parse_ok("PermitRootLogin forced-commands-only\n").permit_root_login,
            PermitRootLogin::kForcedCommandsOnly);
  EXPECT_EQ(parse_ok("PermitRootLogin no\n").permit_root_login, PermitRootLogin::kNo);
  EXPECT_EQ(parse_ok("LogLevel debug\n").log_level, LogLevel::kDebug1);
  EXPECT_EQ(parse_ok("LogLevel DEBUG2\n").log_level, LogLevel::kDebug2);
  EXPECT_EQ(parse_ok("SyslogFacility LOCAL5\n").syslog_facility, SyslogFacility::kLocal5);
  EXPECT_EQ(parse_ok("SyslogFacility authpriv\n").syslog_facility, SyslogFacility::kAuthPriv);
  EXPECT_EQ(parse_error("PermitRootLogin maybe\n"),
            "/etc/lpsshd/sshd_config line 1: invalid value for PermitRootLogin: maybe "
            "(not one of the allowed words)");
  EXPECT_NE(parse_error("SyslogFacility LOCAL8\n"), "");
  // The alias shares its target's "already set" state.
  const Config cfg =
      parse_ok("ChallengeResponseAuthentication yes\nKbdInteractiveAuthentication no\n");
  EXPECT_TRUE(cfg.kbd_interactive_authentication);
}

TEST(ConfigTest, UnknownAndUnsupportedKeywords) {
  EXPECT_EQ(parse_error("Port 22\nFrobnicate yes\n"),
            "/etc/lpsshd/sshd_config line 2: Bad configuration option: Frobnicate");
  EXPECT_EQ(parse_error("Match User bob\n"),
            "/etc/lpsshd/sshd_config line 1: Unsupported option Match");
  for (const char* kw : {"Include /etc/x", "PermitTunnel no", "GSSAPIKexAlgorithms x",
                         "HostbasedAcceptedAlgorithms y", "TrustedUserCAKeys /z", "UseDNS no",
                         "protocol 2"}) {
    EXPECT_NE(parse_error(std::string(kw) + "\n").find("Unsupported option"), std::string::npos)
        << kw;
  }
}

TEST(ConfigTest, ArgumentCountAndSyntaxErrors) {
  EXPECT_EQ(parse_error("Port\n"), "/etc/lpsshd/sshd_config line 1: missing argument");
  EXPECT_EQ(parse_error("Port 22 23\n"), "/etc/lpsshd/sshd_config line 1: too many arguments");
  EXPECT_EQ(parse_error("HostKey \"/etc/key\n"),
            "/etc/lpsshd/sshd_config line 1: unterminated quoted argument");
  EXPECT_EQ(parse_error("=yes\n"), "/etc/lpsshd/sshd_config line 1: missing keyword before '='");
  EXPECT_EQ(parse_error("Port 0\n"),
            "/etc/lpsshd/sshd_config line 1: invalid value for Port: 0 (a port 1-65535)");
  EXPECT_NE(parse_error("Port 65536\n"), "");
  EXPECT_NE(parse_error("Port +22\n"), "");
  EXPECT_NE(parse_error("MaxAuthTries 0\n"), "");
  EXPECT_NE(parse_error("StrictModes true\n"), "");
}

TEST(ConfigTest, SizeAndByteLimits) {
  std::string nul("Port 22\nPort 2\0 2\n", 18);
  EXPECT_EQ(parse_error(nul), "/etc/lpsshd/sshd_config line 2: NUL byte in line");
  EXPECT_EQ(parse_error("# " + std::string(4094, 'x') + "\n"), "");  // exactly 4096 bytes
  EXPECT_EQ(parse_error("# " + std::string(4095, 'x') + "\n"),
            "/etc/lpsshd/sshd_config line 1: line longer than 4096 bytes");
  std::string big;
  while (big.size() <= (1u << 20)) big += "# filler line to exceed one mebibyte\n";
  EXPECT_EQ(parse_error(big), "/etc/lpsshd/sshd_config: larger than 1 MiB");
}

TEST(ConfigTest, CommandLineOptionRules) {
  Config cfg;
  std::string error;
  EXPECT_FALSE(parse_config_option("Port 22\nPasswordAuthentication yes", cfg, error));
  EXPECT_EQ(error, "command-line line 0: option contains a line break or NUL byte");
  EXPECT_FALSE(parse_config_option("PermitTunnel=yes", cfg, error));
  EXPECT_EQ(error, "command-line line 0: Unsupported option PermitTunnel");
  EXPECT_FALSE(parse_config_option("", cfg, error));
  EXPECT_EQ(error, "command-line line 0: empty option");
  EXPECT_FALSE(parse_config_option("MaxSessions=-1", cfg, error));
  EXPECT_EQ(error,
            "command-line line 0: invalid value for MaxSessions: -1 (out of range or not a number)");
}

TEST(ConfigTest, AuthorizedKeysFile) {
  EXPECT_EQ(parse_ok("AuthorizedKeysFile %h/.ssh/authorized_keys /etc/keys/%u %%literal\n")
                .authorized_keys_files,
            (std::vector<std::string>{"%h/.ssh/authorized_keys", "/etc/keys/%u", "%%literal"}));
  EXPECT_TRUE(parse_ok("AuthorizedKeysFile none\n").authorized_keys_files.empty());
  // Not a list that accumulates: the first line wins like any scalar.
  EXPECT_EQ(parse_ok("AuthorizedKeysFile /a\nAuthorizedKeysFile /b\n").authorized_keys_files,
            std::vector<std::string>{"/a"});
  EXPECT_EQ(parse_ok("AuthorizedKeysFile a b c d e f g h\n").authorized_keys_files.size(), 8u);
  EXPECT_EQ(parse_error("AuthorizedKeysFile a b c d e f g h i\n"),
            "/etc/lpsshd/sshd_config line 1: too many arguments");
  EXPECT_NE(parse_error("AuthorizedKeysFile /keys/%k\n"), "");  // unknown token
  EXPECT_NE(parse_error("AuthorizedKeysFile /keys/%\n"), "");   // dangling %
  EXPECT_NE(parse_error("AuthorizedKeysFile none /x\n"), "");
}

TEST(ConfigTest, Subsystems) {
  const Config cfg = parse_ok(
      "Subsystem sftp /usr/lib/openssh/sftp-server -l INFO\n"
      "Subsystem backup \"/usr/bin/backup --dir /srv\"\n");
  ASSERT_EQ(cfg.subsystems.size(), 2u);
  EXPECT_EQ(cfg.subsystems[0], (Subsystem{"sftp", "/usr/lib/openssh/sftp-server -l INFO"}));
  EXPECT_EQ(cfg.subsystems[1], (Subsystem{"backup", "/usr/bin/backup --dir /srv"}));
  EXPECT_EQ(parse_error("Subsystem sftp /a\nSubsystem sftp /b\n"),
            "/etc/lpsshd/sshd_config line 2: Subsystem 'sftp' already defined");
  EXPECT_EQ(parse_error("Subsystem sftp\n"), "/etc/lpsshd/sshd_config line 1: missing argument");
  EXPECT_NE(parse_error("Subsystem \"sf tp\" /a\n"), "");
  EXPECT_NE(parse_error("Subsystem x " + std::string(1025, 'a') + "\n"), "");
}

TEST(ConfigTest, PathsNamesAndAddresses) {
  EXPECT_EQ(parse_ok("PidFile /run/lpsshd.pid\n").pid_file, "/run/lpsshd.pid");
  EXPECT_EQ(parse_ok("PidFile none\n").pid_file, "");
  EXPECT_NE(parse_error("PidFile run/lpsshd.pid\n"), "");
  EXPECT_NE(parse_error("HostKey etc/key\n"), "");
  EXPECT_EQ(parse_error("PreauthChroot /\n"),
            "/etc/lpsshd/sshd_config line 1: invalid value for PreauthChroot: / "
            "(must be an absolute path other than /)");
  EXPECT_NE(parse_error("PreauthChroot var/empty\n"), "");
  EXPECT_EQ(parse_ok("PreauthUser sshd-pre\n").preauth_user, "sshd-pre");
  EXPECT_NE(parse_error("PreauthUser -root\n"), "");
  EXPECT_NE(parse_error("PreauthUser \"a b\"\n"), "");
  EXPECT_EQ(parse_ok("Banner none\n").ports, std::vector<uint16_t>{22});
  EXPECT_EQ(parse_error("Banner /etc/issue.net\n"),
            "/etc/lpsshd/sshd_config line 1: invalid value for Banner: /etc/issue.net "
            "(only \"none\" is supported)");
  EXPECT_NE(parse_error("AcceptEnv LANG=C\n"), "");
  for (const char* ok : {"0.0.0.0", "::", "[::1]:2222", "[::1]", "192.0.2.1:22", "host.example",
                         "fe80::1%eth0"}) {
    EXPECT_EQ(parse_error(std::string("ListenAddress ") + ok + "\n"), "") << ok;
  }
  for (const char* bad : {"[::1", "[::1]:0", "[::1]x", "192.0.2.1:99999", ":22", "a b",
                          "host:", "[192.0.2.1]:22"}) {
    EXPECT_NE(parse_error(std::string("ListenAddress \"") + bad + "\"\n"), "") << bad;
  }
}

TEST(ConfigTest, SerializeRoundTripsDefaults) {
  const Config defaults;
  Config back;
  std::string error;
  ASSERT_TRUE(parse_config_text(serialize_config(defaults), "serialized", back, error)) << error;
  EXPECT_EQ(back, defaults);
}

TEST(ConfigTest, SerializeRoundTripsEverySetting) {
  const Config cfg = parse_ok(
      "Port 2222\nPort 2200\nListenAddress [::1]:2022\nListenAddress 127.0.0.1\n"
      "HostKey /k1\nHostKey \"/k 2\"\nLoginGraceTime 1h30m\nMaxAuthTries 2\nMaxSessions 0\n"
      "PubkeyAuthentication no\nStrictModes no\nAuthorizedKeysFile none\n"
      "PermitRootLogin without-password\nPasswordAuthentication yes\n"
      "ChallengeResponseAuthentication yes\nUsePAM yes\nPermitEmptyPasswords yes\n"
      "LogLevel DEBUG\nSyslogFacility LOCAL7\nPreauthUser pre\nPreauthChroot /var/lib/empty\n"
      "AcceptEnv LANG LC_*\nTCPKeepAlive no\nClientAliveInterval 15s\nClientAliveCountMax 0\n"
      "PidFile /run/x.pid\nBanner none\nPrintMotd no\nPrintLastLog no\n"
      "Subsystem sftp internal-sftp -l \"VERBOSE\"\n"
      "Subsystem odd \"/bin/sh -c \\\"echo a\\\\\\\\b\\\" \\\\\"\n"
      // Arguments that need each kind of protection when written back.
      "AllowUsers \"a b\" \"#hash\" =eq \\\"quote trail\\\\\\\\ ab\\\\\\\"c\n"
      "DenyUsers x DenyGroups\nAllowGroups \"\\\\\"\nDenyGroups \"tab\there\"\n"
      "PermitTTY no\nForceCommand ==x \"a  b\" # not a comment for the shell\n"
      "PermitUserEnvironment LANG,LC_*\nAllowTcpForwarding remote\nAllowAgentForwarding no\n"
      "X11Forwarding yes\nPermitUserRC no\nRekeyAfterAuth no\nRekeyLimit 512M 1h\n"
      "AllowStreamLocalForwarding local\nPermitOpen db:5432 [::1]:22 *:80\nPermitListen 8080 *:*\n"
      "GatewayPorts clientspecified\nDisableForwarding yes\nStreamLocalBindMask 0117\n"
      "StreamLocalBindUnlink yes\n"
      "ChrootDirectory /srv/%u\nSftpRoot %h/files\nSftpRootMode upload-only\n"
      "Ciphers ^aes256-ctr\nMACs -*-etm@openssh.com\nKexAlgorithms ecdh-sha2-nistp256\n"
      "HostKeyAlgorithms rsa-sha2-*\nPubkeyAcceptedKeyTypes +ssh-rsa\n"
      "CASignatureAlgorithms ssh-ed25519\nRequiredRSASize 3072\nRequirePQKex yes\n"
      "PubkeyAuthOptions verify-required touch-required\n");
  EXPECT_EQ(cfg.force_command, "=x \"a  b\" # not a comment for the shell");
  const std::string text = serialize_config(cfg);
  Config back;
  std::string error;
  ASSERT_TRUE(parse_config_text(text, "serialized", back, error)) << error << "\n" << text;
  EXPECT_EQ(back, cfg) << text;
  EXPECT_EQ(cfg.allow_users, (std::vector<std::string>{"a b", "#hash", "=eq", "\"quote",
                                                       "trail\\\\", "ab\\\"c"}));
  EXPECT_EQ(cfg.subsystems[1].command, "/bin/sh -c \"echo a\\\\b\" \\");
  // Serializing is idempotent.
  EXPECT_EQ(serialize_config(back), text);
}

// RekeyLimit as sshd_config(5) has it: bytes with K/M/G/T, "default", at
// least 16, and an optional time or "none".
TEST(ConfigTest, RekeyLimit) {
  EXPECT_EQ(Config{}.rekey_limit_bytes, 0u);
  EXPECT_EQ(Config{}.rekey_limit_seconds, 0u);
  Config c = parse_ok("RekeyLimit 1G 1h\n");
  EXPECT_EQ(c.rekey_limit_bytes, uint64_t{1} << 30);
  EXPECT_EQ(c.rekey_limit_seconds, 3600u);
  c = parse_ok("RekeyLimit 512k\n");
  EXPECT_EQ(c.rekey_limit_bytes, uint64_t{512} << 10);
  EXPECT_EQ(c.rekey_limit_seconds, 0u);
  c = parse_ok("RekeyLimit default 30m\n");
  EXPECT_EQ(c.rekey_limit_bytes, 0u);
  EXPECT_EQ(c.rekey_limit_seconds, 1800u);
  c = parse_ok("RekeyLimit 16 none\n");
  EXPECT_EQ(c.rekey_limit_bytes, 16u);
  EXPECT_EQ(parse_ok("RekeyLimit 4T\n").rekey_limit_bytes, uint64_t{4} << 40);
  EXPECT_EQ(parse_ok("RekeyLimit 0\n").rekey_limit_bytes, 0u);  // the default, as in OpenSSH
  EXPECT_EQ(parse_ok("RekeyLimit 99999999999\n").rekey_limit_bytes, 99999999999u);
  EXPECT_NE(parse_error("RekeyLimit 15\n").find("too small"), std::string::npos);
  for (const char* bad : {"RekeyLimit\n", "RekeyLimit 1X\n", "RekeyLimit -1\n", "RekeyLimit 1.5G\n",
                          "RekeyLimit G\n", "RekeyLimit 1G soon\n", "RekeyLimit 1G 1h x\n",
                          "RekeyLimit 16777216T\n", "RekeyLimit 18446744073709551616\n"})
    EXPECT_NE(parse_error(bad), "") << bad;
  // Large values survive the trip to the monitor (serialized config).
  for (const char* big : {"RekeyLimit 4G 1h\n", "RekeyLimit 16777215T\n"}) {
    const Config c2 = parse_ok(big);
    Config back;
    std::string error;
    ASSERT_TRUE(parse_config_text(serialize_config(c2), "serialized", back, error)) << error;
    EXPECT_EQ(back.rekey_limit_bytes, c2.rekey_limit_bytes) << big;
  }
}

// ChrootDirectory and SftpRoot: "none" or an absolute pattern with the
// AuthorizedKeysFile tokens; never "/" (which would confine nothing).
TEST(ConfigTest, RootDirectories) {
  EXPECT_EQ(Config{}.chroot_directory, "");
  EXPECT_EQ(Config{}.sftp_root, "");
  EXPECT_EQ(Config{}.sftp_root_mode, SftpRootMode::kReadWrite);
  EXPECT_EQ(parse_ok("ChrootDirectory /srv/jail/%u\n").chroot_directory, "/srv/jail/%u");
  EXPECT_EQ(parse_ok("ChrootDirectory %h\n").chroot_directory, "%h");
  EXPECT_EQ(parse_ok("ChrootDirectory none\n").chroot_directory, "");
  EXPECT_EQ(parse_ok("SftpRoot /srv/drop\nSftpRootMode read-only\n").sftp_root_mode,
            SftpRootMode::kReadOnly);
  for (const char* bad : {"ChrootDirectory /\n", "ChrootDirectory jail\n", "ChrootDirectory /a/%x\n",
                          "ChrootDirectory /a/%\n", "ChrootDirectory\n", "ChrootDirectory /a /b\n",
                          "SftpRoot files\n", "SftpRoot /\n", "SftpRootMode write-only\n"})
    EXPECT_NE(parse_error(bad), "") << bad;
}

// What logins may do: the keywords the grant record merges with key options.
TEST(ConfigTest, GrantKeywords) {
  Config d;
  EXPECT_TRUE(d.permit_tty);
  EXPECT_TRUE(d.force_command.empty());
  EXPECT_TRUE(d.permit_user_environment.empty());  // no
  EXPECT_EQ(d.allow_tcp_forwarding, TcpForwarding::kYes);
  EXPECT_FALSE(d.x11_forwarding);

  // ForceCommand keeps the line as written, so the shell sees the quoting.
  EXPECT_EQ(parse_ok("ForceCommand /bin/sh -c \"echo a;  echo b\"  \n").force_command,
            "/bin/sh -c \"echo a;  echo b\"");
  EXPECT_EQ(parse_ok("ForceCommand internal-sftp -d /srv\n").force_command, "internal-sftp -d /srv");
  EXPECT_EQ(parse_ok("ForceCommand none\n").force_command, "");
  EXPECT_EQ(parse_ok("ForceCommand a\nForceCommand b\n").force_command, "a");  // first wins
  EXPECT_EQ(parse_error("ForceCommand\n"), "/etc/lpsshd/sshd_config line 1: missing argument");

  EXPECT_EQ(parse_ok("PermitUserEnvironment yes\n").permit_user_environment,
            std::vector<std::string>{"*"});
  EXPECT_TRUE(parse_ok("PermitUserEnvironment no\n").permit_user_environment.empty());
  EXPECT_EQ(parse_ok("PermitUserEnvironment LANG,LC_*\n").permit_user_environment,
            (std::vector<std::string>{"LANG", "LC_*"}));
  // Negations would need OpenSSH's pattern-list semantics: refused, not
  // read as a positive pattern.
  EXPECT_NE(parse_error("PermitUserEnvironment *,!LD_*\n"), "");
  EXPECT_NE(parse_error("PermitUserEnvironment LANG,\n"), "");

  EXPECT_EQ(parse_ok("AllowTcpForwarding all\n").allow_tcp_forwarding, TcpForwarding::kYes);
  EXPECT_EQ(parse_ok("AllowTcpForwarding local\n").allow_tcp_forwarding, TcpForwarding::kLocal);
  EXPECT_EQ(parse_ok("AllowTcpForwarding no\n").allow_tcp_forwarding, TcpForwarding::kNo);
  EXPECT_NE(parse_error("AllowTcpForwarding sometimes\n"), "");

  // Forwarding (sshd_config(5)).
  EXPECT_EQ(d.allow_streamlocal_forwarding, TcpForwarding::kYes);
  EXPECT_TRUE(d.permit_open.empty() && d.permit_listen.empty());
  EXPECT_EQ(d.gateway_ports, GatewayPorts::kNo);
  EXPECT_FALSE(d.disable_forwarding);
  EXPECT_EQ(d.streamlocal_bind_mask, 0177u);
  EXPECT_FALSE(d.streamlocal_bind_unlink);
  EXPECT_EQ(parse_ok("AllowStreamLocalForwarding remote\n").allow_streamlocal_forwarding,
            TcpForwarding::kRemote);
  EXPECT_EQ(parse_ok("PermitOpen any\n").permit_open, std::vector<std::string>{"any"});
  EXPECT_EQ(parse_ok("PermitOpen db:5432 [::1]:* *:80\n").permit_open,
            (std::vector<std::string>{"db:5432", "[::1]:*", "*:80"}));
  EXPECT_EQ(parse_ok("PermitListen 8080 localhost:*\n").permit_listen,
            (std::vector<std::string>{"8080", "localhost:*"}));
  EXPECT_NE(parse_error("PermitOpen 5432\n"), "") << "PermitOpen needs a host";
  EXPECT_NE(parse_error("PermitOpen db:0\n"), "");
  EXPECT_NE(parse_error("PermitOpen db:65536\n"), "");
  EXPECT_NE(parse_error("PermitListen :80\n"), "");
  EXPECT_EQ(parse_ok("GatewayPorts clientspecified\n").gateway_ports, GatewayPorts::kClientSpecified);
  EXPECT_NE(parse_error("GatewayPorts maybe\n"), "");
  EXPECT_TRUE(parse_ok("DisableForwarding yes\n").disable_forwarding);
  EXPECT_EQ(parse_ok("StreamLocalBindMask 0\n").streamlocal_bind_mask, 0u);
  EXPECT_EQ(parse_ok("StreamLocalBindMask 0117\n").streamlocal_bind_mask, 0117u);
  EXPECT_NE(parse_error("StreamLocalBindMask 0800\n"), "");
  EXPECT_NE(parse_error("StreamLocalBindMask 01777\n"), "");
  EXPECT_TRUE(parse_ok("StreamLocalBindUnlink yes\n").streamlocal_bind_unlink);
  EXPECT_FALSE(parse_ok("PermitTTY no\n").permit_tty);
  EXPECT_TRUE(d.rekey_after_auth);
  EXPECT_FALSE(parse_ok("RekeyAfterAuth no\n").rekey_after_auth);
  EXPECT_FALSE(d.require_pq_kex);
  EXPECT_TRUE(parse_ok("RequirePQKex yes\n").require_pq_kex);
  EXPECT_NE(parse_error("RequirePQKex always\n"), "");
  // PubkeyAuthOptions: OpenSSH's words, any case, "none" adding nothing;
  // anything else is an error naming the word.
  EXPECT_FALSE(d.pubkey_touch_required || d.pubkey_verify_required);
  const Config touch = parse_ok("PubkeyAuthOptions touch-required\n");
  EXPECT_TRUE(touch.pubkey_touch_required && !touch.pubkey_verify_required);
  const Config both = parse_ok("PubkeyAuthOptions Verify-Required none TOUCH-REQUIRED\n");
  EXPECT_TRUE(both.pubkey_touch_required && both.pubkey_verify_required);
  const Config none = parse_ok("PubkeyAuthOptions none\nPubkeyAuthOptions verify-required\n");
  EXPECT_FALSE(none.pubkey_touch_required || none.pubkey_verify_required);  // first line wins
  EXPECT_NE(parse_error("PubkeyAuthOptions presence-required\n").find("PubkeyAuthOptions: presence-required"),
            std::string::npos);
  EXPECT_NE(parse_error("PubkeyAuthOptions\n"), "");
  EXPECT_NE(parse_error("PermitTTY maybe\n"), "");
}

TEST(ConfigTest, CompressionAsOpenSsh) {
  // Default yes, which means delayed (zlib@openssh.com after login).
  EXPECT_TRUE(parse_ok("").compression);
  EXPECT_TRUE(parse_ok("Compression yes\n").compression);
  EXPECT_TRUE(parse_ok("Compression delayed\n").compression);
  EXPECT_FALSE(parse_ok("Compression no\n").compression);
  EXPECT_NE(parse_error("Compression zlib\n"), "");
  EXPECT_NE(parse_error("Compression\n"), "");
}

// Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms, PubkeyAcceptedAlgorithms,
// CASignatureAlgorithms (resolution itself: algorithm_list_test) and
// RequiredRSASize.
TEST(ConfigTest, AlgorithmKeywords) {
  Config cfg = parse_ok(
      "ciphers aes256-gcm@openssh.com,aes128-ctr\n"
      "MACs=-hmac-sha2-512*\n"
      "KexAlgorithms ^ecdh-sha2-nistp256\n"
      "HostKeyAlgorithms -rsa-sha2-*\n"
      "PubkeyAcceptedAlgorithms +ssh-rsa\n"
      "CASignatureAlgorithms ssh-ed25519,ecdsa-*\n"
      "RequiredRSASize 3072\n");
  EXPECT_EQ(cfg.ciphers, (std::vector<std::string>{"aes256-gcm@openssh.com", "aes128-ctr"}));
  EXPECT_EQ(cfg.macs,
            (std::vector<std::string>{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-256"}));
  EXPECT_EQ(cfg.kex_algorithms.front(), "ecdh-sha2-nistp256");
  // ^ puts a name that is not in the default (NIST curves are off by default) at the head.
  EXPECT_EQ(cfg.kex_algorithms.size(),
            transport::default_algorithms(transport::AlgorithmKind::kKex).size() + 1);
  EXPECT_EQ(cfg.host_key_algorithms,
            (std::vector<std::string>{"ssh-ed25519", "ecdsa-sha2-nistp256"}));
  EXPECT_EQ(cfg.pubkey_accepted_algorithms.back(), "ssh-rsa");
  EXPECT_EQ(cfg.ca_signature_algorithms,
            (std::vector<std::string>{"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                                      "ecdsa-sha2-nistp521"}));
  EXPECT_EQ(cfg.required_rsa_size, 3072);

  // The old name is an alias sharing the keyword's "already set" state.
  cfg = parse_ok("PubkeyAcceptedKeyTypes ssh-ed25519\nPubkeyAcceptedAlgorithms rsa-sha2-512\n");
  EXPECT_EQ(cfg.pubkey_accepted_algorithms, std::vector<std::string>{"ssh-ed25519"});

  // First value wins, like OpenSSH; -o (applied first) wins over the file.
  EXPECT_EQ(parse_ok("Ciphers aes128-ctr\nCiphers aes256-ctr\n").ciphers,
            std::vector<std::string>{"aes128-ctr"});
  Config over;
  std::string error;
  ASSERT_TRUE(parse_config_option("Ciphers=-aes*", over, error)) << error;
  ASSERT_TRUE(parse_config_text("Ciphers aes256-ctr\n", "file", over, error)) << error;
  EXPECT_EQ(over.ciphers, std::vector<std::string>{"chacha20-poly1305@openssh.com"});
  // A later line is still checked.
  EXPECT_EQ(parse_error("Ciphers aes128-ctr\nCiphers aes128-cbc\n").rfind(
                "/etc/lpsshd/sshd_config line 2: Ciphers: unsupported algorithm \"aes128-cbc\"", 0),
            0u);

  // Errors name the file, the line, the keyword and the offending name.
  EXPECT_EQ(parse_error("Port 22\nMACs hmac-sha2-256,hmac-sha1\n"),
            "/etc/lpsshd/sshd_config line 2: MACs: unsupported algorithm \"hmac-sha1\" "
            "(lpsshd supports hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,"
            "hmac-sha2-256,hmac-sha2-512)");
  EXPECT_EQ(parse_error("KexAlgorithms -*\n"),
            "/etc/lpsshd/sshd_config line 1: KexAlgorithms: \"-*\" leaves no algorithm");
  EXPECT_EQ(parse_error("HostKeyAlgorithms !ssh-ed25519\n"),
            "/etc/lpsshd/sshd_config line 1: HostKeyAlgorithms: \"!ssh-ed25519\": '!' is "
            "allowed only in a list starting with '-'");
  EXPECT_NE(parse_error("HostKeyAlgorithms +ssh-rsa\n").find("unsupported algorithm \"ssh-rsa\""),
            std::string::npos);
  EXPECT_EQ(parse_error("Ciphers\n"), "/etc/lpsshd/sshd_config line 1: missing argument");
  EXPECT_EQ(parse_error("Ciphers aes128-ctr aes256-ctr\n"),
            "/etc/lpsshd/sshd_config line 1: too many arguments");
  EXPECT_EQ(parse_error("Ciphers \"\"\n"),
            "/etc/lpsshd/sshd_config line 1: Ciphers: empty algorithm list");
  ASSERT_FALSE(parse_config_option("CASignatureAlgorithms=ssh-dss", over, error));
  EXPECT_EQ(error.rfind("command-line line 0: CASignatureAlgorithms: unsupported algorithm "
                        "\"ssh-dss\"", 0),
            0u);

  // RequiredRSASize: OpenSSH's floor of 1024 bits, OpenSSH's ceiling 16384.
  EXPECT_EQ(parse_ok("RequiredRSASize 1024\n").required_rsa_size, 1024);
  EXPECT_EQ(parse_ok("RequiredRSASize 16384\n").required_rsa_size, 16384);
  EXPECT_EQ(parse_error("Port 22\nRequiredRSASize 1023\n"),
            "/etc/lpsshd/sshd_config line 2: invalid value for RequiredRSASize: 1023 "
            "(bits, from 1024 to 16384)");
  EXPECT_NE(parse_error("RequiredRSASize 16385\n"), "");
  EXPECT_NE(parse_error("RequiredRSASize -2048\n"), "");
  EXPECT_NE(parse_error("RequiredRSASize 2k\n"), "");
  EXPECT_NE(parse_error("RequiredRSASize\n"), "");
}

TEST(ConfigTest, SerializedLinesStayWithinTheLineLimit) {
  // A maximal quoted line must still fit once written back.
  std::string arg = "\"" + std::string(4000, ' ') + "x\"\\";
  const std::string line = "AllowUsers " + arg;
  ASSERT_LE(line.size(), 4096u);
  const Config cfg = parse_ok(line + "\n");
  Config back;
  std::string error;
  EXPECT_TRUE(parse_config_text(serialize_config(cfg), "serialized", back, error)) << error;
  EXPECT_EQ(back, cfg);
}

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lpsshd-config-test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    unlink((dir_ + "/cfg").c_str());
    rmdir(dir_.c_str());
  }
  std::string write(const std::string& content) {
    const std::string path = dir_ + "/cfg";
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  std::string dir_;
};

TEST_F(ConfigFileTest, MissingFile) {
  Config cfg;
  std::string error;
  EXPECT_TRUE(load_config_file(dir_ + "/absent", true, cfg, error));
  EXPECT_EQ(cfg, Config{});
  EXPECT_FALSE(load_config_file(dir_ + "/absent", false, cfg, error));
  EXPECT_EQ(error, dir_ + "/absent: open: No such file or directory");
}

TEST_F(ConfigFileTest, ReadsAndReportsThePath) {
  Config cfg;
  std::string error;
  EXPECT_TRUE(load_config_file(write("Port 2022\n"), false, cfg, error)) << error;
  EXPECT_EQ(cfg.ports, std::vector<uint16_t>{2022});
  Config cfg2;
  EXPECT_FALSE(load_config_file(write("Port 22\nMatch all\n"), false, cfg2, error));
  EXPECT_EQ(error, dir_ + "/cfg line 2: Unsupported option Match");
}

TEST_F(ConfigFileTest, RefusesDirectoriesAndHugeFiles) {
  Config cfg;
  std::string error;
  EXPECT_FALSE(load_config_file(dir_, false, cfg, error));
  EXPECT_EQ(error, dir_ + ": not a regular file");
  EXPECT_FALSE(load_config_file(write(std::string((1 << 20) + 1, '#')), false, cfg, error));
  EXPECT_EQ(error, dir_ + "/cfg: larger than 1 MiB");
}

}  // namespace
}  // namespace lpsshd::config
