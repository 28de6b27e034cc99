#include "preauth/userauth.h"

#include <optional>
#include <string>

#include "monitor/protocol_client.h"
#include "preauth/userauth_request.h"
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
    UserauthRequest req;
    if (!parse_userauth_request(pkt, req)) {
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
