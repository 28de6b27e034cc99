// Keywords OpenSSH's sshd accepts (current, deprecated and Debian-specific)
// that lpsshd does not implement. They are refused rather than ignored: a
// silently dropped "Match", "ForceCommand" or "AllowTcpForwarding no" would
// leave an admin believing in a restriction that is not there.
#include "config/config_keywords.h"
#include "config/config_values.h"

namespace lpsshd::config::detail {
namespace {

constexpr std::string_view kUnsupported[] = {
    "AddressFamily",
    "AuthenticationMethods", "AuthorizedKeysCommand",
    "AuthorizedKeysCommandUser", "AuthorizedKeysFile2", "AuthorizedPrincipalsCommand",
    "AuthorizedPrincipalsCommandUser", "AuthorizedPrincipalsFile",
    "ChannelTimeout", "DebianBanner",
    "ExposeAuthInfo", "FingerprintHash",
    "GSSAPIAuthentication", "GSSAPICleanupCredentials", "GSSAPIKeyExchange",
    "GSSAPIKexAlgorithms", "GSSAPIStoreCredentialsOnRekey", "GSSAPIStrictAcceptorCheck",
    "HostbasedAcceptedAlgorithms", "HostbasedAcceptedKeyTypes", "HostbasedAuthentication",
    "HostbasedUsesNameFromPacketOnly", "HostCertificate", "HostKeyAgent",
    "IgnoreRhosts", "IgnoreUserKnownHosts", "Include", "IPQoS", "KerberosAuthentication",
    "KerberosGetAFSToken", "KerberosOrLocalPasswd", "KerberosTicketCleanup",
    "LogVerbose", "Match", "ModuliFile",
    "PermitTunnel",
    "RDomain", "RefuseConnection",
    "RevokedKeys", "SecurityKeyProvider", "SetEnv",
    "TrustedUserCAKeys", "UnusedConnectionTimeout", "UseDNS",
    "VersionAddendum", "X11DisplayOffset", "X11UseLocalhost", "XAuthLocation",
    // Deprecated or removed in OpenSSH, still recognised by it.
    "AFSTokenPassing", "DSAAuthentication", "KerberosTgtPassing", "KeyRegenerationInterval",
    "PAMAuthenticationViaKbdInt", "Protocol", "ReverseMappingCheck", "RhostsAuthentication",
    "RhostsRSAAuthentication", "RSAAuthentication", "ServerKeyBits", "ShowPatchLevel",
    "SkeyAuthentication", "UseLogin", "UsePrivilegeSeparation", "VerifyReverseMapping",
};

}  // namespace

bool is_unsupported_keyword(std::string_view name) {
  for (auto k : kUnsupported)
    if (iequals(name, k)) return true;
  return false;
}

}  // namespace lpsshd::config::detail
