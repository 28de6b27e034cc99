// chacha20-poly1305@openssh.com (crypto/chachapoly.h): the length is
// encrypted with its own key, so it sits outside the block alignment.
#include "crypto/chachapoly.h"
#include "transport/protection_shapes.h"

namespace lpsshd::transport {

namespace {
class ChachaPolyProtection final : public PacketProtection {
 public:
  explicit ChachaPolyProtection(const DirectionKeys& k)
      : PacketProtection(k.cipher->block_bytes, crypto::ChachaPoly::kTagBytes, false),
        cipher_(k.key.span()) {}
  uint32_t packet_length(uint32_t seq, const uint8_t* first) override {
    return cipher_.packet_length(seq, first);
  }
  bool open(uint32_t seq, const uint8_t* pkt, size_t len, const uint8_t* tag, uint8_t* out) override {
    return cipher_.open(seq, pkt, len, tag, out);
  }
  void seal(uint32_t seq, uint8_t* pkt, size_t len, uint8_t* tag) override {
    cipher_.seal(seq, pkt, len, tag);
  }

 private:
  crypto::ChachaPoly cipher_;
};
}  // namespace

std::unique_ptr<PacketProtection> make_chachapoly_protection(const DirectionKeys& keys) {
  return std::make_unique<ChachaPolyProtection>(keys);
}

}  // namespace lpsshd::transport
