// The monitor's decisions (monitor/monitor_core.h), driven in memory: this
// test plays the preauth and postauth children and the SSH client at once.
// The key exchange is checked from the client's side (H, signature and keys
// recomputed here from RFC 4253/8731 with libsodium), authentication is
// checked against RFC 4252's signed data, and the rejection tests are
// generated from the permission table in monitor/state_table.h.
#include <gtest/gtest.h>
#include <algorithm>
#include <sodium.h>

#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "crypto/ed25519.h"
#include "crypto/ed25519_host_key.h"
#include "crypto/mlkem768.h"
#include "crypto/p256_ecdh.h"
#include "crypto/sntrup761.h"
#include "log/log.h"
#include "monitor/monitor_core.h"
#include "monitor/protocol.h"
#include "monitor/state_table.h"
#include "tests/support/test_user_keys.h"
#include "transport/kexinit.h"
#include "transport/version.h"
#include "wire/reader.h"
#include "wire/writer.h"

using namespace lpsshd;
using namespace lpsshd::monitor;
using monproto::AuthResult;
using Kind = Outcome::Kind;

namespace {

using Bytes = std::vector<uint8_t>;

Bytes bytes_of(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

// Keys are expensive enough to share across the ~2000 sessions of the
// table-generated tests; each session still gets its own MonitorCore.
const crypto::Ed25519Key& host_key() {
  static const auto k = crypto::Ed25519Key::generate();
  return k;
}
const crypto::HostKeys& host_keys() {
  static const crypto::HostKeys keys = [] {
    crypto::HostKeys v;
    v.push_back(std::make_unique<crypto::Ed25519HostKey>(
        crypto::Ed25519Key(host_key().secret().clone(), host_key().public_key())));
    return v;
  }();
  return keys;
}
const crypto::Ed25519Key& alice_key() {  // in alice's (and root's) authorized_keys
  static const auto k = crypto::Ed25519Key::generate();
  return k;
}
const crypto::Ed25519Key& stranger_key() {  // authorized for nobody
  static const auto k = crypto::Ed25519Key::generate();
  return k;
}

class FakeBackend : public AuthBackend {
 public:
  FakeBackend() {
    users_["alice"] = UserInfo{"alice", 1000, 1000, "/home/alice", "/bin/bash"};
    users_["root"] = UserInfo{"root", 0, 0, "/root", "/bin/bash"};
    users_["carol"] = UserInfo{"carol", 1001, 1001, "/home/carol", "/bin/bash"};  // DenyUsers
    keys_["alice"].push_back(alice_key().public_blob());
    keys_["root"].push_back(alice_key().public_blob());
    keys_["carol"].push_back(alice_key().public_blob());
  }
  std::optional<UserInfo> lookup_user(const std::string& name) override {
    auto it = users_.find(name);
    if (it == users_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<authkeys::KeyOptions> key_authorized(const UserInfo& user,
                                                     std::span<const uint8_t> blob) override {
    key_lookups.push_back(user.name);
    for (const auto& k : keys_[user.name])
      if (k == bytes_of(blob)) return key_options;
    return std::nullopt;
  }
  void authorize(const std::string& user, const Bytes& blob) { keys_[user].push_back(blob); }
  authkeys::KeyOptions key_options;  // what every authorised key's line says
  bool user_allowed(const UserInfo& user) override { return user.name != "carol"; }
  std::vector<std::string> key_lookups;  // whose keys were searched, in order

 private:
  std::map<std::string, UserInfo> users_;
  std::map<std::string, std::vector<Bytes>> keys_;
};

// Every method on, through PAM (the PAM conversation itself is the caller's
// job: the core only says what PAM must do and takes its verdict).
Settings pam_settings() {
  Settings s;
  s.use_pam = true;
  s.password_authentication = true;
  s.kbd_interactive_authentication = true;
  return s;
}

// A client KEXINIT like OpenSSH 9.2's.
Bytes client_kexinit(const std::string& ciphers = "chacha20-poly1305@openssh.com,aes128-ctr",
                     const std::string& comp = "none,zlib@openssh.com",
                     const std::string& kex = "curve25519-sha256,curve25519-sha256@libssh.org,"
                                              "ecdh-sha2-nistp256") {
  wire::Writer w;
  w.u8(20);
  for (int i = 0; i < 16; ++i) w.u8(uint8_t(i));
  w.string(kex + ",ext-info-c,kex-strict-c-v00@openssh.com");
  w.string("ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512");
  w.string(ciphers).string(ciphers);
  w.string("hmac-sha2-256-etm@openssh.com").string("hmac-sha2-256-etm@openssh.com");
  w.string(comp).string(comp);
  w.string("").string("");
  w.boolean(false).u32(0);
  return w.take();
}

// RFC 4251 mpint of the raw X25519 output, written out here independently.
Bytes mpint(std::span<const uint8_t> raw) {
  size_t i = 0;
  while (i < raw.size() && raw[i] == 0) ++i;
  Bytes mag(raw.begin() + i, raw.end());
  if (!mag.empty() && (mag[0] & 0x80)) mag.insert(mag.begin(), 0);
  wire::Writer w;
  w.string(mag);
  return w.take();
}

Bytes sha256(std::initializer_list<std::span<const uint8_t>> parts) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  for (auto p : parts) crypto_hash_sha256_update(&st, p.data(), p.size());
  Bytes d(32);
  crypto_hash_sha256_final(&st, d.data());
  return d;
}

Bytes sha512(std::initializer_list<std::span<const uint8_t>> parts) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  for (auto p : parts) crypto_hash_sha512_update(&st, p.data(), p.size());
  Bytes d(64);
  crypto_hash_sha512_final(&st, d.data());
  return d;
}

// RFC 4253 7.2 for a 64-byte key: HASH(K||H||X||sid) || HASH(K||H||K1).
Bytes derive64(const Bytes& k, const Bytes& h, char letter, const Bytes& sid) {
  const uint8_t x = uint8_t(letter);
  Bytes k1 = sha256({k, h, std::span(&x, 1), sid});
  Bytes k2 = sha256({k, h, k1});
  k1.insert(k1.end(), k2.begin(), k2.end());
  return k1;
}

// RFC 4252 7: the data a publickey signature covers.
Bytes userauth_signed_data(const Bytes& session_id, const std::string& user,
                           const Bytes& key_blob) {
  wire::Writer w;
  w.string(session_id).u8(50).string(user).string("ssh-connection").string("publickey");
  w.boolean(true).string("ssh-ed25519").string(key_blob);
  return w.take();
}

template <typename T>
T decode_reply(const Outcome& o) {
  T m;
  EXPECT_TRUE(monproto::decode(o.reply, m)) << "reply does not decode";
  return m;
}

// What the client side of one key exchange saw and computed.
struct ClientKex {
  Bytes client_kexinit, server_kexinit;
  Bytes q_c, q_s, k_mpint, h;
  monproto::KexReply reply;
};

// One connection: a MonitorCore and the helpers that play its children.
class Session {
 public:
  explicit Session(Settings settings = {})
      : settings_(settings), core_(settings, host_keys(), backend_, Peer{"192.0.2.7", 50022}) {
    log::init("monitor_core_test", true, log::Level::kQuiet, 0);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  MonitorCore& core() { return core_; }
  Phase phase() const { return core_.phase(); }

  Outcome send(Child from, const Bytes& msg, size_t fds = 0) {
    return core_.handle(from, msg, fds);
  }
  template <typename M>
  Outcome send(Child from, const M& m) {
    return send(from, monproto::encode(m));
  }

  std::string server_version() {
    monproto::Hello hello;
    EXPECT_TRUE(monproto::decode(core_.hello(), hello));
    return hello.server_version;
  }

  // KEXINIT then ECDH, checked from the client's side. `from` and `version`
  // differ between the first exchange and a rekey.
  ClientKex kex(Child from, const std::string& version,
                const std::string& comp = "none,zlib@openssh.com") {
    ClientKex c;
    c.client_kexinit = client_kexinit(ciphers_, comp);
    auto o = send(from, monproto::KexInitRequest{version, c.client_kexinit});
    EXPECT_EQ(o.kind, Kind::kReply) << o.reason;
    auto ki = decode_reply<monproto::KexInitReply>(o);
    EXPECT_TRUE(ki.ok) << ki.reason;
    c.server_kexinit = ki.server_kexinit;

    uint8_t secret[32];
    randombytes_buf(secret, sizeof secret);
    c.q_c.resize(32);
    crypto_scalarmult_curve25519_base(c.q_c.data(), secret);
    o = send(from, monproto::KexEcdhRequest{c.q_c});
    EXPECT_EQ(o.kind, Kind::kReply) << o.reason;
    c.reply = decode_reply<monproto::KexReply>(o);
    EXPECT_TRUE(c.reply.ok) << c.reply.reason;
    c.q_s = c.reply.server_public;

    uint8_t shared[32];
    EXPECT_EQ(crypto_scalarmult_curve25519(shared, secret, c.q_s.data()), 0);
    c.k_mpint = mpint(shared);
    wire::Writer hw;
    hw.string(first_version_.empty() ? version : first_version_).string(server_version());
    hw.string(c.client_kexinit).string(c.server_kexinit).string(c.reply.host_key_blob);
    hw.string(c.q_c).string(c.q_s).raw(c.k_mpint);
    c.h = sha256({hw.bytes()});
    if (first_version_.empty()) first_version_ = version;
    sodium_memzero(secret, sizeof secret);
    sodium_memzero(shared, sizeof shared);
    return c;
  }

  // The cipher list the client offers in its next KEXINITs.
  void offer_ciphers(const std::string& ciphers) { ciphers_ = ciphers; }

  void first_kex(const std::string& comp = "none,zlib@openssh.com") {
    first_ = kex(Child::kPreauth, "SSH-2.0-test", comp);
    session_id_ = first_.h;
  }

  Outcome auth_none(const std::string& user) {
    return send(Child::kPreauth, monproto::AuthNoneRequest{user});
  }
  Outcome auth_query(const std::string& user, const crypto::Ed25519Key& key,
                     const std::string& alg = "ssh-ed25519") {
    monproto::AuthPubkeyRequest r;
    r.user = user;
    r.algorithm = alg;
    r.key_blob = key.public_blob();
    return send(Child::kPreauth, r);
  }
  // A publickey request signed by `key` over the RFC 4252 data for `sid`.
  Outcome auth_signed(const std::string& user, const crypto::Ed25519Key& key, const Bytes& sid) {
    monproto::AuthPubkeyRequest r;
    r.user = user;
    r.algorithm = "ssh-ed25519";
    r.key_blob = key.public_blob();
    r.has_signature = true;
    r.signature = key.sign_blob(userauth_signed_data(sid, user, r.key_blob));
    return send(Child::kPreauth, r);
  }
  Outcome auth_signed(const std::string& user, const crypto::Ed25519Key& key) {
    return auth_signed(user, key, session_id_);
  }
  // A publickey request by a run-time key of any type, as `request_alg`,
  // signed as `sign_alg` (the same unless a test lies), with FIDO flags.
  Outcome auth_key(const std::string& user, const testkeys::TestUserKey& key,
                   const std::string& request_alg, bool sign = true, uint8_t sk_flags = 0x01,
                   const std::string& sign_alg = "") {
    monproto::AuthPubkeyRequest r;
    r.user = user;
    r.algorithm = request_alg;
    r.key_blob = key.blob();
    r.has_signature = sign;
    if (sign) {
      wire::Writer w;
      w.string(session_id_).u8(50).string(user).string("ssh-connection").string("publickey");
      w.boolean(true).string(request_alg).string(r.key_blob);
      r.signature = key.sign(sign_alg.empty() ? request_alg : sign_alg, w.bytes(), sk_flags, 77);
    }
    return send(Child::kPreauth, r);
  }
  Outcome auth_password(const std::string& user, const std::string& password) {
    const std::span<const uint8_t> pw(reinterpret_cast<const uint8_t*>(password.data()),
                                      password.size());
    return send(Child::kPreauth, monproto::AuthPasswordRequest{user, crypto::SecretBytes(pw)});
  }
  Outcome auth_kbdint(const std::string& user) {
    return send(Child::kPreauth, monproto::AuthKbdintRequest{user});
  }
  // Publickey login as alice, through PAM's account check when PAM is on.
  void login_alice() {
    auto o = auth_signed("alice", alice_key());
    if (o.kind == Kind::kPamAccount) o = core_.pam_finished(true, "");
    ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
    ASSERT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kSuccess);
  }

  // Drives a fresh session into phase p along the legal path. A phase this
  // does not know fails the test, so a new phase in the table gets a path.
  void drive_to(Phase p) {
    if (p == Phase::kClosed) {
      EXPECT_EQ(send(Child::kPreauth, Bytes{0}).kind, Kind::kViolation);
      return check(p);
    }
    if (p == Phase::kKexInit) return check(p);
    first_version_ = "SSH-2.0-test";
    auto o = send(Child::kPreauth, monproto::KexInitRequest{first_version_, client_kexinit()});
    ASSERT_EQ(o.kind, Kind::kReply);
    if (p == Phase::kKexEcdh) return check(p);
    Bytes q_c(32);
    uint8_t secret[32];
    randombytes_buf(secret, sizeof secret);
    crypto_scalarmult_curve25519_base(q_c.data(), secret);
    o = send(Child::kPreauth, monproto::KexEcdhRequest{q_c});
    ASSERT_EQ(o.kind, Kind::kReply);
    session_id_ = decode_reply<monproto::KexReply>(o).exchange_hash;
    if (p == Phase::kAuth) return check(p);
    if (p == Phase::kAuthPam) {
      ASSERT_TRUE(settings_.use_pam && settings_.password_authentication);
      ASSERT_EQ(auth_password("alice", "secret").kind, Kind::kPamAuthenticate);
      return check(p);
    }
    if (p == Phase::kAuthPrompt) {
      ASSERT_TRUE(settings_.use_pam && settings_.kbd_interactive_authentication);
      ASSERT_EQ(auth_kbdint("alice").kind, Kind::kPamAuthenticate);
      monproto::KbdintQuery q{"", {{"Password: ", false}}};
      monproto::KbdintQuery sent;
      EXPECT_TRUE(monproto::decode(core_.kbdint_query(q), sent));
      return check(p);
    }
    login_alice();
    if (p == Phase::kHandover) return check(p);
    ASSERT_EQ(send(Child::kPreauth, monproto::HandoverRequest{10, 10, 0, 0, {}}).kind,
              Kind::kStartPostauth);
    core_.postauth_started();
    if (p == Phase::kPostauthStart) return check(p);
    ASSERT_EQ(send(Child::kPostauth, monproto::PostauthReady{}).kind, Kind::kReply);
    if (settings_.rekey_after_auth) {
      if (p == Phase::kPostRekeyStart) return check(p);
      ASSERT_EQ(send(Child::kPostauth, monproto::KexStartRequest{}).kind, Kind::kReply);
      if (p == Phase::kPostKexInit) return check(p);
      kex(Child::kPostauth, "");  // the exchange that follows authentication
    }
    if (p == Phase::kPostIdle) return check(p);
    if (p == Phase::kPostServerKexInit) {  // RekeyLimit: the server starts one mid-session
      ASSERT_EQ(send(Child::kPostauth, monproto::KexStartRequest{}).kind, Kind::kReply);
      return check(p);
    }
    ASSERT_EQ(send(Child::kPostauth, monproto::KexInitRequest{"", client_kexinit()}).kind,
              Kind::kReply);
    if (p == Phase::kPostKexEcdh) return check(p);
    FAIL() << "no path to phase " << phase_name(p);
  }

  const ClientKex& first() const { return first_; }
  const Bytes& session_id() const { return session_id_; }
  const FakeBackend& backend() const { return backend_; }
  FakeBackend& backend() { return backend_; }

 private:
  void check(Phase p) { ASSERT_EQ(phase(), p) << phase_name(p); }

  Settings settings_;
  FakeBackend backend_;
  MonitorCore core_;
  std::string ciphers_ = "chacha20-poly1305@openssh.com,aes128-ctr";
  ClientKex first_;
  Bytes session_id_;
  std::string first_version_;
};

// A well-formed message of each child type (so a refusal is the table's
// doing, not the parser's), the monitor's own reply types, or junk.
Bytes message_of_type(uint8_t t) {
  using monproto::Type;
  switch (static_cast<Type>(t)) {
    case Type::kKexInit:
      return monproto::encode(monproto::KexInitRequest{"SSH-2.0-x", client_kexinit()});
    case Type::kKexEcdh:
      return monproto::encode(monproto::KexEcdhRequest{Bytes(32, 9)});
    case Type::kAuthNone:
      return monproto::encode(monproto::AuthNoneRequest{"alice"});
    case Type::kAuthPubkey: {
      monproto::AuthPubkeyRequest r;
      r.user = "alice";
      r.algorithm = "ssh-ed25519";
      r.key_blob = alice_key().public_blob();
      return monproto::encode(r);
    }
    case Type::kHandover:
      return monproto::encode(monproto::HandoverRequest{10, 10, 0, 0, {}});
    case Type::kPostauthReady:
      return monproto::encode(monproto::PostauthReady{});
    case Type::kKexStart:
      return monproto::encode(monproto::KexStartRequest{});
    case Type::kPtyRequest:
      return monproto::encode(monproto::PtyRequest{});
    case Type::kPtyRelease:
      return monproto::encode(monproto::PtyRelease{"/dev/pts/0"});
    case Type::kLog:
      return monproto::encode(monproto::LogLine{monproto::LogLine::Level::kInfo, "opendir \"/\""});
    case Type::kAuthPassword: {
      const uint8_t pw[] = {'p', 'w'};
      return monproto::encode(monproto::AuthPasswordRequest{"alice", crypto::SecretBytes(pw)});
    }
    case Type::kAuthKbdint:
      return monproto::encode(monproto::AuthKbdintRequest{"alice"});
    case Type::kKbdintAnswers: {
      monproto::KbdintAnswers a;
      const uint8_t pw[] = {'p', 'w'};
      a.answers.emplace_back(pw);
      return monproto::encode(a);
    }
    case Type::kHello:
      return monproto::encode(monproto::Hello{"SSH-2.0-x", {}, "ssh-ed25519"});
    case Type::kAuthReply: {
      monproto::AuthReply r;
      r.result = AuthResult::kSuccess;
      return monproto::encode(r);
    }
    default:
      return Bytes{t, 0, 0, 0, 0};
  }
}

std::vector<Phase> all_phases() {
  std::vector<Phase> v;
  for (int p = 0; p < static_cast<int>(Phase::kCount); ++p) v.push_back(static_cast<Phase>(p));
  return v;
}

}  // namespace

// ---------------------------------------------------------------------------
// Key exchange

// The KEXINIT goes out with the version line, and offers what sshd_config
// allows narrowed to what this monitor can do: host-key algorithms of keys
// loaded only (one ed25519 key here), in the configured order.
TEST(MonitorKex, HelloCarriesTheOfferNarrowedToWhatIsLoadedAndConfigured) {
  auto offered = [](Settings settings) {
    FakeBackend backend;
    MonitorCore core(settings, host_keys(), backend, Peer{"192.0.2.7", 50022});
    monproto::Hello hello;
    EXPECT_TRUE(monproto::decode(core.hello(), hello));
    std::string why;
    auto k = transport::parse_kexinit(hello.server_kexinit, why);
    EXPECT_TRUE(k) << why;
    return k.value_or(transport::KexInit{});
  };
  auto k = offered({});
  EXPECT_EQ(k.lists[transport::KexInit::kHostKey], std::vector<std::string>{"ssh-ed25519"});
  EXPECT_FALSE(k.lists[transport::KexInit::kMacCtoS].empty());
  Settings narrow;
  narrow.ciphers = {"aes256-ctr", "chacha20-poly1305@openssh.com"};
  narrow.macs = {"hmac-sha2-512"};
  narrow.host_key_algorithms = {"rsa-sha2-512", "ssh-ed25519"};  // no RSA key loaded
  k = offered(narrow);
  EXPECT_EQ(k.lists[transport::KexInit::kCipherCtoS], narrow.ciphers);
  EXPECT_EQ(k.lists[transport::KexInit::kCipherStoC], narrow.ciphers);
  EXPECT_EQ(k.lists[transport::KexInit::kMacStoC], narrow.macs);
  EXPECT_EQ(k.lists[transport::KexInit::kHostKey], std::vector<std::string>{"ssh-ed25519"});
  // A client that wants only what the configuration left out fails.
  Session s(narrow);
  auto o = s.send(Child::kPreauth,
                  monproto::KexInitRequest{"SSH-2.0-test", client_kexinit("aes128-gcm@openssh.com")});
  EXPECT_EQ(o.kind, Kind::kEndAfterReply);
  EXPECT_EQ(decode_reply<monproto::KexInitReply>(o).reason, "no matching cipher found");
}

// A list the KEXINIT must carry that is empty once narrowed is a start-up
// error naming the list and, for host keys, what the loaded keys sign with.
TEST(MonitorKex, AnOfferNoClientCouldUseIsNamed) {
  EXPECT_EQ(unusable_offer(host_keys(), kex_policy(Settings{})), "");
  Settings s;
  s.host_key_algorithms = {"rsa-sha2-512", "ssh-ed25519"};  // the ed25519 key suffices
  EXPECT_EQ(unusable_offer(host_keys(), kex_policy(s)), "");
  s.host_key_algorithms = {"rsa-sha2-512", "ecdsa-sha2-nistp256"};
  EXPECT_EQ(unusable_offer(host_keys(), kex_policy(s)),
            "HostKeyAlgorithms rsa-sha2-512,ecdsa-sha2-nistp256 matches none of the host keys "
            "loaded, which sign with ssh-ed25519; no client could connect");
  EXPECT_NE(unusable_offer(crypto::HostKeys{}, kex_policy(Settings{})).find("matches none"),
            std::string::npos);
  Settings kex;
  kex.kex_algorithms = {"diffie-hellman-group1-sha1"};  // not a row: never offered
  EXPECT_EQ(unusable_offer(host_keys(), kex_policy(kex)),
            "KexAlgorithms diffie-hellman-group1-sha1 leaves no key exchange method this server can offer");
  Settings pq;
  pq.kex_algorithms = {"curve25519-sha256"};
  pq.require_pq_kex = true;  // RequirePQKex leaves nothing of this list
  EXPECT_NE(unusable_offer(host_keys(), kex_policy(pq)).find("KexAlgorithms curve25519-sha256"),
            std::string::npos);
  Settings ciphers;
  ciphers.ciphers = {"3des-cbc"};
  EXPECT_EQ(unusable_offer(host_keys(), kex_policy(ciphers)),
            "Ciphers 3des-cbc leaves no cipher this server can offer");
}

// RFC 4253 7.2's six values, each as long as the negotiated row asks: IV
// 'A'/'B', key 'C'/'D', MAC key 'E'/'F' (none for an AEAD).
// ecdh-sha2-nistp256 (when configured): Q_C must be a 65-byte uncompressed
// point on P-256; anything else ends the connection before the host key
// signs. A good one gives the exchange hash the client computes, with K the
// shared point's X coordinate as an mpint (RFC 5656 4).
TEST(MonitorKex, NistP256ExchangeTakesOnlyPointsOnTheCurve) {
  Settings nist;
  nist.kex_algorithms = {"ecdh-sha2-nistp256"};
  const auto client = crypto::P256Ephemeral::generate();
  const auto& q = client.public_point();
  Bytes off_curve(q.begin(), q.end());
  off_curve.back() ^= 1;
  Bytes compressed(q.begin(), q.begin() + 33);
  compressed[0] = 0x02 | (q.back() & 1);
  for (const Bytes& bad : {Bytes(32, 9), off_curve, compressed, Bytes(q.begin(), q.end() - 1)}) {
    Session s(nist);
    ASSERT_EQ(s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()}).kind,
              Kind::kReply);
    auto o = s.send(Child::kPreauth, monproto::KexEcdhRequest{bad});
    EXPECT_EQ(o.kind, Kind::kEndAfterReply) << bad.size();
    auto r = decode_reply<monproto::KexReply>(o);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.signature.empty());
  }
  Session s(nist);
  auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()});
  const Bytes server_kexinit = decode_reply<monproto::KexInitReply>(o).server_kexinit;
  const Bytes q_c(q.begin(), q.end());
  o = s.send(Child::kPreauth, monproto::KexEcdhRequest{q_c});
  ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
  auto r = decode_reply<monproto::KexReply>(o);
  ASSERT_TRUE(r.ok) << r.reason;
  ASSERT_EQ(r.server_public.size(), 65u);
  auto x = crypto::p256_shared(client.secret(), r.server_public);
  ASSERT_TRUE(x);
  wire::Writer hw;
  hw.string("SSH-2.0-test").string(s.server_version());
  hw.string(client_kexinit()).string(server_kexinit).string(r.host_key_blob);
  hw.string(q_c).string(r.server_public).raw(mpint(x->span()));
  const Bytes h = sha256({hw.bytes()});
  EXPECT_EQ(r.exchange_hash, h);
  EXPECT_TRUE(crypto::ed25519_verify_blob(host_key().public_blob(), r.signature, h));
}

