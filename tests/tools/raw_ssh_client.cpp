// raw_ssh_client: a scriptable SSH-2 client built on lpsshd's own transport
// library, for attacks a normal client cannot make (tests/integration/
// attacks_test.sh).
//
//   raw_ssh_client HOST PORT SCENARIO [args]
//
// The client side it plays: "SSH-2.0-raw_test", a KEXINIT offering only
// curve25519-sha256 / ssh-ed25519 / chacha20-poly1305@openssh.com / none
// (plus kex-strict-c-v00@openssh.com unless the scenario says no-strict),
// KEX_ECDH_INIT with a fresh X25519 key, KEX_ECDH_REPLY whose ed25519
// signature over the exchange hash it recomputes itself (so the server's KEX
// is checked too), NEWKEYS both ways (keys 'C' client->server, 'D'
// server->client; strict KEX resets both sequence numbers), then
// SERVICE_REQUEST ssh-userauth and USERAUTH_REQUEST "none" for $RAW_SSH_USER
// (default "raw_test").
//
// Scenarios and what must happen for exit status 0:
//   normal                       USERAUTH_FAILURE listing publickey
//   ignore-before-kexinit        IGNORE, then KEXINIT (strict): disconnect or
//                                close before the KEX completes
//   ignore-during-kex            IGNORE between KEXINIT and ECDH (strict): same
//   no-strict-ignore-during-kex  the same without kex-strict-c: must succeed
//   unexpected-during-kex        SERVICE_REQUEST between KEXINIT and ECDH: same
//   second-kex-before-auth       KEXINIT after NEWKEYS: disconnect or close
//   no-seq-reset                 strict, but the send sequence number is not
//                                reset at NEWKEYS: closed, no SERVICE_ACCEPT
//   ignore-flood [N]             after SERVICE_ACCEPT, N (100000) IGNOREs of
//                                1 KiB, then "none": USERAUTH_FAILURE anyway
//   stall-kex [MAX]              version and KEXINIT, then silence: closed by
//                                the server within MAX (60) seconds
//   big-packet                   after NEWKEYS, packet_length 300000: closed
//   inject-after-auth            the last USERAUTH_REQUEST (publickey,
//                                $RAW_SSH_KEY) with CHANNEL_OPEN + exec
//                                $RAW_SSH_INJECT behind it in one write,
//                                under the first keys: the channel is never
//                                confirmed and the connection ends
//   hold-flood [N]               the same login with N (65) CHANNEL_OPENs
//                                behind it, the server's KEXINIT never
//                                answered: the connection ends
//   stall-rekey-flood [MAX]      the same login, then IGNOREs of 1 KiB as
//                                fast as the server reads them, the
//                                server's KEXINIT never answered: the server
//                                ends the connection within MAX (60) seconds
//
// Client mistakes (tests/integration/mistakes_test.sh): well-formed
// messages from an odd client. The server must answer each, with a reply or
// a DISCONNECT carrying a reason; a bare close fails the scenario.
//   big-rekey-kexinit [BYTES]    the same after login ($RAW_SSH_USER/KEY),
//                                answering the server's KEXINIT: DISCONNECT
//   big-kexinit [BYTES]          a valid KEXINIT whose name-lists hold BYTES
//                                (33000) bytes of filler names: a DISCONNECT,
//                                or (small enough) a completed key exchange
//   many-key-queries [N]         N (129) publickey queries without signature
//                                for $RAW_SSH_USER with the key $RAW_SSH_KEY,
//                                the same key each time: prints
//                                QUERIES_ANSWERED <pk_ok> <failures>; a
//                                DISCONNECT, or all N answered
//   many-new-key-queries [N]     the same with a fresh key for every query
//   odd-auth-fields              after "none": a password of 2000 bytes, a
//                                key blob of 17000, a signature of 2000, a
//                                method and an algorithm name of 100: each
//                                must get USERAUTH_FAILURE
//   long-user                    USERAUTH_REQUEST "none" for a user name of
//                                300 bytes: a DISCONNECT
//   packet-flood [N]             after SERVICE_ACCEPT, N (1100000) empty
//                                IGNOREs, then "none": USERAUTH_FAILURE, or
//                                a DISCONNECT (the cap on packets before
//                                authentication)
//
// With a login ($RAW_SSH_USER, $RAW_SSH_KEY) and the key exchange the
// server starts after it completed (REKEY_OK), for memory bounds
// (tests/integration/bounded_test.sh):
//   open-flood [N]               N (500000) CHANNEL_OPEN "session", written
//                                without reading a byte until all are written
//                                or the server stops reading (FLOOD_STALLED
//                                <bytes written> after 3 s without progress,
//                                else FLOOD_SENT <n>); then read while the
//                                rest is written: every open answered
//                                (REPLIES <n>, then REPLY_TYPE <type> <count>
//                                for each message type among them: 91 the
//                                confirmations, 92 the refusals)
//   global-request-flood [N]     the same with N (2000000) GLOBAL_REQUEST
//                                keepalive@openssh.com, want-reply
//   kex-global-request-flood [N] our KEXINIT, then N (2000000) of those
//                                requests, the exchange never finished and
//                                nothing read: FLOOD_SENT or FLOOD_STALLED
//                                (or the server ends the connection)
//   slow-window-read [SECONDS]   a session channel with a window of 2^32-1
//                                runs $RAW_SSH_EXEC (cat /dev/zero); its
//                                output is read slowly for SECONDS (4):
//                                READ <bytes> <seconds>, at least 16 MiB
//   compression-bomb [N]         both exchanges offer zlib@openssh.com
//                                first (COMPRESSION zlib@openssh.com once
//                                negotiated); a compressed keepalive is
//                                answered; then one IGNORE packet whose
//                                payload inflates to N (16 MiB) bytes of
//                                'x' (BOMB_SENT <wire bytes> <inflated>):
//                                the server must end the connection. If a
//                                keepalive is still answered: ALIVE (the
//                                control, with N below 256 KiB)
//   compression-off-at-rekey     zlib@openssh.com at login, "none" offered
//                                in the exchange after it: compressed
//                                until that NEWKEYS, plain after it, and a
//                                keepalive is answered (KEEPALIVE_OK)
//   rekeys [N]                   a login ($RAW_SSH_USER/KEY) and the server's
//                                exchange after it, then N (3) exchanges the
//                                client starts: REKEYS <n>, and a keepalive
//                                answered under the last keys
//   rekey-downgrade              a login, then a KEXINIT offering only
//                                $RAW_SSH_REKEY_KEX (curve25519-sha256):
//                                PASS when the server ends the connection
//                                (DISCONNECT printed), FAIL if it completes
//   sk-login [FLAGS=1]           publickey login as $RAW_SSH_USER with a FIDO
//                                key (sk-ssh-ed25519@openssh.com; with
//                                $RAW_SK_TYPE=ecdsa sk-ecdsa-sha2-nistp256)
//                                made from the 64 hex digits of $RAW_SK_SEED:
//                                the client plays the authenticator and signs
//                                the PROTOCOL.u2f structure with these flags
//                                (0x01 user present, 0x04 verified; 256 for
//                                none). PASS on USERAUTH_SUCCESS
//   sk-login-refused [FLAGS=1]   the same, PASS on USERAUTH_FAILURE
// `raw_ssh_client sk-public ed25519|ecdsa SEEDHEX` prints that key's
// authorized_keys entry.
//
// $RAW_SSH_KEX names the key exchange every KEXINIT offers (default
// curve25519-sha256; mlkem768x25519-sha256 is played by noble in node,
// tests/tools/kex_client.h). KEX_OK names it and the exchange hash's size.
//
// Output, one line per event on stdout: LOCAL_PORT <port>, SERVER_VERSION
// <line>, SERVER_KEXINIT [strict], HOSTKEY <fingerprint>, KEX_OK <kex> H<bytes>,
// SERVICE_ACCEPT, USERAUTH_FAILURE <methods>, DISCONNECT <code> <text>,
// CLOSED, TIMEOUT, SEND_FAILED <errno text>, UNEXPECTED <type>, ERROR <why>,
// and per scenario FLOOD_SENT <n>, ELAPSED <s>, WAITED <s>. The verdict goes
// to stderr. Exit 0: the expectation held; 1: it did not; 2: usage.
// $RAW_SSH_LINGER (seconds) keeps the connection open that long before
// exiting, so a harness can read the server process's final memory use.
// $RAW_SSH_RCVBUF (bytes) and $RAW_SSH_MSS (bytes) set SO_RCVBUF and
// TCP_MAXSEG before connecting: a small receive buffer and segment size keep
// the server's socket buffers small, as a slow link would, so its socket
// takes output a little at a time.
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tests/packet_keys.h"
#include "crypto/chachapoly.h"
#include "crypto/ed25519.h"
#include "crypto/fingerprint.h"
#include "crypto/keyfile.h"
#include "crypto/x25519.h"
#include "tests/support/test_user_keys.h"
#include "tests/tools/kex_client.h"
#include "transport/algorithms.h"
#include "transport/kex_hash.h"
#include "transport/kexinit.h"
#include "transport/packet.h"
#include "transport/ssh_msg.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;

