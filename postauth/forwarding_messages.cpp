#include "postauth/forwarding_messages.h"

#include "wire/writer.h"

namespace lpsshd::postauth {

namespace {
// A host or address field: text, no NUL, bounded. Empty is allowed (an
// empty bind address means "all", as RFC 4254 7.1 says).
bool host_field(wire::Reader& r, std::string& out) { return r.text(out, kMaxForwardHost); }

bool path_field(wire::Reader& r, std::string& out) {
  return r.text(out, kMaxSocketPath) && !out.empty();
}
}  // namespace

bool parse_direct_tcpip(wire::Bytes extra, DirectTcpip& out) {
  wire::Reader r(extra);
  return host_field(r, out.host) && r.u32(out.port) && host_field(r, out.origin) &&
         r.u32(out.origin_port) && r.end();
}

bool parse_direct_streamlocal(wire::Bytes extra, std::string& path) {
  wire::Reader r(extra);
  wire::Bytes reserved;
  uint32_t reserved_u32 = 0;
  if (!path_field(r, path) || !r.string(reserved)) return false;
  // OpenSSH before 8.0 omitted the trailing uint32; accept both forms.
  if (r.end()) return true;
  return r.u32(reserved_u32) && r.end();
}

bool parse_tcpip_forward(wire::Bytes body, TcpipForward& out) {
  wire::Reader r(body);
  return host_field(r, out.address) && r.u32(out.port) && r.end();
}

bool parse_streamlocal_forward(wire::Bytes body, std::string& path) {
  wire::Reader r(body);
  return path_field(r, path) && r.end();
}

std::vector<uint8_t> allocated_port_reply(uint16_t port) {
  wire::Writer w;
  w.u32(port);
  return w.bytes();
}

std::vector<uint8_t> forwarded_tcpip_data(const std::string& address, uint32_t port,
                                          const std::string& origin, uint32_t origin_port) {
  wire::Writer w;
  w.string(address).u32(port).string(origin).u32(origin_port);
  return w.bytes();
}

std::vector<uint8_t> forwarded_streamlocal_data(const std::string& path) {
  wire::Writer w;
  w.string(path).string("");
  return w.bytes();
}

}  // namespace lpsshd::postauth
