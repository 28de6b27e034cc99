// hostile_child: a compromised lpsshd-preauth, for tests/integration/hostile_test.sh.
//
// The harness installs this binary as lpsshd-preauth next to the real
// lpsshd, lpsshd-monitor, lpsshd-postauth and lpsshd-pam, so the real
// monitor starts it through its real spawn path: descriptors 0 the client
// socket, 1 the monitor channel (SOCK_SEQPACKET), 2 /dev/null, and the real
// argv (-u UID -g GID -r CHROOT -m MONITOR_PID [-N]). It never touches the
// SSH protocol: the "client" is the harness, which sends one line
//
//   SCENARIO <name> [args...]\n
//
// and then reads what this child saw, one line each:
//   PID <pid> PPID <monitor pid>   first, before the scenario line is read
//   KEX ok ...                     a full key exchange with the monitor worked
//   REPLY <type> <fields>          a message from the monitor
//   SENT <what>                    about to send <what> (the line precedes the datagram)
//   CLOSED                         the monitor closed the channel
//   ERROR <why>                    the scenario could not be played (a test bug)
// After the last message of a scenario it waits for more replies and then
// sleeps forever: it never exits on its own, so if its pid disappears the
// monitor killed it. It drops to the unprivileged ids from argv before it
// sends anything, so it holds nothing the real child would not.
#include <grp.h>
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
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/keyfile.h"
#include "crypto/x25519.h"
#include "monitor/protocol.h"
#include "proc/fd_passing.h"
#include "tests/tools/kex_client.h"
#include "transport/algorithms.h"
#include "transport/kex_hash.h"
#include "transport/kexinit.h"
#include "transport/ssh_msg.h"
#include "wire/writer.h"

using namespace lpsshd;

namespace {

constexpr int kClientFd = 0, kMonitorFd = 1;
constexpr const char* kClientVersion = "SSH-2.0-hostile_child";

void say(const std::string& line) {
  const std::string l = line + "\n";
  (void)send(kClientFd, l.data(), l.size(), MSG_NOSIGNAL);
}

[[noreturn]] void hang() {
  for (;;) pause();
}

[[noreturn]] void give_up(const std::string& why) {
  say("ERROR " + why);
  hang();
}

std::string hex(std::span<const uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s += d[c >> 4];
    s += d[c & 15];
  }
  return s;
}

// One line from the client (non-blocking socket: poll first).
std::string read_line() {
  std::string line;
  while (line.size() < 4096) {
    pollfd p{kClientFd, POLLIN, 0};
    if (poll(&p, 1, 15000) <= 0) return "";
    char c;
    const ssize_t n = read(kClientFd, &c, 1);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return "";
    if (c == '\n') return line;
    line += c;
  }
  return "";
}

// What a monitor message says, in one line.
std::string describe(const std::vector<uint8_t>& m, size_t nfds) {
  if (m.empty()) return "EMPTY";
  std::string s = monproto::type_name(m[0]);
  s += " fds=" + std::to_string(nfds);
  switch (static_cast<monproto::Type>(m[0])) {
    case monproto::Type::kKexInitReply: {
      monproto::KexInitReply r;
      if (!monproto::decode(m, r)) return s + " undecodable";
      return s + " ok=" + std::to_string(r.ok) + " strict=" + std::to_string(r.strict_kex);
    }
    case monproto::Type::kKexReply: {
      monproto::KexReply r;
      if (!monproto::decode(m, r)) return s + " undecodable";
      return s + " ok=" + std::to_string(r.ok) + " signature=" + std::to_string(r.signature.size());
    }
    case monproto::Type::kAuthReply: {
      monproto::AuthReply r;
      if (!monproto::decode(m, r)) return s + " undecodable";
      static const char* kResult[] = {"failure", "pk_ok", "success"};
      return s + " result=" + kResult[static_cast<int>(r.result)] +
             " disconnect=" + std::to_string(r.disconnect) + " methods=" + r.methods;
    }
    case monproto::Type::kTransportState: {
      monproto::TransportState r;
      if (!monproto::decode(m, r)) return s + " undecodable";
      return s + " keys=" + std::to_string(r.ctos.key.size());
    }
    default: return s + " bytes=" + std::to_string(m.size());
  }
}

