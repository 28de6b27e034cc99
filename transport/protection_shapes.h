// The three shapes of packet protection (packet_protection.h), one file
// each; make_protection() picks by the cipher row's mode. Internal to
// lpsshd_transport.
#pragma once

#include <memory>

#include "transport/packet_protection.h"

namespace lpsshd::transport {

std::unique_ptr<PacketProtection> make_chachapoly_protection(const DirectionKeys& keys);
std::unique_ptr<PacketProtection> make_aes_gcm_protection(const DirectionKeys& keys);
std::unique_ptr<PacketProtection> make_cipher_mac_protection(const DirectionKeys& keys);

}  // namespace lpsshd::transport
