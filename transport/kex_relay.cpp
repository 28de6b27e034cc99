#include "transport/kex_relay.h"

#include "monitor/protocol_client.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::transport {

EcdhRelay relay_ecdh(PacketStream& stream, int monitor_fd, std::span<const uint8_t> payload,
                     bool strict_kex) {
  EcdhRelay res;
  // byte SSH_MSG_KEX_ECDH_INIT, string Q_C
  wire::Reader r(payload);
  uint8_t type = 0;
  wire::Bytes q_c;
  if (!r.u8(type) || type != ssh::kKexEcdhInit || !r.string(q_c) ||
      q_c.size() > monproto::kMaxKexClientPublic || !r.end()) {
    res.disconnect_reason = ssh::kKeyExchangeFailed;
    res.error = "expected a valid KEX_ECDH_INIT";
    return res;
  }
  monproto::KexReply kex;
  if (!monproto::call(monitor_fd, monproto::KexEcdhRequest{{q_c.begin(), q_c.end()}}, kex)) {
    res.error = "monitor gone";
    return res;
  }
  if (!kex.ok) {
    res.disconnect_reason = ssh::kKeyExchangeFailed;
    res.error = kex.reason;
    return res;
  }
  // byte SSH_MSG_KEX_ECDH_REPLY, string K_S, string Q_S, string signature
  wire::Writer w(256);
  w.u8(ssh::kKexEcdhReply).string(kex.host_key_blob).string(kex.server_public).string(kex.signature);
  stream.send(w.bytes());
  const uint8_t newkeys[1] = {ssh::kNewKeys};
  stream.send(newkeys);
  // Everything after our NEWKEYS is encrypted with the new key.
  // Under strict KEX the sequence number restarts with the key (set first,
  // so the key's nonce budget starts there).
  if (strict_kex) stream.encoder().set_seq(0);
  stream.encoder().set_keys(kex.stoc);
  kex.stoc = {};
  res.recv_keys = std::move(kex.ctos);
  res.zlib_ctos = kex.zlib_ctos;
  res.zlib_stoc = kex.zlib_stoc;
  res.ok = true;
  return res;
}

void switch_receive_key(PacketStream& stream, DirectionKeys& keys, bool strict_kex) {
  if (strict_kex) stream.decoder().set_seq(0);
  stream.decoder().set_keys(keys);
  keys = {};
}

}  // namespace lpsshd::transport
