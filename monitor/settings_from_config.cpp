#include "monitor/settings_from_config.h"

#include <syslog.h>

namespace lpsshd::monitor {

namespace {

GrantPolicy grant_policy(const config::Config& cfg) {
  using config::TcpForwarding;
  GrantPolicy g;
  g.permit_tty = cfg.permit_tty;
  if (!cfg.force_command.empty()) g.force_command = cfg.force_command;
  g.permit_user_environment = cfg.permit_user_environment;
  g.allow_tcp_local = cfg.allow_tcp_forwarding == TcpForwarding::kYes ||
                      cfg.allow_tcp_forwarding == TcpForwarding::kLocal;
  g.allow_tcp_remote = cfg.allow_tcp_forwarding == TcpForwarding::kYes ||
                       cfg.allow_tcp_forwarding == TcpForwarding::kRemote;
  g.allow_agent_forwarding = cfg.allow_agent_forwarding;
  g.allow_streamlocal_local = cfg.allow_streamlocal_forwarding == TcpForwarding::kYes ||
                              cfg.allow_streamlocal_forwarding == TcpForwarding::kLocal;
  g.allow_streamlocal_remote = cfg.allow_streamlocal_forwarding == TcpForwarding::kYes ||
                               cfg.allow_streamlocal_forwarding == TcpForwarding::kRemote;
  g.permit_open = cfg.permit_open;
  g.permit_listen = cfg.permit_listen;
  g.gateway_ports = static_cast<uint8_t>(cfg.gateway_ports == config::GatewayPorts::kNo    ? 0
                                         : cfg.gateway_ports == config::GatewayPorts::kYes ? 1
                                                                                           : 2);
  g.streamlocal_bind_mask = cfg.streamlocal_bind_mask;
  g.streamlocal_bind_unlink = cfg.streamlocal_bind_unlink;
  g.x11_forwarding = cfg.x11_forwarding;
  // DisableForwarding: every kind off, whatever the other keywords say.
  if (cfg.disable_forwarding)
    g.allow_tcp_local = g.allow_tcp_remote = g.allow_streamlocal_local =
        g.allow_streamlocal_remote = g.allow_agent_forwarding = g.x11_forwarding = false;
  g.permit_user_rc = cfg.permit_user_rc;
  g.sftp_root = cfg.sftp_root;
  switch (cfg.sftp_root_mode) {
    case config::SftpRootMode::kReadWrite: g.sftp_jail = monproto::Grant::SftpJail::kReadWrite; break;
    case config::SftpRootMode::kReadOnly: g.sftp_jail = monproto::Grant::SftpJail::kReadOnly; break;
    case config::SftpRootMode::kUploadOnly: g.sftp_jail = monproto::Grant::SftpJail::kUploadOnly; break;
  }
  return g;
}

RootLogin root_login(config::PermitRootLogin p) {
  switch (p) {
    case config::PermitRootLogin::kYes: return RootLogin::kYes;
    case config::PermitRootLogin::kNo: return RootLogin::kNo;
    case config::PermitRootLogin::kProhibitPassword: return RootLogin::kProhibitPassword;
    case config::PermitRootLogin::kForcedCommandsOnly: return RootLogin::kForcedCommandsOnly;
  }
  return RootLogin::kNo;
}

}  // namespace

Settings settings_from_config(const config::Config& cfg) {
  Settings settings;
  settings.max_auth_tries = cfg.max_auth_tries;
  settings.pubkey_authentication = cfg.pubkey_authentication;
  settings.permit_root_login = root_login(cfg.permit_root_login);
  settings.session.accept_env = cfg.accept_env;
  settings.session.print_motd = cfg.print_motd;
  settings.session.print_last_log = cfg.print_last_log;
  for (const auto& sub : cfg.subsystems) settings.session.subsystems.push_back({sub.name, sub.command});
  settings.grant_policy = grant_policy(cfg);
  settings.rekey_after_auth = cfg.rekey_after_auth;
  settings.compression = cfg.compression;
  settings.rekey_limit_bytes = cfg.rekey_limit_bytes;
  settings.session.rekey_interval = cfg.rekey_limit_seconds;
  // A key exchange gets the time a login gets; without LoginGraceTime, the
  // default one (a stalled exchange must not hold the session forever).
  settings.session.kex_deadline = cfg.login_grace_time != 0 ? cfg.login_grace_time : 120;
  settings.password_authentication = cfg.password_authentication;
  settings.kbd_interactive_authentication = cfg.kbd_interactive_authentication;
  settings.use_pam = cfg.use_pam;
  settings.permit_empty_passwords = cfg.permit_empty_passwords;
  settings.ciphers = cfg.ciphers;
  settings.macs = cfg.macs;
  settings.kex_algorithms = cfg.kex_algorithms;
  settings.host_key_algorithms = cfg.host_key_algorithms;
  settings.pubkey_accepted_algorithms = cfg.pubkey_accepted_algorithms;
  settings.ca_signature_algorithms = cfg.ca_signature_algorithms;
  settings.required_rsa_size = cfg.required_rsa_size;
  settings.require_pq_kex = cfg.require_pq_kex;
  settings.pubkey_touch_required = cfg.pubkey_touch_required;
  settings.pubkey_verify_required = cfg.pubkey_verify_required;
  return settings;
}

AccessRules access_rules_from_config(const config::Config& cfg) {
  return AccessRules{cfg.allow_users, cfg.deny_users, cfg.allow_groups, cfg.deny_groups,
                     !cfg.use_pam};
}

int syslog_facility(config::SyslogFacility f) {
  static constexpr int kMap[] = {LOG_DAEMON, LOG_USER, LOG_AUTH, LOG_AUTHPRIV, LOG_LOCAL0,
                                 LOG_LOCAL1, LOG_LOCAL2, LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5,
                                 LOG_LOCAL6, LOG_LOCAL7};
  return kMap[static_cast<int>(f)];
}

}  // namespace lpsshd::monitor
