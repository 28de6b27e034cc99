// SHAKE128 and SHAKE256 (FIPS 202) as extendable-output functions that absorb
// and squeeze in pieces of any size. ML-KEM needs both: SampleNTT reads
// SHAKE128 in as many pieces as its rejection loop wants, PRF and J are
// SHAKE256. nettle 3.8.1 offers no SHAKE128 and squeezes SHAKE256 only once,
// so the sponge is written here on top of nettle's Keccak-f[1600]
// (sha3_permute): the one primitive this project adds to its libraries.
//
// Contract: absorb() only before the first squeeze() (calling it afterwards
// is a bug and aborts: a caller mixing them would silently get a different
// function). The state is wiped when the object dies.
#pragma once

#include <nettle/sha3.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace lpsshd::crypto {

template <size_t kRate>
class KeccakXof {
 public:
  KeccakXof();
  ~KeccakXof();
  KeccakXof(const KeccakXof&) = delete;
  KeccakXof& operator=(const KeccakXof&) = delete;

  void absorb(std::span<const uint8_t> data);
  void squeeze(std::span<uint8_t> out);

 private:
  void finish_absorbing();

  sha3_state state_;
  size_t position_ = 0;  // byte offset into the rate part of the state
  bool squeezing_ = false;
};

// Rates in bytes: 1600 bits minus twice the security level.
using Shake128 = KeccakXof<168>;
using Shake256 = KeccakXof<136>;

}  // namespace lpsshd::crypto
