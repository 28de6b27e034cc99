#include "crypto/keyfile.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/ecdsa_host_key.h"
#include "crypto/ed25519_host_key.h"
#include "crypto/rsa_host_key.h"
#include "transport/algorithms.h"
#include "wire/reader.h"
#include "wire/writer.h"

namespace lpsshd::crypto {

namespace {
constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr size_t kMaxKeyFile = 64 * 1024;
constexpr size_t kPadBlock = 8;  // block size of cipher "none"

// Private halves are base64 too, so the decoded buffer holds a secret.
std::optional<SecretBytes> base64_decode_secret(std::string_view text) {
  SecretBytes out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), "\r\n", &len,
                        nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return std::nullopt;
  SecretBytes exact(std::span<const uint8_t>(out.data(), len));
  return exact;
}

// The key type string of a table row (transport/algorithms.h names them all).
std::string_view key_name_of(transport::KeyType type) {
  for (const auto& a : transport::kSignatureAlgorithms)
    if (a.key == type) return a.key_name;
  return {};
}

// string pk(32), string sk(64): libsodium's seed || public form.
std::unique_ptr<HostKey> read_ed25519(wire::Reader& pr, std::string& error) {
  wire::Bytes pk, sk;
  if (!pr.fixed_string(pk, 32) || !pr.fixed_string(sk, crypto_sign_ed25519_SECRETKEYBYTES)) {
    error = "malformed ed25519 private key";
    return nullptr;
  }
  Ed25519Public pub;
  std::copy(pk.begin(), pk.end(), pub.begin());
  Ed25519Key key(SecretBytes(sk), pub);
  if (!key.consistent()) {
    error = "private key does not match its public key";
    return nullptr;
  }
  return std::make_unique<Ed25519HostKey>(std::move(key));
}

// mpint n, e, d, iqmp, p, q.
std::unique_ptr<HostKey> read_rsa(wire::Reader& pr, std::string& error) {
  constexpr size_t kMax = kMaxRsaKeyBits / 8;
  wire::Bytes n, e, d, iqmp, p, q;
  if (!pr.mpint_unsigned(n, kMax) || !pr.mpint_unsigned(e, kMax) || !pr.mpint_unsigned(d, kMax) ||
      !pr.mpint_unsigned(iqmp, kMax) || !pr.mpint_unsigned(p, kMax) ||
      !pr.mpint_unsigned(q, kMax)) {
    error = "malformed RSA private key";
    return nullptr;
  }
  return RsaHostKey::from_parts(n, e, d, iqmp, p, q, error);
}

// string curve, string Q, mpint d.
std::unique_ptr<HostKey> read_ecdsa_p256(wire::Reader& pr, std::string& error) {
  wire::Bytes curve, q, d;
  if (!pr.string(curve) || !pr.string(q) || !pr.mpint_unsigned(d, kP256ScalarBytes)) {
    error = "malformed ECDSA private key";
    return nullptr;
  }
  if (wire::as_view(curve) != kNistP256CurveName) {
    error = "ECDSA key names another curve than its type";
    return nullptr;
  }
  return EcdsaP256HostKey::from_parts(q, d, error);
}

std::unique_ptr<HostKey> read_private_key(std::string_view type, wire::Reader& pr,
                                          std::string& error) {
  if (type == kEd25519Name) return read_ed25519(pr, error);
  if (type == key_name_of(transport::KeyType::kRsa)) return read_rsa(pr, error);
  if (type == key_name_of(transport::KeyType::kEcdsaP256)) return read_ecdsa_p256(pr, error);
  error = "unsupported key type (only ssh-ed25519, ssh-rsa and ecdsa-sha2-nistp256)";
  return nullptr;
}

// The key type string a public blob starts with.
std::string_view blob_type(std::span<const uint8_t> blob) {
  wire::Reader r(blob);
  wire::Bytes t;
  return r.string(t) ? wire::as_view(t) : std::string_view{};
}

// The openssh-key-v1 text for one key: private_fields writes what follows
// the type string in the private section.
template <typename WriteFields>
std::string armour_private_key(std::span<const uint8_t> blob, std::string_view comment,
                               WriteFields&& private_fields) {
  uint32_t check;
  randombytes_buf(&check, sizeof check);
  SecretBytes priv;
  {
    wire::Writer w;
    w.u32(check).u32(check).string(blob_type(blob));
    private_fields(w);
    w.string(comment);
    for (uint8_t i = 1; w.size() % kPadBlock != 0; ++i) w.u8(i);
    priv = SecretBytes(std::span<const uint8_t>(w.bytes()));
    sodium_memzero(w.bytes().data(), w.bytes().size());
  }
  wire::Writer f;
  f.raw(kMagic).string("none").string("none").string("").u32(1).string(blob).string(priv.span());
  std::string b64 = base64_encode(f.bytes());
  sodium_memzero(f.bytes().data(), f.bytes().size());
  std::string out(kBegin);
  out += '\n';
  for (size_t i = 0; i < b64.size(); i += 70) {
    out.append(b64, i, 70);
    out += '\n';
  }
  sodium_memzero(b64.data(), b64.size());
  out += kEnd;
  out += '\n';
  return out;
}
}  // namespace

