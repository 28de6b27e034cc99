#include "postauth/transport.h"

#include <algorithm>

#include "monitor/protocol_client.h"
#include "transport/kex_relay.h"
#include "transport/kexinit.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

namespace lpsshd::postauth {

void Transport::send(std::span<const uint8_t> payload) {
  if (sending_paused()) {
    if (deferred_bytes_ + payload.size() + kDeferredOverhead > kMaxDeferredBytes) {
      fail("too many replies queued during a key exchange");  // tick() ends it
      return;
    }
    deferred_.emplace_back(payload.begin(), payload.end());
    deferred_bytes_ += payload.size() + kDeferredOverhead;
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

bool Transport::start_exchange(uint64_t now_ms) {
  monproto::KexInitReply reply;
  if (!monproto::call(monitor_fd_, monproto::KexStartRequest{}, reply) || !reply.ok)
    return fail("monitor refused to start a key exchange");
  stream_.send(reply.server_kexinit);
  kex_state_ = KexState::kSentKexInit;
  kex_started_ms_ = now_ms;
  return true;
}

bool Transport::start_rekey(uint64_t now_ms) {
  if (!start_exchange(now_ms)) return false;
  rekey_after_auth_ = true;
  return true;
}

bool Transport::tick(uint64_t now_ms) {
  now_ms_ = now_ms;
  if (!error_.empty()) return false;
  if (exchanging() && now_ms >= kex_started_ms_ + uint64_t{limits_.kex_deadline_s} * 1000) {
    disconnect(ssh::kProtocolError, "key exchange not completed in time");
    return fail("key exchange not completed within " + std::to_string(limits_.kex_deadline_s) + " s");
  }
  const auto due = transport::rekey_due({stream_.encoder().usage(), stream_.encoder().seq()},
                                        {stream_.decoder().usage(), stream_.decoder().seq()},
                                        limits_.rekey, now_ms, keyed_ms_, exchanging());
  if (due == transport::RekeyDue::kGiveUp) {
    disconnect(ssh::kProtocolError, "keys used up: the key exchange did not complete");
    return fail("packet sequence numbers exhausted without a completed key exchange");
  }
  if (due == transport::RekeyDue::kNo) return true;
  return start_exchange(now_ms);
}

int Transport::timeout_ms(uint64_t now_ms) const {
  uint64_t at = UINT64_MAX;
  if (exchanging()) {
    at = kex_started_ms_ + uint64_t{limits_.kex_deadline_s} * 1000;
  } else if (limits_.rekey.interval_s != 0 && keys_used()) {
    // An idle line is not rekeyed by time (rekey_policy.h), so there is no
    // time to wake up for until a packet moves: waking then would spin.
    at = keyed_ms_ + uint64_t{limits_.rekey.interval_s} * 1000;
  }
  if (at == UINT64_MAX) return -1;
  if (at <= now_ms) return 0;
  return static_cast<int>(std::min<uint64_t>(at - now_ms, INT32_MAX));
}

bool Transport::hold_until_rekeyed(std::vector<uint8_t>& payload) {
  const uint8_t type = payload[0];
  if (type != ssh::kChannelOpen && type != ssh::kGlobalRequest)
    return fail("message " + std::to_string(type) +
                " before the key exchange that follows authentication completed");
  if (held_.size() >= kMaxHeldMessages || held_bytes_ + payload.size() > kMaxHeldBytes)
    return fail("too many messages before the key exchange that follows authentication");
  held_bytes_ += payload.size();
  held_.push_back(std::move(payload));
  return true;
}

Transport::Next Transport::next(std::vector<uint8_t>& payload) {
  // What waited for the exchange after authentication, in order.
  if (!rekey_after_auth_ && !held_.empty()) {
    payload = std::move(held_.front());
    held_.pop_front();
    held_bytes_ -= payload.size();
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
      send(w.bytes());  // deferred like any reply while our exchange runs
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
  // A KEXINIT the monitor's parser would refuse is the client's mistake:
  // tell it why, rather than send the monitor a message it must treat as
  // a violation.
  std::string why;
  if (!transport::client_kexinit_acceptable(payload, why)) {
    disconnect(ssh::kProtocolError, why);
    return fail(why);
  }
  monproto::KexInitReply reply;
  monproto::KexInitRequest req{"", {payload.begin(), payload.end()}};
  if (!monproto::call(monitor_fd_, req, reply)) return fail("monitor gone");
  if (!reply.ok) {
    disconnect(ssh::kKeyExchangeFailed, reply.reason);
    return fail(reply.reason);
  }
  // The client started this exchange: our KEXINIT answers it now.
  if (!ours_sent) {
    stream_.send(reply.server_kexinit);
    kex_started_ms_ = now_ms_;
  }
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
  pending_recv_keys_ = std::move(relay.recv_keys);
  // Compression follows the keys, as in OpenSSH: from our NEWKEYS on, a
  // fresh deflate stream if this exchange negotiated zlib@openssh.com,
  // none if it negotiated "none". Nothing was sent since the key switch.
  stream_.encoder().set_compression(relay.zlib_stoc);
  pending_recv_zlib_ = relay.zlib_ctos;
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
  transport::switch_receive_key(stream_, pending_recv_keys_, strict_kex_);
  // The client restarted (or stopped) its deflate stream with its NEWKEYS.
  stream_.decoder().set_compression(pending_recv_zlib_);
  kex_state_ = KexState::kIdle;
  keyed_ms_ = now_ms_;
  rekey_after_auth_ = false;
  return true;
}

}  // namespace lpsshd::postauth
