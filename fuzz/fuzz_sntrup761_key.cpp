// sntrup761 encapsulation to a client's public key (crypto/sntrup761.h):
// any 1158 bytes are a key, so the input is padded with zeros or cut to
// that size. Beyond "never reads out of bounds": the key decodes into range
// and its re-encoding decodes to the same polynomial, and the ciphertext
// is a canonical encoding (it decodes and re-encodes to the same bytes).
#include <algorithm>
#include <array>
#include <cstdlib>

#include "crypto/sntrup761.h"
#include "crypto/sntrup761_encoding.h"

using namespace lpsshd::crypto::sntrup761;

namespace {
void fixed_random(std::span<uint8_t> out, void*) {
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 167 + 13);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::array<uint8_t, kPublicKeyBytes> pk{};
  std::copy_n(data, std::min(size, pk.size()), pk.begin());
  std::array<uint8_t, kCiphertextBytes> ct;
  std::array<uint8_t, kSharedSecretBytes> shared;
  encapsulate(pk, ct, shared, fixed_random);

  Rq h, h_again, c;
  decode_rq(h, pk);
  std::array<uint8_t, kPublicKeyBytes> reencoded;
  encode_rq(reencoded, h);
  decode_rq(h_again, reencoded);
  if (h != h_again) abort();
  for (int16_t x : h) if (x < -kHalfQ || x > kHalfQ) abort();

  const auto rounded = std::span(ct).first<kRoundedBytes>();
  decode_rounded(c, rounded);
  std::array<uint8_t, kRoundedBytes> ct_again;
  encode_rounded(ct_again, c);
  if (!std::equal(ct_again.begin(), ct_again.end(), rounded.begin())) abort();
  return 0;
}
