#include "postauth/transport.h"

#include "monitor/protocol_client.h"
#include "transport/kex_relay.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

void Transport::send(std::span<const uint8_t> payload) {
  if (sending_paused()) {
    // A deferred message also holds its vector and a heap block: a flood of
    // one-byte replies costs far more than its bytes.
    constexpr size_t kPerMessage = sizeof(std::vector<uint8_t>) + 32;
    deferred_bytes_ += payload.size() + kPerMessage;
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

bool Transport::start_rekey() {
  monproto::KexInitReply reply;
  if (!monproto::call(monitor_fd_, monproto::KexStartRequest{}, reply) || !reply.ok)
    return fail("monitor refused to start a key exchange");
  stream_.send(reply.server_kexinit);
  kex_state_ = KexState::kSentKexInit;
  rekey_after_auth_ = true;
  return true;
}

bool Transport::hold_until_rekeyed(std::vector<uint8_t>& payload) {
  const uint8_t type = payload[0];
  if (type != ssh::kChannelOpen && type != ssh::kGlobalRequest)
    return fail("message " + std::to_string(type) +
                " before the key exchange that follows authentication completed");
  if (held_.size() >= kMaxHeldMessages)
    return fail("too many messages before the key exchange that follows authentication");
  held_.push_back(std::move(payload));
  return true;
}

Transport::Next Transport::next(std::vector<uint8_t>& payload) {
  // What waited for the exchange after authentication, in order.
  if (!rekey_after_auth_ && !held_.empty()) {
    payload = std::move(held_.front());
    held_.pop_front();
    return Next::kMessage;
  }
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
        if (!rekey_after_auth_ && !held_.empty()) return next(payload);
        continue;
      default:
        break;
    }
    if (ssh::is_kex_message(type)) {
      fail("unexpected key exchange message");
      return Next::kError;
    }
    if (rekey_after_auth_) {
      if (!hold_until_rekeyed(payload)) return Next::kError;
      continue;
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
  if (kex_state_ != KexState::kIdle && kex_state_ != KexState::kSentKexInit)
    return fail("KEXINIT during key exchange");
  const bool ours_sent = kex_state_ == KexState::kSentKexInit;
  monproto::KexInitReply reply;
  monproto::KexInitRequest req{"", {payload.begin(), payload.end()}};
  if (!monproto::call(monitor_fd_, req, reply)) return fail("monitor gone");
  if (!reply.ok) {
    disconnect(ssh::kKeyExchangeFailed, reply.reason);
    return fail(reply.reason);
  }
  // The client started this exchange: our KEXINIT answers it now.
  if (!ours_sent) stream_.send(reply.server_kexinit);
  ignore_next_kex_packet_ = reply.ignore_guessed;
  kex_state_ = KexState::kWaitEcdh;
  return true;
}

bool Transport::on_ecdh(std::span<const uint8_t> payload) {
  if (kex_state_ != KexState::kWaitEcdh) return fail("unexpected KEX_ECDH_INIT");
  auto relay = transport::relay_ecdh(stream_, monitor_fd_, payload, strict_kex_);
  if (!relay.ok) {
    if (relay.disconnect_reason != 0) disconnect(relay.disconnect_reason, relay.error);
    return fail(relay.error);
  }
  pending_recv_key_ = std::move(relay.recv_key);
  kex_state_ = KexState::kWaitNewKeys;
  // Our side of the exchange is complete: messages queued meanwhile may go
  // out under the new key.
  while (!deferred_.empty()) {
    stream_.send(deferred_.front());
    deferred_.pop_front();
  }
  deferred_bytes_ = 0;
  return true;
}

bool Transport::on_newkeys() {
  if (kex_state_ != KexState::kWaitNewKeys) return fail("unexpected NEWKEYS");
  transport::switch_receive_key(stream_, pending_recv_key_, strict_kex_);
  kex_state_ = KexState::kIdle;
  rekey_after_auth_ = false;
  return true;
}

}  // namespace lpsshd::postauth