namespace {

constexpr std::string_view kClientVersion = "SSH-2.0-raw_test";
constexpr int kReplyTimeoutMs = 10000;  // any single answer from the server

void event(const std::string& line) {
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) out += (c >= 0x20 && c <= 0x7e) ? c : '?';
  return out;
}

int64_t now_ms() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

std::string seconds(int64_t ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f", static_cast<double>(ms) / 1000.0);
  return b;
}

// What receive() ended with. Everything but kMessage has been printed.
// kNone: nothing buffered yet (next_buffered only; nothing printed).
enum class Got { kMessage, kDisconnect, kClosed, kTimeout, kError, kNone };

// The connection: a blocking socket, our packet codec, received bytes.
class Peer {
 public:
  explicit Peer(int fd) : fd_(fd) {}
  ~Peer() { ::close(fd_); }
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  transport::PacketEncoder& encoder() { return enc_; }
  transport::PacketDecoder& decoder() { return dec_; }
  Got last() const { return last_; }

  // Writes all of b. False (after printing SEND_FAILED once) when the server
  // has gone: the caller then reads what it said before it went.
  bool write_all(std::span<const uint8_t> b) {
    size_t off = 0;
    while (off < b.size()) {
      const ssize_t n = ::send(fd_, b.data() + off, b.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (!send_failed_) event(std::string("SEND_FAILED ") + std::strerror(errno));
        send_failed_ = true;
        return false;
      }
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool write_text(std::string_view s) {
    return write_all({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
  }
  // One packet carrying payload, with the current keys and sequence number.
  bool send(std::span<const uint8_t> payload) {
    std::vector<uint8_t> out;
    enc_.encode(payload, out);
    return write_all(out);
  }

  // The server's identification line (without CR LF); lines before it are
  // skipped as RFC 4253 4.2 allows. Bytes after it stay for the decoder.
  std::optional<std::string> read_version() {
    const int64_t deadline = now_ms() + kReplyTimeoutMs;
    while (true) {
      while (true) {
        auto nl = std::find(in_.begin() + static_cast<ptrdiff_t>(off_), in_.end(), '\n');
        if (nl == in_.end()) break;
        std::string line(in_.begin() + static_cast<ptrdiff_t>(off_), nl);
        off_ = static_cast<size_t>(nl - in_.begin()) + 1;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.starts_with("SSH-")) return line;
      }
      if (in_.size() - off_ > 8192) {
        event("ERROR no identification line in 8 KiB");
        return std::nullopt;
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // The next message from the server, transport-generic IGNORE and DEBUG
  // skipped. DISCONNECT, close, timeout and errors are printed and returned.
  Got receive(std::vector<uint8_t>& payload, int timeout_ms = kReplyTimeoutMs) {
    const int64_t deadline = now_ms() + timeout_ms;
    while (true) {
      const Got g = next_buffered(payload);
      if (g != Got::kNone) return last_ = g;
      if (!fill(deadline)) return last_;
    }
  }

  // The next message among the bytes received so far, as receive() sees
  // it; kNone (nothing printed) when more bytes are needed.
  Got next_buffered(std::vector<uint8_t>& payload) {
    while (true) {
      size_t used = 0;
      std::string why;
      const auto r = dec_.decode({in_.data() + off_, in_.size() - off_}, used, payload, why);
      if (r == transport::PacketDecoder::Result::kNeedMore) return Got::kNone;
      if (r == transport::PacketDecoder::Result::kError) {
        event("ERROR undecodable packet from the server: " + why);
        return last_ = Got::kError;
      }
      off_ += used;
      if (payload.empty()) {
        event("ERROR empty payload from the server");
        return last_ = Got::kError;
      }
      if (payload[0] == ssh::kIgnore || payload[0] == ssh::kDebug) continue;
      if (payload[0] == ssh::kDisconnect) {
        // byte 1, uint32 reason code, string description, string language
        wire::Reader rd(payload);
        uint8_t type = 0;
        uint32_t code = 0;
        wire::Bytes text;
        if (!rd.u8(type) || !rd.u32(code) || !rd.string(text)) {
          event("ERROR malformed DISCONNECT");
          return last_ = Got::kError;
        }
        event("DISCONNECT " + std::to_string(code) + " " + printable(wire::as_view(text)));
        return last_ = Got::kDisconnect;
      }
      return last_ = Got::kMessage;
    }
  }

  // Reads what the socket holds now, without waiting. False (printed) when
  // the server closed the connection or reading failed.
  bool read_available() {
    if (off_ > 0) {
      in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(off_));
      off_ = 0;
    }
    while (true) {
      uint8_t buf[64 * 1024];
      const ssize_t got = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (got > 0) {
        in_.insert(in_.end(), buf, buf + got);
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      closed(got);
      return false;
    }
  }

  // Writes what the socket takes now of out from off on, without waiting.
  // False (printed) when the connection failed.
  bool send_available(const std::vector<uint8_t>& out, size_t& off) {
    while (off < out.size()) {
      const ssize_t n = ::send(fd_, out.data() + off, out.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        off += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (!send_failed_) event(std::string("SEND_FAILED ") + std::strerror(errno));
      send_failed_ = true;
      return false;
    }
    return true;
  }

  int fd() const { return fd_; }

 private:
  // Reads more bytes until deadline. False after printing CLOSED, TIMEOUT or
  // ERROR (and setting last_).
  bool fill(int64_t deadline) {
    if (off_ > 0 && off_ == in_.size()) {
      in_.clear();
      off_ = 0;
    }
    while (true) {
      const int64_t left = deadline - now_ms();
      if (left <= 0) {
        event("TIMEOUT");
        last_ = Got::kTimeout;
        return false;
      }
      pollfd p{fd_, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(left));
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) continue;  // the deadline check above ends it
      uint8_t buf[64 * 1024];
      const ssize_t got = ::recv(fd_, buf, sizeof buf, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got > 0) {
        in_.insert(in_.end(), buf, buf + got);
        return true;
      }
      closed(got);
      return false;
    }
  }

  // After a read that returned got <= 0 (not EINTR or EAGAIN).
  void closed(ssize_t got) {
    if (got == 0 || errno == ECONNRESET || errno == EPIPE) {
      event(got == 0 ? "CLOSED" : "CLOSED (reset)");
      last_ = Got::kClosed;
    } else {
      event(std::string("ERROR read: ") + std::strerror(errno));
      last_ = Got::kError;
    }
  }

  int fd_;
  std::vector<uint8_t> in_;
  size_t off_ = 0;
  transport::PacketEncoder enc_;
  transport::PacketDecoder dec_;
  Got last_ = Got::kMessage;
  bool send_failed_ = false;
};

int connect_to(const char* host, const char* port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  // Before connect(), so that the window the kernel offers follows it.
  const char* rcvbuf_env = std::getenv("RAW_SSH_RCVBUF");
  const int rcvbuf = rcvbuf_env != nullptr ? std::atoi(rcvbuf_env) : 0;
  const char* mss_env = std::getenv("RAW_SSH_MSS");
  const int mss = mss_env != nullptr ? std::atoi(mss_env) : 0;
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (fd >= 0 && mss > 0) setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd >= 0) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
      const int p = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                             : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
      event("LOCAL_PORT " + std::to_string(p));
    }
  }
  return fd;
}

// ---------------------------------------------------------------- the client side

struct Plan {
  bool strict = true;                  // offer kex-strict-c-v00@openssh.com
  bool reset_send_seq = true;          // under strict KEX, at our NEWKEYS
  bool ignore_before_kexinit = false;  // SSH_MSG_IGNORE as the first packet
  bool ignore_during_kex = false;      // between KEXINIT and KEX_ECDH_INIT
  bool service_during_kex = false;     // SERVICE_REQUEST there instead
  bool compress = false;               // offer zlib@openssh.com first
  const transport::KexAlgorithm* kex = nullptr;  // instead of $RAW_SSH_KEX
};

struct Session {
  std::string server_version;
  std::vector<uint8_t> client_kexinit, server_kexinit;
  bool server_strict = false;
  crypto::SecretBytes key_ctos;  // 64 bytes, letter 'C'
  std::vector<uint8_t> session_id;  // H of the first exchange
  bool compress = false;            // what our KEXINITs offer (Plan::compress)
  // Negotiated by the last KEXINITs; zlib@openssh.com takes effect with the
  // keys once authenticated (and at once when authentication succeeds).
  std::string comp_ctos, comp_stoc;
  bool authenticated = false;
};

std::vector<uint8_t> ignore_payload(size_t n) {
  std::vector<uint8_t> data(n, 'x');
  wire::Writer w(n + 8);
  w.u8(ssh::kIgnore).string(data);
  return w.take();
}

std::vector<uint8_t> service_request(std::string_view name) {
  wire::Writer w;
  w.u8(ssh::kServiceRequest).string(name);
  return w.take();
}

// The key exchange every KEXINIT of ours offers: $RAW_SSH_KEX, by default
// curve25519-sha256.
const transport::KexAlgorithm& kex_method() {
  const char* name = std::getenv("RAW_SSH_KEX");
  const auto* row = transport::find_kex(name != nullptr ? name : "curve25519-sha256");
  if (row == nullptr) {
    std::fprintf(stderr, "unknown RAW_SSH_KEX %s\n", name);
    std::exit(2);
  }
  return *row;
}

// `kex` replaces $RAW_SSH_KEX in the offer (rekey-downgrade).
std::vector<uint8_t> client_kexinit(bool strict, bool compress = false,
                                    std::string_view kex_name = {}) {
  std::string kex(kex_name.empty() ? kex_method().name : kex_name);
  if (strict) kex += "," + std::string(transport::kStrictKexClient);
  uint8_t cookie[16];
  randombytes_buf(cookie, sizeof cookie);
  const std::string_view cipher = transport::kCiphers[0].name;
  wire::Writer w(512);
  w.u8(ssh::kKexInit).raw(std::span<const uint8_t>(cookie, sizeof cookie));
  w.string(kex).string(transport::kSignatureAlgorithms[0].name);
  w.string(cipher).string(cipher);
  // What a real client sends; with an AEAD cipher the MAC is not used.
  w.string("hmac-sha2-256-etm@openssh.com").string("hmac-sha2-256-etm@openssh.com");
  // ssh -C's order: zlib@openssh.com first.
  const std::string comp = compress ? std::string(transport::kCompressionZlibDelayed) + ",none"
                                    : std::string(transport::kCompressionNone);
  w.string(comp).string(comp);
  w.string("").string("");
  w.boolean(false).u32(0);
  return w.take();
}

bool unexpected(const std::vector<uint8_t>& pkt, const char* wanted) {
  event("UNEXPECTED " + std::to_string(pkt[0]) + " (wanted " + wanted + ")");
  return false;
}

// Identification strings both ways.
bool versions(Peer& p, Session& s) {
  if (!p.write_text(std::string(kClientVersion) + "\r\n")) return false;
  auto v = p.read_version();
  if (!v) return false;
  s.server_version = *v;
  event("SERVER_VERSION " + printable(*v));
  return true;
}

// Our KEXINIT (after an IGNORE if the plan says so).
bool send_kexinit(Peer& p, Session& s, const Plan& plan) {
  if (plan.ignore_before_kexinit && !p.send(ignore_payload(16))) return false;
  s.compress = plan.compress;
  s.client_kexinit = client_kexinit(plan.strict, plan.compress);
  return p.send(s.client_kexinit);
}

// The server's KEXINIT, checked to negotiate what we offered.
bool accept_kexinit(Session& s, std::vector<uint8_t> pkt);

bool receive_kexinit(Peer& p, Session& s) {
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return false;
  if (pkt[0] != ssh::kKexInit) return unexpected(pkt, "KEXINIT");
  return accept_kexinit(s, std::move(pkt));
}

// A server KEXINIT received (pkt), checked against ours (s.client_kexinit).
bool accept_kexinit(Session& s, std::vector<uint8_t> pkt) {
  std::string why;
  auto server = transport::parse_kexinit(pkt, why);
  auto client = transport::parse_kexinit(s.client_kexinit, why);
  if (!server || !client) {
    event("ERROR server KEXINIT: " + why);
    return false;
  }
  auto n = transport::negotiate(*client, *server, why);
  if (!n) {
    event("ERROR negotiation: " + why);
    return false;
  }
  s.comp_ctos = n->comp_ctos;
  s.comp_stoc = n->comp_stoc;
  for (const auto& name : server->lists[transport::KexInit::kKex])
    if (name == transport::kStrictKexServer) s.server_strict = true;
  s.server_kexinit = std::move(pkt);
  event(std::string("SERVER_KEXINIT") + (s.server_strict ? " strict" : ""));
  return true;
}

// KEX_ECDH_INIT, KEX_ECDH_REPLY (verified), NEWKEYS both ways, key switch.
bool ecdh_and_newkeys(Peer& p, Session& s, const Plan& plan) {
  if (plan.ignore_during_kex) p.send(ignore_payload(16));
  if (plan.service_during_kex) p.send(service_request("ssh-userauth"));
  const auto& method = plan.kex != nullptr ? *plan.kex : kex_method();
  std::string why;
  auto kex = testing::KexClient::start(method, why);
  if (!kex) {
    event("ERROR " + why);
    return false;
  }
  wire::Writer init;
  init.u8(ssh::kKexEcdhInit).string(kex->client_public());
  p.send(init.bytes());  // on failure, the server's last words are read below

  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return false;
  if (pkt[0] != ssh::kKexEcdhReply) return unexpected(pkt, "KEX_ECDH_REPLY");
  // byte 31, string K_S (host key blob), string Q_S, string signature of H
  wire::Reader r(pkt);
  uint8_t type = 0;
  wire::Bytes host_blob, q_s, sig;
  if (!r.u8(type) || !r.string(host_blob) || !r.string(q_s) || !r.string(sig) ||
      !r.end()) {
    event("ERROR malformed KEX_ECDH_REPLY");
    return false;
  }
  if (!crypto::ed25519_parse_public_blob(host_blob)) {
    event("ERROR host key is not ssh-ed25519");
    return false;
  }
  auto k = kex->finish(q_s, why);
  if (!k) {
    event("ERROR " + why);
    return false;
  }
  transport::ExchangeHashInputs in{kClientVersion,   s.server_version, s.client_kexinit,
                                   s.server_kexinit, host_blob,        kex->client_public(),
                                   q_s};
  const auto h = transport::exchange_hash(method.hash, in, *k);
  if (!crypto::ed25519_verify_blob(host_blob, sig, h)) {
    event("ERROR host key signature over the exchange hash does not verify");
    return false;
  }
  event("HOSTKEY " + crypto::sha256_fingerprint(host_blob));
  // The session id is the first exchange's H, for every later one too.
  if (s.session_id.empty()) s.session_id.assign(h.begin(), h.end());
  const size_t key_bytes = transport::kCiphers[0].key_bytes;
  s.key_ctos = transport::derive_key(method.hash, *k, h, 'C', s.session_id, key_bytes);
  const auto key_stoc = transport::derive_key(method.hash, *k, h, 'D', s.session_id, key_bytes);
  const bool strict = plan.strict && s.server_strict;

  const uint8_t newkeys[1] = {ssh::kNewKeys};
  p.send(newkeys);
  // Sequence number first: a key's nonce budget counts from where it starts.
  if (strict && plan.reset_send_seq) p.encoder().set_seq(0);
  p.encoder().set_keys(lpsshd::testing::chacha_keys(s.key_ctos.span()));
  // As OpenSSH: after authentication each NEWKEYS starts a fresh stream
  // where zlib@openssh.com was negotiated, and ends compression where not.
  if (s.authenticated) p.encoder().set_compression(transport::delayed_zlib(s.comp_ctos));

  if (p.receive(pkt) != Got::kMessage) return false;
  if (pkt.size() != 1 || pkt[0] != ssh::kNewKeys) return unexpected(pkt, "NEWKEYS");
  if (strict) p.decoder().set_seq(0);
  p.decoder().set_keys(lpsshd::testing::chacha_keys(key_stoc.span()));
  if (s.authenticated) p.decoder().set_compression(transport::delayed_zlib(s.comp_stoc));
  event("KEX_OK " + std::string(method.name) + " H" + std::to_string(h.size()));
  return true;
}

bool full_kex(Peer& p, Session& s, const Plan& plan) {
  return versions(p, s) && send_kexinit(p, s, plan) && receive_kexinit(p, s) &&
         ecdh_and_newkeys(p, s, plan);
}

bool service_accept(Peer& p) {
  p.send(service_request("ssh-userauth"));
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return false;
  if (pkt[0] != ssh::kServiceAccept) return unexpected(pkt, "SERVICE_ACCEPT");
  event("SERVICE_ACCEPT");
  return true;
}

// USERAUTH_REQUEST "none"; true on USERAUTH_FAILURE, whose methods are returned.
bool userauth_none(Peer& p, std::string& methods) {
  const char* user = std::getenv("RAW_SSH_USER");
  wire::Writer w;
  w.u8(ssh::kUserauthRequest).string(user != nullptr ? user : "raw_test");
  w.string("ssh-connection").string("none");
  p.send(w.bytes());
  std::vector<uint8_t> pkt;
  while (true) {
    if (p.receive(pkt) != Got::kMessage) return false;
    if (pkt[0] != ssh::kUserauthBanner) break;
    event("USERAUTH_BANNER");
  }
  if (pkt[0] != ssh::kUserauthFailure) return unexpected(pkt, "USERAUTH_FAILURE");
  // byte 51, name-list methods, boolean partial success
  wire::Reader r(pkt);
  uint8_t type = 0;
  wire::Bytes list;
  bool partial = false;
  if (!r.u8(type) || !r.string(list) || !r.boolean(partial) || !r.end()) {
    event("ERROR malformed USERAUTH_FAILURE");
    return false;
  }
  methods = printable(wire::as_view(list));
  event("USERAUTH_FAILURE " + methods);
  return true;
}

bool lists_publickey(const std::string& methods) {
  return ("," + methods + ",").find(",publickey,") != std::string::npos;
}

// After an attack: the server must end the connection (DISCONNECT or close),
// and must not have answered as if nothing happened.
bool ended_by_server(Peer& p) {
  if (p.last() == Got::kDisconnect || p.last() == Got::kClosed) return true;
  if (p.last() != Got::kMessage) return false;  // timeout or our decode error
  std::vector<uint8_t> pkt;
  while (true) {
    const Got g = p.receive(pkt);
    if (g == Got::kDisconnect || g == Got::kClosed) return true;
    if (g != Got::kMessage) return false;
    event("UNEXPECTED " + std::to_string(pkt[0]) + " (wanted the connection to end)");
  }
}

// ---------------------------------------------------------------- scenarios

struct Verdict {
  bool ok;
  std::string why;
};

Verdict normal(Peer& p) {
  Session s;
  std::string methods;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!s.server_strict) return {false, "server did not offer kex-strict-s-v00@openssh.com"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  if (!userauth_none(p, methods)) return {false, "no USERAUTH_FAILURE"};
  if (!lists_publickey(methods)) return {false, "publickey not among the methods"};
  return {true, "login flow works"};
}

// The attack happens during the first key exchange: it must not complete.
Verdict kex_refused(Peer& p, const Plan& plan) {
  Session s;
  if (full_kex(p, s, plan)) return {false, "the key exchange completed"};
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "key exchange refused"};
}

Verdict no_strict_ignore(Peer& p) {
  Plan plan;
  plan.strict = false;
  plan.ignore_during_kex = true;
  Session s;
  std::string methods;
  if (!full_kex(p, s, plan)) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  if (!userauth_none(p, methods)) return {false, "no USERAUTH_FAILURE"};
  return {true, "IGNORE during a non-strict KEX is accepted"};
}

Verdict second_kex(Peer& p) {
  Session s;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  p.send(client_kexinit(true));
  std::vector<uint8_t> pkt;
  const Got g = p.receive(pkt);
  if (g == Got::kMessage) {
    event("UNEXPECTED " + std::to_string(pkt[0]) + " (wanted a refusal)");
    return {false, "the server answered a second KEXINIT"};
  }
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "re-exchange before authentication refused"};
}

Verdict no_seq_reset(Peer& p) {
  Plan plan;
  plan.reset_send_seq = false;
  Session s;
  if (!full_kex(p, s, plan)) return {false, "key exchange failed"};
  if (service_accept(p)) return {false, "the server took a packet under the wrong sequence number"};
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "wrong sequence number refused"};
}

