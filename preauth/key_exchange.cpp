#include "preauth/key_exchange.h"

#include "monitor/protocol_client.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::preauth {

KexResult run_first_kex(Connection& conn, int monitor_fd, const std::string& client_version) {
  KexResult res;
  std::vector<uint8_t> pkt;
  // Strict KEX requires KEXINIT to be the very first packet. Whether the
  // client asked for strict KEX is only known from that KEXINIT, so any
  // packet before it is remembered and judged afterwards.
  if (!conn.read_packet(pkt)) {
    res.error = conn.error();
    return res;
  }
  if (pkt[0] != ssh::kKexInit) {
    conn.disconnect(ssh::kProtocolError, "expected KEXINIT");
    res.error = "first message is not KEXINIT";
    return res;
  }
  const bool kexinit_was_first = conn.packets_received() == 1;

  monproto::KexInitRequest init_req{client_version, pkt};
  monproto::KexInitReply init;
  if (!monproto::call(monitor_fd, init_req, init)) {
    res.error = "monitor gone";
    return res;
  }
  if (!init.ok) {
    conn.disconnect(ssh::kKeyExchangeFailed, init.reason);
    res.error = init.reason;
    return res;
  }
  res.strict_kex = init.strict_kex;
  res.client_ext_info = init.client_ext_info;
  if (res.strict_kex && !kexinit_was_first) {
    conn.disconnect(ssh::kProtocolError, "strict KEX violation: KEXINIT was not the first packet");
    res.error = "strict KEX: KEXINIT not first";
    return res;
  }
  if (!conn.write_packet(init.server_kexinit)) {
    res.error = conn.error();
    return res;
  }

  // The client's key exchange packet, after a wrongly guessed one if any.
  for (int i = init.ignore_guessed ? 2 : 1; i > 0; --i) {
    if (!conn.read_packet(pkt, res.strict_kex)) {
      res.error = conn.error();
      return res;
    }
  }
  wire::Reader r(pkt);
  uint8_t type = 0;
  wire::Bytes q_c;
  if (!r.u8(type) || type != ssh::kKexEcdhInit || !r.fixed_string(q_c, 32) || !r.end()) {
    conn.disconnect(ssh::kKeyExchangeFailed, "expected a valid KEX_ECDH_INIT");
    res.error = "bad KEX_ECDH_INIT";
    return res;
  }
  monproto::KexReply kex;
  if (!monproto::call(monitor_fd, monproto::KexEcdhRequest{{q_c.begin(), q_c.end()}}, kex)) {
    res.error = "monitor gone";
    return res;
  }
  if (!kex.ok) {
    conn.disconnect(ssh::kKeyExchangeFailed, kex.reason);
    res.error = kex.reason;
    return res;
  }
  wire::Writer reply(256);
  reply.u8(ssh::kKexEcdhReply).string(kex.host_key_blob).string(kex.server_public).string(kex.signature);
  const uint8_t newkeys[1] = {ssh::kNewKeys};
  conn.stream().send(reply.bytes());
  conn.stream().send(newkeys);
  // Everything after our NEWKEYS is encrypted with the new key.
  conn.stream().encoder().set_key(kex.key_stoc.span());
  if (res.strict_kex) conn.stream().encoder().set_seq(0);
  if (!conn.flush()) {
    res.error = conn.error();
    return res;
  }

  if (!conn.read_packet(pkt, res.strict_kex)) {
    res.error = conn.error();
    return res;
  }
  if (pkt.size() != 1 || pkt[0] != ssh::kNewKeys) {
    conn.disconnect(ssh::kProtocolError, "expected NEWKEYS");
    res.error = "expected NEWKEYS";
    return res;
  }
  conn.stream().decoder().set_key(kex.key_ctos.span());
  if (res.strict_kex) conn.stream().decoder().set_seq(0);
  return res;
}

}  // namespace lpsshd::preauth