// One message from the monitor. On close: "CLOSED" and hang.
std::vector<uint8_t> receive() {
  std::vector<uint8_t> buf;
  std::vector<proc::UniqueFd> fds;
  std::string why;
  const auto st = proc::recv_datagram(kMonitorFd, monproto::kMaxMessage, buf, fds, why);
  if (st != proc::RecvStatus::kOk) {
    say(st == proc::RecvStatus::kViolation ? "CLOSED bad datagram: " + why : "CLOSED");
    hang();
  }
  say("REPLY " + describe(buf, fds.size()));
  return buf;
}

template <class Reply>
Reply receive_as() {
  auto m = receive();
  Reply r;
  if (!monproto::decode(m, r)) give_up("reply did not decode as the expected type");
  return r;
}

void send_bytes(const std::string& what, std::span<const uint8_t> bytes,
                std::span<const int> fds = {}) {
  say("SENT " + what);
  if (!proc::send_datagram(kMonitorFd, bytes, fds)) give_up("send: " + std::string(strerror(errno)));
}

// After the message that must be fatal: report whatever still comes, forever.
[[noreturn]] void await_end() {
  for (;;) receive();
}

// --- a real key exchange with the monitor -------------------------------------

std::vector<uint8_t> client_kexinit(const std::string& kex = "curve25519-sha256") {
  wire::Writer w(512);
  uint8_t cookie[16];
  randombytes_buf(cookie, sizeof cookie);
  w.u8(ssh::kKexInit).raw(std::span<const uint8_t>(cookie, sizeof cookie));
  w.string(kex + ",ext-info-c,kex-strict-c-v00@openssh.com");
  w.string("ssh-ed25519");
  w.string("chacha20-poly1305@openssh.com").string("chacha20-poly1305@openssh.com");
  w.string("hmac-sha2-256").string("hmac-sha2-256");
  w.string("none").string("none");
  w.string("").string("");
  w.boolean(false).u32(0);
  std::string why;
  if (!transport::parse_kexinit(w.bytes(), why)) give_up("own KEXINIT does not parse: " + why);
  return w.take();
}

monproto::KexInitRequest kexinit_request(const std::string& kex = "curve25519-sha256") {
  return {kClientVersion, client_kexinit(kex)};
}

const transport::KexAlgorithm& kex_row(const std::string& name) {
  const auto* row = transport::find_kex(name);
  if (row == nullptr) give_up("unknown key exchange " + name);
  return *row;
}

struct Session {
  std::string server_version;
  std::vector<uint8_t> session_id;
};

// KEXINIT and ECDH against the monitor, checking that what it signed is the
// exchange hash this side computes independently.
// The method's client half is tests/tools/kex_client.h (ML-KEM: lpsshd's own).
Session run_kex(const std::string& server_version, const std::string& method = "curve25519-sha256") {
  Session s{server_version, {}};
  const auto& row = kex_row(method);
  auto init = kexinit_request(method);
  send_bytes("KEX_INIT", monproto::encode(init));
  auto init_reply = receive_as<monproto::KexInitReply>();
  if (!init_reply.ok) give_up("KEXINIT refused: " + init_reply.reason);
  std::string why;
  auto client = testing::KexClient::start(row, why, testing::KexClient::MlKem::kOwn);
  if (!client) give_up(why);
  monproto::KexEcdhRequest ecdh{client->client_public()};
  send_bytes("KEX_ECDH", monproto::encode(ecdh));
  auto kex = receive_as<monproto::KexReply>();
  if (!kex.ok) give_up("ECDH refused: " + kex.reason);
  auto k = client->finish(kex.server_public, why);
  if (!k) give_up("monitor's public value is bad: " + why);
  transport::ExchangeHashInputs in{kClientVersion, server_version, init.client_kexinit,
                                   init_reply.server_kexinit, kex.host_key_blob,
                                   ecdh.client_public, kex.server_public};
  const auto h = transport::exchange_hash(row.hash, in, *k);
  const bool same = h == kex.exchange_hash;
  const bool sig = crypto::ed25519_verify_blob(kex.host_key_blob, kex.signature, h);
  if (!same || !sig) give_up("exchange hash or host signature does not check out");
  s.session_id.assign(h.begin(), h.end());
  say("KEX ok hash-verified H=" + hex(std::span<const uint8_t>(h.data(), 8)) + " bytes=" +
      std::to_string(h.size()));
  return s;
}

