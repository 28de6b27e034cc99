// The server's half of every key exchange, kept by the monitor: its KEXINIT,
// its ephemeral key, the shared secret, the exchange hash and the signature
// over it, and the derived keys. A child only relays the client's values;
// it never chooses what is signed: a host key signs only an exchange hash
// this object computed itself.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/host_key.h"
#include "crypto/secret.h"
#include "monitor/protocol.h"
#include "transport/kexinit.h"

namespace lpsshd::monitor {

// What sshd_config lets a key exchange use (Ciphers, MACs, KexAlgorithms,
// HostKeyAlgorithms as resolved names, Compression, RequirePQKex).
struct KexPolicy {
  std::vector<std::string> kex, host_key, ciphers, macs;
  bool compression = true;
  bool require_post_quantum = false;  // offer and accept only post-quantum KEX methods
};

// Why no client could ever complete a key exchange with these keys under
// this policy: a list the KEXINIT must carry is empty once narrowed to what
// is implemented and to the keys loaded (HostKeyAlgorithms naming only
// algorithms of keys not configured, say). "" when every list has a name.
// Checked at start-up (lpsshd -t and the listener), so the mistake is
// refused there rather than seen by every client as "no matching host key".
std::string unusable_offer(const crypto::HostKeys& host_keys, const KexPolicy& policy);

class KexServer {
 public:
  KexServer(const crypto::HostKeys& host_keys, const KexPolicy& policy);

  const std::string& server_version() const { return server_version_; }
  // What this server offers: the policy's lists narrowed to what is
  // implemented and to the host-key algorithms of the keys loaded.
  const transport::ServerOffer& offer() const { return offer_; }

  // The server starts an exchange without seeing the client's KEXINIT (at
  // the connection's start, and for rekeys it begins): builds and keeps
  // its KEXINIT; on_kexinit() then negotiates against it. The reply
  // carries the KEXINIT for the child to send.
  monproto::KexInitReply start_exchange();

  // The client's KEXINIT (and, for the first exchange, its version line).
  // Negotiates; the reply carries the server KEXINIT for the child to send
  // (unless start_exchange() already gave it, then it is the same bytes).
  monproto::KexInitReply on_kexinit(const monproto::KexInitRequest& req, bool first);

  // The client's Q_C: refuses anything but the method's size and a
  // degenerate shared secret; on success derives the new keys and
  // remembers them. authenticated: the exchange runs after login, so a
  // negotiated zlib@openssh.com takes effect with these keys (the reply
  // says so per direction); before login it never does.
  monproto::KexReply on_ecdh(const monproto::KexEcdhRequest& req, bool authenticated);

  bool have_session() const { return !session_id_.empty(); }
  const std::vector<uint8_t>& session_id() const { return session_id_; }
  bool strict_kex() const { return strict_kex_; }
  bool client_ext_info() const { return client_ext_info_; }
  // What the last completed exchange agreed on (nullopt before the first).
  const std::optional<transport::Negotiated>& keyed() const { return keyed_; }
  // The keys from the last completed exchange (for the postauth child).
  const transport::DirectionKeys& keys_ctos() const { return keys_ctos_; }
  const transport::DirectionKeys& keys_stoc() const { return keys_stoc_; }

 private:
  const crypto::HostKeys& host_keys_;
  transport::ServerOffer offer_;
  bool require_post_quantum_ = false;
  std::string server_version_;
  std::string client_version_;
  std::vector<uint8_t> client_kexinit_, server_kexinit_;
  bool server_kexinit_sent_ = false;  // by start_exchange(), for the next on_kexinit()
  std::optional<transport::Negotiated> negotiated_;  // between KEXINIT and ECDH
  std::optional<transport::Negotiated> keyed_;
  std::vector<uint8_t> session_id_;
  bool strict_kex_ = false, client_ext_info_ = false;
  transport::DirectionKeys keys_ctos_, keys_stoc_;
};

}  // namespace lpsshd::monitor
