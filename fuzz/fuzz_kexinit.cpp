// Client KEXINIT (RFC 4253 7.1) and the negotiation against our own. Beyond
// "never crashes": every negotiated name is in the client's list and in the
// server's, the strict-kex marker is never chosen as a method, and the
// extension flags match what the client listed. The preauth child's check
// (client_kexinit_acceptable) agrees with the parser and always gives a
// reason when it refuses, and what it accepts fits the monitor message.
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "monitor/protocol.h"
#include "transport/algorithms.h"
#include "transport/kexinit.h"

using namespace lpsshd::transport;

extern "C" int LLVMFuzzerInitialize(int*, char***) { return sodium_init() < 0; }

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string why;
  const auto client = parse_kexinit({data, size}, why);
  std::string reason;
  const bool acceptable = client_kexinit_acceptable({data, size}, reason);
  if (acceptable != client.has_value() || (!acceptable && reason.empty())) abort();
  if (!client) return 0;
  if (size > lpsshd::monproto::kMaxKexInitBytes) abort();
  static const auto server = parse_kexinit(build_server_kexinit(default_offer(true)), why);
  if (!server) abort();
  const auto n = negotiate(*client, *server, why);
  if (!n) return 0;
  auto in_both = [&](KexInit::List l, const std::string& name) {
    auto has = [&](const KexInit& k) {
      return std::find(k.lists[l].begin(), k.lists[l].end(), name) != k.lists[l].end();
    };
    return has(*client) && has(*server);
  };
  auto& kex = client->lists[KexInit::kKex];
  if (!in_both(KexInit::kKex, n->kex) || n->kex == kStrictKexServer ||
      !in_both(KexInit::kHostKey, n->hostkey) || !in_both(KexInit::kCipherCtoS, n->cipher_ctos) ||
      !in_both(KexInit::kCipherStoC, n->cipher_stoc) ||
      n->strict_kex != (std::find(kex.begin(), kex.end(), kStrictKexClient) != kex.end()) ||
      n->client_ext_info != (std::find(kex.begin(), kex.end(), kExtInfoClient) != kex.end()))
    abort();
  return 0;
}