// RFC 4252 7: the data a publickey signature covers.
std::vector<uint8_t> signed_data(std::span<const uint8_t> session_id, const std::string& user,
                                 std::span<const uint8_t> blob) {
  wire::Writer w(256);
  w.string(session_id).u8(ssh::kUserauthRequest).string(user);
  w.string("ssh-connection").string("publickey").boolean(true);
  w.string(crypto::kEd25519Name).string(blob);
  return w.take();
}

std::optional<crypto::PrivateKeyFile> load_key(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string error;
  auto key = crypto::parse_openssh_private_key(ss.str(), error);
  if (key && key->ed25519() == nullptr) return std::nullopt;  // the scenarios sign with ed25519
  return key;
}

// --- scenarios -------------------------------------------------------------

struct Args {
  std::string name;
  std::vector<std::string> rest;
  std::string arg(size_t i) const { return i < rest.size() ? rest[i] : ""; }
};

void play(const Args& a, const std::string& server_version,
          const std::optional<crypto::PrivateKeyFile>& key) {
  const std::string& n = a.name;
  if (n == "type") {
    // A bare type byte, first thing in phase kexinit.
    const int t = std::atoi(a.arg(0).c_str());
    const uint8_t b = static_cast<uint8_t>(t);
    send_bytes("type " + std::to_string(t), std::span<const uint8_t>(&b, 1));
  } else if (n == "kexinit-twice") {
    auto init = monproto::encode(kexinit_request());
    send_bytes("KEX_INIT", init);
    receive();
    send_bytes("KEX_INIT again", init);
  } else if (n == "ecdh-first") {
    std::vector<uint8_t> q(32);
    randombytes_buf(q.data(), q.size());
    send_bytes("KEX_ECDH", monproto::encode(monproto::KexEcdhRequest{q}));
  } else if (n == "pq-kex") {
    // A full exchange with the method named (its exact Q_C, the monitor's
    // Q_S and H checked here), then a second KEX_ECDH: not allowed in
    // phase auth.
    run_kex(server_version, a.arg(0));
    std::vector<uint8_t> q(kex_row(a.arg(0)).client_public_bytes);
    send_bytes("KEX_ECDH again", monproto::encode(monproto::KexEcdhRequest{q}));
  } else if (n == "pq-qc") {
    // KEX_ECDH for the method named (args: METHOD VARIANT) with a Q_C that
    // is wrong: "short" and "long" by one byte, "over" one byte past the
    // longest Q_C of any method (the monitor protocol's bound), "modulus"
    // an ML-KEM key of the right size with a coefficient >= q.
    const auto& row = kex_row(a.arg(0));
    const std::string variant = a.arg(1);
    auto init = kexinit_request(a.arg(0));
    send_bytes("KEX_INIT", monproto::encode(init));
    receive();
    std::string why;
    auto client = testing::KexClient::start(row, why, testing::KexClient::MlKem::kOwn);
    if (!client) give_up(why);
    std::vector<uint8_t> q = client->client_public();
    if (variant == "short") q.pop_back();
    else if (variant == "long") q.push_back(0);
    else if (variant == "over") q.resize(monproto::kMaxKexClientPublic + 1, 0);
    else if (variant == "modulus") q[0] = 0xff, q[1] |= 0x0f;  // first coefficient 4095
    else give_up("unknown variant " + variant);
    send_bytes("KEX_ECDH " + variant + " " + std::to_string(q.size()),
               monproto::encode(monproto::KexEcdhRequest{q}));
    // A refused exchange is not a violation: the real child would send the
    // client its DISCONNECT and exit. This one goes on; the monitor must
    // take nothing more.
    if (variant != "over") {
      receive();
      send_bytes("KEX_ECDH after the refusal", monproto::encode(monproto::KexEcdhRequest{q}));
    }
  } else if (n == "kexinit-trailing") {
    auto m = monproto::encode(kexinit_request());
    m.push_back(0);
    send_bytes("KEX_INIT with a trailing byte", m);
  } else if (n == "truncated") {
    auto m = monproto::encode(kexinit_request());
    m.resize(m.size() / 2);
    send_bytes("KEX_INIT cut in half", m);
  } else if (n == "oversize") {
    std::vector<uint8_t> m(monproto::kMaxMessage + 1, 'A');
    m[0] = static_cast<uint8_t>(monproto::Type::kKexInit);
    send_bytes("oversize datagram of " + std::to_string(m.size()) + " bytes", m);
  } else if (n == "with-fd") {
    int p[2];
    if (pipe(p) != 0) give_up("pipe");
    const int fds[1] = {p[1]};
    send_bytes("KEX_INIT with a descriptor", monproto::encode(kexinit_request()), fds);
  } else if (n == "empty") {
    send_bytes("empty datagram", {});
  } else if (n == "user-change") {
    run_kex(server_version);
    auto k = crypto::Ed25519Key::generate();
    monproto::AuthPubkeyRequest q{"a", std::string(crypto::kEd25519Name), k.public_blob(), false, {}};
    send_bytes("AUTH_PUBKEY user a", monproto::encode(q));
    receive();
    send_bytes("AUTH_NONE user b", monproto::encode(monproto::AuthNoneRequest{"b"}));
  } else if (n == "badsig" || n == "handover-seq0" || n == "handover-readahead") {
    // args: USER KEYFILE (the key is in USER's authorized_keys)
    if (!key) give_up("no key");
    const std::string user = a.arg(0);
    auto s = run_kex(server_version);
    const auto blob = key->ed25519()->public_blob();
    std::vector<uint8_t> sid = s.session_id;
    if (n == "badsig") sid.assign(sid.size(), 0);  // not this session's signed data
    monproto::AuthPubkeyRequest r{user, std::string(crypto::kEd25519Name), blob, true,
                                  key->ed25519()->sign_blob(signed_data(sid, user, blob))};
    send_bytes(n == "badsig" ? "AUTH_PUBKEY signature over foreign bytes"
                             : "AUTH_PUBKEY valid signature",
               monproto::encode(r));
    receive();
    if (n == "handover-readahead") {
      // Good counters, but bytes "read ahead" of the client: what an owned
      // preauth child would slip into the user's session.
      send_bytes("HANDOVER with 64 read-ahead bytes",
                 monproto::encode(monproto::HandoverRequest{5, 5, 0, 0, std::vector<uint8_t>(64, 0x5e)}));
      return;
    }
    // Claim success anyway (badsig), or hand over garbage counters.
    const uint32_t seq = n == "badsig" ? 5 : 0;
    send_bytes("HANDOVER send_seq " + std::to_string(seq),
               monproto::encode(monproto::HandoverRequest{seq, 5, 0, 0, {}}));
  } else if (n == "handover-early") {
    run_kex(server_version);
    send_bytes("HANDOVER", monproto::encode(monproto::HandoverRequest{5, 5, 0, 0, {}}));
  } else if (n == "pty-early") {
    run_kex(server_version);
    send_bytes("PTY_REQUEST", monproto::encode(monproto::PtyRequest{}));
  } else if (n == "password") {
    run_kex(server_version);
    const std::string pw = "not-the-password";
    monproto::AuthPasswordRequest r{a.arg(0),
                                    crypto::SecretBytes(std::span<const uint8_t>(
                                        reinterpret_cast<const uint8_t*>(pw.data()), pw.size()))};
    send_bytes("AUTH_PASSWORD", monproto::encode(r));
    receive();
    send_bytes("HANDOVER", monproto::encode(monproto::HandoverRequest{5, 5, 0, 0, {}}));
  } else if (n == "kbdint-answers") {
    run_kex(server_version);
    monproto::KbdintAnswers r;
    r.answers.emplace_back(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>("123456"), 6));
    send_bytes("KBDINT_ANSWERS", monproto::encode(r));
  } else if (n == "none-flood") {
    // args: USER COUNT. One request at a time; every reply is reported.
    run_kex(server_version);
    const int count = std::atoi(a.arg(1).c_str());
    const auto req = monproto::encode(monproto::AuthNoneRequest{a.arg(0)});
    for (int i = 1; i <= count; ++i) {
      send_bytes("AUTH_NONE #" + std::to_string(i), req);
      receive();
    }
    say("FLOOD-DONE");
  } else if (n == "flood-unread") {
    // args: USER. Every kind of auth request, as often as the state table
    // allows (128 each), without reading a single reply: the replies fill
    // the socket buffer long before the table's bounds are reached.
    run_kex(server_version);
    const std::string user = a.arg(0);
    auto k = crypto::Ed25519Key::generate();
    const std::string pw = "not-the-password";
    std::vector<std::vector<uint8_t>> reqs = {
        monproto::encode(monproto::AuthNoneRequest{user}),
        monproto::encode(monproto::AuthPubkeyRequest{user, std::string(crypto::kEd25519Name),
                                                     k.public_blob(), false, {}}),
        monproto::encode(monproto::AuthPasswordRequest{
            user, crypto::SecretBytes(std::span<const uint8_t>(
                      reinterpret_cast<const uint8_t*>(pw.data()), pw.size()))}),
        monproto::encode(monproto::AuthKbdintRequest{user})};
    say("FLOODING " + std::to_string(reqs.size() * 128));
    for (const auto& r : reqs)
      for (int i = 0; i < 128; ++i)
        if (!proc::send_datagram(kMonitorFd, r)) give_up("send: " + std::string(strerror(errno)));
    say("SENT all");
    hang();
  } else if (n == "auth-timing") {
    // args: USER [KEYFILE]. How long the monitor takes to answer each
    // request (microseconds from the send to the reply): TIMING <what> <us> <reply>.
    run_kex(server_version);
    const std::string user = a.arg(0);
    auto timed = [](const std::string& what, const std::vector<uint8_t>& req) {
      timespec t0, t1;
      clock_gettime(CLOCK_MONOTONIC, &t0);
      if (!proc::send_datagram(kMonitorFd, req)) give_up("send: " + std::string(strerror(errno)));
      std::vector<uint8_t> buf;
      std::vector<proc::UniqueFd> fds;
      std::string why;
      if (proc::recv_datagram(kMonitorFd, monproto::kMaxMessage, buf, fds, why) != proc::RecvStatus::kOk)
        give_up("no reply to " + what);
      clock_gettime(CLOCK_MONOTONIC, &t1);
      const long us = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
      say("TIMING " + what + " " + std::to_string(us) + " " + describe(buf, fds.size()));
    };
    timed("none", monproto::encode(monproto::AuthNoneRequest{user}));
    auto k = crypto::Ed25519Key::generate();
    const std::string alg(crypto::kEd25519Name);
    for (int i = 1; i <= 3; ++i) {
      timed("pubkey-query-unknown-key", monproto::encode(monproto::AuthPubkeyRequest{user, alg, k.public_blob(), false, {}}));
      std::vector<uint8_t> junk(32, 1);
      timed("pubkey-signed-unknown-key",
            monproto::encode(monproto::AuthPubkeyRequest{user, alg, k.public_blob(), true, k.sign_blob(junk)}));
      const std::string pw = "not-the-password";
      timed("password", monproto::encode(monproto::AuthPasswordRequest{
                            user, crypto::SecretBytes(std::span<const uint8_t>(
                                      reinterpret_cast<const uint8_t*>(pw.data()), pw.size()))}));
      if (key)
        timed("pubkey-query-authorized-key",
              monproto::encode(monproto::AuthPubkeyRequest{user, alg, key->ed25519()->public_blob(), false, {}}));
    }
    say("TIMING-DONE");
    // Claiming success ends it.
    send_bytes("HANDOVER", monproto::encode(monproto::HandoverRequest{5, 5, 0, 0, {}}));
  } else {
    give_up("unknown scenario " + n);
  }
}

