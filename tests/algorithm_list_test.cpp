// sshd_config algorithm lists (config/algorithm_list.h): each operator,
// wildcards, negation, the errors, against a small fixed table and against
// the real one. Expected results were checked against OpenSSH 9.2's
// `sshd -T -o Ciphers=...` restricted to the names both support.
#include "config/algorithm_list.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace lpsshd::config {
namespace {

using transport::AlgorithmKind;
using Names = std::vector<std::string>;

// A cipher-like table: what lpsshd supports, and its default (a subset).
constexpr std::array<std::string_view, 6> kSupported{
    "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
    "aes128-ctr", "aes192-ctr", "aes256-ctr"};
constexpr std::array<std::string_view, 4> kDefault{
    "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
    "aes128-ctr"};

Names resolve_ok(std::string_view value) {
  Names out;
  std::string why;
  EXPECT_TRUE(resolve_algorithm_list(value, kSupported, kDefault, out, why)) << value << ": " << why;
  return out;
}

std::string resolve_error(std::string_view value) {
  Names out;
  std::string why;
  if (resolve_algorithm_list(value, kSupported, kDefault, out, why)) return "";
  return why;
}

TEST(AlgorithmListTest, PlainListReplacesInTheOrderWritten) {
  EXPECT_EQ(resolve_ok("aes256-ctr,chacha20-poly1305@openssh.com"),
            (Names{"aes256-ctr", "chacha20-poly1305@openssh.com"}));
  // A name outside the default is fine: the list is the admin's.
  EXPECT_EQ(resolve_ok("aes192-ctr"), (Names{"aes192-ctr"}));
}

TEST(AlgorithmListTest, PlusAppendsToTheDefault) {
  EXPECT_EQ(resolve_ok("+aes192-ctr,aes256-ctr"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                   "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"}));
  // A name already in the default stays where it was.
  EXPECT_EQ(resolve_ok("+aes128-ctr"), (Names{kDefault.begin(), kDefault.end()}));
  EXPECT_EQ(resolve_ok("+aes256-ctr,chacha20-poly1305@openssh.com"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                   "aes256-gcm@openssh.com", "aes128-ctr", "aes256-ctr"}));
}

