#include "crypto/keyfile.h"

#include <sodium.h>

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
  auto outer_pk = ed25519_parse_public_blob(pubblob);
  if (!outer_pk) {
    error = "only ssh-ed25519 keys are supported";
    return std::nullopt;
  }
  if (priv.size() % kPadBlock != 0) {
    error = "private section not padded to the block size";
    return std::nullopt;
  }
  wire::Reader pr(priv);
  uint32_t check1 = 0, check2 = 0;
  wire::Bytes type, pk, sk;
  std::string comment;
  if (!pr.u32(check1) || !pr.u32(check2)) {
    error = "truncated private section";
    return std::nullopt;
  }
  if (check1 != check2) {
    error = "check bytes differ (wrong passphrase or corrupt file)";
    return std::nullopt;
  }
  if (!pr.string(type) || wire::as_view(type) != kEd25519Name || !pr.fixed_string(pk, 32) ||
      !pr.fixed_string(sk, crypto_sign_ed25519_SECRETKEYBYTES) || !pr.text(comment, 4096)) {
    error = "malformed ed25519 private key";
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
  Ed25519Public pub;
  std::copy(pk.begin(), pk.end(), pub.begin());
  if (!std::equal(pub.begin(), pub.end(), outer_pk->begin())) {
    error = "public key does not match private section";
    return std::nullopt;
  }
  Ed25519Key key(SecretBytes(sk), pub);
  if (!key.consistent()) {
    error = "private key does not match its public key";
    return std::nullopt;
  }
  return PrivateKeyFile{std::move(key), std::move(comment)};
}

std::string format_openssh_private_key(const Ed25519Key& key, std::string_view comment) {
  uint32_t check;
  randombytes_buf(&check, sizeof check);
  const auto blob = key.public_blob();
  SecretBytes priv;
  {
    wire::Writer w;
    w.u32(check).u32(check).string(kEd25519Name);
    w.string(std::span<const uint8_t>(key.public_key())).string(key.secret().span());
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

std::string format_public_key_line(const Ed25519Public& pk, std::string_view comment) {
  std::string line(kEd25519Name);
  line += ' ';
  line += base64_encode(ed25519_public_blob(pk));
  if (!comment.empty()) {
    line += ' ';
    line += comment;
  }
  return line;
}

}  // namespace lpsshd::crypto