// The client's half of a hybrid, written out here: Q_C = KEM key || X25519
// value; from Q_S, K = string(HASH(KEM secret || X25519 secret)). The KEMs
// are lpsshd's own (checked against vectors and noble in their own tests).
struct HybridClient {
  bool mlkem;
  Bytes q_c, kem_secret_key;
  uint8_t x25519_secret[32];

  explicit HybridClient(bool is_mlkem) : mlkem(is_mlkem) {
    randombytes_buf(x25519_secret, sizeof x25519_secret);
    if (mlkem) {
      namespace m = crypto::mlkem768;
      uint8_t d[32], z[32];
      randombytes_buf(d, 32);
      randombytes_buf(z, 32);
      q_c.resize(m::kEncapsulationKeyBytes);
      kem_secret_key.resize(m::kDecapsulationKeyBytes);
      m::keygen(std::span<const uint8_t, 32>(d, 32), std::span<const uint8_t, 32>(z, 32),
                std::span<uint8_t, m::kEncapsulationKeyBytes>(q_c.data(), q_c.size()),
                std::span<uint8_t, m::kDecapsulationKeyBytes>(kem_secret_key.data(), kem_secret_key.size()));
    } else {
      namespace n = crypto::sntrup761;
      q_c.resize(n::kPublicKeyBytes);
      kem_secret_key.resize(n::kSecretKeyBytes);
      n::keygen(std::span<uint8_t, n::kPublicKeyBytes>(q_c.data(), q_c.size()),
                std::span<uint8_t, n::kSecretKeyBytes>(kem_secret_key.data(), kem_secret_key.size()));
    }
    uint8_t x_public[32];
    crypto_scalarmult_curve25519_base(x_public, x25519_secret);
    q_c.insert(q_c.end(), x_public, x_public + 32);
  }
  Bytes k_string(const Bytes& q_s) {
    const size_t ct = q_s.size() - 32;
    uint8_t kem[32], x[32];
    if (mlkem) {
      namespace m = crypto::mlkem768;
      EXPECT_TRUE(m::decapsulate(std::span<const uint8_t, m::kDecapsulationKeyBytes>(kem_secret_key.data(), kem_secret_key.size()),
                                 std::span<const uint8_t, m::kCiphertextBytes>(q_s.data(), ct),
                                 std::span<uint8_t, 32>(kem, 32)));
    } else {
      namespace n = crypto::sntrup761;
      n::decapsulate(std::span<const uint8_t, n::kSecretKeyBytes>(kem_secret_key.data(), kem_secret_key.size()),
                     std::span<const uint8_t, n::kCiphertextBytes>(q_s.data(), ct),
                     std::span<uint8_t, 32>(kem, 32));
    }
    EXPECT_EQ(crypto_scalarmult_curve25519(x, x25519_secret, q_s.data() + ct), 0);
    const Bytes hash = mlkem ? sha256({std::span(kem, 32), std::span(x, 32)})
                             : sha512({std::span(kem, 32), std::span(x, 32)});
    wire::Writer w;
    w.string(hash);
    return w.take();
  }
};

