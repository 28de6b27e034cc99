#include "monitor/host_pattern.h"

#include "pattern/wildcard.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace lpsshd::authkeys {
namespace {


// An address as 16 bytes; IPv4 uses the first 4.
struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
};

// inet_pton is a pure libc conversion, not a system call.
std::optional<Address> parse_address(std::string_view s) {
  if (s.empty() || s.size() > 45) return std::nullopt;  // INET6_ADDRSTRLEN - 1
  const std::string z(s);
  Address a;
  if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) return a;
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) != 1) return std::nullopt;
  a.v6 = true;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) must still
  // match IPv4 blocks.
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a.bytes.data(), kMapped, 12) == 0) {
    Address v4;
    std::memcpy(v4.bytes.data(), a.bytes.data() + 12, 4);
    return v4;
  }
  return a;
}

struct Cidr {
  Address net;
  unsigned bits = 0;
};

bool prefix_equal(const Address& a, const Address& b, unsigned bits) {
  const unsigned whole = bits / 8, rest = bits % 8;
  if (std::memcmp(a.bytes.data(), b.bytes.data(), whole) != 0) return false;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (b.bytes[whole] & mask);
}

std::optional<Cidr> parse_cidr(std::string_view s) {
  const size_t slash = s.find('/');
  const std::string_view len = s.substr(slash + 1);
  unsigned bits = 0;
  if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != len.npos)
    return std::nullopt;
  std::from_chars(len.data(), len.data() + len.size(), bits);
  // A written IPv4-mapped network would be silently turned into IPv4 by
  // parse_address; only plain addresses are valid networks here.
  auto net = parse_address(s.substr(0, slash));
  if (!net || (!net->v6 && s.substr(0, slash).find(':') != std::string_view::npos))
    return std::nullopt;
  if (bits > (net->v6 ? 128u : 32u)) return std::nullopt;
  // Host bits set ("192.0.2.1/24") is almost always a typo: refuse it.
  for (unsigned i = bits; i < (net->v6 ? 128u : 32u); ++i)
    if (net->bytes[i / 8] & (0x80 >> (i % 8))) return std::nullopt;
  return Cidr{*net, bits};
}

}  // namespace


PatternMatch match_host_patterns(std::string_view list, std::string_view client_ip,
                                 std::string_view client_host) {
  const std::optional<Address> ip = parse_address(client_ip);
  // Wildcards see an IPv4-mapped client as plain dotted IPv4 too.
  char v4_text[INET_ADDRSTRLEN] = "";
  if (ip && !ip->v6 && client_ip.find(':') != std::string_view::npos)
    inet_ntop(AF_INET, ip->bytes.data(), v4_text, sizeof v4_text);
  const std::string_view ip_v4(v4_text);
  bool matched = false, negated = false;
  while (true) {
    const size_t comma = list.find(',');
    std::string_view pattern = list.substr(0, comma);
    bool negate = false;
    if (!pattern.empty() && pattern.front() == '!') {
      negate = true;
      pattern.remove_prefix(1);
    }
    bool hit = false;
    if (pattern.find('/') != std::string_view::npos) {
      const std::optional<Cidr> cidr = parse_cidr(pattern);
      if (!cidr) return PatternMatch::kNoMatch;  // fail closed on the whole list
      hit = ip && ip->v6 == cidr->net.v6 && prefix_equal(*ip, cidr->net, cidr->bits);
    } else if (!pattern.empty()) {
      hit = (!client_host.empty() && wildcard_match(pattern, client_host)) ||
            (!client_ip.empty() && wildcard_match(pattern, client_ip)) ||
            (!ip_v4.empty() && wildcard_match(pattern, ip_v4));
    }
    if (hit) (negate ? negated : matched) = true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  // Keep scanning after a negated hit so a later malformed CIDR still fails
  // the list closed; the answer is the same denial either way.
  if (negated) return PatternMatch::kNegated;
  return matched ? PatternMatch::kMatch : PatternMatch::kNoMatch;
}

}  // namespace lpsshd::authkeys