Verdict ignore_flood(Peer& p, long n) {
  Session s;
  std::string methods;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  const int64_t t0 = now_ms();
  const auto ignore = ignore_payload(1024);
  std::vector<uint8_t> batch;
  long sent = 0;
  while (sent < n) {
    batch.clear();
    for (int i = 0; i < 256 && sent < n; ++i, ++sent) p.encoder().encode(ignore, batch);
    if (!p.write_all(batch)) break;
  }
  event("FLOOD_SENT " + std::to_string(sent));
  const bool answered = sent == n && userauth_none(p, methods);
  event("ELAPSED " + seconds(now_ms() - t0));
  if (!answered) {
    ended_by_server(p);
    return {false, "no USERAUTH_FAILURE after the flood"};
  }
  return {true, "flood absorbed"};
}

Verdict stall_kex(Peer& p, long max_seconds) {
  Session s;
  Plan plan;
  if (!versions(p, s) || !send_kexinit(p, s, plan) || !receive_kexinit(p, s))
    return {false, "no KEXINIT from the server"};
  const int64_t t0 = now_ms();
  std::vector<uint8_t> pkt;
  const Got g = p.receive(pkt, static_cast<int>(max_seconds * 1000));
  event("WAITED " + seconds(now_ms() - t0));
  if (g == Got::kMessage) {
    event("UNEXPECTED " + std::to_string(pkt[0]));
    return {false, "the server sent a message to a stalled client"};
  }
  if (g != Got::kClosed && g != Got::kDisconnect) return {false, "the server kept the connection"};
  return {true, "stalled connection cut"};
}