// Each hybrid, computed by the monitor, gives the exchange hash the client
// computes (SHA-512 and 64 bytes for sntrup761x25519), a host signature over
// it, and keys derived with that hash from K as a string.
TEST(MonitorKex, HybridExchangesGiveTheClientsHashAndKeys) {
  struct Case {
    const char* name;
    bool mlkem;
    size_t q_s;
  } cases[] = {{"mlkem768x25519-sha256", true, 1088 + 32},
               {"sntrup761x25519-sha512", false, 1039 + 32},
               {"sntrup761x25519-sha512@openssh.com", false, 1039 + 32}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Session s;
    const Bytes ckex = client_kexinit("chacha20-poly1305@openssh.com", "none", c.name);
    auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", ckex});
    ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
    const Bytes server_kexinit = decode_reply<monproto::KexInitReply>(o).server_kexinit;
    HybridClient client(c.mlkem);
    o = s.send(Child::kPreauth, monproto::KexEcdhRequest{client.q_c});
    ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
    auto r = decode_reply<monproto::KexReply>(o);
    ASSERT_TRUE(r.ok) << r.reason;
    ASSERT_EQ(r.server_public.size(), c.q_s);
    const Bytes k = client.k_string(r.server_public);
    wire::Writer hw;
    hw.string("SSH-2.0-test").string(s.server_version());
    hw.string(ckex).string(server_kexinit).string(r.host_key_blob);
    hw.string(client.q_c).string(r.server_public).raw(k);
    const Bytes h = c.mlkem ? sha256({hw.bytes()}) : sha512({hw.bytes()});
    EXPECT_EQ(r.exchange_hash, h);
    EXPECT_TRUE(crypto::ed25519_verify_blob(host_key().public_blob(), r.signature, h));
    const uint8_t letter_c = 'C';
    // chacha20-poly1305's 64-byte key: one SHA-512 block, or two SHA-256.
    const Bytes key_c = c.mlkem ? derive64(k, h, 'C', h) : sha512({k, h, std::span(&letter_c, 1), h});
    EXPECT_EQ(bytes_of(r.ctos.key.span()), key_c);
  }
}

// What a hostile child may relay as Q_C: one byte short (or long, for
// sntrup761x25519; for ML-KEM that is past the protocol's bound), an ML-KEM
// key with a coefficient >= q (FIPS 203's modulus check), an X25519 half of
// zeros (a low-order point). Each ends the connection; nothing is signed.
TEST(MonitorKex, HybridsTakeOnlyValidClientValues) {
  HybridClient mlkem(true), sntrup(false);
  Bytes modulus = mlkem.q_c;
  modulus[0] = 0xff;
  modulus[1] |= 0x0f;  // first 12-bit coefficient 4095
  Bytes mlkem_zero = mlkem.q_c, sntrup_zero = sntrup.q_c;
  std::fill(mlkem_zero.end() - 32, mlkem_zero.end(), 0);
  std::fill(sntrup_zero.end() - 32, sntrup_zero.end(), 0);
  struct Case {
    const char* kex;
    Bytes q_c;
    const char* why;
  } cases[] = {
      {"mlkem768x25519-sha256", Bytes(mlkem.q_c.begin(), mlkem.q_c.end() - 1), "client public value is not 1216 bytes"},
      {"mlkem768x25519-sha256", modulus, "client ML-KEM-768 encapsulation key fails the modulus check"},
      {"mlkem768x25519-sha256", mlkem_zero, "X25519 shared secret is zero"},
      {"mlkem768x25519-sha256", sntrup.q_c, "client public value is not 1216 bytes"},
      {"sntrup761x25519-sha512", Bytes(sntrup.q_c.begin(), sntrup.q_c.end() - 1), "client public value is not 1190 bytes"},
      {"sntrup761x25519-sha512", mlkem.q_c, "client public value is not 1190 bytes"},
      {"sntrup761x25519-sha512", [&] { Bytes b = sntrup.q_c; b.push_back(0); return b; }(), "client public value is not 1190 bytes"},
      {"sntrup761x25519-sha512@openssh.com", sntrup_zero, "X25519 shared secret is zero"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.kex) + ": " + c.why);
    Session s;
    ASSERT_EQ(s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit("chacha20-poly1305@openssh.com", "none", c.kex)}).kind,
              Kind::kReply);
    auto o = s.send(Child::kPreauth, monproto::KexEcdhRequest{c.q_c});
    EXPECT_EQ(o.kind, Kind::kEndAfterReply);
    auto r = decode_reply<monproto::KexReply>(o);
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.signature.empty());
    EXPECT_EQ(r.reason, c.why);
  }
  // One byte past the longest Q_C of any method is not a message the
  // monitor protocol has: a violation before any method looks at it.
  Session s;
  ASSERT_EQ(s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit("chacha20-poly1305@openssh.com", "none", "mlkem768x25519-sha256")}).kind,
            Kind::kReply);
  Bytes long_q = mlkem.q_c;
  long_q.push_back(0);
  EXPECT_EQ(s.send(Child::kPreauth, monproto::KexEcdhRequest{long_q}).kind, Kind::kViolation);
}

// RequirePQKex: the server's KEXINIT lists only the hybrids; a client
// without one is refused with a reason that says so; one with a hybrid
// anywhere in its list gets it.
TEST(MonitorKex, RequirePQKexOffersAndAcceptsOnlyHybrids) {
  Settings pq;
  pq.require_pq_kex = true;
  {
    Session s(pq);
    monproto::Hello hello;
    ASSERT_TRUE(monproto::decode(s.core().hello(), hello));
    std::string why;
    auto ki = transport::parse_kexinit(hello.server_kexinit, why);
    ASSERT_TRUE(ki) << why;
    std::vector<std::string> kex;
    for (const auto& n : ki->lists[transport::KexInit::kKex])
      if (n.find("kex-strict") == std::string::npos && n.find("ext-info") == std::string::npos) kex.push_back(n);
    EXPECT_EQ(kex, (std::vector<std::string>{"mlkem768x25519-sha256", "sntrup761x25519-sha512",
                                             "sntrup761x25519-sha512@openssh.com"}));
    auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()});
    EXPECT_EQ(o.kind, Kind::kEndAfterReply);
    auto r = decode_reply<monproto::KexInitReply>(o);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason,
              "client offers no post-quantum key exchange; this server requires one of "
              "mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com "
              "(RequirePQKex)");
  }
  Session s(pq);
  const Bytes ckex = client_kexinit("chacha20-poly1305@openssh.com", "none",
                                    "curve25519-sha256,sntrup761x25519-sha512@openssh.com");
  auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", ckex});
  ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
  HybridClient client(false);
  o = s.send(Child::kPreauth, monproto::KexEcdhRequest{client.q_c});
  ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
  EXPECT_EQ(decode_reply<monproto::KexReply>(o).exchange_hash.size(), 64u);
}

TEST(MonitorKex, KeysHaveEachNegotiatedRowsSizesAndLetters) {
  struct Case {
    const char* cipher;
    size_t iv, key, mac;  // the client's MAC list is hmac-sha2-256-etm: 32-byte key
  } cases[] = {
      {"aes128-gcm@openssh.com", 12, 16, 0},
      {"aes256-gcm@openssh.com", 12, 32, 0},
      {"aes128-ctr", 16, 16, 32},
      {"aes192-ctr", 16, 24, 32},
      {"aes256-ctr", 16, 32, 32},
      {"chacha20-poly1305@openssh.com", 0, 64, 0},
  };
  for (const auto& c : cases) {
    Session s;
    s.offer_ciphers(c.cipher);
    s.first_kex();
    const auto& x = s.first();
    auto want = [&](char letter, size_t n) {
      Bytes d = derive64(x.k_mpint, x.h, letter, x.h);
      d.resize(n);
      return d;
    };
    for (const auto* keys : {&x.reply.ctos, &x.reply.stoc}) {
      const char base = keys == &x.reply.ctos ? 'A' : 'B';
      ASSERT_EQ(keys->cipher->name, c.cipher);
      EXPECT_EQ(keys->mac != nullptr, c.mac != 0) << c.cipher;
      EXPECT_EQ(bytes_of(keys->iv.span()), want(base, c.iv)) << c.cipher;
      EXPECT_EQ(bytes_of(keys->key.span()), want(char(base + 2), c.key)) << c.cipher;
      EXPECT_EQ(bytes_of(keys->mac_key.span()), want(char(base + 4), c.mac)) << c.cipher;
    }
  }
}

TEST(MonitorKex, HelloCarriesServerVersion) {
  Session s;
  EXPECT_EQ(s.server_version(), transport::server_version_string());
}

TEST(MonitorKex, FirstExchangeMatchesClientComputation) {
  Session s;
  s.first_kex();
  const auto& c = s.first();
  EXPECT_EQ(s.phase(), Phase::kAuth);
  // K_S is the host key, and it signed H.
  EXPECT_EQ(c.reply.host_key_blob, host_key().public_blob());
  EXPECT_TRUE(crypto::ed25519_verify_blob(c.reply.host_key_blob, c.reply.signature, c.h));
  // H as the client computes it from V_C, V_S, I_C, I_S, K_S, Q_C, Q_S, K.
  EXPECT_EQ(c.reply.exchange_hash, c.h);
  // Keys: 'C' client to server, 'D' server to client, session id = first H.
  EXPECT_EQ(bytes_of(c.reply.ctos.key.span()), derive64(c.k_mpint, c.h, 'C', c.h));
  EXPECT_EQ(bytes_of(c.reply.stoc.key.span()), derive64(c.k_mpint, c.h, 'D', c.h));
  // The server KEXINIT is a real one the transport layer accepts.
  std::string why;
  auto server = transport::parse_kexinit(c.server_kexinit, why);
  ASSERT_TRUE(server) << why;
  EXPECT_EQ(server->lists[transport::KexInit::kHostKey], std::vector<std::string>{"ssh-ed25519"});
}

TEST(MonitorKex, KexInitReplyReportsNegotiatedFlags) {
  Session s;
  auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()});
  ASSERT_EQ(o.kind, Kind::kReply);
  auto r = decode_reply<monproto::KexInitReply>(o);
  EXPECT_TRUE(r.ok);
  EXPECT_TRUE(r.strict_kex);
  EXPECT_TRUE(r.client_ext_info);
  EXPECT_FALSE(r.ignore_guessed);
  EXPECT_EQ(s.phase(), Phase::kKexEcdh);
}

// zlib@openssh.com is delayed: the preauth child's exchange never turns it
// on (it never inflates a byte); the postauth child is told to start it for
// the keys it takes over, and each later exchange says so for its keys.
// Compression no: never.
TEST(MonitorKex, DelayedCompressionOnlyAfterAuthentication) {
  const std::string zlib_first = "zlib@openssh.com,none";
  for (bool enabled : {true, false}) {
    SCOPED_TRACE(enabled ? "Compression yes" : "Compression no");
    Settings settings;
    settings.compression = enabled;
    Session s(settings);
    s.first_kex(zlib_first);
    EXPECT_FALSE(s.first().reply.zlib_ctos);
    EXPECT_FALSE(s.first().reply.zlib_stoc);
    s.login_alice();
    ASSERT_EQ(s.send(Child::kPreauth, monproto::HandoverRequest{10, 10, 0, 0, {}}).kind,
              Kind::kStartPostauth);
    s.core().postauth_started();
    const auto ts = decode_reply<monproto::TransportState>(
        s.send(Child::kPostauth, monproto::PostauthReady{}));
    EXPECT_EQ(ts.zlib_ctos, enabled);
    EXPECT_EQ(ts.zlib_stoc, enabled);
    ASSERT_EQ(s.send(Child::kPostauth, monproto::KexStartRequest{}).kind, Kind::kReply);
    auto c = s.kex(Child::kPostauth, "", zlib_first);
    EXPECT_EQ(c.reply.zlib_ctos, enabled);
    EXPECT_EQ(c.reply.zlib_stoc, enabled);
    // A client rekey that prefers none: compression ends with those keys.
    c = s.kex(Child::kPostauth, "", "none,zlib@openssh.com");
    EXPECT_FALSE(c.reply.zlib_ctos);
    EXPECT_FALSE(c.reply.zlib_stoc);
  }
}

TEST(MonitorKex, NegotiationFailureEndsConnectionWithReason) {
  Session s;
  auto o = s.send(Child::kPreauth,
                  monproto::KexInitRequest{"SSH-2.0-test", client_kexinit("aes128-cbc")});
  EXPECT_EQ(o.kind, Kind::kEndAfterReply);
  auto r = decode_reply<monproto::KexInitReply>(o);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "no matching cipher found");
  EXPECT_EQ(s.phase(), Phase::kClosed);
}

