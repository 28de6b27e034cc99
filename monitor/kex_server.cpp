#include "monitor/kex_server.h"

#include "crypto/x25519.h"
#include "transport/algorithms.h"
#include "transport/kex_hash.h"
#include "transport/version.h"

namespace lpsshd::monitor {

KexServer::KexServer(const crypto::HostKeys& host_keys, bool compression)
    : host_keys_(host_keys), compression_(compression), server_version_(transport::server_version_string()) {}

monproto::KexInitReply KexServer::start_exchange() {
  monproto::KexInitReply reply;
  negotiated_.reset();
  server_kexinit_ = transport::build_server_kexinit(compression_);
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
  if (!server_kexinit_sent_) server_kexinit_ = transport::build_server_kexinit(compression_);
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
  if (req.client_public.size() != 32) {
    reply.reason = "client public value is not 32 bytes";
    return reply;
  }
  auto eph = crypto::x25519_generate();
  auto shared = crypto::x25519_shared(eph.secret, req.client_public);
  if (!shared) {
    reply.reason = "shared secret is zero";
    return reply;
  }
  const auto k = transport::shared_secret_mpint(*shared);
  // The host-key algorithm negotiated chooses the key (KEXINIT lists only
  // the algorithms of keys loaded).
  const crypto::HostKey* host_key = crypto::host_key_for(host_keys_, negotiated_->hostkey);
  if (host_key == nullptr) {
    reply.reason = "no host key for " + negotiated_->hostkey;
    return reply;
  }
  const auto host_blob = host_key->public_blob();
  transport::ExchangeHashInputs in{client_version_, server_version_, client_kexinit_,
                                   server_kexinit_, host_blob, req.client_public,
                                   eph.public_key};
  const auto h = transport::exchange_hash(in, k);
  if (session_id_.empty()) session_id_.assign(h.begin(), h.end());
  const size_t key_bytes = transport::kCiphers[0].key_bytes;
  key_ctos_ = transport::derive_key(k, h, 'C', session_id_, key_bytes);
  key_stoc_ = transport::derive_key(k, h, 'D', session_id_, key_bytes);

  reply.ok = true;
  reply.host_key_blob = host_blob;
  reply.server_public.assign(eph.public_key.begin(), eph.public_key.end());
  reply.signature = host_key->sign(negotiated_->hostkey, h);
  reply.exchange_hash.assign(h.begin(), h.end());
  reply.key_ctos = key_ctos_.clone();
  reply.key_stoc = key_stoc_.clone();
  reply.zlib_ctos = authenticated && transport::delayed_zlib(negotiated_->comp_ctos);
  reply.zlib_stoc = authenticated && transport::delayed_zlib(negotiated_->comp_stoc);
  keyed_ = negotiated_;  // what the keys just derived are for
  negotiated_.reset();  // one ECDH per KEXINIT
  return reply;
}

}  // namespace lpsshd::monitor
