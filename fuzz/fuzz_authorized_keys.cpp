// authorized_keys lines and from= patterns. Beyond "never crashes": a line
// that parses on its own must be found by find_authorized_key at that line
// or an earlier one with the same key (unless it is a cert-authority line).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "monitor/authorized_keys.h"
#include "monitor/host_pattern.h"

using namespace lpsshd::authkeys;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view contents(reinterpret_cast<const char*>(data), size);
  match_host_patterns(contents, "2001:db8::1", "host.example.com");

  std::string_view rest = contents;
  for (size_t line_no = 1; !rest.empty() && line_no <= 16; ++line_no) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    AuthorizedKey key;
    std::string error;
    if (!parse_authorized_key_line(line, key, error)) continue;
    if (key.options.from) match_host_patterns(*key.options.from, "::ffff:192.0.2.1", "h");
    if (key.options.cert_authority) continue;
    const auto found = find_authorized_key(contents, key.blob);
    if (!found || found->line_number > line_no || found->blob != key.blob) abort();
  }
  return 0;
}
