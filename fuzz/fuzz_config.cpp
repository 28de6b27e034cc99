// sshd_config parser. Beyond "never crashes": whenever a text parses, its
// serialized form must parse back to an equal Config and serialize to the
// same text, since the listener hands that form to per-connection processes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lpsshd::config;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;

  // The first line also stands in for a -o option.
  Config from_option;
  parse_config_option(text.substr(0, text.find('\n')), from_option, error);

  Config cfg;
  if (!parse_config_text(text, "fuzz", cfg, error)) return 0;
  const std::string out = serialize_config(cfg);
  Config back;
  if (!parse_config_text(out, "serialized", back, error)) abort();
  if (!(back == cfg) || serialize_config(back) != out) abort();
  return 0;
}
