#include "monitor/kex_server.h"

#include <algorithm>

#include "monitor/kex_methods.h"
#include "transport/algorithms.h"
#include "transport/kex_hash.h"
#include "transport/version.h"

namespace lpsshd::monitor {

namespace {
transport::ServerOffer make_offer(const crypto::HostKeys& keys, const KexPolicy& p) {
  transport::ServerOffer o;
  for (const auto& name : p.kex) {
    const auto* row = transport::find_kex(name);
    if (row == nullptr || !kex_method_implemented(row->method)) continue;
    // RequirePQKex: the KEXINIT shows the client what it would need.
    if (p.require_post_quantum && !row->post_quantum) continue;
    o.kex.push_back(name);
  }
  for (const auto& name : p.host_key)
    if (crypto::host_key_for(keys, name) != nullptr) o.host_key.push_back(name);
  for (const auto& name : p.ciphers)
    if (transport::find_cipher(name)) o.ciphers.push_back(name);
  for (const auto& name : p.macs)
    if (transport::find_mac(name)) o.macs.push_back(name);
  o.compression = p.compression;
  return o;
}

bool offers_any(const std::vector<std::string>& client, const std::vector<std::string>& server) {
  for (const auto& name : client)
    if (std::find(server.begin(), server.end(), name) != server.end()) return true;
  return false;
}

// RFC 4253 7.2: IV (A, B), encryption key (C, D) and integrity key (E, F)
// per direction, each as long as the negotiated row asks.
transport::DirectionKeys derive(transport::KexHash hash, const crypto::SecretBytes& k,
                                std::span<const uint8_t> h,
                                std::span<const uint8_t> session_id, const std::string& cipher,
                                const std::string& mac, char iv_letter) {
  transport::DirectionKeys d;
  d.cipher = transport::find_cipher(cipher);
  d.mac = d.cipher && !d.cipher->aead() ? transport::find_mac(mac) : nullptr;
  if (d.cipher == nullptr) return d;
  if (d.cipher->iv_bytes) d.iv = transport::derive_key(hash, k, h, iv_letter, session_id, d.cipher->iv_bytes);
  d.key = transport::derive_key(hash, k, h, char(iv_letter + 2), session_id, d.cipher->key_bytes);
  if (d.mac) d.mac_key = transport::derive_key(hash, k, h, char(iv_letter + 4), session_id, d.mac->key_bytes);
  return d;
}
}  // namespace

std::string unusable_offer(const crypto::HostKeys& host_keys, const KexPolicy& policy) {
  const auto offer = make_offer(host_keys, policy);
  if (offer.kex.empty())
    return "KexAlgorithms " + transport::join_name_list(policy.kex) +
           " leaves no key exchange method this server can offer";
  if (offer.host_key.empty()) {
    std::vector<std::string> loaded;
    for (const auto& key : host_keys)
      for (auto name : key->algorithms()) loaded.emplace_back(name);
    return "HostKeyAlgorithms " + transport::join_name_list(policy.host_key) +
           " matches none of the host keys loaded, which sign with " +
           transport::join_name_list(loaded) + "; no client could connect";
  }
  if (offer.ciphers.empty())
    return "Ciphers " + transport::join_name_list(policy.ciphers) +
           " leaves no cipher this server can offer";
  return "";
}

KexServer::KexServer(const crypto::HostKeys& host_keys, const KexPolicy& policy)
    : host_keys_(host_keys),
      offer_(make_offer(host_keys, policy)),
      require_post_quantum_(policy.require_post_quantum),
      server_version_(transport::server_version_string()) {}

monproto::KexInitReply KexServer::start_exchange() {
  monproto::KexInitReply reply;
  negotiated_.reset();
  server_kexinit_ = transport::build_server_kexinit(offer_);
  server_kexinit_sent_ = true;
  reply.ok = true;
  reply.server_kexinit = server_kexinit_;
  reply.strict_kex = strict_kex_;
  return reply;
}

monproto::KexInitReply KexServer::on_kexinit(const monproto::KexInitRequest& req, bool first) {
  monproto::KexInitReply reply;
  if (first) client_version_ = req.client_version;
  std::string why;
  auto client = transport::parse_kexinit(req.client_kexinit, why);
  if (!server_kexinit_sent_) server_kexinit_ = transport::build_server_kexinit(offer_);
  server_kexinit_sent_ = false;
  auto server = transport::parse_kexinit(server_kexinit_, why);
  negotiated_.reset();
  if (!client || !server) {
    reply.reason = why;
    return reply;
  }
  // RequirePQKex: the offer holds only post-quantum methods; a client
  // without one is told so, not just "no matching key exchange".
  if (require_post_quantum_ && !offers_any(client->lists[transport::KexInit::kKex], offer_.kex)) {
    reply.reason = "client offers no post-quantum key exchange; this server requires one of " +
                   transport::join_name_list(offer_.kex) + " (RequirePQKex)";
    return reply;
  }
  auto n = transport::negotiate(*client, *server, why);
  if (!n) {
    reply.reason = why;
    return reply;
  }
  // Strict KEX and ext-info are decided once, by the first exchange.
  if (first) {
    strict_kex_ = n->strict_kex;
    client_ext_info_ = n->client_ext_info;
  }
  client_kexinit_ = req.client_kexinit;
  negotiated_ = *n;
  reply.ok = true;
  reply.server_kexinit = server_kexinit_;
  reply.strict_kex = strict_kex_;
  reply.client_ext_info = first && client_ext_info_;
  reply.ignore_guessed = n->ignore_guessed;
  return reply;
}

monproto::KexReply KexServer::on_ecdh(const monproto::KexEcdhRequest& req, bool authenticated) {
  monproto::KexReply reply;
  if (!negotiated_) {
    reply.reason = "no negotiated key exchange";
    return reply;
  }
  const transport::KexAlgorithm* row = transport::find_kex(negotiated_->kex);
  // The host-key algorithm negotiated chooses the key (KEXINIT lists only
  // the algorithms of keys loaded).
  const crypto::HostKey* host_key = crypto::host_key_for(host_keys_, negotiated_->hostkey);
  if (row == nullptr || host_key == nullptr) {
    reply.reason = "no key exchange method or host key for what was negotiated";
    return reply;
  }
  auto agreed = kex_agree(*row, req.client_public, reply.reason);
  if (!agreed) return reply;
  const auto host_blob = host_key->public_blob();
  transport::ExchangeHashInputs in{client_version_, server_version_, client_kexinit_,
                                   server_kexinit_, host_blob, req.client_public,
                                   agreed->server_public};
  const auto h = transport::exchange_hash(row->hash, in, agreed->k_encoded);
  if (session_id_.empty()) session_id_.assign(h.begin(), h.end());
  const auto& n = *negotiated_;
  keys_ctos_ = derive(row->hash, agreed->k_encoded, h, session_id_, n.cipher_ctos, n.mac_ctos, 'A');
  keys_stoc_ = derive(row->hash, agreed->k_encoded, h, session_id_, n.cipher_stoc, n.mac_stoc, 'B');
  if (!keys_ctos_.complete() || !keys_stoc_.complete()) {
    reply.reason = "negotiated cipher or MAC has no row";
    return reply;
  }

  reply.ok = true;
  reply.host_key_blob = host_blob;
  reply.server_public = agreed->server_public;
  reply.signature = host_key->sign(negotiated_->hostkey, h);
  if (reply.signature.empty()) {  // the key refused the algorithm, or signing failed
    reply = monproto::KexReply{};
    reply.reason = "host key signature failed";
    return reply;
  }
  reply.exchange_hash.assign(h.begin(), h.end());
  reply.ctos = keys_ctos_.clone();
  reply.stoc = keys_stoc_.clone();
  reply.zlib_ctos = authenticated && transport::delayed_zlib(negotiated_->comp_ctos);
  reply.zlib_stoc = authenticated && transport::delayed_zlib(negotiated_->comp_stoc);
  keyed_ = negotiated_;  // what the keys just derived are for
  negotiated_.reset();  // one ECDH per KEXINIT
  return reply;
}

}  // namespace lpsshd::monitor
