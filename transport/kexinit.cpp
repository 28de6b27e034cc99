#include "transport/kexinit.h"

#include <sodium.h>

#include <algorithm>
#include <string_view>

#include "transport/algorithms.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::transport {

namespace {
// One name-list of a KEXINIT. False with `why` naming what is wrong.
bool parse_name_list(wire::Bytes b, std::vector<std::string>& out, std::string& why) {
  out.clear();
  if (b.empty()) return true;
  std::string_view s = wire::as_view(b);
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    std::string_view name = s.substr(start, comma == std::string_view::npos ? s.npos : comma - start);
    if (name.empty()) {
      why = "an empty name";
      return false;
    }
    if (name.size() > kMaxNameLength) {
      why = "a name longer than " + std::to_string(kMaxNameLength) + " bytes";
      return false;
    }
    if (out.size() >= kMaxNamesPerList) {
      why = "more than " + std::to_string(kMaxNamesPerList) + " names";
      return false;
    }
    for (char c : name)
      if (c <= ' ' || c > '~') {
        why = "a name with a byte that is not printable ASCII";
        return false;
      }
    out.emplace_back(name);
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

const char* const kListNames[KexInit::kListCount] = {
    "kex_algorithms", "server_host_key_algorithms", "encryption_algorithms_client_to_server",
    "encryption_algorithms_server_to_client", "mac_algorithms_client_to_server",
    "mac_algorithms_server_to_client", "compression_algorithms_client_to_server",
    "compression_algorithms_server_to_client", "languages_client_to_server",
    "languages_server_to_client"};


const std::string* first_common(const std::vector<std::string>& client,
                                const std::vector<std::string>& server) {
  for (auto& c : client)
    if (std::find(server.begin(), server.end(), c) != server.end()) return &c;
  return nullptr;
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

std::string join_name_list(const std::vector<std::string>& names) {
  std::string s;
  for (auto& n : names) {
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

std::optional<KexInit> parse_kexinit(std::span<const uint8_t> payload, std::string& why) {
  if (payload.size() > kMaxKexInit) {
    why = "KEXINIT too large";
    return std::nullopt;
  }
  wire::Reader r(payload);
  uint8_t type = 0;
  wire::Bytes cookie;
  KexInit k;
  if (!r.u8(type) || type != ssh::kKexInit || !r.raw(cookie, 16)) {
    why = "malformed KEXINIT";
    return std::nullopt;
  }
  std::copy(cookie.begin(), cookie.end(), k.cookie.begin());
  for (size_t i = 0; i < KexInit::kListCount; ++i) {
    wire::Bytes b;
    std::string what;
    if (!r.string(b)) {
      why = "malformed KEXINIT name-list";
      return std::nullopt;
    }
    if (!parse_name_list(b, k.lists[i], what)) {
      why = std::string("malformed KEXINIT name-list ") + kListNames[i] + ": " + what;
      return std::nullopt;
    }
  }
  uint32_t reserved = 0;
  if (!r.boolean(k.first_kex_packet_follows) || !r.u32(reserved) || !r.end()) {
    why = "malformed KEXINIT trailer";
    return std::nullopt;
  }
  return k;
}

bool client_kexinit_acceptable(std::span<const uint8_t> payload, std::string& why) {
  if (parse_kexinit(payload, why)) return true;
  if (payload.size() > kMaxKexInit)
    why += " (" + std::to_string(payload.size()) + " bytes, at most " + std::to_string(kMaxKexInit) + ")";
  return false;
}

ServerOffer default_offer(bool compression) {
  ServerOffer o;
  auto fill = [](AlgorithmKind kind, std::vector<std::string>& out) {
    for (auto name : default_algorithms(kind)) out.emplace_back(name);
  };
  fill(AlgorithmKind::kKex, o.kex);
  fill(AlgorithmKind::kHostKey, o.host_key);
  fill(AlgorithmKind::kCipher, o.ciphers);
  fill(AlgorithmKind::kMac, o.macs);
  o.compression = compression;
  return o;
}

std::vector<uint8_t> build_server_kexinit(const ServerOffer& offer) {
  std::vector<std::string> kex = offer.kex;
  kex.emplace_back(kStrictKexServer);
  uint8_t cookie[16];
  randombytes_buf(cookie, sizeof cookie);
  wire::Writer w(1024);
  w.u8(ssh::kKexInit).raw(std::span<const uint8_t>(cookie, sizeof cookie));
  w.string(join_name_list(kex)).string(join_name_list(offer.host_key));
  w.string(join_name_list(offer.ciphers)).string(join_name_list(offer.ciphers));
  w.string(join_name_list(offer.macs)).string(join_name_list(offer.macs));
  // "none" first, as OpenSSH's server: the client's order decides.
  std::string comp(kCompressionNone);
  if (offer.compression) comp += "," + std::string(kCompressionZlibDelayed);
  w.string(comp).string(comp);
  w.string("").string("");
  w.boolean(false).u32(0);
  return w.take();
}

bool delayed_zlib(const std::string& name) { return name == kCompressionZlibDelayed; }

std::optional<Negotiated> negotiate(const KexInit& client, const KexInit& server, std::string& why) {
  Negotiated n;
  // The pseudo-algorithms in the server's KEX list only announce extensions;
  // they must never be chosen as a method, whatever the client lists.
  std::vector<std::string> server_kex;
  for (auto& name : server.lists[KexInit::kKex])
    if (name != kStrictKexServer) server_kex.push_back(name);
  auto pick = [&](KexInit::List l, const char* what, std::string& out) {
    const auto& server_list = l == KexInit::kKex ? server_kex : server.lists[l];
    const std::string* c = first_common(client.lists[l], server_list);
    if (c == nullptr) {
      why = std::string("no matching ") + what + " found";
      return false;
    }
    out = *c;
    return true;
  };
  // An AEAD cipher brings its own integrity: no MAC is chosen for it, and
  // a client offering none that we know is no failure then.
  auto pick_mac = [&](KexInit::List l, const std::string& cipher, std::string& out) {
    const CipherAlgorithm* c = find_cipher(cipher);
    if (c != nullptr && c->aead()) return true;
    return pick(l, "MAC", out);
  };
  if (!pick(KexInit::kKex, "key exchange method", n.kex) ||
      !pick(KexInit::kHostKey, "host key type", n.hostkey) ||
      !pick(KexInit::kCipherCtoS, "cipher", n.cipher_ctos) ||
      !pick(KexInit::kCipherStoC, "cipher", n.cipher_stoc) ||
      !pick_mac(KexInit::kMacCtoS, n.cipher_ctos, n.mac_ctos) ||
      !pick_mac(KexInit::kMacStoC, n.cipher_stoc, n.mac_stoc) ||
      !pick(KexInit::kCompCtoS, "compression method", n.comp_ctos) ||
      !pick(KexInit::kCompStoC, "compression method", n.comp_stoc))
    return std::nullopt;
  n.strict_kex = contains(client.lists[KexInit::kKex], kStrictKexClient);
  n.client_ext_info = contains(client.lists[KexInit::kKex], kExtInfoClient);
  if (client.first_kex_packet_follows) {
    // RFC 4253 7: the guess is right only if both sides' first (preferred)
    // KEX and host-key algorithms are the same, not merely if the client's
    // first was negotiated. Clients judge their guess this way and send the
    // packet again when it was wrong (Dropbear does): taking the guess then
    // would leave that second packet unexpected.
    const auto& ck = client.lists[KexInit::kKex];
    const auto& ch = client.lists[KexInit::kHostKey];
    const auto& sk = server.lists[KexInit::kKex];
    const auto& sh = server.lists[KexInit::kHostKey];
    n.ignore_guessed = ck.empty() || ch.empty() || sk.empty() || sh.empty() ||
                       ck.front() != sk.front() || ch.front() != sh.front();
  }
  return n;
}

}  // namespace lpsshd::transport
