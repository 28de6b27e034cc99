// SSH_MSG_KEXINIT (RFC 4253 7.1): parsing the client's, building the
// server's, and the negotiation between the two. Pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lpsshd::transport {

inline constexpr size_t kMaxKexInit = 32 * 1024;
inline constexpr size_t kMaxNamesPerList = 128;
inline constexpr size_t kMaxNameLength = 64;

struct KexInit {
  enum List {
    kKex, kHostKey, kCipherCtoS, kCipherStoC, kMacCtoS, kMacStoC,
    kCompCtoS, kCompStoC, kLangCtoS, kLangStoC, kListCount
  };
  std::array<uint8_t, 16> cookie{};
  std::array<std::vector<std::string>, kListCount> lists;
  bool first_kex_packet_follows = false;
};

// Names as an RFC 4251 name-list: comma-separated.
std::string join_name_list(const std::vector<std::string>& names);

// Parses a full KEXINIT payload (message byte included). nullopt on any
// malformation: truncation, trailing bytes, an empty or over-long name,
// non-printable bytes, too many names, a nonzero reserved field is allowed.
std::optional<KexInit> parse_kexinit(std::span<const uint8_t> payload, std::string& why);

// For a child relaying the client's KEXINIT to the monitor (the preauth
// child; the postauth child for rekeys): true when the monitor's parser
// takes it. Otherwise `why` is the reason to send the client in a
// DISCONNECT (protocol error) instead of forwarding a message the monitor
// would refuse as a violation. kMaxKexInit must not exceed the monitor
// protocol's kMaxKexInitBytes (checked where both are known).
bool client_kexinit_acceptable(std::span<const uint8_t> payload, std::string& why);

// What the server offers, each list in preference order: the configured
// lists (Ciphers, MACs, KexAlgorithms, HostKeyAlgorithms) narrowed to what
// this server can do (host-key algorithms of keys loaded).
struct ServerOffer {
  std::vector<std::string> kex, host_key, ciphers, macs;
  bool compression = false;  // offer "none,zlib@openssh.com" (Compression yes or delayed)
};

// Every list at its default (all default host-key algorithms, as if a key
// of each type were loaded): for tests, fuzzers and test clients.
ServerOffer default_offer(bool compression);

// The server's KEXINIT payload with a fresh random cookie. The MAC lists
// are never empty (a client may negotiate a MAC even when the cipher it
// picks is an AEAD and needs none).
std::vector<uint8_t> build_server_kexinit(const ServerOffer& offer);

struct Negotiated {
  std::string kex, hostkey, cipher_ctos, cipher_stoc;
  std::string mac_ctos, mac_stoc;  // empty where the cipher is an AEAD (RFC 5647 5.1)
  std::string comp_ctos, comp_stoc;  // "none" or "zlib@openssh.com"
  bool strict_kex = false;        // client offered kex-strict-c-v00@openssh.com
  bool client_ext_info = false;   // client offered ext-info-c
  bool ignore_guessed = false;    // client's guessed packet is wrong: drop it
};

// Client's first preference that the server supports, per list. nullopt
// with why naming the list that has no common algorithm.
// True when `name` (a negotiated compression) means zlib once authenticated.
bool delayed_zlib(const std::string& name);

std::optional<Negotiated> negotiate(const KexInit& client, const KexInit& server, std::string& why);

}  // namespace lpsshd::transport