TEST(AlgorithmListTest, CaretPutsNamesAtTheHead) {
  EXPECT_EQ(resolve_ok("^aes256-ctr,aes128-ctr"),
            (Names{"aes256-ctr", "aes128-ctr", "chacha20-poly1305@openssh.com",
                   "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}));
}

TEST(AlgorithmListTest, MinusRemovesFromTheDefault) {
  EXPECT_EQ(resolve_ok("-aes128-ctr,chacha20-poly1305@openssh.com"),
            (Names{"aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}));
  // Removing a supported name that is not in the default changes nothing.
  EXPECT_EQ(resolve_ok("-aes256-ctr"), (Names{kDefault.begin(), kDefault.end()}));
}

TEST(AlgorithmListTest, WildcardsExpandInTableOrder) {
  // The pattern's matches come in the table's order; entries in written order.
  EXPECT_EQ(resolve_ok("aes*-ctr,chacha*"),
            (Names{"aes128-ctr", "aes192-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com"}));
  EXPECT_EQ(resolve_ok("aes1?8-*"), (Names{"aes128-gcm@openssh.com", "aes128-ctr"}));
  EXPECT_EQ(resolve_ok("-aes*"), (Names{"chacha20-poly1305@openssh.com"}));
  EXPECT_EQ(resolve_ok("+*-ctr"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                   "aes256-gcm@openssh.com", "aes128-ctr", "aes192-ctr", "aes256-ctr"}));
  EXPECT_EQ(resolve_ok("^*-ctr"),
            (Names{"aes128-ctr", "aes192-ctr", "aes256-ctr", "chacha20-poly1305@openssh.com",
                   "aes128-gcm@openssh.com", "aes256-gcm@openssh.com"}));
  // Patterns are case-sensitive too.
  EXPECT_EQ(resolve_ok("AES*,aes256-ctr"), (Names{"aes256-ctr"}));
}

TEST(AlgorithmListTest, AWildcardMatchingNothingIsAccepted) {
  // Lines written for OpenSSH's larger set still load.
  EXPECT_EQ(resolve_ok("-*-cbc,3des*"), (Names{kDefault.begin(), kDefault.end()}));
  EXPECT_EQ(resolve_ok("aes128-ctr,*-cert-v01@openssh.com"), (Names{"aes128-ctr"}));
}

TEST(AlgorithmListTest, NegationOnlyInMinusLists) {
  // As OpenSSH: removed when a plain entry matches and no negated one does,
  // wherever the negation stands.
  EXPECT_EQ(resolve_ok("-aes*,!aes128-ctr"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-ctr"}));
  EXPECT_EQ(resolve_ok("-!aes128-ctr,aes*"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-ctr"}));
  EXPECT_EQ(resolve_ok("-aes*-gcm*,!aes128*"),
            (Names{"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes128-ctr"}));
  EXPECT_EQ(resolve_ok("-!aes*"), (Names{kDefault.begin(), kDefault.end()}));  // nothing positive
  EXPECT_EQ(resolve_error("!aes128-ctr"),
            "\"!aes128-ctr\": '!' is allowed only in a list starting with '-'");
  EXPECT_NE(resolve_error("aes256-ctr,!aes128-ctr"), "");
  EXPECT_NE(resolve_error("+!aes128-ctr"), "");
  EXPECT_NE(resolve_error("^!aes*"), "");
  EXPECT_EQ(resolve_error("-!"), "empty name in the list");
  EXPECT_EQ(resolve_error("-!!aes128-ctr"), "\"!!aes128-ctr\" is not an algorithm name");
}

TEST(AlgorithmListTest, AnUnknownLiteralNameIsAnErrorNamingIt) {
  const std::string all =
      "chacha20-poly1305@openssh.com,aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
      "aes128-ctr,aes192-ctr,aes256-ctr";
  EXPECT_EQ(resolve_error("aes128-ctr,3des-cbc"),
            "unsupported algorithm \"3des-cbc\" (lpsshd supports " + all + ")");
  // In every form: in a "-" list a typo would leave the name offered.
  EXPECT_EQ(resolve_error("-aes128-cbc"),
            "unsupported algorithm \"aes128-cbc\" (lpsshd supports " + all + ")");
  EXPECT_EQ(resolve_error("-!aes128-cbc,aes*"),
            "unsupported algorithm \"aes128-cbc\" (lpsshd supports " + all + ")");
  EXPECT_NE(resolve_error("+blowfish-cbc"), "");
  EXPECT_NE(resolve_error("^arcfour"), "");
  // Names are case-sensitive, as OpenSSH's.
  EXPECT_NE(resolve_error("AES128-CTR"), "");
  EXPECT_NE(resolve_error("+Aes256-ctr"), "");
}

TEST(AlgorithmListTest, EmptyListsEntriesAndResults) {
  EXPECT_EQ(resolve_error(""), "empty algorithm list");
  for (const char* v : {"+", "-", "^"}) EXPECT_EQ(resolve_error(v), "empty algorithm list") << v;
  for (const char* v : {"aes128-ctr,", ",aes128-ctr", "aes128-ctr,,aes256-ctr", "-aes128-ctr,"})
    EXPECT_EQ(resolve_error(v), "empty name in the list") << v;
  // A list resolving to nothing is an error, not a fallback to the default.
  EXPECT_EQ(resolve_error("-*"), "\"-*\" leaves no algorithm");
  EXPECT_EQ(resolve_error("*-cbc"), "\"*-cbc\" leaves no algorithm");
  EXPECT_EQ(resolve_error("-aes*,chacha*"), "\"-aes*,chacha*\" leaves no algorithm");
}

TEST(AlgorithmListTest, DuplicatesAreDroppedAtTheirFirstPlace) {
  EXPECT_EQ(resolve_ok("aes128-ctr,aes128-ctr"), (Names{"aes128-ctr"}));
  EXPECT_EQ(resolve_ok("aes256-ctr,aes*-ctr,aes256-ctr"),
            (Names{"aes256-ctr", "aes128-ctr", "aes192-ctr"}));
  EXPECT_EQ(resolve_ok("^aes128-ctr,aes128-ctr"),
            (Names{"aes128-ctr", "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com",
                   "aes256-gcm@openssh.com"}));
}

TEST(AlgorithmListTest, MalformedEntriesAndBounds) {
  EXPECT_EQ(resolve_error("aes128-ctr aes256-ctr"), "\"aes128-ctr aes256-ctr\" is not an algorithm name");
  EXPECT_NE(resolve_error(std::string("aes128-ctr\x01", 11)), "");
  EXPECT_NE(resolve_error("aes128-ctr\xc3\xa9"), "");
  EXPECT_NE(resolve_error("++aes128-ctr"), "");  // "+aes128-ctr" is not a name
  EXPECT_NE(resolve_error("+-aes128-ctr"), "");

  std::string many = "-";
  for (size_t i = 0; i < kMaxAlgorithmEntries; ++i) many += "x*,";
  many.pop_back();
  EXPECT_EQ(resolve_ok(many).size(), kDefault.size());
  EXPECT_EQ(resolve_error(many + ",y*"), "more than 64 names in the list");

  const std::string long_pattern(kMaxAlgorithmEntryBytes, '*');
  EXPECT_EQ(resolve_ok(long_pattern).size(), kSupported.size());
  EXPECT_EQ(resolve_error(long_pattern + "*"), "name longer than 128 bytes in the list");
}

// A table slot without a row (empty name) is no algorithm, even for "*".
TEST(AlgorithmListTest, AnEmptyTableNameIsNeverListed) {
  constexpr std::array<std::string_view, 3> supported{"a-1", "", "b-2"};
  constexpr std::array<std::string_view, 2> defaults{"a-1", ""};
  Names out;
  std::string why;
  ASSERT_TRUE(resolve_algorithm_list("*", supported, defaults, out, why)) << why;
  EXPECT_EQ(out, (Names{"a-1", "b-2"}));
  ASSERT_TRUE(resolve_algorithm_list("-b*", supported, defaults, out, why)) << why;
  EXPECT_EQ(out, Names{"a-1"});
  ASSERT_TRUE(resolve_algorithm_list("+b-2", supported, defaults, out, why)) << why;
  EXPECT_EQ(out, (Names{"a-1", "b-2"}));
  EXPECT_FALSE(resolve_algorithm_list("-a-1", supported, defaults, out, why));
}

// The real table: defaults and what the kinds accept.
TEST(AlgorithmListTest, AgainstTheTransportTable) {
  Names out;
  std::string why;
  for (auto kind : {AlgorithmKind::kKex, AlgorithmKind::kHostKey, AlgorithmKind::kCipher,
                    AlgorithmKind::kMac, AlgorithmKind::kPubkey, AlgorithmKind::kCaSignature}) {
    const Names defaults = default_algorithm_names(kind);
    ASSERT_FALSE(defaults.empty());
    // "+" of nothing new and "-" of nothing present both give the default.
    ASSERT_TRUE(resolve_algorithm_list(kind, "+" + defaults.front(), out, why)) << why;
    EXPECT_EQ(out, defaults);
    ASSERT_TRUE(resolve_algorithm_list(kind, "-nomatch*", out, why)) << why;
    EXPECT_EQ(out, defaults);
  }
  // SHA-1 RSA: off by default for users, addable; never a host-key algorithm.
  ASSERT_TRUE(resolve_algorithm_list(AlgorithmKind::kPubkey, "+ssh-rsa", out, why)) << why;
  EXPECT_EQ(out.back(), "ssh-rsa");
  EXPECT_FALSE(resolve_algorithm_list(AlgorithmKind::kHostKey, "+ssh-rsa", out, why));
  EXPECT_NE(why.find("unsupported algorithm \"ssh-rsa\""), std::string::npos) << why;
  // A MAC name is not a cipher.
  EXPECT_FALSE(resolve_algorithm_list(AlgorithmKind::kCipher, "hmac-sha2-256", out, why));
  ASSERT_TRUE(resolve_algorithm_list(AlgorithmKind::kMac, "-*-etm@openssh.com", out, why)) << why;
  EXPECT_EQ(out, (Names{"hmac-sha2-256", "hmac-sha2-512"}));
  // "*" is every supported name, each once, none empty.
  for (auto kind : {AlgorithmKind::kKex, AlgorithmKind::kHostKey, AlgorithmKind::kCipher,
                    AlgorithmKind::kMac, AlgorithmKind::kPubkey, AlgorithmKind::kCaSignature}) {
    ASSERT_TRUE(resolve_algorithm_list(kind, "*", out, why)) << why;
    for (const auto& n : out) EXPECT_FALSE(n.empty());
  }
  ASSERT_TRUE(resolve_algorithm_list(AlgorithmKind::kPubkey, "*", out, why)) << why;
  EXPECT_EQ(out, (Names{"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                        "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
                        "sk-ecdsa-sha2-nistp256@openssh.com", "rsa-sha2-512", "rsa-sha2-256",
                        "ssh-rsa"}));
  ASSERT_TRUE(resolve_algorithm_list(AlgorithmKind::kPubkey, "ssh-ed*,ecdsa*", out, why)) << why;
  EXPECT_EQ(out, (Names{"ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                        "ecdsa-sha2-nistp521"}));
}

}  // namespace
}  // namespace lpsshd::config
