#include "preauth/userauth.h"

#include <optional>
#include <string>

#include "monitor/protocol_client.h"
#include "monitor/state_table.h"
#include "preauth/userauth_request.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::preauth {

namespace {
constexpr std::string_view kUserauthService = "ssh-userauth";
constexpr std::string_view kConnectionService = "ssh-connection";

// A correct child never reaches the monitor's safety bound: it stops first.
static_assert(kMaxUserauthRequests < monitor::kMaxAuthRequestsPerConnection);

// server-sig-algs (RFC 8308 3.1): the monitor's list of accepted public key
// algorithms (monproto::Hello, checked there to be a sane name-list).
bool send_ext_info(Connection& conn, std::string_view server_sig_algs) {
  wire::Writer w;
  w.u8(ssh::kExtInfo).u32(1).string("server-sig-algs").string(server_sig_algs);
  return conn.write_packet(w.bytes());
}

bool accept_service(Connection& conn) {
  std::vector<uint8_t> pkt;
  if (!conn.read_packet(pkt)) return false;
  wire::Reader r(pkt);
  uint8_t type = 0;
  wire::Bytes service;
  if (!r.u8(type)) return false;
  if (type == ssh::kKexInit) {
    conn.disconnect(ssh::kProtocolError, "key re-exchange before authentication refused");
    return false;
  }
  if (type != ssh::kServiceRequest || !r.string(service) || !r.end()) {
    conn.disconnect(ssh::kProtocolError, "expected SERVICE_REQUEST");
    return false;
  }
  // Any other name, however long, is a service this server does not offer.
  if (wire::as_view(service) != kUserauthService) {
    conn.disconnect(ssh::kServiceNotAvailable, "service not available: only ssh-userauth");
    return false;
  }
  wire::Writer w;
  w.u8(ssh::kServiceAccept).string(kUserauthService);
  return conn.write_packet(w.bytes());
}
bool password(int monitor_fd, UserauthRequest& req, monproto::AuthReply& reply) {
  monproto::AuthPasswordRequest m{req.user, std::move(req.password)};
  auto bytes = monproto::encode(m);
  const bool sent = proc::send_datagram(monitor_fd, bytes);
  sodium_memzero(bytes.data(), bytes.size());
  return sent && monproto::receive(monitor_fd, reply);
}

// RFC 4256: the monitor runs PAM and sends its questions one round at a
// time (KbdintQuery) until it sends the final AuthReply.
bool keyboard_interactive(Connection& conn, int monitor_fd, const std::string& user,
                          monproto::AuthReply& reply) {
  if (!monproto::send(monitor_fd, monproto::AuthKbdintRequest{user})) return false;
  while (true) {
    std::vector<uint8_t> buf;
    std::vector<proc::UniqueFd> fds;
    std::string why;
    if (proc::recv_datagram(monitor_fd, monproto::kMaxMessage, buf, fds, why) !=
            proc::RecvStatus::kOk || buf.empty() || !fds.empty())
      return false;
    if (buf[0] == static_cast<uint8_t>(monproto::Type::kAuthReply))
      return monproto::decode(buf, reply);
    monproto::KbdintQuery q;
    if (!monproto::decode(buf, q)) return false;
    // SSH_MSG_USERAUTH_INFO_REQUEST: string name, string instruction,
    // string language, int num-prompts, then (string prompt, bool echo)...
    wire::Writer w(256);
    w.u8(ssh::kUserauthInfoRequest).string("").string(q.instruction).string("");
    w.u32(static_cast<uint32_t>(q.prompts.size()));
    for (const auto& p : q.prompts) w.string(p.text).boolean(p.echo);
    if (!conn.write_packet(w.bytes())) return false;
    std::vector<uint8_t> pkt;
    if (!conn.read_packet(pkt)) return false;
    monproto::KbdintAnswers answers;
    const bool parsed = parse_info_response(pkt, answers.answers, why);
    if (!parsed || answers.answers.size() != q.prompts.size()) {
      sodium_memzero(pkt.data(), pkt.size());
      if (parsed)
        why = std::to_string(answers.answers.size()) + " keyboard-interactive responses for " +
              std::to_string(q.prompts.size()) + " prompts";
      conn.disconnect(ssh::kProtocolError, why);
      return false;
    }
    sodium_memzero(pkt.data(), pkt.size());
    auto bytes = monproto::encode(answers);
    const bool sent = proc::send_datagram(monitor_fd, bytes);
    sodium_memzero(bytes.data(), bytes.size());
    if (!sent) return false;
  }
}
}  // namespace

bool run_userauth(Connection& conn, int monitor_fd, bool client_ext_info,
                  std::string_view server_sig_algs) {
  if (client_ext_info && !send_ext_info(conn, server_sig_algs)) return false;
  if (!accept_service(conn)) return false;

  std::optional<std::string> bound_user;
  std::vector<uint8_t> pkt;
  int requests = 0;
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
    if (requests >= kMaxUserauthRequests) {
      conn.disconnect(ssh::kNoMoreAuthMethodsAvailable, "Too many authentication requests");
      return false;
    }
    UserauthRequest req;
    std::string why;
    const Parsed parsed = parse_userauth_request(pkt, req, why);
    sodium_memzero(pkt.data(), pkt.size());  // it may hold a password
    if (parsed == Parsed::kMalformed) {
      conn.disconnect(ssh::kProtocolError, why);
      return false;
    }
    if (parsed == Parsed::kBadUserName) {
      conn.disconnect(ssh::kIllegalUserName, why);
      return false;
    }
    // Like sshd: the user and service cannot change between attempts.
    if (req.service != kConnectionService) {
      conn.disconnect(ssh::kServiceNotAvailable, "service not available: only ssh-connection");
      return false;
    }
    if (bound_user && *bound_user != req.user) {
      conn.disconnect(ssh::kProtocolError, "change of username not allowed");
      return false;
    }
    bound_user = req.user;
    ++requests;
    monproto::AuthReply reply;
    bool asked = false;
    // A request with an oversized field fails like an unknown method: the
    // monitor counts it (MaxAuthTries) and answers with the methods.
    if (parsed == Parsed::kFailedAttempt) req.kind = UserauthRequest::Method::kOther;
    switch (req.kind) {
      case UserauthRequest::Method::kPublickey:
        asked = monproto::call(monitor_fd, req.pubkey, reply);
        break;
      case UserauthRequest::Method::kPassword:
        // A password change request is not supported: it counts as a failed
        // attempt like any unknown method.
        asked = req.password_change
                    ? monproto::call(monitor_fd, monproto::AuthNoneRequest{req.user}, reply)
                    : password(monitor_fd, req, reply);
        break;
      case UserauthRequest::Method::kKbdint:
        asked = keyboard_interactive(conn, monitor_fd, req.user, reply);
        break;
      case UserauthRequest::Method::kOther:
        asked = monproto::call(monitor_fd, monproto::AuthNoneRequest{req.user}, reply);
        break;
    }
    if (!asked) return false;

    if (!reply.banner.empty()) {
      // SSH_MSG_USERAUTH_BANNER: string message, string language tag
      wire::Writer b(reply.banner.size() + 16);
      b.u8(ssh::kUserauthBanner).string(reply.banner).string("");
      if (!conn.write_packet(b.bytes())) return false;
    }
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
  h.send_position = conn.stream().encoder().cipher_position();
  h.recv_position = conn.stream().decoder().cipher_position();
  auto in = conn.stream().input();
  if (in.size() > monproto::kMaxPending) return false;
  h.pending.assign(in.begin(), in.end());
  return monproto::send(monitor_fd, h);
}

}  // namespace lpsshd::preauth