TEST(MonitorKex, MalformedClientKexInitEndsConnection) {
  // A well-formed monitor message carrying a broken client KEXINIT: the
  // client is at fault, not the child, so the reply explains and the
  // connection ends.
  Session s;
  Bytes broken = client_kexinit();
  broken.push_back(0);
  auto o = s.send(Child::kPreauth, monproto::KexInitRequest{"SSH-2.0-test", broken});
  EXPECT_EQ(o.kind, Kind::kEndAfterReply);
  EXPECT_FALSE(decode_reply<monproto::KexInitReply>(o).ok);
  EXPECT_EQ(s.phase(), Phase::kClosed);
}

TEST(MonitorKex, BadClientPublicValuesEndConnection) {
  Bytes low_order(32, 0);
  low_order[0] = 1;  // u = 1: the shared secret is zero
  for (const Bytes& q : {Bytes(31, 9), Bytes(33, 9), Bytes(32, 0), low_order}) {
    Session s;
    s.drive_to(Phase::kKexEcdh);
    auto o = s.send(Child::kPreauth, monproto::KexEcdhRequest{q});
    EXPECT_EQ(o.kind, Kind::kEndAfterReply) << q.size();
    EXPECT_FALSE(decode_reply<monproto::KexReply>(o).ok);
    EXPECT_EQ(s.phase(), Phase::kClosed);
  }
}

TEST(MonitorKex, ClientVersionOnlyInFirstExchange) {
  Session missing;
  EXPECT_EQ(missing.send(Child::kPreauth, monproto::KexInitRequest{"", client_kexinit()}).kind,
            Kind::kViolation);
  EXPECT_EQ(missing.phase(), Phase::kClosed);

  Session ssh1;
  EXPECT_EQ(
      ssh1.send(Child::kPreauth, monproto::KexInitRequest{"SSH-1.5-x", client_kexinit()}).kind,
      Kind::kViolation);

  Session rekey;
  rekey.drive_to(Phase::kPostIdle);
  EXPECT_EQ(
      rekey.send(Child::kPostauth, monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()}).kind,
      Kind::kViolation);
  EXPECT_EQ(rekey.phase(), Phase::kClosed);
}

TEST(MonitorKex, KexInitTwiceIsViolation) {
  Session s;
  const auto msg = monproto::encode(monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()});
  ASSERT_EQ(s.send(Child::kPreauth, msg).kind, Kind::kReply);
  auto o = s.send(Child::kPreauth, msg);
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_NE(o.reason.find("KEX_INIT"), std::string::npos) << o.reason;
  EXPECT_EQ(s.phase(), Phase::kClosed);
}

// ---------------------------------------------------------------------------
// Authentication

TEST(MonitorAuth, NoneListsPublickey) {
  Session s;
  s.first_kex();
  auto o = s.auth_none("alice");
  ASSERT_EQ(o.kind, Kind::kReply);
  auto r = decode_reply<monproto::AuthReply>(o);
  EXPECT_EQ(r.result, AuthResult::kFailure);
  EXPECT_EQ(r.methods, "publickey");
  EXPECT_FALSE(r.disconnect);
}

TEST(MonitorAuth, QueryForAuthorizedKeyIsPkOk) {
  Session s;
  s.first_kex();
  auto o = s.auth_query("alice", alice_key());
  ASSERT_EQ(o.kind, Kind::kReply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kPkOk);
  EXPECT_EQ(s.phase(), Phase::kAuth);
  // The query alone grants nothing.
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_query("alice", stranger_key())).result,
            AuthResult::kFailure);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_query("alice", alice_key(), "ssh-rsa")).result,
            AuthResult::kFailure)
      << "algorithm name must match the blob";
}

TEST(MonitorAuth, CorrectSignatureSucceeds) {
  Session s;
  s.first_kex();
  ASSERT_EQ(s.auth_none("alice").kind, Kind::kReply);
  auto o = s.auth_signed("alice", alice_key());
  ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kSuccess);
  EXPECT_EQ(s.phase(), Phase::kHandover);
}

TEST(MonitorAuth, SignatureForAnotherSessionFails) {
  Session s;
  s.first_kex();
  Bytes other_sid = s.session_id();
  other_sid[0] ^= 1;
  auto o = s.auth_signed("alice", alice_key(), other_sid);
  ASSERT_EQ(o.kind, Kind::kReply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kFailure);
  EXPECT_EQ(s.phase(), Phase::kAuth);
  // Signed for another user name (the monitor uses the bound one).
  monproto::AuthPubkeyRequest r;
  r.user = "alice";
  r.algorithm = "ssh-ed25519";
  r.key_blob = alice_key().public_blob();
  r.has_signature = true;
  r.signature = alice_key().sign_blob(userauth_signed_data(s.session_id(), "root", r.key_blob));
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.send(Child::kPreauth, r)).result,
            AuthResult::kFailure);
}

TEST(MonitorAuth, ValidSignatureByUnauthorizedKeyFails) {
  Session s;
  s.first_kex();
  auto o = s.auth_signed("alice", stranger_key());
  ASSERT_EQ(o.kind, Kind::kReply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kFailure);
  EXPECT_EQ(s.phase(), Phase::kAuth);
}

TEST(MonitorAuth, SignatureByOtherKeyOverAuthorizedBlobFails) {
  // Blob of the authorized key, signature made by a different key.
  Session s;
  s.first_kex();
  monproto::AuthPubkeyRequest r;
  r.user = "alice";
  r.algorithm = "ssh-ed25519";
  r.key_blob = alice_key().public_blob();
  r.has_signature = true;
  r.signature = stranger_key().sign_blob(userauth_signed_data(s.session_id(), "alice", r.key_blob));
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.send(Child::kPreauth, r)).result,
            AuthResult::kFailure);
}

TEST(MonitorAuth, UnknownUserLooksLikeKnownUserWithUnknownKey) {
  auto replies = [](const std::string& user) {
    Session s;
    s.first_kex();
    std::vector<Outcome> out;
    out.push_back(s.auth_none(user));
    out.push_back(s.auth_query(user, stranger_key()));
    out.push_back(s.auth_signed(user, stranger_key()));
    out.push_back(s.auth_query(user, alice_key()));
    return out;
  };
  const auto unknown = replies("nosuchuser");
  const auto known = replies("alice");  // alice exists; stranger_key is not hers
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(unknown[i].kind, known[i].kind) << i;
    EXPECT_EQ(unknown[i].reply, known[i].reply) << i;
  }
  // A key someone has authorized changes nothing for a user who does not exist.
  EXPECT_EQ(unknown[3].kind, known[1].kind);
  EXPECT_EQ(unknown[3].reply, known[1].reply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(unknown[3]).result, AuthResult::kFailure);
}

// Timing: an unknown user's query costs a key lookup too (for a placeholder
// account), never one for a real user's name.
TEST(MonitorAuth, UnknownUserStillCostsAKeyLookup) {
  Session unknown;
  unknown.first_kex();
  unknown.auth_query("nosuchuser", stranger_key());
  EXPECT_EQ(unknown.backend().key_lookups, std::vector<std::string>{kPamPlaceholderUser});
  Session known;
  known.first_kex();
  known.auth_query("alice", stranger_key());
  EXPECT_EQ(known.backend().key_lookups, std::vector<std::string>{"alice"});
}

TEST(MonitorAuth, UserNameCannotChange) {
  Session s;
  s.first_kex();
  ASSERT_EQ(s.auth_none("alice").kind, Kind::kReply);
  auto o = s.auth_query("root", alice_key());
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_EQ(s.phase(), Phase::kClosed);

  Session t;
  t.first_kex();
  ASSERT_EQ(t.auth_query("alice", stranger_key()).kind, Kind::kReply);
  EXPECT_EQ(t.auth_none("alicf").kind, Kind::kViolation);
}

TEST(MonitorAuth, MaxAuthTriesEndsTheConnection) {
  Settings settings;
  settings.max_auth_tries = 3;
  Session s(settings);
  s.first_kex();
  // The first "none" probe is free, as in sshd.
  ASSERT_FALSE(decode_reply<monproto::AuthReply>(s.auth_none("alice")).disconnect);
  for (int i = 1; i <= 2; ++i) {
    auto o = s.auth_signed("alice", stranger_key());
    ASSERT_EQ(o.kind, Kind::kReply) << i;
    EXPECT_FALSE(decode_reply<monproto::AuthReply>(o).disconnect) << i;
  }
  auto last = s.auth_query("alice", stranger_key());
  EXPECT_EQ(last.kind, Kind::kEndAfterReply);
  auto r = decode_reply<monproto::AuthReply>(last);
  EXPECT_EQ(r.result, AuthResult::kFailure);
  EXPECT_TRUE(r.disconnect);
  EXPECT_EQ(s.phase(), Phase::kClosed);
  // Nothing more is accepted, not even a correct signature.
  EXPECT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kViolation);
}

TEST(MonitorAuth, RepeatedNoneProbesCount) {
  Settings settings;
  settings.max_auth_tries = 2;
  Session s(settings);
  s.first_kex();
  EXPECT_EQ(s.auth_none("alice").kind, Kind::kReply);          // free
  EXPECT_EQ(s.auth_none("alice").kind, Kind::kReply);          // failure 1
  EXPECT_EQ(s.auth_none("alice").kind, Kind::kEndAfterReply);  // failure 2
}

TEST(MonitorAuth, SafetyBoundOnAuthRequests) {
  // Even with a huge MaxAuthTries, the table's per-connection bound holds.
  Settings settings;
  settings.max_auth_tries = 100000;
  Session s(settings);
  s.first_kex();
  for (int i = 0; i < kMaxAuthRequestsPerConnection; ++i)
    ASSERT_EQ(s.auth_query("alice", alice_key()).kind, Kind::kReply) << i;
  EXPECT_EQ(s.auth_query("alice", alice_key()).kind, Kind::kViolation);
}

TEST(MonitorAuth, RootLoginPolicy) {
  for (auto policy : {RootLogin::kNo, RootLogin::kForcedCommandsOnly}) {  // key without command=
    Settings settings;
    settings.permit_root_login = policy;
    Session s(settings);
    s.first_kex();
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_query("root", alice_key())).result,
              AuthResult::kFailure);
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("root", alice_key())).result,
              AuthResult::kFailure);
    EXPECT_EQ(s.phase(), Phase::kAuth);
  }
  for (auto policy : {RootLogin::kYes, RootLogin::kProhibitPassword}) {
    Settings settings;
    settings.permit_root_login = policy;
    Session s(settings);
    s.first_kex();
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("root", alice_key())).result,
              AuthResult::kSuccess);
  }
}

// forced-commands-only: root only with a key whose line forces a command,
// and the grant then forces exactly that command.
TEST(MonitorAuth, RootForcedCommandsOnlyNeedsTheKeysCommand) {
  Settings settings;
  settings.permit_root_login = RootLogin::kForcedCommandsOnly;
  {
    Session s(settings);
    s.backend().key_options.command = "/usr/local/bin/backup";
    s.first_kex();
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_query("root", alice_key())).result,
              AuthResult::kPkOk);
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("root", alice_key())).result,
              AuthResult::kSuccess);
    EXPECT_EQ(s.core().grant().command_from, monproto::Grant::CommandFrom::kKey);
    EXPECT_EQ(s.core().grant().forced_command, "/usr/local/bin/backup");
  }
  {
    // ForceCommand in sshd_config does not stand in for the key's command=
    // (as sshd: the key itself must be restricted).
    Settings with_force = settings;
    with_force.grant_policy.force_command = "/bin/true";
    Session s(with_force);
    s.first_kex();
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("root", alice_key())).result,
              AuthResult::kFailure);
  }
  {
    // Other users are not affected.
    Session s(settings);
    s.first_kex();
    EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("alice", alice_key())).result,
              AuthResult::kSuccess);
    EXPECT_FALSE(s.core().grant().forced_command.size());
  }
}

// The grant comes from the key's line and the configuration, and its PTY
// bit is enforced by the monitor itself.
TEST(MonitorAuth, GrantMergesKeyOptionsAndConfiguration) {
  Settings settings;
  settings.grant_policy.permit_user_environment = {"*"};
  Session s(settings);
  s.backend().key_options.no_pty = true;
  s.backend().key_options.environment = {"FOO=bar"};
  s.backend().key_options.command = "uptime";
  s.first_kex();
  ASSERT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("alice", alice_key())).result,
            AuthResult::kSuccess);
  const auto& g = s.core().grant();
  EXPECT_FALSE(g.pty);
  EXPECT_EQ(g.forced_command, "uptime");
  EXPECT_EQ(g.environment, std::vector<std::string>{"FOO=bar"});
  EXPECT_TRUE(g.local_forwarding);
}

TEST(MonitorAuth, PubkeyAuthenticationOff) {
  Settings settings;
  settings.pubkey_authentication = false;
  Session s(settings);
  s.first_kex();
  auto r = decode_reply<monproto::AuthReply>(s.auth_signed("alice", alice_key()));
  EXPECT_EQ(r.result, AuthResult::kFailure);
  EXPECT_EQ(r.methods, "");
}

// ---------------------------------------------------------------------------
// Handover, postauth, rekey

// ---------------------------------------------------------------------------
// User keys of every type: RSA, ECDSA, FIDO (crypto/public_key.h)

AuthResult result_of(const Outcome& o) {
  EXPECT_EQ(o.kind, Kind::kReply) << o.reason;
  return decode_reply<monproto::AuthReply>(o).result;
}