Verdict big_packet(Peer& p) {
  Session s;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  // An encrypted packet whose (encrypted) packet_length field says 300000,
  // over the 256 KiB limit; a few body bytes and a tag follow.
  uint8_t pkt[4 + 8 + crypto::ChachaPoly::kTagBytes] = {};
  const uint32_t len = 300000;
  pkt[0] = uint8_t(len >> 24);
  pkt[1] = uint8_t(len >> 16);
  pkt[2] = uint8_t(len >> 8);
  pkt[3] = uint8_t(len);
  randombytes_buf(pkt + 4, 8);
  crypto::ChachaPoly cipher(s.key_ctos.span());
  cipher.seal(p.encoder().seq(), pkt, 12, pkt + 12);
  p.write_all(pkt);
  std::vector<uint8_t> reply;
  const Got g = p.receive(reply);
  if (g == Got::kMessage) {
    event("UNEXPECTED " + std::to_string(reply[0]));
    return {false, "the server answered an oversized packet"};
  }
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "oversized packet refused"};
}

// What an owned preauth child and an attacker on the path could do with
// the keys of the first exchange: the final USERAUTH_REQUEST (a valid
// publickey signature with $RAW_SSH_KEY for $RAW_SSH_USER) and, in the same
// write, CHANNEL_OPEN "session" and CHANNEL_REQUEST "exec" $RAW_SSH_INJECT
// for server channel 0 under those keys. Expected with RekeyAfterAuth: the
// server answers USERAUTH_SUCCESS, starts a key exchange, and ends the
// connection without ever confirming the channel. (With RekeyAfterAuth no
// the command runs: the harness's positive control.)
// Logs in as $RAW_SSH_USER with the key in $RAW_SSH_KEY and puts `behind`
// right after the final (signed) USERAUTH_REQUEST, in the same write, under
// the first exchange's keys. Empty `why` on success.
std::string login_with_packets_behind(Peer& p, Session& s,
                                      const std::vector<std::vector<uint8_t>>& behind,
                                      const Plan& plan = Plan{}) {
  const char* user = std::getenv("RAW_SSH_USER");
  const char* key_path = std::getenv("RAW_SSH_KEY");
  if (user == nullptr || key_path == nullptr) return "RAW_SSH_USER and RAW_SSH_KEY are needed";
  std::string text, error;
  if (FILE* f = std::fopen(key_path, "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  auto key = crypto::parse_openssh_private_key(text, error);
  if (!key) return "cannot read " + std::string(key_path) + ": " + error;
  if (key->ed25519() == nullptr) return std::string(key_path) + ": not an ed25519 key";
  if (!full_kex(p, s, plan)) return "key exchange failed";
  if (!service_accept(p)) return "no SERVICE_ACCEPT";
  // RFC 4252 7: the signature covers session id and the request.
  const auto blob = key->ed25519()->public_blob();
  wire::Writer sd;
  sd.string(s.session_id).u8(ssh::kUserauthRequest).string(user).string("ssh-connection");
  sd.string("publickey").boolean(true).string(crypto::kEd25519Name).string(blob);
  wire::Writer auth;
  auth.u8(ssh::kUserauthRequest).string(user).string("ssh-connection").string("publickey");
  auth.boolean(true).string(crypto::kEd25519Name).string(blob);
  auth.string(key->ed25519()->sign_blob(sd.bytes()));
  std::vector<uint8_t> out;
  p.encoder().encode(auth.bytes(), out);
  for (const auto& m : behind) p.encoder().encode(m, out);
  p.write_all(out);
  return "";
}

// Logs in ($RAW_SSH_USER, $RAW_SSH_KEY) up to the KEXINIT the server sends
// right after authentication (RekeyAfterAuth), left in `kexinit`. Empty on
// success, else why not.
std::string login_until_server_kexinit(Peer& p, Session& s, std::vector<uint8_t>& kexinit,
                                      const Plan& plan = Plan{}) {
  const std::string why = login_with_packets_behind(p, s, {}, plan);
  if (!why.empty()) return why;
  std::vector<uint8_t>& pkt = kexinit;
  if (p.receive(pkt) != Got::kMessage) return "no answer to the authentication request";
  if (pkt[0] != ssh::kUserauthSuccess) {
    unexpected(pkt, "USERAUTH_SUCCESS");
    return "authentication did not succeed";
  }
  event("USERAUTH_SUCCESS");
  // Delayed compression starts with the next packet each way.
  s.authenticated = true;
  p.encoder().set_compression(transport::delayed_zlib(s.comp_ctos));
  p.decoder().set_compression(transport::delayed_zlib(s.comp_stoc));
  if (p.receive(pkt) != Got::kMessage) return "no KEXINIT after authentication";
  if (pkt[0] != ssh::kKexInit) {
    unexpected(pkt, "KEXINIT");
    return "no KEXINIT after authentication";
  }
  event("SERVER_KEXINIT_AFTER_AUTH");
  return "";
}

std::vector<uint8_t> session_open(uint32_t sender) {
  wire::Writer open;
  open.u8(ssh::kChannelOpen).string("session").u32(sender).u32(2 * 1024 * 1024).u32(32768);
  return open.take();
}

Verdict inject_after_auth(Peer& p) {
  const char* command = std::getenv("RAW_SSH_INJECT");
  if (command == nullptr) return {false, "RAW_SSH_INJECT is needed"};
  wire::Writer exec;
  exec.u8(ssh::kChannelRequest).u32(0).string("exec").boolean(true).string(std::string(command));
  Session s;
  const std::string why = login_with_packets_behind(p, s, {session_open(0), exec.take()});
  if (!why.empty()) return {false, why};
  event("SENT USERAUTH_REQUEST+CHANNEL_OPEN+CHANNEL_REQUEST exec");
  std::vector<uint8_t> pkt;
  bool success = false, kexinit = false, confirmed = false;
  while (p.receive(pkt) == Got::kMessage) {
    switch (pkt[0]) {
      case ssh::kUserauthSuccess: success = true; event("USERAUTH_SUCCESS"); break;
      case ssh::kKexInit: kexinit = true; event("SERVER_KEXINIT_AFTER_AUTH"); break;
      case ssh::kChannelOpenConfirmation: confirmed = true; event("CHANNEL_OPEN_CONFIRMATION"); break;
      case ssh::kChannelSuccess: event("CHANNEL_SUCCESS"); break;
      default: event("MESSAGE " + std::to_string(pkt[0])); break;
    }
  }
  if (!success) return {false, "authentication did not succeed"};
  if (confirmed) return {false, "the injected channel was opened"};
  if (!kexinit) return {false, "the server did not start a key exchange after authentication"};
  if (p.last() != Got::kDisconnect && p.last() != Got::kClosed)
    return {false, "the server did not end the connection"};
  return {true, "injection under the first keys refused"};
}

// The window before the exchange that follows authentication holds
// CHANNEL_OPEN and GLOBAL_REQUEST, but only so many: N (65) CHANNEL_OPENs
// behind the final auth request, never answering the server's KEXINIT. The
// server must end the connection instead of holding them all.
Verdict hold_flood(Peer& p, long n) {
  std::vector<std::vector<uint8_t>> opens;
  for (long i = 0; i < n; ++i) opens.push_back(session_open(static_cast<uint32_t>(i)));
  Session s;
  const std::string why = login_with_packets_behind(p, s, opens);
  if (!why.empty()) return {false, why};
  event("SENT USERAUTH_REQUEST+" + std::to_string(n) + " CHANNEL_OPEN");
  std::vector<uint8_t> pkt;
  bool success = false;
  while (p.receive(pkt) == Got::kMessage) {
    if (pkt[0] == ssh::kUserauthSuccess) success = true;
    event("MESSAGE " + std::to_string(pkt[0]));
    if (pkt[0] == ssh::kChannelOpenConfirmation) return {false, "a held channel was opened"};
  }
  if (!success) return {false, "authentication did not succeed"};
  if (p.last() != Got::kDisconnect && p.last() != Got::kClosed)
    return {false, "the server held the flood instead of ending the connection"};
  return {true, "flood before the exchange after authentication refused"};
}

// A key exchange the client never finishes, under a flood of messages the
// transport must accept meanwhile (IGNORE): the server's deadline for the
// exchange cuts it, and the flood must not make it hold memory meanwhile.
Verdict stall_rekey_flood(Peer& p, long max_seconds) {
  Session s;
  std::vector<uint8_t> kexinit;
  if (std::string why = login_until_server_kexinit(p, s, kexinit); !why.empty()) return {false, why};
  const int64_t t0 = now_ms();
  const auto ignore = ignore_payload(1024);
  std::vector<uint8_t> batch;
  long sent = 0;
  while (now_ms() - t0 < max_seconds * 1000) {
    batch.clear();
    for (int i = 0; i < 64; ++i, ++sent) p.encoder().encode(ignore, batch);
    if (!p.write_all(batch)) break;  // the server closed
  }
  event("FLOOD_SENT " + std::to_string(sent));
  const bool ended = ended_by_server(p);
  event("ELAPSED " + seconds(now_ms() - t0));
  if (!ended) return {false, "the server kept a key exchange open past its deadline"};
  return {true, "stalled key exchange cut"};
}

// ---------------------------------------------------------------- client mistakes
// Self-contained, for mistakes_test.sh: messages that are well-formed but
// odd. Each must be answered (a reply, or a DISCONNECT with a reason).

// The server ended the exchange: with a DISCONNECT (true) or silently.
bool said_why(Peer& p) { return p.last() == Got::kDisconnect; }

// A valid KEXINIT offering what client_kexinit() offers, plus filler names
// (60 bytes each, at most 127 more per list, all printable) until the
// name-lists hold at least `bytes` bytes. Filler goes to the MAC and
// language lists first, where nothing is negotiated from it.
std::vector<uint8_t> padded_kexinit(size_t bytes) {
  std::string lists[transport::KexInit::kListCount];
  const std::string_view cipher = transport::kCiphers[0].name;
  lists[transport::KexInit::kKex] = std::string(kex_method().name) + "," +
                                    std::string(transport::kStrictKexClient);
  lists[transport::KexInit::kHostKey] = transport::kSignatureAlgorithms[0].name;
  lists[transport::KexInit::kCipherCtoS] = lists[transport::KexInit::kCipherStoC] = cipher;
  lists[transport::KexInit::kMacCtoS] = lists[transport::KexInit::kMacStoC] =
      "hmac-sha2-256-etm@openssh.com";
  lists[transport::KexInit::kCompCtoS] = lists[transport::KexInit::kCompStoC] =
      transport::kCompressionNone;
  const transport::KexInit::List order[] = {
      transport::KexInit::kMacCtoS,  transport::KexInit::kMacStoC,  transport::KexInit::kLangCtoS,
      transport::KexInit::kLangStoC, transport::KexInit::kCompCtoS, transport::KexInit::kCompStoC,
      transport::KexInit::kKex,      transport::KexInit::kHostKey};
  size_t total = 0, n = 0;
  for (const auto& l : lists) total += l.size();
  for (auto l : order) {
    for (int i = 0; i < 127 && total < bytes; ++i) {
      std::string name = "pad" + std::to_string(n++) + "-";
      name.append(60 - name.size() - 12, 'x');
      name += "@example.org";
      if (!lists[l].empty()) {
        lists[l] += ',';
        ++total;
      }
      lists[l] += name;
      total += name.size();
    }
  }
  uint8_t cookie[16];
  randombytes_buf(cookie, sizeof cookie);
  wire::Writer w(total + 256);
  w.u8(ssh::kKexInit).raw(std::span<const uint8_t>(cookie, sizeof cookie));
  for (const auto& l : lists) w.string(l);
  w.boolean(false).u32(0);
  return w.take();
}

Verdict big_kexinit(Peer& p, long bytes) {
  Session s;
  if (!versions(p, s)) return {false, "no identification from the server"};
  s.client_kexinit = padded_kexinit(static_cast<size_t>(bytes));
  event("KEXINIT_BYTES " + std::to_string(s.client_kexinit.size()));
  p.send(s.client_kexinit);
  // The server's KEXINIT comes first, unasked (RFC 4253 7.1); its answer
  // to ours follows: the exchange goes on, or a DISCONNECT says why not.
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return {false, "no KEXINIT from the server"};
  if (pkt[0] != ssh::kKexInit) return {unexpected(pkt, "KEXINIT"), "no KEXINIT from the server"};
  std::string why;
  if (transport::parse_kexinit(s.client_kexinit, why)) {
    if (accept_kexinit(s, std::move(pkt)) && ecdh_and_newkeys(p, s, Plan{}))
      return {true, "KEXINIT accepted: the key exchange completed"};
  } else if (p.receive(pkt) == Got::kMessage) {
    return {unexpected(pkt, "DISCONNECT"), "the server answered an oversized KEXINIT"};
  }
  if (said_why(p)) return {true, "KEXINIT refused with a DISCONNECT"};
  return {false, "the server ended the connection without saying why"};
}

// The same KEXINIT after login, answering the server's KEXINIT of the
// exchange that follows authentication: the postauth child must refuse it
// with a reason, not pass the monitor a message it treats as a violation.
Verdict big_rekey_kexinit(Peer& p, long bytes) {
  Session s;
  std::vector<uint8_t> pkt;
  if (std::string why = login_until_server_kexinit(p, s, pkt); !why.empty()) return {false, why};
  const auto big = padded_kexinit(static_cast<size_t>(bytes));
  event("KEXINIT_BYTES " + std::to_string(big.size()));
  p.send(big);
  const Got g = p.receive(pkt);
  if (g == Got::kMessage) return {true, "KEXINIT accepted: the server answered"};
  if (said_why(p)) return {true, "KEXINIT refused with a DISCONNECT"};
  return {false, "the server ended the connection without saying why"};
}

// The private key in $RAW_SSH_KEY, or nullopt (printed).
std::optional<crypto::Ed25519Key> key_from_env() {
  const char* path = std::getenv("RAW_SSH_KEY");
  if (path == nullptr) {
    event("ERROR RAW_SSH_KEY is needed");
    return std::nullopt;
  }
  std::string text, error;
  if (FILE* f = std::fopen(path, "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  auto key = crypto::parse_openssh_private_key(text, error);
  if (!key) {
    event("ERROR cannot read " + std::string(path) + ": " + error);
    return std::nullopt;
  }
  const crypto::Ed25519Key* ed = key->ed25519();
  if (ed == nullptr) {
    event("ERROR " + std::string(path) + " is not an ed25519 key");
    return std::nullopt;
  }
  return crypto::Ed25519Key(ed->secret().clone(), ed->public_key());
}

std::string raw_user() {
  const char* user = std::getenv("RAW_SSH_USER");
  return user != nullptr ? user : "raw_test";
}

// USERAUTH_REQUEST publickey for raw_user(): a query (no signature) unless
// `signature` is given.
std::vector<uint8_t> pubkey_request(std::string_view algorithm, std::span<const uint8_t> blob,
                                    const std::vector<uint8_t>* signature = nullptr) {
  wire::Writer w(blob.size() + 256);
  w.u8(ssh::kUserauthRequest).string(raw_user()).string("ssh-connection").string("publickey");
  w.boolean(signature != nullptr).string(algorithm).string(blob);
  if (signature != nullptr) w.string(*signature);
  return w.take();
}

// N queries, one at a time, each answered before the next is sent.
Verdict key_queries(Peer& p, long n, bool fresh_keys) {
  std::optional<crypto::Ed25519Key> fixed;
  if (!fresh_keys && !(fixed = key_from_env())) return {false, "no key"};
  Session s;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  long pk_ok = 0, failures = 0;
  bool all = true;
  for (long i = 0; i < n && all; ++i) {
    const auto blob = fresh_keys ? crypto::Ed25519Key::generate().public_blob() : fixed->public_blob();
    p.send(pubkey_request(crypto::kEd25519Name, blob));
    std::vector<uint8_t> pkt;
    if (p.receive(pkt) != Got::kMessage) {
      all = false;
    } else if (pkt[0] == ssh::kUserauthPkOk) {
      ++pk_ok;
    } else if (pkt[0] == ssh::kUserauthFailure) {
      ++failures;
    } else {
      unexpected(pkt, "USERAUTH_PK_OK or USERAUTH_FAILURE");
      return {false, "unexpected answer to a key query"};
    }
  }
  event("QUERIES_ANSWERED " + std::to_string(pk_ok) + " " + std::to_string(failures));
  if (all) return {true, "every query answered"};
  if (said_why(p)) return {true, "queries ended with a DISCONNECT"};
  return {false, "the server ended the connection without saying why"};
}

// One request that must be answered with USERAUTH_FAILURE.
bool expect_failure(Peer& p, const std::string& what, std::span<const uint8_t> request) {
  p.send(request);
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return false;
  if (pkt[0] != ssh::kUserauthFailure) return unexpected(pkt, "USERAUTH_FAILURE");
  event("FAILURE_FOR " + what);
  return true;
}

Verdict odd_auth_fields(Peer& p) {
  Session s;
  std::string methods;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  if (!userauth_none(p, methods)) return {false, "no USERAUTH_FAILURE for none"};
  const std::string user = raw_user();
  wire::Writer pw;
  pw.u8(ssh::kUserauthRequest).string(user).string("ssh-connection").string("password");
  pw.boolean(false).string(std::string(2000, 'p'));
  const std::vector<uint8_t> big_blob(17000, 'k');
  const auto key = crypto::Ed25519Key::generate();
  const std::vector<uint8_t> big_sig(2000, 's');
  wire::Writer method;
  method.u8(ssh::kUserauthRequest).string(user).string("ssh-connection").string(std::string(100, 'm'));
  const std::string long_alg(100, 'a');
  if (!expect_failure(p, "long-password", pw.bytes()) ||
      !expect_failure(p, "big-key-blob", pubkey_request(crypto::kEd25519Name, big_blob)) ||
      !expect_failure(p, "big-signature", pubkey_request(crypto::kEd25519Name, key.public_blob(), &big_sig)) ||
      !expect_failure(p, "long-method", method.bytes()) ||
      !expect_failure(p, "long-algorithm", pubkey_request(long_alg, key.public_blob())))
    return {false, "an odd request was not answered with USERAUTH_FAILURE"};
  return {true, "every odd request failed as an attempt"};
}

Verdict long_user(Peer& p) {
  Session s;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  wire::Writer w;
  w.u8(ssh::kUserauthRequest).string(std::string(300, 'u')).string("ssh-connection").string("none");
  p.send(w.bytes());
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) == Got::kMessage) {
    unexpected(pkt, "DISCONNECT");
    return {false, "the server answered a 300-byte user name"};
  }
  if (said_why(p)) return {true, "user name refused with a DISCONNECT"};
  return {false, "the server ended the connection without saying why"};
}

// After SERVICE_ACCEPT, N empty IGNOREs in batches, then "none": answered
// (USERAUTH_FAILURE), or ended with a DISCONNECT (the server's cap on
// packets before authentication).
Verdict packet_flood(Peer& p, long n) {
  Session s;
  std::string methods;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  const auto ignore = ignore_payload(0);
  std::vector<uint8_t> batch;
  long sent = 0;
  while (sent < n) {
    batch.clear();
    for (int i = 0; i < 4096 && sent < n; ++i, ++sent) p.encoder().encode(ignore, batch);
    if (!p.write_all(batch)) break;
  }
  event("FLOOD_SENT " + std::to_string(sent));
  if (sent == n && userauth_none(p, methods)) return {true, "flood absorbed"};
  if (p.last() == Got::kMessage) ended_by_server(p);
  if (said_why(p)) return {true, "flood ended with a DISCONNECT"};
  return {false, "the server ended the connection without saying why"};
}

// ---------------------------------------------------------------- after login

// The same, then completes that key exchange, so that the connection
// protocol can be used.
// rekey_plan: what our KEXINIT of that exchange offers (default: the same).
std::string login_and_rekey(Peer& p, Session& s, const Plan& plan = Plan{},
                            const Plan* rekey_plan = nullptr) {
  std::vector<uint8_t> pkt;
  if (std::string why = login_until_server_kexinit(p, s, pkt, plan); !why.empty()) return why;
  s.client_kexinit = client_kexinit(true, (rekey_plan != nullptr ? *rekey_plan : plan).compress);
  if (!p.send(s.client_kexinit) || !accept_kexinit(s, std::move(pkt)) ||
      !ecdh_and_newkeys(p, s, Plan{}))
    return "the key exchange after authentication failed";
  event("REKEY_OK");
  return "";
}

// How long a flood may make no progress before we call the server stopped.
constexpr int64_t kStallMs = 3000;
// How long the replies to a flood may take to arrive once we read them.
constexpr int64_t kDrainMs = 60000;

// Writes n messages (make(i) for the i-th, all of one encoded size) in
// batches of 1024, never blocking.
class FloodWriter {
 public:
  FloodWriter(Peer& p, long n, std::function<std::vector<uint8_t>(long)> make)
      : p_(p), n_(n), make_(std::move(make)) {}

  bool pending() {
    refill();
    return off_ < batch_.size();
  }
  // Writes what the socket takes now; false when the connection failed.
  bool write_some() {
    refill();
    const size_t before = off_;
    const bool alive = p_.send_available(batch_, off_);
    written_ += off_ - before;
    return alive;
  }
  // Without reading a byte: until everything is written (FLOOD_SENT <n>) or
  // the socket took nothing for kStallMs, the server having stopped reading
  // (FLOOD_STALLED <bytes written>). False when the connection failed.
  bool until_done_or_stalled() {
    int64_t last_progress = now_ms();
    while (pending()) {
      const uint64_t before = written_;
      if (!write_some()) return false;
      if (written_ != before) {
        last_progress = now_ms();
        continue;
      }
      const int64_t left = last_progress + kStallMs - now_ms();
      if (left <= 0) {
        event("FLOOD_STALLED " + std::to_string(written_));
        return true;
      }
      pollfd pf{p_.fd(), POLLOUT, 0};
      ::poll(&pf, 1, static_cast<int>(left));
    }
    event("FLOOD_SENT " + std::to_string(n_));
    return true;
  }

 private:
  void refill() {
    if (off_ < batch_.size() || made_ == n_) return;
    batch_.clear();
    off_ = 0;
    for (int i = 0; i < 1024 && made_ < n_; ++i, ++made_) p_.encoder().encode(make_(made_), batch_);
  }

  Peer& p_;
  long n_;
  std::function<std::vector<uint8_t>(long)> make_;
  long made_ = 0;
  uint64_t written_ = 0;
  std::vector<uint8_t> batch_;
  size_t off_ = 0;
};

// A client that never reads: n messages written without reading a byte
// (FloodWriter::until_done_or_stalled). Then it reads, while writing the
// rest, until every message got its reply (a message of one of
// reply_types): REPLIES <count> and ELAPSED.
Verdict flood_unread(Peer& p, long n, std::function<std::vector<uint8_t>(long)> make,
                     std::initializer_list<uint8_t> reply_types) {
  Session s;
  const std::string why = login_and_rekey(p, s);
  if (!why.empty()) return {false, why};
  const int64_t t0 = now_ms();
  FloodWriter flood(p, n, std::move(make));
  if (!flood.until_done_or_stalled()) return {false, "the connection failed during the flood"};

  long replies = 0;
  std::map<uint8_t, long> by_type;  // REPLY_TYPE lines: how many of each
  const int64_t deadline = now_ms() + kDrainMs;
  std::vector<uint8_t> pkt;
  while (replies < n) {
    const int64_t left = deadline - now_ms();
    if (left <= 0) {
      event("TIMEOUT");
      event("REPLIES " + std::to_string(replies));
      return {false, "not every message was answered"};
    }
    pollfd pf{p.fd(), static_cast<short>(POLLIN | (flood.pending() ? POLLOUT : 0)), 0};
    if (::poll(&pf, 1, static_cast<int>(left)) < 0 && errno != EINTR)
      return {false, "poll failed"};
    if ((pf.revents & POLLOUT) && !flood.write_some()) return {false, "the connection failed"};
    if (!(pf.revents & (POLLIN | POLLHUP | POLLERR))) continue;
    const bool open = p.read_available();
    Got g;
    while ((g = p.next_buffered(pkt)) == Got::kMessage) {
      if (std::find(reply_types.begin(), reply_types.end(), pkt[0]) == reply_types.end()) {
        event("UNEXPECTED " + std::to_string(pkt[0]));
        return {false, "a message that is no reply to the flood"};
      }
      ++replies;
      ++by_type[pkt[0]];
    }
    if (g != Got::kNone || !open) {
      event("REPLIES " + std::to_string(replies));
      return {false, "the connection ended before every message was answered"};
    }
  }
  event("REPLIES " + std::to_string(replies));
  for (const auto& [type, count] : by_type)
    event("REPLY_TYPE " + std::to_string(type) + " " + std::to_string(count));
  event("ELAPSED " + seconds(now_ms() - t0));
  return {true, "every message answered"};
}

// N (500000) CHANNEL_OPEN "session": each gets a confirmation (up to
// MaxSessions) or an OPEN_FAILURE.
Verdict open_flood(Peer& p, long n) {
  return flood_unread(
      p, n, [](long i) { return session_open(static_cast<uint32_t>(i)); },
      {ssh::kChannelOpenConfirmation, ssh::kChannelOpenFailure});
}

std::vector<uint8_t> keepalive_request() {
  wire::Writer w;
  w.u8(ssh::kGlobalRequest).string("keepalive@openssh.com").boolean(true);
  return w.take();
}

// N (2000000) GLOBAL_REQUEST "keepalive@openssh.com" with want-reply.
Verdict global_request_flood(Peer& p, long n) {
  return flood_unread(
      p, n, [request = keepalive_request()](long) { return request; },
      {ssh::kRequestSuccess, ssh::kRequestFailure});
}

// The same requests behind a KEXINIT of ours that starts a key exchange we
// never finish: the server may not send the replies until it has, so they
// wait in memory, not in the socket. Whether the server stops reading or
// ends the connection, its memory must not follow the flood; the harness
// measures it (this client never reads).
Verdict kex_global_request_flood(Peer& p, long n) {
  Session s;
  const std::string why = login_and_rekey(p, s);
  if (!why.empty()) return {false, why};
  if (!p.send(client_kexinit(true))) return {false, "cannot start a key exchange"};
  FloodWriter flood(p, n, [request = keepalive_request()](long) { return request; });
  if (!flood.until_done_or_stalled()) return {true, "the server ended the connection"};
  return {true, "flood written or refused"};
}

// A session channel opened with a window of 2^32-1 bytes and exec
// $RAW_SSH_EXEC (default "cat /dev/zero"), whose output is then read slowly
// (64 KiB, a 2 ms pause, ...) for SECONDS (4), without decoding it: the
// window never stops the server, only the socket does. READ <bytes> <s>.
Verdict slow_window_read(Peer& p, long secs) {
  Session s;
  const std::string why = login_and_rekey(p, s);
  if (!why.empty()) return {false, why};
  const char* command = std::getenv("RAW_SSH_EXEC");
  wire::Writer open;
  open.u8(ssh::kChannelOpen).string("session").u32(0).u32(UINT32_MAX).u32(32768);
  if (!p.send(open.bytes())) return {false, "cannot open a channel"};
  std::vector<uint8_t> pkt;
  if (p.receive(pkt) != Got::kMessage) return {false, "no answer to CHANNEL_OPEN"};
  if (pkt[0] != ssh::kChannelOpenConfirmation) {
    unexpected(pkt, "CHANNEL_OPEN_CONFIRMATION");
    return {false, "the channel was refused"};
  }
  wire::Reader r(pkt);
  uint8_t type = 0;
  uint32_t ours = 0, server_id = 0;
  if (!r.u8(type) || !r.u32(ours) || !r.u32(server_id)) return {false, "malformed confirmation"};
  wire::Writer exec;
  exec.u8(ssh::kChannelRequest).u32(server_id).string("exec").boolean(true);
  exec.string(command != nullptr ? command : "cat /dev/zero");
  if (!p.send(exec.bytes())) return {false, "cannot send exec"};
  if (p.receive(pkt) != Got::kMessage) return {false, "no answer to exec"};
  if (pkt[0] != ssh::kChannelSuccess) {
    unexpected(pkt, "CHANNEL_SUCCESS");
    return {false, "exec refused"};
  }
  event("EXEC_OK");
  const int64_t t0 = now_ms();
  uint64_t got = 0;
  while (now_ms() - t0 < secs * 1000) {
    uint8_t buf[64 * 1024];
    const ssize_t n = ::recv(p.fd(), buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {false, "the connection ended while reading"};
    got += static_cast<uint64_t>(n);
    const timespec pause{0, 2 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
  event("READ " + std::to_string(got) + " " + seconds(now_ms() - t0));
  if (got < 16 * 1024 * 1024) return {false, "less than 16 MiB of output arrived"};
  return {true, "output read slowly"};
}

// Every scenario, one row each: its name, the default of its optional
// argument (0: takes none) and what runs it. usage() is made from here.
// True when a keepalive (want-reply) is answered; false when the server
// ended the connection (or said nothing).
bool answers_keepalive(Peer& p) {
  if (!p.send(keepalive_request())) return false;
  std::vector<uint8_t> pkt;
  while (p.receive(pkt) == Got::kMessage) {
    if (pkt[0] == ssh::kRequestSuccess || pkt[0] == ssh::kRequestFailure) return true;
    event("UNEXPECTED " + std::to_string(pkt[0]) + " (wanted a keepalive reply)");
  }
  return false;
}

// Logs in, then starts n key exchanges of its own (the method of
// $RAW_SSH_KEX each time), each checked as the first was, and a keepalive
// must be answered under the last keys: REKEYS <n>.
Verdict rekeys(Peer& p, long n) {
  Session s;
  if (std::string why = login_and_rekey(p, s); !why.empty()) return {false, why};
  for (long i = 0; i < n; ++i) {
    s.client_kexinit = client_kexinit(true);
    if (!p.send(s.client_kexinit) || !receive_kexinit(p, s) || !ecdh_and_newkeys(p, s, Plan{}))
      return {false, "key exchange " + std::to_string(i + 1) + " after login failed"};
  }
  event("REKEYS " + std::to_string(n));
  if (!answers_keepalive(p)) return {false, "no keepalive reply under the last keys"};
  return {true, std::to_string(n) + " key exchanges after login, keepalive answered"};
}

// Logs in with $RAW_SSH_KEX, then starts an exchange offering only
// $RAW_SSH_REKEY_KEX (default curve25519-sha256): a client trying to step
// down from a post-quantum method after login. PASS when the server ends the
// connection (the DISCONNECT is printed); FAIL when the exchange completes.
Verdict rekey_downgrade(Peer& p) {
  Session s;
  if (std::string why = login_and_rekey(p, s); !why.empty()) return {false, why};
  const char* name = std::getenv("RAW_SSH_REKEY_KEX");
  Plan plan;
  plan.kex = transport::find_kex(name != nullptr ? name : "curve25519-sha256");
  if (plan.kex == nullptr) return {false, "unknown RAW_SSH_REKEY_KEX"};
  s.client_kexinit = client_kexinit(true, false, plan.kex->name);
  if (!p.send(s.client_kexinit)) return {false, "could not send the KEXINIT"};
  // The server may refuse before or after its own KEXINIT; where its offer
  // still agrees with ours, the exchange is played out to see it refused.
  if (receive_kexinit(p, s) && ecdh_and_newkeys(p, s, plan))
    return {false, "the server completed an exchange with " + std::string(plan.kex->name)};
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "the server refused " + std::string(plan.kex->name) + " after login"};
}

Verdict compression_bomb(Peer& p, long n) {
  Plan plan;
  plan.compress = true;
  Session s;
  if (std::string why = login_and_rekey(p, s, plan); !why.empty()) return {false, why};
  if (!transport::delayed_zlib(s.comp_ctos) || !p.encoder().compressing())
    return {false, "zlib@openssh.com not negotiated"};
  event("COMPRESSION zlib@openssh.com");
  if (!answers_keepalive(p)) return {false, "a compressed keepalive went unanswered"};
  std::vector<uint8_t> out;
  const auto payload = ignore_payload(static_cast<size_t>(n));
  p.encoder().encode(payload, out);
  event("BOMB_SENT " + std::to_string(out.size()) + " " + std::to_string(payload.size()));
  p.write_all(out);
  if (answers_keepalive(p)) {
    event("ALIVE");
    return {false, "the connection survived the packet"};
  }
  if (!ended_by_server(p)) return {false, "the server did not end the connection"};
  return {true, "the compression bomb ended the connection"};
}

Verdict compression_off_at_rekey(Peer& p) {
  Plan plan;
  plan.compress = true;
  const Plan none;
  Session s;
  if (std::string why = login_and_rekey(p, s, plan, &none); !why.empty()) return {false, why};
  if (p.encoder().compressing() || p.decoder().compressing())
    return {false, "compression still on after an exchange that negotiated none"};
  if (!answers_keepalive(p)) return {false, "no keepalive reply after compression was turned off"};
  event("KEEPALIVE_OK");
  return {true, "compression on at login, off after the rekey"};
}

// ---------------------------------------------------------------- FIDO keys

std::optional<testkeys::TestUserKey> sk_key(std::string_view type, const char* seed_hex) {
  uint8_t seed[32];
  size_t len = 0;
  if (seed_hex == nullptr || std::strlen(seed_hex) != 64 ||
      sodium_hex2bin(seed, sizeof seed, seed_hex, 64, nullptr, &len, nullptr) != 0 || len != 32)
    return std::nullopt;
  if (type == "ecdsa") return testkeys::TestUserKey::sk_ecdsa_from_seed(seed);
  if (type == "ed25519") return testkeys::TestUserKey::sk_ed25519_from_seed(seed);
  return std::nullopt;
}

// Logs in with the FIDO key of $RAW_SK_TYPE/$RAW_SK_SEED, the authenticator's
// flags `flags` (256: none). Success: the server's answer was `want`.
Verdict sk_login(Peer& p, long flags, bool want_success) {
  const char* type = std::getenv("RAW_SK_TYPE");
  const auto key = sk_key(type != nullptr ? type : "ed25519", std::getenv("RAW_SK_SEED"));
  if (!key) return {false, "RAW_SK_SEED (64 hex digits) and RAW_SK_TYPE (ed25519|ecdsa) are needed"};
  const uint8_t f = static_cast<uint8_t>(flags == 256 ? 0 : flags);
  const std::string alg = key->type() == transport::KeyType::kSkEd25519
                              ? "sk-ssh-ed25519@openssh.com"
                              : "sk-ecdsa-sha2-nistp256@openssh.com";
  Session s;
  if (!full_kex(p, s, Plan{})) return {false, "key exchange failed"};
  if (!service_accept(p)) return {false, "no SERVICE_ACCEPT"};
  // RFC 4252 7: the signature covers session id and the request.
  wire::Writer sd;
  sd.string(s.session_id).u8(ssh::kUserauthRequest).string(raw_user()).string("ssh-connection");
  sd.string("publickey").boolean(true).string(alg).string(key->blob());
  const auto sig = key->sign(alg, sd.bytes(), f, 1234);
  p.send(pubkey_request(alg, key->blob(), &sig));
  std::vector<uint8_t> pkt;
  while (p.receive(pkt) == Got::kMessage) {
    if (pkt[0] == ssh::kUserauthBanner) continue;
    if (pkt[0] == ssh::kUserauthSuccess) {
      event("USERAUTH_SUCCESS");
      return {want_success, "login accepted"};
    }
    if (pkt[0] == ssh::kUserauthFailure) {
      event("USERAUTH_FAILURE");
      return {!want_success, "login refused"};
    }
    unexpected(pkt, "USERAUTH_SUCCESS or USERAUTH_FAILURE");
    return {false, "unexpected answer"};
  }
  return {false, "no answer to the signed request"};
}

struct Scenario {
  const char* name;
  long default_arg;
  Verdict (*run)(Peer& p, long arg);
};
Plan plan_with(bool Plan::*flag) {
  Plan plan;
  plan.*flag = true;
  return plan;
}
constexpr Scenario kScenarios[] = {
    {"normal", 0, [](Peer& p, long) { return normal(p); }},
    {"ignore-before-kexinit", 0,
     [](Peer& p, long) { return kex_refused(p, plan_with(&Plan::ignore_before_kexinit)); }},
    {"ignore-during-kex", 0,
     [](Peer& p, long) { return kex_refused(p, plan_with(&Plan::ignore_during_kex)); }},
    {"no-strict-ignore-during-kex", 0, [](Peer& p, long) { return no_strict_ignore(p); }},
    {"unexpected-during-kex", 0,
     [](Peer& p, long) { return kex_refused(p, plan_with(&Plan::service_during_kex)); }},
    {"second-kex-before-auth", 0, [](Peer& p, long) { return second_kex(p); }},
    {"no-seq-reset", 0, [](Peer& p, long) { return no_seq_reset(p); }},
    {"ignore-flood", 100000, ignore_flood},
    {"stall-kex", 60, stall_kex},
    {"big-packet", 0, [](Peer& p, long) { return big_packet(p); }},
    {"inject-after-auth", 0, [](Peer& p, long) { return inject_after_auth(p); }},
    {"hold-flood", 65, hold_flood},
    {"stall-rekey-flood", 60, stall_rekey_flood},
    {"big-rekey-kexinit", 33000, big_rekey_kexinit},
    {"big-kexinit", 33000, big_kexinit},
    {"many-key-queries", 129, [](Peer& p, long n) { return key_queries(p, n, false); }},
    {"many-new-key-queries", 129, [](Peer& p, long n) { return key_queries(p, n, true); }},
    {"packet-flood", 1100000, packet_flood},
    {"odd-auth-fields", 0, [](Peer& p, long) { return odd_auth_fields(p); }},
    {"long-user", 0, [](Peer& p, long) { return long_user(p); }},
    {"open-flood", 500000, open_flood},
    {"global-request-flood", 2000000, global_request_flood},
    {"kex-global-request-flood", 2000000, kex_global_request_flood},
    {"slow-window-read", 4, slow_window_read},
    {"compression-bomb", 16 << 20, compression_bomb},
    {"compression-off-at-rekey", 0, [](Peer& p, long) { return compression_off_at_rekey(p); }},
    {"rekeys", 3, rekeys},
    {"rekey-downgrade", 0, [](Peer& p, long) { return rekey_downgrade(p); }},
    {"sk-login", 1, [](Peer& p, long f) { return sk_login(p, f, true); }},
    {"sk-login-refused", 1, [](Peer& p, long f) { return sk_login(p, f, false); }},
};

int usage() {
  std::fprintf(stderr, "usage: raw_ssh_client HOST PORT SCENARIO [N]\nscenarios:");
  for (const auto& sc : kScenarios)
    std::fprintf(stderr, sc.default_arg != 0 ? " %s [N=%ld]" : " %s", sc.name, sc.default_arg);
  std::fprintf(stderr, "\n");
  return 2;
}

bool parse_count(const char* s, long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s, &end, 10);
  return errno == 0 && end != s && *end == '\0' && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 2;
  if (argc == 4 && std::string_view(argv[1]) == "sk-public") {
    const auto key = sk_key(argv[2], argv[3]);
    if (!key) return usage();
    std::printf("%s\n", key->authorized_keys_entry().c_str());
    return 0;
  }
  if (argc < 4 || argc > 5) return usage();
  signal(SIGPIPE, SIG_IGN);
  const std::string scenario = argv[3];
  const Scenario* sc = nullptr;
  for (const auto& row : kScenarios)
    if (scenario == row.name) sc = &row;
  long arg = 0;
  if (sc == nullptr || (argc == 5 && (sc->default_arg == 0 || !parse_count(argv[4], arg))))
    return usage();

  const int fd = connect_to(argv[1], argv[2]);
  if (fd < 0) {
    event(std::string("ERROR cannot connect: ") + std::strerror(errno));
    return 1;
  }
  Peer p(fd);
  const Verdict v = sc->run(p, arg > 0 ? arg : sc->default_arg);
  if (const char* linger = std::getenv("RAW_SSH_LINGER")) {
    long s = 0;
    if (parse_count(linger, s)) sleep(static_cast<unsigned>(s));
  }
  std::fprintf(stderr, "%s: %s: %s\n", v.ok ? "PASS" : "FAIL", scenario.c_str(), v.why.c_str());
  return v.ok ? 0 : 1;
}

