#include "tests/tools/kex_client.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "crypto/mlkem768.h"
#include "crypto/sntrup761.h"
#include "crypto/x25519.h"
#include "transport/kex_hash.h"

namespace lpsshd::testing {

namespace {
constexpr size_t kX25519 = 32;

std::string to_hex(std::span<const uint8_t> b) {
  std::string out(b.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), b.data(), b.size());
  out.pop_back();
  return out;
}

std::optional<std::vector<uint8_t>> from_hex(std::string_view hex) {
  std::vector<uint8_t> out(hex.size() / 2);
  size_t n = 0;
  if (hex.size() % 2 != 0 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &n, nullptr) != 0 ||
      n != out.size())
    return std::nullopt;
  return out;
}

std::string noble_script() {
  if (const char* s = std::getenv("RAW_SSH_NOBLE_CLIENT")) return s;
  return std::string(LPSSHD_SOURCE_DIR) + "/tests/tools/noble/hybrid_client.mjs";
}

// Runs `node script verb`, writes `input` to its stdin and returns its
// stdout split into lines; nullopt unless it exits 0.
std::optional<std::vector<std::string>> run_node(const char* verb, const std::string& input,
                                                 std::string& why) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    why = "pipe failed";
    return std::nullopt;
  }
  const std::string script = noble_script();
  const pid_t pid = fork();
  if (pid < 0) {
    why = "fork failed";
    for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
    return std::nullopt;
  }
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    execlp("node", "node", script.c_str(), verb, static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  size_t off = 0;
  while (off < input.size()) {
    const ssize_t n = write(in[1], input.data() + off, input.size() - off);
    if (n <= 0) break;
    off += size_t(n);
  }
  close(in[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) text.append(buf, size_t(n));
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    why = "node " + script + " " + verb + " failed (is tests/tools/noble installed? npm ci)";
    sodium_memzero(text.data(), text.size());
    return std::nullopt;
  }
  std::vector<std::string> lines;
  for (size_t pos = 0, nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
    lines.push_back(text.substr(pos, nl - pos));
  sodium_memzero(text.data(), text.size());
  return lines;
}
}  // namespace

std::optional<KexClient> KexClient::start(const transport::KexAlgorithm& row, std::string& why,
                                          MlKem mlkem) {
  KexClient c(row, mlkem);
  switch (row.method) {
    case transport::KexMethod::kCurve25519Sha256: {
      auto eph = crypto::x25519_generate();
      c.q_c_.assign(eph.public_key.begin(), eph.public_key.end());
      c.state_ = std::move(eph.secret);
      return c;
    }
    case transport::KexMethod::kMlKem768X25519: {
      if (mlkem == MlKem::kOwn) {
        namespace m = crypto::mlkem768;
        crypto::SecretBytes seeds(2 * m::kSeedBytes);
        randombytes_buf(seeds.data(), seeds.size());
        std::vector<uint8_t> ek(m::kEncapsulationKeyBytes);
        crypto::SecretBytes dk(m::kDecapsulationKeyBytes);
        m::keygen(std::span<const uint8_t, m::kSeedBytes>(seeds.data(), m::kSeedBytes),
                  std::span<const uint8_t, m::kSeedBytes>(seeds.data() + m::kSeedBytes, m::kSeedBytes),
                  std::span<uint8_t, m::kEncapsulationKeyBytes>(ek.data(), ek.size()),
                  std::span<uint8_t, m::kDecapsulationKeyBytes>(dk.data(), dk.size()));
        auto eph = crypto::x25519_generate();
        c.q_c_ = ek;
        c.q_c_.insert(c.q_c_.end(), eph.public_key.begin(), eph.public_key.end());
        c.state_ = std::move(dk);
        c.state_.append(eph.secret.span());
        return c;
      }
      // init: line 1 Q_C, line 2 the client's secrets (opaque to us).
      auto lines = run_node("init", "", why);
      if (!lines || lines->size() != 2) return std::nullopt;
      auto q_c = from_hex((*lines)[0]);
      auto state = from_hex((*lines)[1]);
      if (!q_c || !state || q_c->size() != row.client_public_bytes) {
        why = "node init printed something else";
        return std::nullopt;
      }
      c.q_c_ = std::move(*q_c);
      c.state_ = crypto::SecretBytes(*state);
      sodium_memzero(state->data(), state->size());
      return c;
    }
    case transport::KexMethod::kSntrup761X25519: {
      namespace s = crypto::sntrup761;
      std::vector<uint8_t> pk(s::kPublicKeyBytes);
      crypto::SecretBytes sk(s::kSecretKeyBytes);
      s::keygen(std::span<uint8_t, s::kPublicKeyBytes>(pk.data(), pk.size()),
                std::span<uint8_t, s::kSecretKeyBytes>(sk.data(), sk.size()));
      auto eph = crypto::x25519_generate();
      c.q_c_ = pk;
      c.q_c_.insert(c.q_c_.end(), eph.public_key.begin(), eph.public_key.end());
      c.state_ = std::move(sk);
      c.state_.append(eph.secret.span());
      return c;
    }
    case transport::KexMethod::kNistP256Sha256:
      break;
  }
  why = "the test client does not play " + std::string(row.name);
  return std::nullopt;
}