const testkeys::TestUserKey& rsa_key(unsigned bits) {
  static std::map<unsigned, testkeys::TestUserKey> keys;
  auto it = keys.find(bits);
  if (it == keys.end()) it = keys.emplace(bits, testkeys::TestUserKey::rsa(bits)).first;
  return it->second;
}

// Runs body with the monitor's log on stderr and returns what it logged.
template <typename F>
std::string logged(F body) {
  log::init("monitor_core_test", true, log::Level::kVerbose, 0);
  testing::internal::CaptureStderr();
  body();
  const std::string out = testing::internal::GetCapturedStderr();
  log::init("monitor_core_test", true, log::Level::kQuiet, 0);
  return out;
}

TEST(MonitorUserKeys, EveryTypeLogsInAndIsNamedAsSshdNamesIt) {
  struct Case { testkeys::TestUserKey key; std::string alg, log_name; };
  std::vector<Case> cases;
  cases.push_back({testkeys::TestUserKey::rsa(2048), "rsa-sha2-256", "RSA"});
  cases.push_back({testkeys::TestUserKey::rsa(2048), "rsa-sha2-512", "RSA"});
  cases.push_back({testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP256), "ecdsa-sha2-nistp256", "ECDSA"});
  cases.push_back({testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP384), "ecdsa-sha2-nistp384", "ECDSA"});
  cases.push_back({testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP521), "ecdsa-sha2-nistp521", "ECDSA"});
  cases.push_back({testkeys::TestUserKey::sk_ed25519(), "sk-ssh-ed25519@openssh.com", "ED25519-SK"});
  cases.push_back({testkeys::TestUserKey::sk_ecdsa(), "sk-ecdsa-sha2-nistp256@openssh.com", "ECDSA-SK"});
  for (const auto& c : cases) {
    Session s;
    s.first_kex();
    s.backend().authorize("alice", c.key.blob());
    EXPECT_EQ(result_of(s.auth_key("alice", c.key, c.alg, false)), AuthResult::kPkOk) << c.alg;
    std::string out = logged([&] { EXPECT_EQ(result_of(s.auth_key("alice", c.key, c.alg)), AuthResult::kSuccess) << c.alg; });
    const std::string want = "Accepted publickey for alice from 192.0.2.7 port 50022 ssh2: " + c.log_name + " SHA256:";
    EXPECT_NE(out.find(want), std::string::npos) << c.alg << ": " << out;
    if (c.log_name.ends_with("-SK")) {
      EXPECT_NE(out.find(", signature count = 77"), std::string::npos) << out;
    }
  }
}

TEST(MonitorUserKeys, RsaBelowRequiredSizeRefused) {
  for (const unsigned required : {2048u, 1024u}) {
    Settings st;
    st.required_rsa_size = required;
    Session s(st);
    s.first_kex();
    s.backend().authorize("alice", rsa_key(1024).blob());
    std::string out = logged([&] {
      EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(1024), "rsa-sha2-256")),
                required > 1024 ? AuthResult::kFailure : AuthResult::kSuccess);
    });
    if (required > 1024) {
      EXPECT_NE(out.find("refusing RSA key: Invalid key length"), std::string::npos) << out;
      EXPECT_EQ(s.core().failures(), 1) << "a counted failure";
      EXPECT_TRUE(s.backend().key_lookups.empty()) << "refused before any lookup";
      // Even the query: no PK_OK for a key that could never log in.
      EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(1024), "rsa-sha2-256", false)), AuthResult::kFailure);
    }
  }
  Session s;
  s.first_kex();
  s.backend().authorize("alice", rsa_key(2048).blob());
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "rsa-sha2-512")), AuthResult::kSuccess);
}

TEST(MonitorUserKeys, SshRsaOnlyWhenConfigured) {
  {
    Session s;
    s.first_kex();
    s.backend().authorize("alice", rsa_key(2048).blob());
    std::string out = logged([&] {
      EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "ssh-rsa")), AuthResult::kFailure);
    });
    EXPECT_NE(out.find("userauth_pubkey: signature algorithm ssh-rsa not in PubkeyAcceptedAlgorithms"),
              std::string::npos) << out;
    EXPECT_EQ(s.core().failures(), 1);
  }
  Settings st;
  st.pubkey_accepted_algorithms.push_back("ssh-rsa");
  Session s(st);
  s.first_kex();
  s.backend().authorize("alice", rsa_key(2048).blob());
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "ssh-rsa")), AuthResult::kSuccess);
}

TEST(MonitorUserKeys, AlgorithmOutsideTheListRefused) {
  Settings st;
  st.pubkey_accepted_algorithms = {"ssh-ed25519", "rsa-sha2-512"};
  const auto ec = testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP256);
  Session s(st);
  s.first_kex();
  s.backend().authorize("alice", ec.blob());
  s.backend().authorize("alice", rsa_key(2048).blob());
  EXPECT_EQ(result_of(s.auth_key("alice", ec, "ecdsa-sha2-nistp256", false)), AuthResult::kFailure);
  EXPECT_EQ(result_of(s.auth_key("alice", ec, "ecdsa-sha2-nistp256")), AuthResult::kFailure);
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "rsa-sha2-256")), AuthResult::kFailure);
  EXPECT_EQ(s.core().failures(), 3);
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "rsa-sha2-512")), AuthResult::kSuccess);
  // server-sig-algs says the same list.
  monproto::Hello h;
  ASSERT_TRUE(monproto::decode(s.core().hello(), h));
  EXPECT_EQ(h.server_sig_algs, "ssh-ed25519,rsa-sha2-512");
}

TEST(MonitorUserKeys, DefaultServerSigAlgsAreTheDefaultList) {
  Session s;
  monproto::Hello h;
  ASSERT_TRUE(monproto::decode(s.core().hello(), h));
  std::string want;
  for (auto n : transport::default_algorithms(transport::AlgorithmKind::kPubkey))
    want += (want.empty() ? "" : ",") + std::string(n);
  EXPECT_EQ(h.server_sig_algs, want);
  EXPECT_NE(want.find("rsa-sha2-256"), std::string::npos);
  EXPECT_EQ(want.find("ssh-rsa"), std::string::npos);
}

TEST(MonitorUserKeys, KeyTypeMustFitTheAlgorithm) {
  const auto ec = testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP256);
  const auto sk = testkeys::TestUserKey::sk_ed25519();
  Session s;
  s.first_kex();
  s.backend().authorize("alice", ec.blob());
  s.backend().authorize("alice", sk.blob());
  s.backend().authorize("alice", rsa_key(2048).blob());
  std::string out = logged([&] {
    EXPECT_EQ(result_of(s.auth_key("alice", ec, "ecdsa-sha2-nistp384", false)), AuthResult::kFailure);
  });
  EXPECT_NE(out.find("key type mismatch for decoded key (received ecdsa-sha2-nistp256, expected ecdsa-sha2-nistp384)"),
            std::string::npos) << out;
  EXPECT_EQ(result_of(s.auth_key("alice", sk, "ssh-ed25519", false)), AuthResult::kFailure);
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "ecdsa-sha2-nistp256", false)), AuthResult::kFailure);
  EXPECT_TRUE(s.backend().key_lookups.empty());
}

TEST(MonitorUserKeys, SignatureBlobMustNameTheRequestsAlgorithm) {
  Session s;
  s.first_kex();
  s.backend().authorize("alice", rsa_key(2048).blob());
  // Request says rsa-sha2-512 (and the signed data says so), the blob is
  // an rsa-sha2-256 signature of that data.
  EXPECT_EQ(result_of(s.auth_key("alice", rsa_key(2048), "rsa-sha2-512", true, 1, "rsa-sha2-256")),
            AuthResult::kFailure);
  Settings st;
  st.pubkey_accepted_algorithms.push_back("ssh-rsa");
  Session s2(st);
  s2.first_kex();
  s2.backend().authorize("alice", rsa_key(2048).blob());
  // A SHA-1 signature may not pass as SHA-2 even when ssh-rsa is accepted.
  EXPECT_EQ(result_of(s2.auth_key("alice", rsa_key(2048), "rsa-sha2-256", true, 1, "ssh-rsa")),
            AuthResult::kFailure);
  EXPECT_EQ(result_of(s2.auth_key("alice", rsa_key(2048), "rsa-sha2-256")), AuthResult::kSuccess);

  // A good P-256 signature (same key, same hash) whose blob is relabelled:
  // only the name check refuses it.
  const auto ec = testkeys::TestUserKey::ecdsa(transport::KeyType::kEcdsaP256);
  Session s3;
  s3.first_kex();
  s3.backend().authorize("alice", ec.blob());
  monproto::AuthPubkeyRequest r;
  r.user = "alice";
  r.algorithm = "ecdsa-sha2-nistp256";
  r.key_blob = ec.blob();
  r.has_signature = true;
  wire::Writer w;
  w.string(s3.session_id()).u8(50).string("alice").string("ssh-connection").string("publickey");
  w.boolean(true).string(r.algorithm).string(r.key_blob);
  const Bytes good = ec.sign(r.algorithm, w.bytes());
  wire::Reader gr(good);
  wire::Bytes name, inner;
  ASSERT_TRUE(gr.string(name) && gr.string(inner) && gr.end());
  wire::Writer relabelled;
  relabelled.string("ecdsa-sha2-nistp384").string(inner);
  r.signature = relabelled.take();
  EXPECT_EQ(result_of(s3.send(Child::kPreauth, r)), AuthResult::kFailure);
  r.signature = good;
  EXPECT_EQ(result_of(s3.send(Child::kPreauth, r)), AuthResult::kSuccess);
}

// FIDO flags against what the key's line and PubkeyAuthOptions ask: touch
// unless no-touch-required (and then still under touch-required), user
// verification under either verify-required.
TEST(MonitorUserKeys, SecurityKeyFlagsPolicy) {
  const auto ed = testkeys::TestUserKey::sk_ed25519();
  const auto ec = testkeys::TestUserKey::sk_ecdsa();
  struct Case { bool no_touch, verify, cfg_touch, cfg_verify; uint8_t flags; bool ok; };
  for (const auto* key : {&ed, &ec}) {
    const std::string alg = key == &ed ? "sk-ssh-ed25519@openssh.com" : "sk-ecdsa-sha2-nistp256@openssh.com";
    for (const Case c : {Case{false, false, false, false, 0x01, true},
                         Case{false, false, false, false, 0x00, false},
                         Case{false, false, false, false, 0x04, false},
                         Case{true, false, false, false, 0x00, true},
                         Case{false, true, false, false, 0x01, false},
                         Case{false, true, false, false, 0x05, true},
                         Case{true, true, false, false, 0x04, true},
                         Case{true, true, false, false, 0x00, false},
                         // PubkeyAuthOptions touch-required overrides no-touch-required.
                         Case{true, false, true, false, 0x00, false},
                         Case{true, false, true, false, 0x01, true},
                         // PubkeyAuthOptions verify-required, the line silent.
                         Case{false, false, false, true, 0x01, false},
                         Case{false, false, false, true, 0x05, true},
                         Case{true, false, false, true, 0x04, true},
                         Case{true, false, true, true, 0x04, false}}) {
      Settings settings;
      settings.pubkey_touch_required = c.cfg_touch;
      settings.pubkey_verify_required = c.cfg_verify;
      Session s(settings);
      s.first_kex();
      s.backend().authorize("alice", key->blob());
      s.backend().key_options.no_touch_required = c.no_touch;
      s.backend().key_options.verify_required = c.verify;
      const std::string what = alg + " no-touch " + std::to_string(c.no_touch) + " verify " +
                               std::to_string(c.verify) + " PubkeyAuthOptions " +
                               std::to_string(c.cfg_touch) + std::to_string(c.cfg_verify) +
                               " flags " + std::to_string(c.flags);
      std::string out = logged([&] {
        EXPECT_EQ(result_of(s.auth_key("alice", *key, alg, true, c.flags)),
                  c.ok ? AuthResult::kSuccess : AuthResult::kFailure) << what;
      });
      if (!c.ok) {
        EXPECT_EQ(s.core().failures(), 1) << what;
        const bool touch_needed = !c.no_touch || c.cfg_touch;
        const char* want = (c.flags & 0x01) || !touch_needed
                               ? "rejected: user verification requirement not met"
                               : "rejected: user presence (authenticator touch) requirement not met";
        EXPECT_NE(out.find(want), std::string::npos) << what << "\n" << out;
        EXPECT_NE(out.find("signature for alice from 192.0.2.7 port 50022"), std::string::npos) << out;
      }
    }
  }
}

TEST(MonitorUserKeys, MalformedKeyBlobIsAFailureNotALookup) {
  Session s;
  s.first_kex();
  monproto::AuthPubkeyRequest r;
  r.user = "alice";
  r.algorithm = "ecdsa-sha2-nistp256";
  wire::Writer w;
  Bytes q(65, 0x04);  // not on the curve
  w.string("ecdsa-sha2-nistp256").string("nistp256").string(q);
  r.key_blob = w.take();
  EXPECT_EQ(result_of(s.send(Child::kPreauth, r)), AuthResult::kFailure);
  EXPECT_TRUE(s.backend().key_lookups.empty());
}

