#include "monitor/grant.h"

#include "pattern/wildcard.h"

namespace lpsshd::monitor {

monproto::Grant make_grant(const GrantPolicy& policy, const authkeys::KeyOptions* key,
                           int64_t key_expires) {
  static const authkeys::KeyOptions kNoKey;  // password logins: nothing restricted by a key
  const authkeys::KeyOptions& k = key != nullptr ? *key : kNoKey;
  monproto::Grant g;
  g.pty = policy.permit_tty && !k.no_pty;
  g.local_forwarding = policy.allow_tcp_local && !k.no_port_forwarding;
  g.remote_forwarding = policy.allow_tcp_remote && !k.no_port_forwarding;
  g.streamlocal_local = policy.allow_streamlocal_local && !k.no_port_forwarding;
  g.streamlocal_remote = policy.allow_streamlocal_remote && !k.no_port_forwarding;
  g.agent_forwarding = policy.allow_agent_forwarding && !k.no_agent_forwarding;
  g.x11_forwarding = policy.x11_forwarding && !k.no_x11_forwarding;
  g.user_rc = policy.permit_user_rc && !k.no_user_rc;
  if (policy.force_command) {
    g.command_from = monproto::Grant::CommandFrom::kConfig;
    g.forced_command = *policy.force_command;
  } else if (k.command) {
    g.command_from = monproto::Grant::CommandFrom::kKey;
    g.forced_command = *k.command;
  }
  for (const auto& e : k.environment) {
    const std::string name = e.substr(0, e.find('='));
    if (pattern::match_any(policy.permit_user_environment, name)) g.environment.push_back(e);
  }
  g.permit_open = k.permitopen;
  g.permit_listen = k.permitlisten;
  g.admin_permit_open = policy.permit_open;
  g.admin_permit_listen = policy.permit_listen;
  g.gateway_ports = policy.gateway_ports;
  g.streamlocal_bind_mask = policy.streamlocal_bind_mask & 0777;
  g.streamlocal_bind_unlink = policy.streamlocal_bind_unlink;
  if (k.tunnel) g.tunnel = *k.tunnel;
  g.expires = key_expires;
  if (!policy.sftp_root.empty()) {
    g.sftp_root = policy.sftp_root;
    g.sftp_jail = policy.sftp_jail;
    g.pty = g.local_forwarding = g.remote_forwarding = false;
    g.streamlocal_local = g.streamlocal_remote = false;
    g.agent_forwarding = g.x11_forwarding = g.user_rc = false;
    g.permit_open.clear();
    g.permit_listen.clear();
    g.tunnel.clear();
    if (g.command_from == monproto::Grant::CommandFrom::kNone || !monproto::is_internal_sftp(g.forced_command)) {
      g.command_from = monproto::Grant::CommandFrom::kConfig;
      g.forced_command = "internal-sftp";
    }
  }
  return g;
}

}  // namespace lpsshd::monitor
