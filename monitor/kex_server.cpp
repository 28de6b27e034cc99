#include "monitor/kex_server.h"

#include "crypto/p256_ecdh.h"
#include "crypto/x25519.h"
#include "transport/algorithms.h"
#include "transport/kex_hash.h"
#include "transport/version.h"

namespace lpsshd::monitor {

namespace {
// The KEX methods this monitor computes; a configured name whose method is
// not here is never offered.
bool implemented(transport::KexMethod m) {
  return m == transport::KexMethod::kCurve25519Sha256 || m == transport::KexMethod::kNistP256Sha256;
}

transport::ServerOffer make_offer(const crypto::HostKeys& keys, const KexPolicy& p) {
  transport::ServerOffer o;
  for (const auto& name : p.kex)
    if (const auto* row = transport::find_kex(name); row && implemented(row->method))
      o.kex.push_back(name);
  for (const auto& name : p.host_key)
    if (crypto::host_key_for(keys, name) != nullptr) o.host_key.push_back(name);
  for (const auto& name : p.ciphers)
    if (transport::find_cipher(name)) o.ciphers.push_back(name);
  for (const auto& name : p.macs)
    if (transport::find_mac(name)) o.macs.push_back(name);
  o.compression = p.compression;
  return o;
}

// The shared secret K (as an mpint) for the method, and Q_S; nullopt when
// the client's value is refused.
struct Agreement {
  crypto::SecretBytes k_mpint;
  std::vector<uint8_t> server_public;
};
std::optional<Agreement> agree(const transport::KexAlgorithm& row, std::span<const uint8_t> q_c,
                               std::string& why) {
  if (q_c.size() != row.client_public_bytes) {
    why = "client public value is not " + std::to_string(row.client_public_bytes) + " bytes";
    return std::nullopt;
  }
  switch (row.method) {
    case transport::KexMethod::kCurve25519Sha256: {
      auto eph = crypto::x25519_generate();
      auto shared = crypto::x25519_shared(eph.secret, q_c);
      if (!shared) {
        why = "shared secret is zero";
        return std::nullopt;
      }
      return Agreement{transport::shared_secret_mpint(*shared),
                       {eph.public_key.begin(), eph.public_key.end()}};
    }
    case transport::KexMethod::kNistP256Sha256: {
      // K is the X coordinate, as an mpint (RFC 5656 4); p256_shared()
      // refuses any Q_C that is not an uncompressed point on the curve.
      auto eph = crypto::P256Ephemeral::generate();
      auto shared = crypto::p256_shared(eph.secret(), q_c);
      if (!shared) {
        why = "client public value is not a point on P-256";
        return std::nullopt;
      }
      const auto& q_s = eph.public_point();
      return Agreement{transport::shared_secret_mpint(*shared), {q_s.begin(), q_s.end()}};
    }
  }
  why = "key exchange method not implemented";
  return std::nullopt;
}

// RFC 4253 7.2: IV (A, B), encryption key (C, D) and integrity key (E, F)
// per direction, each as long as the negotiated row asks.
transport::DirectionKeys derive(const crypto::SecretBytes& k, std::span<const uint8_t> h,
                                std::span<const uint8_t> session_id, const std::string& cipher,
                                const std::string& mac, char iv_letter) {
  transport::DirectionKeys d;
  d.cipher = transport::find_cipher(cipher);
  d.mac = d.cipher && !d.cipher->aead() ? transport::find_mac(mac) : nullptr;
  if (d.cipher == nullptr) return d;
  if (d.cipher->iv_bytes) d.iv = transport::derive_key(k, h, iv_letter, session_id, d.cipher->iv_bytes);
  d.key = transport::derive_key(k, h, char(iv_letter + 2), session_id, d.cipher->key_bytes);
  if (d.mac) d.mac_key = transport::derive_key(k, h, char(iv_letter + 4), session_id, d.mac->key_bytes);
  return d;
}
}  // namespace

KexServer::KexServer(const crypto::HostKeys& host_keys, const KexPolicy& policy)
    : host_keys_(host_keys),
      offer_(make_offer(host_keys, policy)),
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
  auto agreed = agree(*row, req.client_public, reply.reason);
  if (!agreed) return reply;
  const auto host_blob = host_key->public_blob();
  transport::ExchangeHashInputs in{client_version_, server_version_, client_kexinit_,
                                   server_kexinit_, host_blob, req.client_public,
                                   agreed->server_public};
  const auto h = transport::exchange_hash(in, agreed->k_mpint);
  if (session_id_.empty()) session_id_.assign(h.begin(), h.end());
  const auto& n = *negotiated_;
  keys_ctos_ = derive(agreed->k_mpint, h, session_id_, n.cipher_ctos, n.mac_ctos, 'A');
  keys_stoc_ = derive(agreed->k_mpint, h, session_id_, n.cipher_stoc, n.mac_stoc, 'B');
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