TEST(MonitorHandover, CountersBelowFloorAreViolation) {
  // none + signed request = 2 auth requests: both counters must be >= 3.
  for (auto [send_seq, recv_seq] : {std::pair{2u, 10u}, std::pair{10u, 2u}, std::pair{0u, 0u}}) {
    Session s;
    s.first_kex();
    ASSERT_EQ(s.auth_none("alice").kind, Kind::kReply);
    ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
    auto o = s.send(Child::kPreauth, monproto::HandoverRequest{send_seq, recv_seq, 0, 0, {}});
    EXPECT_EQ(o.kind, Kind::kViolation) << send_seq << "/" << recv_seq;
  }
  Session ok;
  ok.first_kex();
  ASSERT_EQ(ok.auth_none("alice").kind, Kind::kReply);
  ASSERT_EQ(ok.auth_signed("alice", alice_key()).kind, Kind::kReply);
  EXPECT_EQ(ok.send(Child::kPreauth, monproto::HandoverRequest{3, 3, 0, 0, {}}).kind,
            Kind::kStartPostauth);
}

// The postauth child resumes AES-GCM and AES-CTR where the preauth child
// says they stand: the monitor takes only positions the counters allow.
// (The test client offers strict KEX, so the counters restarted with the
// keys: a GCM position equals its counter, a CTR one is at least it.)
TEST(MonitorHandover, CipherPositionsMustFitTheCounters) {
  struct Case {
    const char* cipher;
    uint64_t send_pos, recv_pos;
    bool ok;
  } cases[] = {
      {"aes256-gcm@openssh.com", 17, 19, true},
      {"aes256-gcm@openssh.com", 16, 19, false},
      {"aes256-gcm@openssh.com", 17, 20, false},
      {"aes128-ctr", 17, 19, true},
      {"aes128-ctr", 17 * 16385, 19 * 16385, true},  // every packet the largest
      {"aes128-ctr", 16, 19, false},                 // fewer blocks than packets
      {"aes128-ctr", 17, uint64_t{1} << 40, false},  // more than the packets could hold
      {"chacha20-poly1305@openssh.com", 0, 0, true},
      {"chacha20-poly1305@openssh.com", 0, 1, false},  // it has no position
  };
  for (const auto& c : cases) {
    Session s;
    s.offer_ciphers(c.cipher);
    s.first_kex();
    ASSERT_EQ(s.first().reply.ctos.cipher->name, c.cipher);
    ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
    auto o = s.send(Child::kPreauth, monproto::HandoverRequest{17, 19, c.send_pos, c.recv_pos, {}});
    EXPECT_EQ(o.kind, c.ok ? Kind::kStartPostauth : Kind::kViolation)
        << c.cipher << " " << c.send_pos << "/" << c.recv_pos << " " << o.reason;
    if (!c.ok) continue;
    s.core().postauth_started();
    auto st = decode_reply<monproto::TransportState>(s.send(Child::kPostauth, monproto::PostauthReady{}));
    EXPECT_EQ(st.send_position, c.send_pos);
    EXPECT_EQ(st.recv_position, c.recv_pos);
    EXPECT_EQ(st.ctos.cipher->name, c.cipher);
  }
}

TEST(MonitorHandover, StrictKexCountersMustBeSmall) {
  Session s;
  s.first_kex();
  ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
  EXPECT_EQ(s.send(Child::kPreauth, monproto::HandoverRequest{(1u << 24) + 1, 5, 0, 0, {}}).kind,
            Kind::kViolation);
}

TEST(MonitorHandover, FullPathToPostauthCarriesKexKeys) {
  Session s;
  s.first_kex();
  ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
  auto o = s.send(Child::kPreauth, monproto::HandoverRequest{17, 19, 0, 0, {}});
  ASSERT_EQ(o.kind, Kind::kStartPostauth) << o.reason;
  EXPECT_EQ(s.core().user().name, "alice");
  s.core().postauth_started();
  EXPECT_EQ(s.phase(), Phase::kPostauthStart);

  o = s.send(Child::kPostauth, monproto::PostauthReady{});
  ASSERT_EQ(o.kind, Kind::kReply) << o.reason;
  EXPECT_EQ(s.phase(), Phase::kPostRekeyStart);
  auto st = decode_reply<monproto::TransportState>(o);
  EXPECT_EQ(st.session_id, s.first().h);
  EXPECT_EQ(bytes_of(st.ctos.key.span()), bytes_of(s.first().reply.ctos.key.span()));
  EXPECT_EQ(bytes_of(st.stoc.key.span()), bytes_of(s.first().reply.stoc.key.span()));
  EXPECT_EQ(st.send_seq, 17u);
  EXPECT_EQ(st.recv_seq, 19u);
  EXPECT_TRUE(st.strict_kex);
  EXPECT_EQ(s.core().user().uid, 1000u);
}

// The preauth child reads one packet at a time: a handover with bytes read
// past the last auth request is refused (they could only be an injection).
TEST(MonitorHandover, ReadAheadBytesAreViolation) {
  Session s;
  s.first_kex();
  ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
  auto o = s.send(Child::kPreauth, monproto::HandoverRequest{17, 19, 0, 0, {1, 2, 3}});
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_NE(o.reason.find("read-ahead bytes at handover (3)"), std::string::npos) << o.reason;
}

// RekeyAfterAuth: the postauth child must start a key exchange before it may
// ask for anything else; the exchange gives keys the preauth child never had,
// and the session id stays the first exchange's.
TEST(MonitorRekey, ExchangeAfterAuthComesFirstAndGivesNewKeys) {
  Session s;
  s.drive_to(Phase::kPostRekeyStart);
  for (auto type : {monproto::Type::kPtyRequest, monproto::Type::kKexInit}) {
    Session early;
    early.drive_to(Phase::kPostRekeyStart);
    EXPECT_EQ(early.send(Child::kPostauth, message_of_type(uint8_t(type))).kind, Kind::kViolation)
        << monproto::type_name(uint8_t(type));
  }
  auto o = s.send(Child::kPostauth, monproto::KexStartRequest{});
  ASSERT_EQ(o.kind, Kind::kReply);
  auto start = decode_reply<monproto::KexInitReply>(o);
  ASSERT_TRUE(start.ok);
  ASSERT_FALSE(start.server_kexinit.empty());
  EXPECT_EQ(s.phase(), Phase::kPostKexInit);
  // No PTY before the new keys are in place.
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kViolation);
}

TEST(MonitorRekey, ExchangeAfterAuthNegotiatesAgainstTheKexInitAlreadySent) {
  Session s;
  s.drive_to(Phase::kPostRekeyStart);
  auto start = decode_reply<monproto::KexInitReply>(s.send(Child::kPostauth, monproto::KexStartRequest{}));
  auto c = s.kex(Child::kPostauth, "");
  // The exchange hash covers the KEXINIT the client saw: the one sent first.
  EXPECT_EQ(c.server_kexinit, start.server_kexinit);
  EXPECT_EQ(s.phase(), Phase::kPostIdle);
  EXPECT_NE(bytes_of(c.reply.ctos.key.span()), bytes_of(s.first().reply.ctos.key.span()));
  EXPECT_NE(bytes_of(c.reply.stoc.key.span()), bytes_of(s.first().reply.stoc.key.span()));
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty);
}

TEST(MonitorRekey, RekeyAfterAuthOffGoesStraightToTheSession) {
  Settings settings;
  settings.rekey_after_auth = false;
  Session s(settings);
  s.drive_to(Phase::kPostauthStart);
  auto o = s.send(Child::kPostauth, monproto::PostauthReady{});
  ASSERT_EQ(o.kind, Kind::kReply);
  EXPECT_EQ(s.phase(), Phase::kPostIdle);
  monproto::SessionSettings ss;
  ASSERT_TRUE(monproto::decode(o.followup, ss));
  EXPECT_FALSE(ss.rekey_after_auth);
  // A KexStart now is a server-initiated rekey (RekeyLimit), not the one
  // after authentication: the session goes on meanwhile.
  ASSERT_EQ(s.send(Child::kPostauth, monproto::KexStartRequest{}).kind, Kind::kReply);
  EXPECT_EQ(s.phase(), Phase::kPostServerKexInit);
}

// RekeyLimit: the server starts an exchange mid-session. PTYs go on being
// served while the client's KEXINIT is on its way; a second start before
// this one finished, or an ECDH before the client's KEXINIT, is not.
TEST(MonitorRekey, ServerInitiatedRekeyMidSession) {
  Session s;
  s.drive_to(Phase::kPostIdle);
  const auto before = s.kex(Child::kPostauth, "");  // a completed client rekey, for comparison
  ASSERT_EQ(s.phase(), Phase::kPostIdle);
  auto start = decode_reply<monproto::KexInitReply>(s.send(Child::kPostauth, monproto::KexStartRequest{}));
  ASSERT_TRUE(start.ok);
  ASSERT_EQ(s.phase(), Phase::kPostServerKexInit);
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty);
  for (auto type : {monproto::Type::kKexStart, monproto::Type::kKexEcdh}) {
    Session other;
    other.drive_to(Phase::kPostServerKexInit);
    EXPECT_EQ(other.send(Child::kPostauth, message_of_type(uint8_t(type))).kind, Kind::kViolation)
        << monproto::type_name(uint8_t(type));
  }
  auto c = s.kex(Child::kPostauth, "");
  EXPECT_EQ(c.server_kexinit, start.server_kexinit);
  EXPECT_EQ(s.phase(), Phase::kPostIdle);
  EXPECT_NE(bytes_of(c.reply.stoc.key.span()), bytes_of(before.reply.stoc.key.span()));
}

// The per-phase PTY bound starts again with every phase, so a child that
// rekeys between batches would never meet it; the per-connection bound
// holds across rekeys (a client one and a server-initiated one here).
TEST(MonitorRekey, PtyBoundPerConnectionHoldsAcrossRekeys) {
  static_assert(kMaxPtyRequestsPerConnection <= kMaxPtyRequestsPerPhase,
                "each batch below must stay under the per-phase bound");
  Session s;
  s.drive_to(Phase::kPostIdle);
  const int third = kMaxPtyRequestsPerConnection / 3;
  int sent = 0;
  auto batch = [&](int n) {
    for (int i = 0; i < n; ++i, ++sent)
      ASSERT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty) << sent;
  };
  batch(third);
  s.kex(Child::kPostauth, "");  // a client-initiated rekey
  ASSERT_EQ(s.phase(), Phase::kPostIdle);
  batch(third);
  ASSERT_EQ(s.send(Child::kPostauth, monproto::KexStartRequest{}).kind, Kind::kReply);
  ASSERT_EQ(s.phase(), Phase::kPostServerKexInit);  // RekeyLimit: PTYs go on meanwhile
  batch(kMaxPtyRequestsPerConnection - 2 * third);
  ASSERT_EQ(sent, kMaxPtyRequestsPerConnection);
  // No phase saw more than about a third of the bound; the connection has
  // reached it.
  auto o = s.send(Child::kPostauth, monproto::PtyRequest{});
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_EQ(o.reason,
            "message PTY_REQUEST (7) in phase postauth-server-kexinit: more PTY requests than one "
            "connection may make");
  EXPECT_EQ(s.phase(), Phase::kClosed);
}

// The postauth child is told RekeyLimit as computed for the cipher: the
// configured bytes, never above chacha20-poly1305's 1 GiB, and the time.
TEST(MonitorRekey, SessionSettingsCarryTheRekeyLimit) {
  for (uint64_t configured : {uint64_t{0}, uint64_t{1} << 20, uint64_t{8} << 30}) {
    Settings settings;
    settings.rekey_limit_bytes = configured;
    settings.session.rekey_interval = 3600;
    Session s(settings);
    s.drive_to(Phase::kPostauthStart);
    auto o = s.send(Child::kPostauth, monproto::PostauthReady{});
    ASSERT_EQ(o.kind, Kind::kReply);
    monproto::SessionSettings ss;
    ASSERT_TRUE(monproto::decode(o.followup, ss));
    EXPECT_EQ(ss.rekey_bytes, configured == (uint64_t{1} << 20) ? configured : uint64_t{1} << 30);
    EXPECT_EQ(ss.rekey_interval, 3600u);
  }
}

TEST(MonitorHandover, SecondHandoverIsViolation) {
  Session s;
  s.drive_to(Phase::kHandover);
  ASSERT_EQ(s.send(Child::kPreauth, monproto::HandoverRequest{10, 10, 0, 0, {}}).kind,
            Kind::kStartPostauth);
  EXPECT_EQ(s.send(Child::kPreauth, monproto::HandoverRequest{10, 10, 0, 0, {}}).kind, Kind::kViolation);
}

TEST(MonitorRekey, KeepsSessionIdAndDerivesNewKeys) {
  Settings client_started_only;  // client-started rekeys (after-auth one: below)
  client_started_only.rekey_after_auth = false;
  Session s(client_started_only);
  s.first_kex();
  ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kReply);
  ASSERT_EQ(s.send(Child::kPreauth, monproto::HandoverRequest{5, 5, 0, 0, {}}).kind,
            Kind::kStartPostauth);
  s.core().postauth_started();
  ASSERT_EQ(s.send(Child::kPostauth, monproto::PostauthReady{}).kind, Kind::kReply);

  for (int round = 0; round < 2; ++round) {
    auto c = s.kex(Child::kPostauth, "");
    EXPECT_EQ(s.phase(), Phase::kPostIdle);
    EXPECT_NE(c.h, s.first().h);
    EXPECT_EQ(c.reply.exchange_hash, c.h);
    EXPECT_TRUE(crypto::ed25519_verify_blob(host_key().public_blob(), c.reply.signature, c.h));
    // New keys from the new K and H, but the first H stays the session id.
    EXPECT_EQ(bytes_of(c.reply.ctos.key.span()), derive64(c.k_mpint, c.h, 'C', s.first().h));
    EXPECT_EQ(bytes_of(c.reply.stoc.key.span()), derive64(c.k_mpint, c.h, 'D', s.first().h));
    const auto st = s.core().transport_state();
    EXPECT_EQ(st.session_id, s.first().h);
    EXPECT_EQ(bytes_of(st.ctos.key.span()), bytes_of(c.reply.ctos.key.span()));
  }
}

