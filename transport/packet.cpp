#include "transport/packet.h"

#include <sodium.h>

#include <cstring>

namespace lpsshd::transport {

namespace {
constexpr size_t kPlainBlock = 8;  // "none" aligns to 8, and no cipher to less
constexpr size_t kMinPadding = 4;

void store_be32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}
}  // namespace

namespace {
// A length the protection disowns. Where the length was decrypted without
// being authenticated (encrypt-and-MAC), telling a bad length apart from a
// bad MAC, or failing sooner, would let a peer probe the decryption of
// chosen blocks; such a packet is read as one of the largest size and then
// fails as a bad MAC does (OpenSSH discards the same way).
constexpr const char* kBadMac = "message authentication code incorrect";
}  // namespace

// How long the packet at the front of `in` is, once length_bytes() are in:
// its packet_length field, or kDiscard for a bad length under
// encrypt-and-MAC. Sets why for any other bad length.
uint32_t PacketDecoder::checked_length(std::span<const uint8_t> in, bool& bad, std::string& why) {
  bad = false;
  const uint32_t len = cipher_ ? cipher_->packet_length(seq_, in.data()) : length_field(in.data());
  const size_t block = cipher_ ? cipher_->block_bytes() : kPlainBlock;
  // The length field counts in the alignment unless it is outside what the
  // cipher encrypts with the payload (AEAD, encrypt-then-MAC).
  const size_t aligned = (cipher_ && !cipher_->length_in_alignment()) ? len : len + 4;
  if (len > kMaxPacketLength || len < kPlainBlock || aligned % block != 0) {
    bad = true;
    if (cipher_ && cipher_->length_in_alignment()) return kMaxPacketLength;
    why = "bad packet length " + std::to_string(len);
  }
  return len;
}

PacketDecoder::Result PacketDecoder::decode(std::span<const uint8_t> in, size_t& consumed,
                                            std::vector<uint8_t>& payload, std::string& why) {
  const size_t head = cipher_ ? cipher_->length_bytes() : 4;
  if (in.size() < head) return Result::kNeedMore;
  if (cipher_ && usage_.last_nonce(seq_)) {
    why = "incoming packets would reuse a nonce: the peer did not rekey";
    return Result::kError;
  }
  bool bad = false;
  const uint32_t len = checked_length(in, bad, why);
  if (bad && !why.empty()) return Result::kError;
  const size_t tag = cipher_ ? cipher_->tag_bytes() : 0;
  const size_t total = 4 + size_t{len} + tag;
  if (in.size() < total) return Result::kNeedMore;
  if (bad) {
    why = kBadMac;
    return Result::kError;
  }

  payload.resize(len);
  if (cipher_) {
    if (!cipher_->open(seq_, in.data(), 4 + len, in.data() + 4 + len, payload.data())) {
      why = kBadMac;
      return Result::kError;
    }
  } else {
    std::memcpy(payload.data(), in.data() + 4, len);
  }
  const size_t padding = payload[0];
  if (padding < kMinPadding || padding + 1 >= len) {
    why = "bad padding length";
    return Result::kError;
  }
  // Drop the padding_length byte and the padding, keep the payload.
  const size_t body = len - 1 - padding;
  std::memmove(payload.data(), payload.data() + 1, body);
  payload.resize(body);
  if (inflater_) {
    // Bounded: a few KB that inflate to gigabytes stop at kMaxPacketLength.
    if (!inflater_->inflate(payload, inflated_, kMaxPacketLength, why)) return Result::kError;
    // Every message has a type byte; callers read payload[0].
    if (inflated_.empty()) {
      why = "compressed packet with an empty payload";
      return Result::kError;
    }
    payload.swap(inflated_);
  }
  consumed = total;
  usage_.add(total);
  ++seq_;  // wraps modulo 2^32 as RFC 4253 6.4 requires
  return Result::kPacket;
}

size_t PacketDecoder::bytes_needed(std::span<const uint8_t> in) {
  const size_t head = cipher_ ? cipher_->length_bytes() : 4;
  if (in.size() < head) return head;
  bool bad = false;
  std::string why;
  uint32_t len = checked_length(in, bad, why);
  if (len > kMaxPacketLength) len = kMaxPacketLength;
  return 4 + size_t{len} + (cipher_ ? cipher_->tag_bytes() : 0);
}

void PacketEncoder::encode(std::span<const uint8_t> payload, std::vector<uint8_t>& out) {
  if (exhausted_ || (cipher_ && usage_.last_nonce(seq_))) {
    exhausted_ = true;
    return;
  }
  if (deflater_) {
    deflated_.clear();
    if (!deflater_->compress(payload, deflated_)) {
      exhausted_ = true;
      return;
    }
    payload = deflated_;
  }
  const size_t block = cipher_ ? cipher_->block_bytes() : kPlainBlock;
  const bool length_counts = !cipher_ || cipher_->length_in_alignment();
  const size_t unaligned = (length_counts ? 4 : 0) + 1 + payload.size();
  size_t padding = block - unaligned % block;
  if (padding < kMinPadding) padding += block;
  const size_t len = 1 + payload.size() + padding;
  const size_t tag = cipher_ ? cipher_->tag_bytes() : 0;
  const size_t start = out.size();
  out.resize(start + 4 + len + tag);
  uint8_t* p = out.data() + start;
  store_be32(p, static_cast<uint32_t>(len));
  p[4] = static_cast<uint8_t>(padding);
  if (!payload.empty()) std::memcpy(p + 5, payload.data(), payload.size());
  randombytes_buf(p + 5 + payload.size(), padding);
  if (cipher_) cipher_->seal(seq_, p, 4 + len, p + 4 + len);
  usage_.add(4 + len + tag);
  ++seq_;
}

}  // namespace lpsshd::transport
