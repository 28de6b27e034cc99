// sshd_config parser. Beyond "never crashes": whenever a text parses, its
// serialized form must parse back to an equal Config and serialize to the
// same text, since the listener hands that form to per-connection processes;
// and every algorithm list is non-empty, duplicate-free and made only of
// names the table supports for its kind.
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"
#include "transport/algorithms.h"

namespace {
bool valid_list(const std::vector<std::string>& list, lpsshd::transport::AlgorithmKind kind) {
  const auto supported = lpsshd::transport::supported_algorithms(kind);
  for (auto it = list.begin(); it != list.end(); ++it)
    if (it->empty() || std::find(supported.begin(), supported.end(), *it) == supported.end() ||
        std::find(list.begin(), it, *it) != it)
      return false;
  return !list.empty();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lpsshd::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;

  // The first line also stands in for a -o option.
  Config from_option;
  parse_config_option(text.substr(0, text.find('\n')), from_option, error);

  Config cfg;
  if (!parse_config_text(text, "fuzz", cfg, error)) return 0;
  using lpsshd::transport::AlgorithmKind;
  if (!valid_list(cfg.ciphers, AlgorithmKind::kCipher) || !valid_list(cfg.macs, AlgorithmKind::kMac) ||
      !valid_list(cfg.kex_algorithms, AlgorithmKind::kKex) ||
      !valid_list(cfg.host_key_algorithms, AlgorithmKind::kHostKey) ||
      !valid_list(cfg.pubkey_accepted_algorithms, AlgorithmKind::kPubkey) ||
      !valid_list(cfg.ca_signature_algorithms, AlgorithmKind::kCaSignature) ||
      cfg.required_rsa_size < 1024)
    abort();
  const std::string out = serialize_config(cfg);
  Config back;
  if (!parse_config_text(out, "serialized", back, error)) abort();
  if (!(back == cfg) || serialize_config(back) != out) abort();
  return 0;
}