TEST(MonitorRekey, ExtInfoOnlyAnnouncedInFirstExchange) {
  Session s;
  s.drive_to(Phase::kPostIdle);
  auto o = s.send(Child::kPostauth, monproto::KexInitRequest{"", client_kexinit()});
  ASSERT_EQ(o.kind, Kind::kReply);
  auto r = decode_reply<monproto::KexInitReply>(o);
  EXPECT_TRUE(r.ok);
  EXPECT_FALSE(r.client_ext_info);
  EXPECT_TRUE(r.strict_kex);
}

TEST(MonitorPostauth, ReadyIsFollowedBySessionSettings) {
  Settings settings;
  settings.session.accept_env = {"LANG", "LC_*"};
  settings.session.print_motd = false;
  Session s(settings);
  s.drive_to(Phase::kPostauthStart);
  auto o = s.send(Child::kPostauth, monproto::PostauthReady{});
  ASSERT_EQ(o.kind, Kind::kReply);
  monproto::SessionSettings ss;
  ASSERT_TRUE(monproto::decode(o.followup, ss));
  EXPECT_EQ(ss.accept_env, settings.session.accept_env);
  EXPECT_FALSE(ss.print_motd);
  // Who the session runs as: the monitor's own lookup of the bound name.
  EXPECT_EQ(ss.user.name, "alice");
  EXPECT_EQ(ss.user.uid, 1000u);
  EXPECT_EQ(ss.user.home, "/home/alice");
  EXPECT_EQ(ss.user.shell, "/bin/bash");
  EXPECT_EQ(ss.grant, s.core().grant());
  EXPECT_TRUE(ss.grant.pty);
}

// A login whose grant says no PTY: a PTY request is not an honest mistake
// (the postauth child was told), so it ends the connection.
TEST(MonitorPostauth, PtyRequestWithoutGrantIsViolation) {
  Session s;
  s.backend().key_options.no_pty = true;
  s.drive_to(Phase::kPostIdle);
  EXPECT_FALSE(s.core().grant().pty);
  auto o = s.send(Child::kPostauth, monproto::PtyRequest{});
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_NE(o.reason.find("PTY not granted"), std::string::npos) << o.reason;
  EXPECT_EQ(s.phase(), Phase::kClosed);
}

TEST(MonitorPostauth, PtyRequestsAndReleases) {
  Session s;
  s.drive_to(Phase::kPostIdle);
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty);
  auto o = s.send(Child::kPostauth, monproto::PtyRelease{"/dev/pts/4"});
  EXPECT_EQ(o.kind, Kind::kReleasePty);
  EXPECT_EQ(o.reason, "/dev/pts/4");
  EXPECT_EQ(s.phase(), Phase::kPostIdle);
  // Also during a rekey.
  ASSERT_EQ(s.send(Child::kPostauth, monproto::KexInitRequest{"", client_kexinit()}).kind,
            Kind::kReply);
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty);
  EXPECT_EQ(s.phase(), Phase::kPostKexEcdh);
}

TEST(MonitorPostauth, PtyRequestsAreBoundedPerPhase) {
  Session s;
  s.drive_to(Phase::kPostIdle);
  for (int i = 0; i < kMaxPtyRequestsPerPhase; ++i)
    ASSERT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kAllocatePty) << i;
  EXPECT_EQ(s.send(Child::kPostauth, monproto::PtyRequest{}).kind, Kind::kViolation);
}

// Log lines from the user's process: counted per second of the monitor's
// clock, not per phase, so a long SFTP session is not cut off, and a flood
// within one second is a violation.
TEST(MonitorPostauth, LogLinesAreCountedPerSecond) {
  Session s;
  s.drive_to(Phase::kPostIdle);
  const monproto::LogLine line{monproto::LogLine::Level::kInfo, "remove name \"/tmp/x\""};
  s.core().set_clock(5000);
  for (int i = 0; i < kMaxLogLinesPerSecond; ++i)
    ASSERT_EQ(s.send(Child::kPostauth, line).kind, Kind::kNothing) << i;
  // The next second starts a new count: far more than one second's bound
  // in all is fine.
  s.core().set_clock(6000);
  for (int i = 0; i < kMaxLogLinesPerSecond; ++i)
    ASSERT_EQ(s.send(Child::kPostauth, line).kind, Kind::kNothing) << i;
  auto o = s.send(Child::kPostauth, line);
  EXPECT_EQ(o.kind, Kind::kViolation);
  EXPECT_NE(o.reason.find("allowed count exceeded"), std::string::npos) << o.reason;
}

TEST(MonitorPostauth, LogLinesOnlyFromThePostauthChildAfterLogin) {
  {
    Session s;
    s.drive_to(Phase::kAuth);
    EXPECT_EQ(s.send(Child::kPreauth, monproto::LogLine{monproto::LogLine::Level::kInfo, "x"}).kind,
              Kind::kViolation);
  }
  {
    Session s;
    s.drive_to(Phase::kPostIdle);
    // A level above what the protocol defines, and a NUL in the text.
    const Bytes bad_level{static_cast<uint8_t>(monproto::Type::kLog), 3, 0, 0, 0, 1, 'x'};
    EXPECT_EQ(s.send(Child::kPostauth, bad_level).kind, Kind::kViolation);
  }
  {
    Session s;
    s.drive_to(Phase::kPostIdle);
    const Bytes nul{static_cast<uint8_t>(monproto::Type::kLog), 0, 0, 0, 0, 3, 'a', 0, 'b'};
    EXPECT_EQ(s.send(Child::kPostauth, nul).kind, Kind::kViolation);
  }
}

// ---------------------------------------------------------------------------
// PAM-backed methods: the core says what PAM must do and takes its verdict,
// but the grant stays its own decision.

TEST(MonitorPam, PasswordForAllowedUserGoesToPam) {
  Session s(pam_settings());
  s.first_kex();
  auto o = s.auth_password("alice", "hunter2");
  ASSERT_EQ(o.kind, Kind::kPamAuthenticate);
  ASSERT_TRUE(o.pam);
  EXPECT_EQ(o.pam->method, PamMethod::kPassword);
  EXPECT_EQ(o.pam->pam_user, "alice");
  EXPECT_EQ(wire::as_view(o.pam->password.span()), "hunter2");
  EXPECT_EQ(s.phase(), Phase::kAuthPam);
  EXPECT_TRUE(s.core().pam_pending());
  auto done = s.core().pam_finished(true, "");
  ASSERT_EQ(done.kind, Kind::kReply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(done).result, AuthResult::kSuccess);
  EXPECT_EQ(s.phase(), Phase::kHandover);
}

TEST(MonitorPam, PamRefusalIsAFailureListingMethods) {
  Session s(pam_settings());
  s.first_kex();
  ASSERT_EQ(s.auth_password("alice", "wrong").kind, Kind::kPamAuthenticate);
  auto done = s.core().pam_finished(false, "Authentication failure", "Account expired.");
  ASSERT_EQ(done.kind, Kind::kReply);
  auto r = decode_reply<monproto::AuthReply>(done);
  EXPECT_EQ(r.result, AuthResult::kFailure);
  EXPECT_EQ(r.methods, "publickey,password,keyboard-interactive");
  EXPECT_EQ(r.banner, "Account expired.") << "PAM's message reaches a real user";
  EXPECT_EQ(s.phase(), Phase::kAuth);
}

TEST(MonitorPam, BannerIsBounded) {
  Session s(pam_settings());
  s.first_kex();
  ASSERT_EQ(s.auth_password("alice", "pw").kind, Kind::kPamAuthenticate);
  auto done = s.core().pam_finished(true, "", std::string(100000, 'm'));
  auto r = decode_reply<monproto::AuthReply>(done);
  EXPECT_EQ(r.result, AuthResult::kSuccess);
  EXPECT_LE(r.banner.size(), 8192u);
  EXPECT_FALSE(r.banner.empty());
}

TEST(MonitorPam, UsersWhoMayNotLogInGetPlaceholderWorkAndAreRefused) {
  // Unknown user, denied user, and root with a password under the default
  // PermitRootLogin prohibit-password: PAM runs, but never with the real
  // password for an unknown/denied name, and success is refused anyway.
  struct Case {
    const char* user;
    const char* pam_user;
  };
  std::vector<Bytes> replies;
  for (const Case c : {Case{"nosuchuser", kPamPlaceholderUser}, Case{"carol", kPamPlaceholderUser},
                       Case{"root", "root"}}) {
    Session s(pam_settings());
    s.first_kex();
    auto o = s.auth_password(c.user, "hunter2");
    ASSERT_EQ(o.kind, Kind::kPamAuthenticate) << c.user;
    ASSERT_TRUE(o.pam);
    EXPECT_EQ(o.pam->pam_user, c.pam_user) << c.user;
    EXPECT_NE(wire::as_view(o.pam->password.span()), "hunter2") << c.user;
    EXPECT_EQ(o.pam->password.span().size(), never_matching_password().span().size()) << c.user;
    EXPECT_FALSE(o.pam->may_succeed) << c.user << ": no account checks, no password change";
    auto done = s.core().pam_finished(true, "", "Password expires in 2 days.");
    const auto r = decode_reply<monproto::AuthReply>(done);
    EXPECT_EQ(r.result, AuthResult::kFailure) << c.user;
    EXPECT_EQ(s.phase(), Phase::kAuth) << c.user;
    EXPECT_EQ(r.banner, "") << c.user << ": a refused user must not hear PAM's words";
    replies.push_back(done.reply);
  }
  EXPECT_EQ(replies[0], replies[1]) << "unknown and denied users answered alike";
  EXPECT_EQ(replies[0], replies[2]) << "root under prohibit-password answered alike";
}

TEST(MonitorPam, AllowedUsersPasswordMaySucceed) {
  Session s(pam_settings());
  s.first_kex();
  auto o = s.auth_password("alice", "hunter2");
  ASSERT_TRUE(o.pam);
  EXPECT_TRUE(o.pam->may_succeed);
  Session k(pam_settings());
  k.first_kex();
  o = k.auth_kbdint("alice");
  ASSERT_TRUE(o.pam);
  EXPECT_TRUE(o.pam->may_succeed);
}

// Root under prohibit-password (and every other refusal) through
// keyboard-interactive: the client is asked the usual questions, but PAM
// only ever sees answers that cannot match, is told not to go on to the
// account stack or a password change, and the reply does not depend on what
// PAM said: the right root password is no oracle.
TEST(MonitorPam, RefusedUsersKeyboardInteractiveAnswersNeverReachPam) {
  struct Case {
    const char* user;
    RootLogin root_login;
    const char* pam_user;
  };
  const Case cases[] = {{"root", RootLogin::kProhibitPassword, "root"},
                        {"root", RootLogin::kForcedCommandsOnly, "root"},
                        {"root", RootLogin::kNo, "root"},
                        {"carol", RootLogin::kProhibitPassword, kPamPlaceholderUser},
                        {"nosuchuser", RootLogin::kProhibitPassword, kPamPlaceholderUser}};
  for (const Case& c : cases) {
    std::vector<Bytes> replies;
    for (const bool pam_says_yes : {true, false}) {
      Settings settings = pam_settings();
      settings.permit_root_login = c.root_login;
      Session s(settings);
      s.first_kex();
      auto o = s.auth_kbdint(c.user);
      ASSERT_EQ(o.kind, Kind::kPamAuthenticate) << c.user;
      ASSERT_TRUE(o.pam);
      EXPECT_EQ(o.pam->pam_user, c.pam_user) << c.user;
      EXPECT_FALSE(o.pam->may_succeed) << c.user;
      s.core().kbdint_query({"", {{"Password: ", false}, {"Code: ", true}}});
      monproto::KbdintAnswers a;
      const uint8_t pw[] = {'h', 'u', 'n', 't', 'e', 'r', '2'};
      a.answers.emplace_back(pw);
      a.answers.emplace_back(pw);
      auto ans = s.send(Child::kPreauth, a);
      ASSERT_EQ(ans.kind, Kind::kPamAnswers) << c.user;
      ASSERT_EQ(ans.answers.size(), 2u) << c.user << ": one answer per prompt still";
      for (const auto& got : ans.answers) {
        EXPECT_NE(wire::as_view(got.span()), "hunter2") << c.user;
        EXPECT_EQ(bytes_of(got.span()), bytes_of(never_matching_password().span())) << c.user;
      }
      auto done = s.core().pam_finished(pam_says_yes, pam_says_yes ? "" : "Authentication failure",
                                        "You are required to change your password immediately");
      ASSERT_EQ(done.kind, Kind::kReply) << c.user;
      const auto r = decode_reply<monproto::AuthReply>(done);
      EXPECT_EQ(r.result, AuthResult::kFailure) << c.user;
      EXPECT_EQ(r.banner, "") << c.user;
      EXPECT_EQ(s.phase(), Phase::kAuth) << c.user;
      replies.push_back(done.reply);
    }
    EXPECT_EQ(replies[0], replies[1]) << c.user << ": PAM's verdict does not show";
  }
}

