// User public keys and signatures (crypto/public_key.h), the monitor's
// view of bytes a client chose. Input: a mode byte, then
//   mode even: a key blob for parse_public_key; one that parses must be
//              self-consistent;
//   mode odd:  a key index byte, an algorithm index byte, then a signature
//              blob, verified against one of the known-answer keys over the
//              known-answer data. A blob that verifies must be the
//              algorithm's (its own name first).
#include <cstdlib>
#include <string>
#include <vector>

#include "crypto/public_key.h"
#include "crypto/rsa_signature.h"
#include "tests/data/signature_vectors.h"

using namespace lpsshd;

namespace {

std::vector<uint8_t> hex(const std::string& h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

const std::vector<crypto::PublicKey>& keys() {
  static const std::vector<crypto::PublicKey> k = [] {
    std::vector<crypto::PublicKey> v;
    for (const auto* h : {&testvec::kRsaKey, &testvec::kEcdsaP256Key, &testvec::kEcdsaP384Key,
                          &testvec::kEcdsaP521Key, &testvec::kSkEd25519Key, &testvec::kSkEcdsaKey}) {
      auto p = crypto::parse_public_key(hex(*h));
      if (!p) abort();
      v.push_back(*p);
    }
    return v;
  }();
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::span<const uint8_t> in(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    const auto k = crypto::parse_public_key(in);
    if (!k) return 0;
    if (k->blob.size() != in.size() || !std::equal(k->blob.begin(), k->blob.end(), in.begin())) abort();
    if (k->type == transport::KeyType::kRsa &&
        (k->rsa_bits < crypto::kRsaMinParseBits || k->rsa_bits > crypto::kRsaMaxBits))
      abort();
    return 0;
  }
  if (in.size() < 2) return 0;
  const auto& key = keys()[in[0] % keys().size()];
  const auto& alg = transport::kSignatureAlgorithms[in[1] % transport::kSignatureAlgorithms.size()];
  const std::span<const uint8_t> sig = in.subspan(2);
  const std::string msg = testvec::kData;
  const auto r = crypto::verify_signature(key, alg.name, sig,
                                          {reinterpret_cast<const uint8_t*>(msg.data()), msg.size()});
  if (r.ok && (alg.key != key.type || sig.size() < 4 + alg.name.size() ||
               std::string_view(reinterpret_cast<const char*>(sig.data()) + 4, alg.name.size()) != alg.name))
    abort();
  return 0;
}