bool parse_id(const char* s, long& out) {
  char* end = nullptr;
  errno = 0;
  out = std::strtol(s, &end, 10);
  return errno == 0 && end != s && *end == '\0' && out > 0;
}

}  // namespace

int main(int argc, char** argv) {
  // The real child's command line, parsed like preauth/main.cpp.
  long uid = -1, gid = -1, mpid = -1;
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "-N") {
      --i;
      continue;
    }
    if (i + 1 >= argc) return 2;
    if ((flag == "-u" && parse_id(argv[i + 1], uid)) || (flag == "-g" && parse_id(argv[i + 1], gid)) ||
        (flag == "-m" && parse_id(argv[i + 1], mpid)) || flag == "-r")
      continue;
    return 2;
  }
  if (uid <= 0 || gid <= 0 || mpid <= 0) return 2;
  if (sodium_init() < 0) return 3;
  signal(SIGPIPE, SIG_IGN);

  char pidline[64];
  std::snprintf(pidline, sizeof pidline, "PID %d PPID %d", getpid(), getppid());
  say(pidline);
  std::vector<uint8_t> hello_bytes;
  {
    std::vector<proc::UniqueFd> fds;
    std::string why;
    if (proc::recv_datagram(kMonitorFd, monproto::kMaxMessage, hello_bytes, fds, why) !=
        proc::RecvStatus::kOk)
      give_up("no HELLO");
  }
  monproto::Hello hello;
  if (!monproto::decode(hello_bytes, hello)) give_up("HELLO does not decode");

  const std::string line = read_line();
  std::istringstream words(line);
  std::string tag;
  Args a;
  words >> tag >> a.name;
  for (std::string w; words >> w;) a.rest.push_back(w);
  if (tag != "SCENARIO" || a.name.empty()) give_up("expected SCENARIO <name>");

  // The user's key (for the signature scenarios) is read while still root,
  // then the ids the real child would run as are taken for good.
  std::optional<crypto::PrivateKeyFile> key;
  if (a.name == "badsig" || a.name == "handover-seq0" || a.name == "handover-readahead" ||
      (a.name == "auth-timing" && !a.arg(1).empty())) {
    key = load_key(a.arg(1));
    if (!key) give_up("cannot read key " + a.arg(1));
  }
  if (setgroups(0, nullptr) != 0 || setresgid(static_cast<gid_t>(gid), static_cast<gid_t>(gid),
                                               static_cast<gid_t>(gid)) != 0 ||
      setresuid(static_cast<uid_t>(uid), static_cast<uid_t>(uid), static_cast<uid_t>(uid)) != 0)
    give_up("cannot drop privileges");

  play(a, hello.server_version, key);
  await_end();
}
