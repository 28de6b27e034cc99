// Building a login's grant record (monproto::Grant): sshd_config's policy
// meets the matching authorized_keys line's options, and the most
// restrictive wins. Pure: tests drive it directly.
//
// Rules (as sshd): a PTY needs PermitTTY and no no-pty; forwarding of each
// kind needs the config to allow it and the key not to forbid it (the key's
// no-port-forwarding covers unix sockets too; DisableForwarding is applied
// to the policy before it gets here); PermitOpen/PermitListen travel beside
// the key's permitopen/permitlisten and a request must pass both;
// ForceCommand overrides a key's command= (OpenSSH's order), otherwise the
// key's command is forced; a key's environment= reaches the session only
// under PermitUserEnvironment, and only names its patterns allow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/authorized_keys.h"
#include "monitor/protocol.h"

namespace lpsshd::monitor {

// sshd_config's side of every grant.
struct GrantPolicy {
  bool permit_tty = true;
  std::optional<std::string> force_command;  // ForceCommand (none: nullopt)
  std::vector<std::string> permit_user_environment;  // name patterns; empty = "no"
  bool allow_tcp_local = true, allow_tcp_remote = true;  // AllowTcpForwarding
  bool allow_streamlocal_local = true, allow_streamlocal_remote = true;  // AllowStreamLocalForwarding
  std::vector<std::string> permit_open, permit_listen;  // PermitOpen / PermitListen; empty: any
  uint8_t gateway_ports = 0;                            // GatewayPorts: 0 no, 1 yes, 2 clientspecified
  uint32_t streamlocal_bind_mask = 0177;
  bool streamlocal_bind_unlink = false;
  bool allow_agent_forwarding = true;
  bool x11_forwarding = false;
  bool permit_user_rc = true;
  std::string sftp_root;  // SftpRoot pattern ("" none)
  monproto::Grant::SftpJail sftp_jail = monproto::Grant::SftpJail::kReadWrite;
};

// SftpRoot: the login may only run the in-process SFTP server (a
// ForceCommand internal-sftp keeps its options), and nothing else: no PTY,
// no forwarding of any kind, no user rc.
//
// key: the options of the authorized_keys line that authenticated this
// login, or null for password and keyboard-interactive logins.
// key_expires: that line's expiry-time in seconds (0: none).
monproto::Grant make_grant(const GrantPolicy& policy, const authkeys::KeyOptions* key,
                           int64_t key_expires = 0);

}  // namespace lpsshd::monitor
