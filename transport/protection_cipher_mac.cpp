// A cipher with a separate MAC (aes*-ctr with hmac-sha2-*), in either order
// the MAC row says:
//   encrypt-then-MAC (*-etm@openssh.com): the length in the clear, outside
//     the alignment; the MAC over be32(seq) || length || ciphertext, checked
//     before anything is decrypted;
//   encrypt-and-MAC (RFC 4253 6.4): the length encrypted in the first block,
//     which must be decrypted to learn how much to read; the MAC over
//     be32(seq) || plaintext packet, so nothing is authenticated until the
//     whole packet is in (packet.cpp bounds the length first and answers a
//     bad one exactly like a bad MAC).
#include <sodium.h>

#include <cstring>

#include "crypto/aes_ctr.h"
#include "crypto/hmac_sha2.h"
#include "transport/protection_shapes.h"

namespace lpsshd::transport {

namespace {
crypto::HmacSha2::Hash hash_of(const MacAlgorithm& m) {
  return m.hash == MacHash::kSha256 ? crypto::HmacSha2::Hash::kSha256
                                    : crypto::HmacSha2::Hash::kSha512;
}

class CipherMacProtection final : public PacketProtection {
 public:
  explicit CipherMacProtection(const DirectionKeys& k)
      : PacketProtection(k.cipher->block_bytes, k.mac->tag_bytes, !k.mac->etm),
        etm_(k.mac->etm),
        ctr_(k.key.span(), k.iv.span()),
        mac_(hash_of(*k.mac), k.mac_key.span()) {}
  ~CipherMacProtection() override { sodium_memzero(first_, sizeof first_); }

  uint32_t packet_length(uint32_t, const uint8_t* first) override {
    if (etm_) return length_field(first);
    if (!have_first_) {
      ctr_.crypt(first, first_, kBlock);
      have_first_ = true;
    }
    return length_field(first_);
  }

  bool open(uint32_t seq, const uint8_t* pkt, size_t len, const uint8_t* tag, uint8_t* out) override {
    if (etm_) {
      if (!mac_.verify(seq, {pkt, len}, tag)) return false;
      ctr_.crypt(pkt + 4, out, len - 4);
      return true;
    }
    // The first block was decrypted by packet_length(); the rest follows.
    have_first_ = false;
    std::memcpy(out, first_ + 4, kBlock - 4);
    ctr_.crypt(pkt + kBlock, out + kBlock - 4, len - kBlock);
    if (!mac_.verify(seq, {first_, 4}, {out, len - 4}, tag)) {
      sodium_memzero(out, len - 4);
      return false;
    }
    return true;
  }

  void seal(uint32_t seq, uint8_t* pkt, size_t len, uint8_t* tag) override {
    if (etm_) {
      ctr_.crypt(pkt + 4, pkt + 4, len - 4);
      mac_.compute(seq, {pkt, len}, tag);
    } else {
      mac_.compute(seq, {pkt, len}, tag);
      ctr_.crypt(pkt, pkt, len);
    }
  }

  uint64_t position() const override { return ctr_.position(); }
  void set_position(uint64_t blocks) override { ctr_.set_position(blocks); }

 private:
  static constexpr size_t kBlock = crypto::AesCtr::kBlockBytes;
  bool etm_;
  crypto::AesCtr ctr_;
  crypto::HmacSha2 mac_;
  uint8_t first_[kBlock] = {};  // encrypt-and-MAC: the current packet's first block, decrypted
  bool have_first_ = false;
};
}  // namespace

std::unique_ptr<PacketProtection> make_cipher_mac_protection(const DirectionKeys& keys) {
  return std::make_unique<CipherMacProtection>(keys);
}

}  // namespace lpsshd::transport
