// aes128-gcm@openssh.com / aes256-gcm@openssh.com (crypto/aes_gcm.h): the
// length travels in the clear as additional data and is outside the block
// alignment; the sequence number plays no part (the invocation counter
// does).
#include "crypto/aes_gcm.h"
#include "transport/protection_shapes.h"

namespace lpsshd::transport {

namespace {
class AesGcmProtection final : public PacketProtection {
 public:
  explicit AesGcmProtection(const DirectionKeys& k)
      : PacketProtection(k.cipher->block_bytes, crypto::AesGcm::kTagBytes, false),
        gcm_(k.key.span(), k.iv.span()) {}
  uint32_t packet_length(uint32_t, const uint8_t* first) override { return length_field(first); }
  bool open(uint32_t, const uint8_t* pkt, size_t len, const uint8_t* tag, uint8_t* out) override {
    return gcm_.open({pkt, 4}, pkt + 4, len - 4, tag, out);
  }
  void seal(uint32_t, uint8_t* pkt, size_t len, uint8_t* tag) override {
    gcm_.seal({pkt, 4}, pkt + 4, len - 4, tag);
  }
  uint64_t position() const override { return gcm_.invocations(); }
  void set_position(uint64_t n) override { gcm_.set_invocations(n); }

 private:
  crypto::AesGcm gcm_;
};
}  // namespace

std::unique_ptr<PacketProtection> make_aes_gcm_protection(const DirectionKeys& keys) {
  return std::make_unique<AesGcmProtection>(keys);
}

}  // namespace lpsshd::transport
