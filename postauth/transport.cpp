#include "postauth/transport.h"

#include <sodium.h>

#include "monitor/protocol_client.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

void Transport::send(std::span<const uint8_t> payload) {
  if (sending_paused()) {
    deferred_.emplace_back(payload.begin(), payload.end());
    return;
  }
  stream_.send(payload);
}

bool Transport::fail(const std::string& why) {
  error_ = why;
  return false;
}

void Transport::disconnect(uint32_t reason, const std::string& description) {
  wire::Writer w;
  w.u8(ssh::kDisconnect).u32(reason).string(description).string("");
  stream_.send(w.bytes());
  stream_.flush();
}

Transport::Next Transport::next(std::vector<uint8_t>& payload) {
  while (true) {
    std::string why;
    const uint32_t seq = stream_.decoder().seq();
    auto r = stream_.next(payload, why);
    if (r == transport::PacketDecoder::Result::kNeedMore) return Next::kNone;
    if (r == transport::PacketDecoder::Result::kError) {
      fail(why);
      return Next::kError;
    }
    const uint8_t type = payload[0];
    switch (type) {
      case ssh::kDisconnect:
        return Next::kClosed;
      case ssh::kIgnore:
      case ssh::kDebug:
      case ssh::kUnimplemented:
        continue;
      case ssh::kKexInit:
        if (!on_kexinit(payload)) return Next::kError;
        continue;
      case ssh::kKexEcdhInit:
        if (ignore_next_kex_packet_) {
          ignore_next_kex_packet_ = false;
          continue;
        }
        if (!on_ecdh(payload)) return Next::kError;
        continue;
      case ssh::kNewKeys:
        if (!on_newkeys()) return Next::kError;
        continue;
      default:
        break;
    }
    if (ssh::is_kex_message(type)) {
      fail("unexpected key exchange message");
      return Next::kError;
    }
    if (type < ssh::kUserauthRequest) {
      // Service requests and unknown transport messages: not ours to serve.
      wire::Writer w;
      w.u8(ssh::kUnimplemented).u32(seq);
      stream_.send(w.bytes());
      continue;
    }
    if (type < ssh::kGlobalRequest) continue;  // late userauth messages: ignored (RFC 4252 5.1)
    return Next::kMessage;
  }
}

bool Transport::on_kexinit(std::span<const uint8_t> payload) {
  if (kex_state_ != KexState::kIdle) return fail("KEXINIT during key exchange");
  monproto::KexInitReply reply;
  monproto::KexInitRequest req{"", {payload.begin(), payload.end()}};
  if (!monproto::call(monitor_fd_, req, reply)) return fail("monitor gone");
  if (!reply.ok) {
    disconnect(ssh::kKeyExchangeFailed, reply.reason);
    return fail(reply.reason);
  }
  stream_.send(reply.server_kexinit);
  ignore_next_kex_packet_ = reply.ignore_guessed;
  kex_state_ = KexState::kWaitEcdh;
  return true;
}

bool Transport::on_ecdh(std::span<const uint8_t> payload) {
  if (kex_state_ != KexState::kWaitEcdh) return fail("unexpected KEX_ECDH_INIT");
  wire::Reader r(payload);
  uint8_t type = 0;
  wire::Bytes q_c;
  if (!r.u8(type) || !r.fixed_string(q_c, 32) || !r.end()) return fail("bad KEX_ECDH_INIT");
  monproto::KexReply kex;
  if (!monproto::call(monitor_fd_, monproto::KexEcdhRequest{{q_c.begin(), q_c.end()}}, kex))
    return fail("monitor gone");
  if (!kex.ok) {
    disconnect(ssh::kKeyExchangeFailed, kex.reason);
    return fail(kex.reason);
  }
  wire::Writer w(256);
  w.u8(ssh::kKexEcdhReply).string(kex.host_key_blob).string(kex.server_public).string(kex.signature);
  stream_.send(w.bytes());
  const uint8_t newkeys[1] = {ssh::kNewKeys};
  stream_.send(newkeys);
  stream_.encoder().set_key(kex.key_stoc.span());
  if (strict_kex_) stream_.encoder().set_seq(0);
  pending_recv_key_.assign(kex.key_ctos.span().begin(), kex.key_ctos.span().end());
  kex_state_ = KexState::kWaitNewKeys;
  // Our side of the exchange is complete: messages queued meanwhile may go
  // out under the new key.
  while (!deferred_.empty()) {
    stream_.send(deferred_.front());
    deferred_.pop_front();
  }
  return true;
}

bool Transport::on_newkeys() {
  if (kex_state_ != KexState::kWaitNewKeys) return fail("unexpected NEWKEYS");
  stream_.decoder().set_key(pending_recv_key_);
  sodium_memzero(pending_recv_key_.data(), pending_recv_key_.size());
  pending_recv_key_.clear();
  if (strict_kex_) stream_.decoder().set_seq(0);
  kex_state_ = KexState::kIdle;
  return true;
}

}  // namespace lpsshd::postauth
