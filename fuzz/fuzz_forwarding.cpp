// The forwarding requests a logged-in client sends (postauth/
// forwarding_messages.h), and the permission lists they are checked against
// (postauth/forwarding_policy.h). The first byte picks the parser, the rest
// is its input. Invariants: a successful parse consumed its input exactly
// and re-encodes to the same bytes where an encoder exists; hosts and paths
// hold no NUL and stay within their limits.
#include <cstdlib>
#include <cstring>

#include "postauth/forwarding_messages.h"
#include "postauth/forwarding_policy.h"
#include "wire/writer.h"

using namespace lpsshd::postauth;
using lpsshd::wire::Bytes;

static void text_ok(const std::string& s, size_t max) {
  if (s.size() > max || std::memchr(s.data(), 0, s.size()) != nullptr) abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const Bytes in(data + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      DirectTcpip d;
      if (!parse_direct_tcpip(in, d)) return 0;
      text_ok(d.host, kMaxForwardHost);
      text_ok(d.origin, kMaxForwardHost);
      if (forwarded_tcpip_data(d.host, d.port, d.origin, d.origin_port) !=
          std::vector<uint8_t>(in.begin(), in.end()))
        abort();
      return 0;
    }
    case 1: {
      std::string path;
      if (parse_direct_streamlocal(in, path) && (path.empty() || path.size() > kMaxSocketPath)) abort();
      return 0;
    }
    case 2: {
      TcpipForward f;
      if (parse_tcpip_forward(in, f)) {
        text_ok(f.address, kMaxForwardHost);
        bind_target(GatewayPorts::kClientSpecified, f.address);
      }
      return 0;
    }
    case 3: {
      std::string path;
      if (parse_streamlocal_forward(in, path) && (path.empty() || path.size() > kMaxSocketPath)) abort();
      return 0;
    }
    default: {
      // A list of entries as strings: the checks must neither crash nor
      // allow anything when the list holds only "none".
      lpsshd::wire::Reader r(in);
      std::vector<std::string> list;
      std::string e;
      while (list.size() < 64 && r.text(e, 1100)) list.push_back(e);
      open_permitted(list, "localhost", 22);
      listen_permitted(list, "", 0);
      listen_permitted(list, "localhost", 8080);
      if (open_permitted({"none"}, "localhost", 22) || listen_permitted({"none"}, "", 0)) abort();
      return 0;
    }
  }
}