std::optional<crypto::SecretBytes> KexClient::finish(std::span<const uint8_t> q_s,
                                                     std::string& why) const {
  if (q_s.size() != row_->server_public_bytes) {
    why = "Q_S is not " + std::to_string(row_->server_public_bytes) + " bytes";
    return std::nullopt;
  }
  switch (row_->method) {
    case transport::KexMethod::kCurve25519Sha256: {
      auto shared = crypto::x25519_shared(state_, q_s);
      if (!shared) break;
      return transport::shared_secret_mpint(*shared);
    }
    case transport::KexMethod::kMlKem768X25519: {
      if (mlkem_ == MlKem::kOwn) {
        namespace m = crypto::mlkem768;
        crypto::SecretBytes kem(m::kSharedSecretBytes);
        if (!m::decapsulate(
                std::span<const uint8_t, m::kDecapsulationKeyBytes>(state_.data(), m::kDecapsulationKeyBytes),
                q_s.first<m::kCiphertextBytes>(),
                std::span<uint8_t, m::kSharedSecretBytes>(kem.data(), kem.size())))
          break;
        const crypto::SecretBytes x25519_secret(state_.span().subspan(m::kDecapsulationKeyBytes));
        auto shared = crypto::x25519_shared(x25519_secret, q_s.last(kX25519));
        if (!shared) break;
        return transport::hybrid_shared_secret(row_->hash, kem.span(), shared->span());
      }
      // finish: stdin the secrets and Q_S; stdout K as the string node's
      // SHA-256 made of it.
      std::string input = to_hex(state_.span()) + "\n" + to_hex(q_s) + "\n";
      auto lines = run_node("finish", input, why);
      sodium_memzero(input.data(), input.size());
      if (!lines || lines->size() != 1) return std::nullopt;
      auto k = from_hex((*lines)[0]);
      if (!k) break;
      crypto::SecretBytes out(*k);
      sodium_memzero(k->data(), k->size());
      return out;
    }
    case transport::KexMethod::kSntrup761X25519: {
      namespace s = crypto::sntrup761;
      crypto::SecretBytes kem(s::kSharedSecretBytes);
      s::decapsulate(std::span<const uint8_t, s::kSecretKeyBytes>(state_.data(), s::kSecretKeyBytes),
                     q_s.first<s::kCiphertextBytes>(),
                     std::span<uint8_t, s::kSharedSecretBytes>(kem.data(), kem.size()));
      const crypto::SecretBytes x25519_secret(state_.span().subspan(s::kSecretKeyBytes));
      auto shared = crypto::x25519_shared(x25519_secret, q_s.last(kX25519));
      if (!shared) break;
      return transport::hybrid_shared_secret(row_->hash, kem.span(), shared->span());
    }
    case transport::KexMethod::kNistP256Sha256:
      break;
  }
  why = "the server's value was refused";
  return std::nullopt;
}

}  // namespace lpsshd::testing
