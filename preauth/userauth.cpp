#include "preauth/userauth.h"

#include <optional>
#include <string>

#include "monitor/protocol_client.h"
#include "transport/algorithms.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::preauth {

namespace {
constexpr std::string_view kUserauthService = "ssh-userauth";
constexpr std::string_view kConnectionService = "ssh-connection";

bool send_ext_info(Connection& conn) {
  wire::Writer w;
  w.u8(ssh::kExtInfo).u32(1).string("server-sig-algs").string(transport::kHostKeyAlgorithm);
  return conn.write_packet(w.bytes());
}

bool accept_service(Connection& conn) {
  std::vector<uint8_t> pkt;
  if (!conn.read_packet(pkt)) return false;
  wire::Reader r(pkt);
  uint8_t type = 0;
  std::string service;
  if (!r.u8(type)) return false;
  if (type == ssh::kKexInit) {
    conn.disconnect(ssh::kProtocolError, "key re-exchange before authentication refused");
    return false;
  }
  if (type != ssh::kServiceRequest || !r.text(service, 64) || !r.end()) {
    conn.disconnect(ssh::kProtocolError, "expected SERVICE_REQUEST");
    return false;
  }
  if (service != kUserauthService) {
    conn.disconnect(ssh::kServiceNotAvailable, "service not available");
    return false;
  }
  wire::Writer w;
  w.u8(ssh::kServiceAccept).string(service);
  return conn.write_packet(w.bytes());
}

// One parsed SSH_MSG_USERAUTH_REQUEST, as far as the child understands it.
struct Request {
  std::string user, service, method;
  monproto::AuthPubkeyRequest pubkey;
  bool is_pubkey = false;
};

bool parse_request(std::span<const uint8_t> pkt, Request& req) {
  wire::Reader r(pkt);
  uint8_t type = 0;
  if (!r.u8(type) || type != ssh::kUserauthRequest) return false;
  if (!r.text(req.user, monproto::kMaxUserName) || !r.text(req.service, 64) ||
      !r.text(req.method, 64))
    return false;
  if (req.method != "publickey") return true;  // other methods' fields are not read
  req.is_pubkey = true;
  auto& pk = req.pubkey;
  wire::Bytes blob, sig;
  if (!r.boolean(pk.has_signature) || !r.text(pk.algorithm, 64) || !r.string(blob) ||
      blob.size() > monproto::kMaxKeyBlob)
    return false;
  pk.key_blob.assign(blob.begin(), blob.end());
  if (pk.has_signature) {
    if (!r.string(sig) || sig.size() > monproto::kMaxSignature) return false;
    pk.signature.assign(sig.begin(), sig.end());
  }
  pk.user = req.user;
  return r.end();
}
}  // namespace

bool run_userauth(Connection& conn, int monitor_fd, bool client_ext_info) {
  if (client_ext_info && !send_ext_info(conn)) return false;
  if (!accept_service(conn)) return false;

  std::optional<std::string> bound_user;
  std::vector<uint8_t> pkt;
  while (true) {
    if (!conn.read_packet(pkt)) return false;
    if (pkt[0] == ssh::kKexInit) {
      conn.disconnect(ssh::kProtocolError, "key re-exchange before authentication refused");
      return false;
    }
    if (pkt[0] != ssh::kUserauthRequest) {
      // Connection-protocol messages before authentication are an error.
      conn.disconnect(ssh::kProtocolError, "unexpected message before authentication");
      return false;
    }
    Request req;
    if (!parse_request(pkt, req)) {
      conn.disconnect(ssh::kProtocolError, "malformed USERAUTH_REQUEST");
      return false;
    }
    // Like sshd: the user and service cannot change between attempts.
    if (req.service != kConnectionService ||
        (bound_user && *bound_user != req.user)) {
      conn.disconnect(ssh::kProtocolError, "change of username or service not allowed");
      return false;
    }
    bound_user = req.user;

    monproto::AuthReply reply;
    const bool asked = req.is_pubkey
                           ? monproto::call(monitor_fd, req.pubkey, reply)
                           : monproto::call(monitor_fd, monproto::AuthNoneRequest{req.user}, reply);
    if (!asked) return false;

    wire::Writer w(128);
    switch (reply.result) {
      case monproto::AuthResult::kSuccess:
        w.u8(ssh::kUserauthSuccess);
        return conn.write_packet(w.bytes());
      case monproto::AuthResult::kPkOk:
        w.u8(ssh::kUserauthPkOk).string(req.pubkey.algorithm).string(req.pubkey.key_blob);
        if (!conn.write_packet(w.bytes())) return false;
        break;
      case monproto::AuthResult::kFailure:
        w.u8(ssh::kUserauthFailure).string(reply.methods).boolean(false);
        if (!conn.write_packet(w.bytes())) return false;
        if (reply.disconnect) {
          conn.disconnect(ssh::kNoMoreAuthMethodsAvailable, "Too many authentication failures");
          return false;
        }
        break;
    }
  }
}

bool hand_over(Connection& conn, int monitor_fd) {
  monproto::HandoverRequest h;
  h.send_seq = conn.stream().encoder().seq();
  h.recv_seq = conn.stream().decoder().seq();
  auto in = conn.stream().input();
  if (in.size() > monproto::kMaxPending) return false;
  h.pending.assign(in.begin(), in.end());
  return monproto::send(monitor_fd, h);
}

}  // namespace lpsshd::preauth
