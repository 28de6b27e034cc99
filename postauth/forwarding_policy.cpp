#include "postauth/forwarding_policy.h"

#include <cctype>

#include "pattern/wildcard.h"

namespace lpsshd::postauth {

namespace {
struct HostPort {
  bool has_host = false;
  std::string_view host, port;
};

// "host:port", "[v6]:port" or (allow_bare) "port".
bool split(std::string_view e, bool allow_bare, HostPort& out) {
  if (!e.empty() && e.front() == '[') {
    const size_t close = e.find(']');
    if (close == std::string_view::npos || close + 1 >= e.size() || e[close + 1] != ':') return false;
    out = {true, e.substr(1, close - 1), e.substr(close + 2)};
    return true;
  }
  const size_t colon = e.rfind(':');
  if (colon == std::string_view::npos) {
    if (!allow_bare) return false;
    out = {false, {}, e};
    return true;
  }
  out = {true, e.substr(0, colon), e.substr(colon + 1)};
  return true;
}

bool port_matches(std::string_view want, uint32_t port) {
  if (want == "*") return true;
  if (port == 0) return false;  // only a wildcard entry allows "any port you choose"
  return want == std::to_string(port);
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// sshd's view of a listen address: empty and "*" both mean every address.
std::string_view listen_host(std::string_view h) { return h == "*" ? std::string_view() : h; }
}  // namespace

bool open_permitted(const std::vector<std::string>& list, std::string_view host, uint32_t port) {
  if (list.empty()) return true;
  for (const auto& e : list) {
    if (e == "any") return true;
    HostPort hp;
    if (e == "none" || !split(e, false, hp)) continue;
    if (port == 0 || !port_matches(hp.port, port)) continue;
    if (hp.host == "*" || iequal(hp.host, host)) return true;
  }
  return false;
}

bool listen_permitted(const std::vector<std::string>& list, std::string_view address, uint32_t port) {
  if (list.empty()) return true;
  const std::string_view requested = listen_host(address);
  for (const auto& e : list) {
    if (e == "any") return true;
    HostPort hp;
    if (e == "none" || !split(e, true, hp)) continue;
    if (!port_matches(hp.port, port)) continue;
    const std::string_view allowed = hp.has_host ? listen_host(hp.host) : "localhost";
    if (allowed.empty() ? requested.empty() || hp.host == "*"
                        : pattern::wildcard_match(allowed, requested, true))
      return true;
  }
  return false;
}

BindTarget bind_target(GatewayPorts gw, std::string_view requested) {
  switch (gw) {
    case GatewayPorts::kNo: return {};  // loopback whatever the client asked
    case GatewayPorts::kYes: return {true, {}};
    case GatewayPorts::kClientSpecified:
      if (requested.empty() || requested == "*" || requested == "0.0.0.0" || requested == "::")
        return {true, {}};
      if (requested == "localhost") return {};
      return {false, std::string(requested)};
  }
  return {};
}

}  // namespace lpsshd::postauth
