// RSA signature verification for user keys (RFC 8332 rsa-sha2-256/512 and
// RFC 4253's SHA-1 ssh-rsa): PKCS#1 v1.5 via nettle. Monitor only.
#pragma once

#include <cstdint>
#include <span>

#include "transport/algorithms.h"

namespace lpsshd::crypto {

// Bounds of what a user key may be: below the floor nobody should log in
// with it (OpenSSH refuses it at parse too); above the ceiling one
// verification costs more than the monitor will spend on an attacker's key.
inline constexpr unsigned kRsaMinParseBits = 1024;
inline constexpr unsigned kRsaMaxBits = 16384;
// A public exponent beyond 64 bits only costs time; nobody makes one.
inline constexpr size_t kRsaMaxExponentBytes = 8;

// Bits of a big-endian magnitude without leading zero bytes (as
// wire::Reader::mpint_unsigned produces): 8*len minus the top byte's
// leading zero bits.
unsigned magnitude_bits(std::span<const uint8_t> be);

// (Not named rsa_pkcs1_verify: nettle/rsa.h #defines that name.)
// Verifies signature s (big-endian, the raw string of the signature blob)
// over data with PKCS#1 v1.5 and `hash`. n and e as mpint magnitudes. A
// signature shorter than the modulus is taken as left-padded with zeros
// (OpenSSH does: some clients strip leading zero bytes); a longer one, or a
// value >= n, is refused.
bool rsa_verify_pkcs1v15(std::span<const uint8_t> n, std::span<const uint8_t> e,
                      transport::SignatureHash hash, std::span<const uint8_t> s,
                      std::span<const uint8_t> data);

}  // namespace lpsshd::crypto