TEST(MonitorPam, RootKeyboardInteractiveWithPermitRootLoginYes) {
  Settings settings = pam_settings();
  settings.permit_root_login = RootLogin::kYes;
  Session s(settings);
  s.first_kex();
  auto o = s.auth_kbdint("root");
  ASSERT_TRUE(o.pam);
  EXPECT_TRUE(o.pam->may_succeed);
  s.core().kbdint_query({"", {{"Password: ", false}}});
  monproto::KbdintAnswers a;
  const uint8_t pw[] = {'o', 'k'};
  a.answers.emplace_back(pw);
  auto ans = s.send(Child::kPreauth, a);
  ASSERT_EQ(ans.answers.size(), 1u);
  EXPECT_EQ(wire::as_view(ans.answers[0].span()), "ok");
  auto done = s.core().pam_finished(true, "", "Password expires in 2 days.");
  const auto r = decode_reply<monproto::AuthReply>(done);
  EXPECT_EQ(r.result, AuthResult::kSuccess);
  EXPECT_EQ(r.banner, "Password expires in 2 days.");
}

TEST(MonitorPam, RootPasswordOnlyWithPermitRootLoginYes) {
  Settings settings = pam_settings();
  settings.permit_root_login = RootLogin::kYes;
  Session s(settings);
  s.first_kex();
  auto o = s.auth_password("root", "hunter2");
  ASSERT_EQ(o.kind, Kind::kPamAuthenticate);
  EXPECT_EQ(wire::as_view(o.pam->password.span()), "hunter2");
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.core().pam_finished(true, "")).result,
            AuthResult::kSuccess);
}

TEST(MonitorPam, DeniedUserCannotUsePublickey) {
  Session s(pam_settings());
  s.first_kex();
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.auth_query("carol", alice_key())).result,
            AuthResult::kFailure);
  auto o = s.auth_signed("carol", alice_key());
  EXPECT_EQ(o.kind, Kind::kReply) << "no PAM account check for a refused key";
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kFailure);
}

TEST(MonitorPam, EmptyPasswordRefusedWithoutPam) {
  Session s(pam_settings());
  s.first_kex();
  auto o = s.auth_password("alice", "");
  EXPECT_EQ(o.kind, Kind::kReply);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(o).result, AuthResult::kFailure);
  EXPECT_EQ(s.phase(), Phase::kAuth);
}

TEST(MonitorPam, PasswordWithoutPamIsPlainFailure) {
  Session s;  // use_pam off
  s.first_kex();
  auto o = s.auth_password("alice", "hunter2");
  EXPECT_EQ(o.kind, Kind::kReply);
  auto r = decode_reply<monproto::AuthReply>(o);
  EXPECT_EQ(r.result, AuthResult::kFailure);
  EXPECT_EQ(r.methods, "publickey");
  EXPECT_EQ(s.auth_kbdint("alice").kind, Kind::kReply);
}

TEST(MonitorPam, PublickeyGoesThroughAccountChecks) {
  Session s(pam_settings());
  s.first_kex();
  auto o = s.auth_signed("alice", alice_key());
  ASSERT_EQ(o.kind, Kind::kPamAccount);
  ASSERT_TRUE(o.pam);
  EXPECT_EQ(o.pam->method, PamMethod::kPubkey);
  EXPECT_EQ(o.pam->pam_user, "alice");
  auto refused = s.core().pam_finished(false, "account expired");
  EXPECT_EQ(decode_reply<monproto::AuthReply>(refused).result, AuthResult::kFailure);
  EXPECT_EQ(s.phase(), Phase::kAuth);

  ASSERT_EQ(s.auth_signed("alice", alice_key()).kind, Kind::kPamAccount);
  EXPECT_EQ(decode_reply<monproto::AuthReply>(s.core().pam_finished(true, "")).result,
            AuthResult::kSuccess);
  EXPECT_EQ(s.phase(), Phase::kHandover);
}

TEST(MonitorPam, KeyboardInteractiveOneAnswerPerQuery) {
  Session s(pam_settings());
  s.first_kex();
  auto o = s.auth_kbdint("alice");
  ASSERT_EQ(o.kind, Kind::kPamAuthenticate);
  EXPECT_EQ(o.pam->method, PamMethod::kKbdint);
  // Answers before PAM asked anything are a violation...
  {
    Session early(pam_settings());
    early.drive_to(Phase::kAuthPam);
    EXPECT_EQ(
        early.send(Child::kPreauth, message_of_type(uint8_t(monproto::Type::kKbdintAnswers))).kind,
        Kind::kViolation);
  }
  // ...after a query, exactly one set is taken and handed to PAM.
  auto query = s.core().kbdint_query({"", {{"Password: ", false}}});
  EXPECT_EQ(query[0], uint8_t(monproto::Type::kKbdintQuery));
  EXPECT_EQ(s.phase(), Phase::kAuthPrompt);
  monproto::KbdintAnswers a;
  const uint8_t pw[] = {'o', 'k'};
  a.answers.emplace_back(pw);
  auto ans = s.send(Child::kPreauth, a);
  ASSERT_EQ(ans.kind, Kind::kPamAnswers);
  ASSERT_EQ(ans.answers.size(), 1u);
  EXPECT_EQ(wire::as_view(ans.answers[0].span()), "ok");
  EXPECT_EQ(s.phase(), Phase::kAuthPam);
  EXPECT_EQ(s.send(Child::kPreauth, a).kind, Kind::kViolation);
}

// ---------------------------------------------------------------------------
// Rejections

TEST(MonitorRejects, MessageFromTheWrongChild) {
  Session pre;
  EXPECT_EQ(
      pre.send(Child::kPostauth, monproto::KexInitRequest{"SSH-2.0-x", client_kexinit()}).kind,
      Kind::kViolation);
  EXPECT_EQ(pre.phase(), Phase::kClosed);

  Session auth;
  auth.drive_to(Phase::kAuth);
  EXPECT_EQ(auth.send(Child::kPostauth, monproto::AuthNoneRequest{"alice"}).kind, Kind::kViolation);

  Session handover;
  handover.drive_to(Phase::kHandover);
  EXPECT_EQ(handover.send(Child::kPostauth, monproto::PostauthReady{}).kind, Kind::kViolation);

  Session post;
  post.drive_to(Phase::kPostIdle);
  EXPECT_EQ(post.send(Child::kPreauth, monproto::KexInitRequest{"", client_kexinit()}).kind,
            Kind::kViolation);

  Session none;
  EXPECT_EQ(none.send(Child::kNone, monproto::KexInitRequest{"SSH-2.0-x", client_kexinit()}).kind,
            Kind::kViolation);
}

TEST(MonitorRejects, UnknownTypesAndEmptyMessage) {
  for (uint8_t t : {0, 7, 63, 64, 68, 200, 255}) {
    Session s;
    auto o = s.send(Child::kPreauth, Bytes{t, 0, 0, 0, 0});
    EXPECT_EQ(o.kind, Kind::kViolation) << int(t);
    EXPECT_NE(o.reason.find("(" + std::to_string(t) + ")"), std::string::npos) << o.reason;
  }
  Session s;
  EXPECT_EQ(s.send(Child::kPreauth, Bytes{}).kind, Kind::kViolation);
}

TEST(MonitorRejects, DescriptorsAreNeverExpected) {
  Session s;
  auto msg = monproto::encode(monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()});
  EXPECT_EQ(s.send(Child::kPreauth, msg, 1).kind, Kind::kViolation);

  Session post;
  post.drive_to(Phase::kPostauthStart);
  EXPECT_EQ(post.send(Child::kPostauth, monproto::encode(monproto::PostauthReady{}), 2).kind,
            Kind::kViolation);
}

TEST(MonitorRejects, MalformedBodiesInEveryPhase) {
  // For each phase's allowed message: truncated by one byte, and with one
  // trailing byte, must each be a violation.
  struct Case {
    Phase phase;
    Child from;
    Bytes msg;
  };
  monproto::AuthPubkeyRequest pk;
  pk.user = "alice";
  pk.algorithm = "ssh-ed25519";
  pk.key_blob = alice_key().public_blob();
  const Case cases[] = {
      {Phase::kKexInit, Child::kPreauth,
       monproto::encode(monproto::KexInitRequest{"SSH-2.0-test", client_kexinit()})},
      {Phase::kKexEcdh, Child::kPreauth, monproto::encode(monproto::KexEcdhRequest{Bytes(32, 9)})},
      {Phase::kAuth, Child::kPreauth, monproto::encode(monproto::AuthNoneRequest{"alice"})},
      {Phase::kAuth, Child::kPreauth, monproto::encode(pk)},
      {Phase::kHandover, Child::kPreauth, monproto::encode(monproto::HandoverRequest{10, 10, 0, 0, {}})},
      {Phase::kPostauthStart, Child::kPostauth, monproto::encode(monproto::PostauthReady{})},
      {Phase::kPostRekeyStart, Child::kPostauth, monproto::encode(monproto::KexStartRequest{})},
      {Phase::kPostKexInit, Child::kPostauth,
       monproto::encode(monproto::KexInitRequest{"", client_kexinit()})},
      {Phase::kPostIdle, Child::kPostauth,
       monproto::encode(monproto::KexInitRequest{"", client_kexinit()})},
      {Phase::kPostKexEcdh, Child::kPostauth,
       monproto::encode(monproto::KexEcdhRequest{Bytes(32, 9)})},
      {Phase::kAuth, Child::kPreauth, message_of_type(uint8_t(monproto::Type::kAuthPassword))},
      {Phase::kAuth, Child::kPreauth, message_of_type(uint8_t(monproto::Type::kAuthKbdint))},
      {Phase::kAuthPrompt, Child::kPreauth,
       message_of_type(uint8_t(monproto::Type::kKbdintAnswers))},
      {Phase::kPostIdle, Child::kPostauth, message_of_type(uint8_t(monproto::Type::kPtyRelease))},
  };
  for (const auto& c : cases) {
    Bytes truncated(c.msg.begin(), c.msg.end() - 1);
    Bytes trailing = c.msg;
    trailing.push_back(0);
    for (const Bytes& bad : {truncated, trailing}) {
      if (bad.empty()) continue;  // PostauthReady has nothing to truncate but its type
      Session s(pam_settings());
      s.drive_to(c.phase);
      auto o = s.send(c.from, bad);
      EXPECT_EQ(o.kind, Kind::kViolation) << phase_name(c.phase) << " size " << bad.size();
      EXPECT_EQ(s.phase(), Phase::kClosed);
    }
    // The unbroken message is accepted in that phase (the cases are valid).
    Session s(pam_settings());
    s.drive_to(c.phase);
    EXPECT_NE(s.send(c.from, c.msg).kind, Kind::kViolation) << phase_name(c.phase);
  }
}

// Generated from kPermissions: in every phase, every type byte the table does
// not allow there is fatal, whichever well-formed message carries it.
TEST(MonitorRejects, EverythingTheTableDoesNotAllow) {
  size_t checked = 0, expected = 0;
  for (Phase p : all_phases()) {
    for (int t = 0; t < 256; ++t) {
      if (find_permission(p, uint8_t(t)) != nullptr) continue;
      const Bytes msg = message_of_type(uint8_t(t));
      std::vector<Child> senders;
      if (child_of(p) == Child::kNone)
        senders = {Child::kPreauth, Child::kPostauth};
      else
        senders = {child_of(p)};
      expected += senders.size();
      for (Child from : senders) {
        Session s(pam_settings());
        s.drive_to(p);
        if (::testing::Test::HasFatalFailure()) return;
        auto o = s.send(from, msg);
        ASSERT_EQ(o.kind, Kind::kViolation)
            << "phase " << phase_name(p) << " type " << t << ": " << o.reason;
        ASSERT_EQ(s.phase(), Phase::kClosed);
        ++checked;
      }
    }
  }
  // Every phase x 256 types, minus the table rows, plus a second sender in kClosed.
  EXPECT_EQ(checked, expected);
  EXPECT_EQ(checked, size_t(Phase::kCount) * 256u - std::size(kPermissions) + 256u);
}

// And the converse: every row of the table is reachable and accepted once.
TEST(MonitorRejects, EveryTableRowIsAccepted) {
  for (const auto& perm : kPermissions) {
    Session s(pam_settings());
    s.drive_to(perm.phase);
    Bytes msg;
    switch (perm.type) {
      case monproto::Type::kKexInit:
        msg = monproto::encode(monproto::KexInitRequest{
            perm.phase == Phase::kKexInit ? "SSH-2.0-test" : "", client_kexinit()});
        break;
      default:
        msg = message_of_type(uint8_t(perm.type));
        break;
    }
    const Child from = child_of(perm.phase);
    const Phase before = s.phase();
    auto o = s.send(from, msg);
    EXPECT_NE(o.kind, Kind::kViolation) << phase_name(perm.phase) << ": " << o.reason;
    // The decides_auth column is true: only marked rows grant authentication.
    if (before != Phase::kHandover && s.phase() == Phase::kHandover) {
      EXPECT_TRUE(perm.decides_auth) << phase_name(perm.phase) << " "
                                     << monproto::type_name(uint8_t(perm.type));
    }
  }
}

// A signed publickey request is the one row that grants without PAM, and it
// is marked; with PAM the grant comes when PAM finishes the request the
// marked row started.
TEST(MonitorRejects, GrantsComeFromDecidingRowsOnly) {
  Session s;
  s.first_kex();
  ASSERT_TRUE(find_permission(Phase::kAuth, uint8_t(monproto::Type::kAuthPubkey))->decides_auth);
  ASSERT_EQ(decode_reply<monproto::AuthReply>(s.auth_signed("alice", alice_key())).result,
            AuthResult::kSuccess);
  EXPECT_EQ(s.phase(), Phase::kHandover);
  for (const auto& perm : kPermissions)
    if (perm.type == monproto::Type::kAuthNone || perm.type == monproto::Type::kKbdintAnswers ||
        perm.type == monproto::Type::kHandover) {
      EXPECT_FALSE(perm.decides_auth) << monproto::type_name(uint8_t(perm.type));
    }
}
