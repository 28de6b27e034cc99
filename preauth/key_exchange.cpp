#include "preauth/key_exchange.h"

#include "monitor/protocol_client.h"
#include "transport/kex_relay.h"
#include "transport/kexinit.h"
#include "transport/ssh_msg.h"

namespace lpsshd::preauth {

// Whatever the child forwards, the monitor must take: a KEXINIT it would
// refuse as malformed would be a violation by this child, not a client's
// mistake.
static_assert(transport::kMaxKexInit <= monproto::kMaxKexInitBytes);

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
  // The client's KEXINIT is checked here with the monitor's own parser and
  // limits (size, names per list, name length, printable names): a client
  // that breaks them hears why, and the monitor is only ever sent a KEXINIT
  // it accepts.
  std::string why;
  if (!transport::client_kexinit_acceptable(pkt, why)) {
    conn.disconnect(ssh::kProtocolError, why);
    res.error = why;
    return res;
  }

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
  // The server's KEXINIT went out with the version line (preauth/main.cpp);
  // the monitor negotiated against those very bytes.

  // The client's key exchange packet, after a wrongly guessed one if any.
  for (int i = init.ignore_guessed ? 2 : 1; i > 0; --i) {
    if (!conn.read_packet(pkt, res.strict_kex)) {
      res.error = conn.error();
      return res;
    }
  }
  auto relay = transport::relay_ecdh(conn.stream(), monitor_fd, pkt, res.strict_kex);
  if (!relay.ok) {
    if (relay.disconnect_reason != 0) conn.disconnect(relay.disconnect_reason, relay.error);
    res.error = relay.error;
    return res;
  }
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
  transport::switch_receive_key(conn.stream(), relay.recv_keys, res.strict_kex);
  return res;
}

}  // namespace lpsshd::preauth
