#include "transport/algorithms.h"

namespace lpsshd::transport {

namespace {
template <class Table>
auto find_in(const Table& table, std::string_view name) -> decltype(&table[0]) {
  for (const auto& row : table)
    if (row.name == name) return &row;
  return nullptr;
}
}  // namespace

const KexAlgorithm* find_kex(std::string_view name) { return find_in(kKexAlgorithms, name); }
const SignatureAlgorithm* find_signature(std::string_view name) {
  return find_in(kSignatureAlgorithms, name);
}
const CipherAlgorithm* find_cipher(std::string_view name) { return find_in(kCiphers, name); }
const MacAlgorithm* find_mac(std::string_view name) { return find_in(kMacs, name); }

std::vector<std::string_view> supported_algorithms(AlgorithmKind kind) {
  std::vector<std::string_view> out;
  switch (kind) {
    case AlgorithmKind::kKex:
      for (const auto& r : kKexAlgorithms) out.push_back(r.name);
      break;
    case AlgorithmKind::kHostKey:
      for (const auto& r : kSignatureAlgorithms)
        if (r.host_key) out.push_back(r.name);
      break;
    case AlgorithmKind::kCipher:
      for (const auto& r : kCiphers) out.push_back(r.name);
      break;
    case AlgorithmKind::kMac:
      for (const auto& r : kMacs) out.push_back(r.name);
      break;
    case AlgorithmKind::kPubkey:
    case AlgorithmKind::kCaSignature:
      for (const auto& r : kSignatureAlgorithms) out.push_back(r.name);
      break;
  }
  return out;
}

std::vector<std::string_view> default_algorithms(AlgorithmKind kind) {
  std::vector<std::string_view> out;
  switch (kind) {
    case AlgorithmKind::kKex:
      for (const auto& r : kKexAlgorithms)
        if (r.by_default) out.push_back(r.name);
      break;
    case AlgorithmKind::kHostKey:
      for (const auto& r : kSignatureAlgorithms)
        if (r.host_default) out.push_back(r.name);
      break;
    case AlgorithmKind::kCipher:
    case AlgorithmKind::kMac:
      out = supported_algorithms(kind);
      break;
    case AlgorithmKind::kPubkey:
    case AlgorithmKind::kCaSignature:
      for (const auto& r : kSignatureAlgorithms)
        if (r.user_default) out.push_back(r.name);
      break;
  }
  return out;
}

}  // namespace lpsshd::transport