std::string base64_encode(std::span<const uint8_t> data) {
  std::string out(sodium_base64_encoded_len(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data.data(), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the encoder's NUL terminator
  return out;
}

std::optional<std::vector<uint8_t>> base64_decode(std::string_view text) {
  std::vector<uint8_t> out(text.size() / 4 * 3 + 3);
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size())
    return std::nullopt;
  out.resize(len);
  return out;
}

std::optional<PrivateKeyFile> parse_openssh_private_key(std::string_view text, std::string& error) {
  if (text.size() > kMaxKeyFile) {
    error = "key file too large";
    return std::nullopt;
  }
  // Exactly one armoured key: BEGIN at the start, only whitespace after END.
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  size_t b = 0;
  while (b < text.size() && is_space(text[b])) ++b;
  const size_t e = text.find(kEnd, b + kBegin.size());
  if (text.substr(b, kBegin.size()) != kBegin || e == std::string_view::npos || e < b ||
      text.find(kBegin, b + kBegin.size()) != std::string_view::npos) {
    error = "not an OpenSSH private key (missing BEGIN/END OPENSSH PRIVATE KEY)";
    return std::nullopt;
  }
  for (size_t i = e + kEnd.size(); i < text.size(); ++i) {
    if (!is_space(text[i])) {
      error = "unexpected text after END OPENSSH PRIVATE KEY";
      return std::nullopt;
    }
  }
  auto body = text.substr(b + kBegin.size(), e - b - kBegin.size());
  auto raw = base64_decode_secret(body);
  if (!raw) {
    error = "bad base64 in private key";
    return std::nullopt;
  }
  wire::Reader r(raw->span());
  wire::Bytes magic, cipher, kdf, kdfopts, pubblob, priv;
  uint32_t nkeys = 0;
  if (!r.raw(magic, kMagic.size()) || wire::as_view(magic) != kMagic) {
    error = "bad key file magic";
    return std::nullopt;
  }
  if (!r.string(cipher) || !r.string(kdf) || !r.string(kdfopts) || !r.u32(nkeys)) {
    error = "truncated key file header";
    return std::nullopt;
  }
  if (wire::as_view(cipher) != "none" || wire::as_view(kdf) != "none") {
    error = "encrypted private keys are not supported (remove the passphrase)";
    return std::nullopt;
  }
  if (nkeys != 1) {
    error = "key file must hold exactly one key";
    return std::nullopt;
  }
  if (!r.string(pubblob) || !r.string(priv) || !r.end()) {
    error = "malformed key file";
    return std::nullopt;
  }
  if (priv.size() % kPadBlock != 0) {
    error = "private section not padded to the block size";
    return std::nullopt;
  }
  wire::Reader pr(priv);
  uint32_t check1 = 0, check2 = 0;
  wire::Bytes type;
  std::string comment;
  if (!pr.u32(check1) || !pr.u32(check2)) {
    error = "truncated private section";
    return std::nullopt;
  }
  if (check1 != check2) {
    error = "check bytes differ (wrong passphrase or corrupt file)";
    return std::nullopt;
  }
  if (!pr.string(type)) {
    error = "truncated private section";
    return std::nullopt;
  }
  std::unique_ptr<HostKey> key = read_private_key(wire::as_view(type), pr, error);
  if (!key) return std::nullopt;
  if (!pr.text(comment, 4096)) {
    error = "malformed comment in private section";
    return std::nullopt;
  }
  // Padding is 1, 2, 3, ... and nothing else.
  auto pad = pr.rest();
  for (size_t i = 0; i < pad.size(); ++i) {
    if (pad[i] != uint8_t(i + 1) || pad.size() >= kPadBlock) {
      error = "bad padding in private section";
      return std::nullopt;
    }
  }
  // The unencrypted public copy must be exactly the private key's public half.
  const auto blob = key->public_blob();
  if (!std::equal(blob.begin(), blob.end(), pubblob.begin(), pubblob.end())) {
    error = "public key does not match private section";
    return std::nullopt;
  }
  return PrivateKeyFile{std::move(key), std::move(comment)};
}

std::string format_openssh_private_key(const Ed25519Key& key, std::string_view comment) {
  return armour_private_key(key.public_blob(), comment, [&](wire::Writer& w) {
    w.string(std::span<const uint8_t>(key.public_key())).string(key.secret().span());
  });
}

std::string format_openssh_private_key(const HostKey& key, std::string_view comment) {
  if (const auto* ed = dynamic_cast<const Ed25519HostKey*>(&key))
    return format_openssh_private_key(ed->key(), comment);
  const auto blob = key.public_blob();
  if (const auto* rsa = dynamic_cast<const RsaHostKey*>(&key))
    return armour_private_key(blob, comment, [&](wire::Writer& w) { rsa->write_private_fields(w); });
  if (const auto* ec = dynamic_cast<const EcdsaP256HostKey*>(&key))
    return armour_private_key(blob, comment, [&](wire::Writer& w) { ec->write_private_fields(w); });
  return "";
}

const Ed25519Key* PrivateKeyFile::ed25519() const {
  const auto* ed = dynamic_cast<const Ed25519HostKey*>(key.get());
  return ed != nullptr ? &ed->key() : nullptr;
}

std::string format_public_key_line(const Ed25519Public& pk, std::string_view comment) {
  return format_public_key_line(ed25519_public_blob(pk), comment);
}

std::string format_public_key_line(std::span<const uint8_t> public_blob, std::string_view comment) {
  std::string line(blob_type(public_blob));
  line += ' ';
  line += base64_encode(public_blob);
  if (!comment.empty()) {
    line += ' ';
    line += comment;
  }
  return line;
}

}  // namespace lpsshd::crypto
