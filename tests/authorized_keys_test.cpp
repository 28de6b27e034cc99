#include "monitor/authorized_keys.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <chrono>
#include <string>
#include <vector>

#include "monitor/host_pattern.h"
#include "wire/writer.h"

namespace lpsshd::authkeys {
namespace {

// Public keys made by ssh-keygen (OpenSSH 9.2), comments stripped.
constexpr std::string_view kEd25519 =
    "ssh-ed25519 "
    "AAAAC3NzaC1lZDI1NTE5AAAAIG+gPHrPdEHaAaLTa12MSMcYRBWNUteRX12aRwTIJkYI";
constexpr std::string_view kRsa2048 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQCfAUOEIEg6rYPDH/63oMZ8gMDSyd60Nv1GvLrD3nxPc46GIerH"
    "D1d9hlhAcyppQNOpW/4x/aBo9I4CnhE4JI3AVWSH3cETP1VGmya5wRkx/2+1PJhIJeL9XmEClybKy1Mo"
    "JYSAKqfUOEBGzXqh8RWUKM1rVNWH0srsFBOTy7CGsJnEe9d0SUaVHxG7/JbF9do9P22OvFsYf5fw7E0a"
    "TR6oNezmjJ/ZsE6YXv9x4IeP1hpD7A7ebXiVT7Lgxh/FLEu57ey9xEYOR09SuUTgWqsqMPhJORTAOkcW"
    "ghtxjqj+QgjfwKubJi8yePiONdKxRadfwSvp6gj7meRNTs+FhvSB";
constexpr std::string_view kRsa1024 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAAAgQDotozMsVyqpMlYREFxqyuZ4lryF2Rf6dt7r87+4OthemXK+OXo"
    "hABw3fMidCbP+0vnaooPIPCLa+I/tHR0Yrk+qnGifS9xuu1904Q4skR+qSK/F3I201EtRXcTkWz2cD1B"
    "zEbqUZNVzGElfvucVxenT1ui51UtoYuDSEtg6JqQPQ==";
constexpr std::string_view kP256 =
    "ecdsa-sha2-nistp256 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBI5BgsFPulXeUGRLcqRXJSCaS2pV"
    "xvfzmrBi6ecRD5j32ExuLY4Tn21Pi0YL8TJhLJhIOZ2Cc+J83CqK7EBw5vM=";
constexpr std::string_view kP384 =
    "ecdsa-sha2-nistp384 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBOCbqsfGamVpJYYzA6CoaXwBUnVU"
    "Ax1l+I9UucGM2mplDaeCWYSmbjufdUm3rSYFPoSnVBZ2Yqb5I1be0Eu/2oU0OCqwTFBFcWgcYYZ0mMPT"
    "MZrqRZ0l6P7kdT4R3wvoYw==";
constexpr std::string_view kP521 =
    "ecdsa-sha2-nistp521 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAB1W5Q6WnSsfN3y0LMaNdXiUVu3"
    "R69hPddX5d7GtyJjFB+6s9w0lumDjfj2l/9kNTb14pk7J5IxbtS4VJbrCfSyIwBUaIsg+RTM++4HCv1S"
    "+LC93j9AQnadWLIaQc9EojHMkK4auJiKN7wRiOvFScik7x6svp8ZpX9jszLoN2ZB3P4l/A==";

std::string b64(const std::vector<uint8_t>& bin) {
  std::string out(sodium_base64_encoded_len(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), bin.data(), bin.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::vector<uint8_t> unb64(std::string_view s) {
  std::vector<uint8_t> bin(s.size());
  size_t len = 0;
  EXPECT_EQ(sodium_base642bin(bin.data(), bin.size(), s.data(), s.size(), nullptr, &len, nullptr,
                              sodium_base64_VARIANT_ORIGINAL),
            0);
  bin.resize(len);
  return bin;
}

// The blob of a fixture line "type base64".
std::vector<uint8_t> blob_of(std::string_view line) { return unb64(line.substr(line.find(' ') + 1)); }

AuthorizedKey parse_ok(const std::string& line) {
  AuthorizedKey key;
  std::string error;
  EXPECT_TRUE(parse_authorized_key_line(line, key, error)) << error << "\n" << line;
  return key;
}

std::string parse_error(const std::string& line) {
  AuthorizedKey key;
  std::string error;
  if (parse_authorized_key_line(line, key, error)) return "";
  return error;
}

std::string ed(std::string_view options) { return std::string(options) + " " + std::string(kEd25519); }

// ---- Key types and blobs --------------------------------------------------

TEST(AuthorizedKeysTest, AcceptsEachKeyGeneratedByOpenSsh) {
  for (std::string_view fixture : {kEd25519, kRsa2048, kRsa1024, kP256, kP384, kP521}) {
    const AuthorizedKey key = parse_ok(std::string(fixture) + " alice@example.com");
    EXPECT_EQ(key.key_type, fixture.substr(0, fixture.find(' ')));
    EXPECT_EQ(key.blob, blob_of(fixture));
    EXPECT_EQ(key.options, KeyOptions{});
    EXPECT_EQ(key.line_number, 0u);
  }
}

TEST(AuthorizedKeysTest, WhitespaceAndCommentVariants) {
  EXPECT_EQ(parse_ok("  \tssh-ed25519\t" + std::string(kEd25519.substr(12)) + "\r").blob,
            blob_of(kEd25519));
  EXPECT_EQ(parse_ok(std::string(kEd25519) + " a comment, with \"quotes\" and spaces").blob,
            blob_of(kEd25519));
  EXPECT_EQ(parse_error(""), "blank or comment line");
  EXPECT_EQ(parse_error("   "), "blank or comment line");
  EXPECT_EQ(parse_error("# " + std::string(kEd25519)), "blank or comment line");
}

std::vector<uint8_t> sk_ed25519_blob(bool with_application) {
  wire::Writer w;
  w.string("sk-ssh-ed25519@openssh.com").string(std::vector<uint8_t>(32, 7));
  if (with_application) w.string("ssh:");
  return w.take();
}

std::vector<uint8_t> ecdsa_blob(std::string_view type, std::string_view curve, size_t q_len,
                                std::string_view application = {}) {
  std::vector<uint8_t> q(q_len, 9);
  q[0] = 0x04;
  wire::Writer w;
  w.string(type).string(curve).string(q);
  if (!application.empty()) w.string(application);
  return w.take();
}

TEST(AuthorizedKeysTest, SecurityKeyTypes) {
  const auto sk = sk_ed25519_blob(true);
  EXPECT_EQ(parse_ok("no-touch-required sk-ssh-ed25519@openssh.com " + b64(sk)).blob, sk);
  EXPECT_EQ(parse_error("sk-ssh-ed25519@openssh.com " + b64(sk_ed25519_blob(false))),
            "key blob does not match type sk-ssh-ed25519@openssh.com");
  const auto sk_ec = ecdsa_blob("sk-ecdsa-sha2-nistp256@openssh.com", "nistp256", 65, "ssh:");
  const AuthorizedKey key = parse_ok("verify-required sk-ecdsa-sha2-nistp256@openssh.com " + b64(sk_ec));
  EXPECT_TRUE(key.options.verify_required);
  EXPECT_EQ(key.blob, sk_ec);
}

TEST(AuthorizedKeysTest, RejectsBlobsThatDoNotFitTheirType) {
  // An ed25519 key labelled ssh-rsa.
  EXPECT_EQ(parse_error("ssh-rsa " + std::string(kEd25519.substr(12))),
            "key blob does not match type ssh-rsa");
  // Truncated and trailing-byte blobs.
  auto blob = blob_of(kEd25519);
  blob.pop_back();
  EXPECT_EQ(parse_error("ssh-ed25519 " + b64(blob)), "key blob does not match type ssh-ed25519");
  blob = blob_of(kEd25519);
  blob.push_back(0);
  EXPECT_EQ(parse_error("ssh-ed25519 " + b64(blob)), "key blob does not match type ssh-ed25519");
  // ECDSA: wrong curve name, wrong point size, compressed point.
  EXPECT_NE(parse_error("ecdsa-sha2-nistp256 " + b64(ecdsa_blob("ecdsa-sha2-nistp256", "nistp384", 65))), "");
  EXPECT_NE(parse_error("ecdsa-sha2-nistp384 " + b64(ecdsa_blob("ecdsa-sha2-nistp384", "nistp384", 65))), "");
  auto compressed = ecdsa_blob("ecdsa-sha2-nistp256", "nistp256", 65);
  compressed[compressed.size() - 65] = 0x02;
  EXPECT_NE(parse_error("ecdsa-sha2-nistp256 " + b64(compressed)), "");
  EXPECT_EQ(parse_ok("ecdsa-sha2-nistp521 " + b64(ecdsa_blob("ecdsa-sha2-nistp521", "nistp521", 133))).key_type,
            "ecdsa-sha2-nistp521");
}

std::vector<uint8_t> rsa_blob(size_t modulus_bits) {
  std::vector<uint8_t> n((modulus_bits + 7) / 8, 0xff);
  if (modulus_bits % 8) n[0] = static_cast<uint8_t>(0xff >> (8 - modulus_bits % 8));
  const uint8_t e[] = {1, 0, 1};
  wire::Writer w;
  w.string("ssh-rsa").mpint_unsigned(e).mpint_unsigned(n);
  return w.take();
}

TEST(AuthorizedKeysTest, RsaModulusSizeLimits) {
  EXPECT_EQ(parse_ok("ssh-rsa " + b64(rsa_blob(1024))).key_type, "ssh-rsa");
  EXPECT_EQ(parse_ok("ssh-rsa " + b64(rsa_blob(16384))).key_type, "ssh-rsa");
  EXPECT_EQ(parse_error("ssh-rsa " + b64(rsa_blob(1023))), "key blob does not match type ssh-rsa");
  // 16385 bits does not fit in an 8 KiB line anyway; the blob check agrees.
  EXPECT_NE(parse_error("ssh-rsa " + b64(rsa_blob(16385))), "");
}

TEST(AuthorizedKeysTest, RejectsBadKeyFields) {
  EXPECT_EQ(parse_error("ssh-dss AAAAB3NzaC1kc3MAAACBAP"),
            "unsupported key type or unknown option \"ssh-dss\"");
  EXPECT_EQ(parse_error("no-pty ssh-dss AAAAB3NzaC1kc3MAAACBAP"),
            "unsupported key type \"ssh-dss\"");
  EXPECT_EQ(parse_error("ssh-ed25519"), "missing base64 key");
  EXPECT_EQ(parse_error("no-pty ssh-ed25519   "), "missing base64 key");
  EXPECT_EQ(parse_error("ssh-ed25519 AAAA$AAA"), "key is not valid base64");
  // Truncated, and missing its padding (OpenSSH always writes it).
  EXPECT_EQ(parse_error(std::string(kEd25519.substr(0, kEd25519.size() - 1))),
            "key is not valid base64");
  ASSERT_EQ(kP256.back(), '=');
  EXPECT_EQ(parse_error(std::string(kP256.substr(0, kP256.size() - 1))), "key is not valid base64");
  EXPECT_EQ(parse_error(std::string(kEd25519) + " " + std::string(8200, 'c')),
            "line longer than 8 KiB");
  EXPECT_EQ(parse_error(std::string("no-pty\0", 7) + " " + std::string(kEd25519)), "NUL byte in line");
}

// ---- Options --------------------------------------------------------------

TEST(AuthorizedKeysTest, RestrictThenPositiveOptions) {
  const KeyOptions o = parse_ok(ed("restrict,pty,command=\"nethack\"")).options;
  EXPECT_TRUE(o.restrict_all);
  EXPECT_FALSE(o.no_pty);
  EXPECT_TRUE(o.no_port_forwarding);
  EXPECT_TRUE(o.no_agent_forwarding);
  EXPECT_TRUE(o.no_x11_forwarding);
  EXPECT_TRUE(o.no_user_rc);
  EXPECT_EQ(o.command, "nethack");

  // Left to right: a restriction after a permission wins.
  const KeyOptions o2 = parse_ok(ed("pty,user-rc,restrict,agent-forwarding,port-forwarding,X11-forwarding")).options;
  EXPECT_TRUE(o2.no_pty);
  EXPECT_TRUE(o2.no_user_rc);
  EXPECT_FALSE(o2.no_agent_forwarding);
  EXPECT_FALSE(o2.no_port_forwarding);
  EXPECT_FALSE(o2.no_x11_forwarding);
}

TEST(AuthorizedKeysTest, QuotedValuesKeepCommasSpacesAndEscapedQuotes) {
  const KeyOptions o = parse_ok(ed(
      "command=\"echo \\\"a,b c\\\" | tr , \\\\n\",from=\"*.example.com,!bad.example.com,192.0.2.0/24\","
      "environment=\"GREETING=hello, world\",no-pty")).options;
  EXPECT_EQ(o.command, "echo \"a,b c\" | tr , \\\\n");  // only \" is an escape
  EXPECT_EQ(o.from, "*.example.com,!bad.example.com,192.0.2.0/24");
  EXPECT_EQ(o.environment, std::vector<std::string>{"GREETING=hello, world"});
  EXPECT_TRUE(o.no_pty);
}

TEST(AuthorizedKeysTest, EveryOptionIsRecorded) {
  const KeyOptions o = parse_ok(ed(
      "NO-AGENT-FORWARDING,No-Port-Forwarding,no-x11-forwarding,no-user-rc,cert-authority,"
      "principals=\"alice,bob\",no-touch-required,verify-required,expiry-time=\"20300101Z\","
      "tunnel=\"0\",permitopen=\"192.0.2.1:80\",permitopen=\"[2001:db8::1]:*\","
      "permitlisten=\"localhost:8080\",permitlisten=\"[::1]:22000\",permitlisten=\"2222\","
      "environment=\"A=1\",environment=\"B_2=\"")).options;
  EXPECT_TRUE(o.no_agent_forwarding && o.no_port_forwarding && o.no_x11_forwarding && o.no_user_rc);
  EXPECT_FALSE(o.no_pty);
  EXPECT_FALSE(o.restrict_all);
  EXPECT_TRUE(o.cert_authority && o.no_touch_required && o.verify_required);
  EXPECT_EQ(o.principals, "alice,bob");
  EXPECT_EQ(o.expiry_time, "20300101Z");
  EXPECT_EQ(o.tunnel, "0");
  EXPECT_EQ(o.permitopen, (std::vector<std::string>{"192.0.2.1:80", "[2001:db8::1]:*"}));
  EXPECT_EQ(o.permitlisten, (std::vector<std::string>{"localhost:8080", "[::1]:22000", "2222"}));
  EXPECT_EQ(o.environment, (std::vector<std::string>{"A=1", "B_2="}));
  EXPECT_FALSE(o.command.has_value());
  EXPECT_FALSE(o.from.has_value());
}

TEST(AuthorizedKeysTest, RejectsMalformedOptions) {
  struct Case {
    const char* options;
    const char* error;
  };
  for (const Case& c : {
           Case{"frobnicate", "unsupported key type or unknown option \"frobnicate\""},
           Case{"no-pty,frobnicate", "unknown option \"frobnicate\""},
           Case{"command=ls", "option command: value must be in double quotes"},
           Case{"command=\"ls", "option command: unterminated quoted value"},
           Case{"command=\"a\",command=\"b\"", "option command: given twice"},
           Case{"from=\"a\",from=\"b\"", "option from: given twice"},
           Case{"no-pty=\"yes\"", "option no-pty takes no value"},
           Case{"command", "option command needs a value"},
           Case{"no-pty,,pty", "empty option"},
           Case{"no-pty,", "empty option"},
           Case{",no-pty", "empty option"},
           Case{"command=\"x\"y", "unexpected character after option command"},
           Case{"environment=\"NOEQUALS\"", "option environment: invalid value \"NOEQUALS\""},
           Case{"environment=\"=x\"", "option environment: invalid value \"=x\""},
           Case{"environment=\"A-B=1\"", "option environment: invalid value \"A-B=1\""},
           Case{"permitopen=\"host\"", "option permitopen: invalid value \"host\""},
           Case{"permitopen=\"::1:22\"", "option permitopen: invalid value \"::1:22\""},
           Case{"permitopen=\"[::1]:0\"", "option permitopen: invalid value \"[::1]:0\""},
           Case{"permitopen=\"*.example.com:22\"", "option permitopen: invalid value \"*.example.com:22\""},
           Case{"permitlisten=\"host:\"", "option permitlisten: invalid value \"host:\""},
           Case{"expiry-time=\"20251301\"", "option expiry-time: invalid value \"20251301\""},
           Case{"expiry-time=\"2025010112\"", "option expiry-time: invalid value \"2025010112\""},
           Case{"tunnel=\"tun0\"", "option tunnel: invalid value \"tun0\""},
           Case{"from=\"\"", "option from: invalid value \"\""},
       }) {
    EXPECT_EQ(parse_error(ed(c.options)), c.error) << c.options;
  }
  EXPECT_EQ(parse_ok(ed("expiry-time=\"20301231235959\"")).options.expiry_time, "20301231235959");
  EXPECT_EQ(parse_ok(ed("tunnel=\"any\"")).options.tunnel, "any");
  EXPECT_EQ(parse_ok(ed("command=\"\"")).options.command, "");
}

// ---- Searching a file -----------------------------------------------------

TEST(AuthorizedKeysTest, FindSkipsCommentsInvalidAndCertAuthorityLines) {
  const std::string contents =
      "# my keys\n"                                                   // 1
      "\n"                                                            // 2
      "frobnicate " + std::string(kEd25519) + "\n" +                  // 3: unknown option
      "cert-authority " + std::string(kEd25519) + "\n" +              // 4: a CA, not a login key
      std::string(kRsa2048) + " other\n" +                            // 5
      "no-pty,command=\"uptime\" " + std::string(kEd25519) + " me\n"  // 6: the match
      "restrict " + std::string(kEd25519) + "\n";                     // 7: later duplicate
  const auto found = find_authorized_key(contents, blob_of(kEd25519));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line_number, 6u);
  EXPECT_EQ(found->key_type, "ssh-ed25519");
  EXPECT_EQ(found->options.command, "uptime");
  EXPECT_TRUE(found->options.no_pty);
  EXPECT_FALSE(found->options.restrict_all);

  EXPECT_EQ(find_authorized_key(contents, blob_of(kRsa2048))->line_number, 5u);
  EXPECT_FALSE(find_authorized_key(contents, blob_of(kP256)).has_value());
  auto prefix = blob_of(kEd25519);
  prefix.pop_back();
  EXPECT_FALSE(find_authorized_key(contents, prefix).has_value());
  EXPECT_FALSE(find_authorized_key("", blob_of(kEd25519)).has_value());
}

// A line that lists the offered key but has options nobody knows is
// refused (reported with its line number so it can be logged), never read as
// if the option were absent; lines for other keys are not reported.
TEST(AuthorizedKeysTest, FindReportsRefusedLinesForTheOfferedKeyOnly) {
  const std::string contents =
      "frobnicate " + std::string(kEd25519) + "\n" +                         // 1
      "command=\"a b\",no-such-thing " + std::string(kEd25519) + "\n" +   // 2
      "frobnicate " + std::string(kRsa2048) + "\n" +                         // 3: another key
      "environment=\"BAD NAME=1\" " + std::string(kEd25519) + "\n";       // 4: bad value
  std::vector<RefusedLine> refused;
  const auto found = find_authorized_key(contents, blob_of(kEd25519), nullptr,
                                         [&](const RefusedLine& r) { refused.push_back(r); });
  EXPECT_FALSE(found.has_value());
  ASSERT_EQ(refused.size(), 3u);
  EXPECT_EQ(refused[0].line_number, 1u);
  EXPECT_EQ(refused[0].reason, "unsupported key type or unknown option \"frobnicate\"");
  EXPECT_EQ(refused[1].line_number, 2u);
  EXPECT_EQ(refused[1].reason, "unknown option \"no-such-thing\"");
  EXPECT_EQ(refused[2].line_number, 4u);
  refused.clear();
  EXPECT_FALSE(find_authorized_key(contents, blob_of(kP256), nullptr,
                                   [&](const RefusedLine& r) { refused.push_back(r); }));
  EXPECT_TRUE(refused.empty());
}

TEST(AuthorizedKeysTest, ExpiryTimeInSeconds) {
  EXPECT_EQ(expiry_time_seconds("19700102Z"), 86400);
  EXPECT_EQ(expiry_time_seconds("203001010000Z"), 1893456000);
  EXPECT_EQ(expiry_time_seconds("20300101000001Z"), 1893456001);
  EXPECT_EQ(expiry_time_seconds("20240229Z"), 1709164800);  // a leap day
  for (const char* bad : {"20230229Z", "20300231", "2030010", "20301301Z", "2030010125", "x",
                          "", "20300101000060Z"})
    EXPECT_FALSE(expiry_time_seconds(bad).has_value()) << bad;
  // Without Z the host's local time is meant; it is a valid date either way.
  EXPECT_TRUE(expiry_time_seconds("20300101").has_value());
}

TEST(AuthorizedKeysTest, FindHandlesCrlfAndNoTrailingNewline) {
  const std::string contents = "# windows editor\r\n" + std::string(kP384) + " x\r\n" +
                               std::string(kP521);
  EXPECT_EQ(find_authorized_key(contents, blob_of(kP384))->line_number, 2u);
  EXPECT_EQ(find_authorized_key(contents, blob_of(kP521))->line_number, 3u);
}

TEST(AuthorizedKeysTest, FindContinuesPastLinesTheCallerRefuses) {
  const std::string contents = "from=\"192.0.2.0/24\" " + std::string(kEd25519) + "\n" +
                               "from=\"198.51.100.0/24\" " + std::string(kEd25519) + "\n";
  auto from_client = [](const AuthorizedKey& k) {
    return !k.options.from ||
           match_host_patterns(*k.options.from, "198.51.100.7", "") == PatternMatch::kMatch;
  };
  const auto found = find_authorized_key(contents, blob_of(kEd25519), from_client);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->line_number, 2u);
  EXPECT_FALSE(find_authorized_key(contents, blob_of(kEd25519),
                                   [](const AuthorizedKey&) { return false; }));
}

// ---- from= patterns -------------------------------------------------------

TEST(HostPatternTest, Wildcards) {
  EXPECT_TRUE(wildcard_match("*.example.com", "www.EXAMPLE.com"));
  EXPECT_TRUE(wildcard_match("host?", "host7"));
  EXPECT_FALSE(wildcard_match("host?", "host"));
  EXPECT_TRUE(wildcard_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(wildcard_match("a*b*c", "aXXbYY"));
  EXPECT_TRUE(wildcard_match("*", ""));
  EXPECT_FALSE(wildcard_match("", "x"));
  EXPECT_TRUE(wildcard_match("**a", "ba"));
}

TEST(HostPatternTest, WildcardWorstCaseIsFast) {
  const std::string text(20000, 'a');
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(wildcard_match("*a*a*a*a*a*a*a*a*b", text));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HostPatternTest, HostNamesAndNegation) {
  constexpr std::string_view list = "!*.dialup.example.com,*.example.com";
  EXPECT_EQ(match_host_patterns(list, "192.0.2.1", "pool7.dialup.example.com"), PatternMatch::kNegated);
  EXPECT_EQ(match_host_patterns(list, "192.0.2.1", "WWW.Example.Com"), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns(list, "192.0.2.1", "example.org"), PatternMatch::kNoMatch);
  // A negated pattern alone never matches (ssh_config(5) PATTERNS).
  EXPECT_EQ(match_host_patterns("!host1,!host2", "192.0.2.1", "host3"), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("!host1,!host2,*", "192.0.2.1", "host3"), PatternMatch::kMatch);
  // Negation wins wherever it stands in the list.
  EXPECT_EQ(match_host_patterns("*,!host1", "192.0.2.1", "host1"), PatternMatch::kNegated);
  // Wildcards see the address too; an empty host name matches nothing.
  EXPECT_EQ(match_host_patterns("192.0.2.?", "192.0.2.7", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("", "192.0.2.7", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns(",,!", "192.0.2.7", ""), PatternMatch::kNoMatch);
}

TEST(HostPatternTest, Ipv4Cidr) {
  EXPECT_EQ(match_host_patterns("192.0.2.0/24", "192.0.2.77", "h"), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("192.0.2.0/24", "192.0.3.1", "h"), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("10.0.0.0/9", "10.127.255.255", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("10.0.0.0/9", "10.128.0.0", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("192.0.2.5/32", "192.0.2.5", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("0.0.0.0/0", "203.0.113.9", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("0.0.0.0/0", "2001:db8::1", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("!192.0.2.0/24,*", "192.0.2.9", "h"), PatternMatch::kNegated);
  EXPECT_EQ(match_host_patterns("!192.0.2.0/24,*", "192.0.3.9", "h"), PatternMatch::kMatch);
  // An IPv4 client seen on an IPv6 socket.
  EXPECT_EQ(match_host_patterns("192.0.2.0/24", "::ffff:192.0.2.5", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("192.0.2.*", "::ffff:192.0.2.5", ""), PatternMatch::kMatch);
  // A CIDR never matches a host name.
  EXPECT_EQ(match_host_patterns("192.0.2.0/24", "", "192.0.2.5"), PatternMatch::kNoMatch);
}

TEST(HostPatternTest, Ipv6Cidr) {
  EXPECT_EQ(match_host_patterns("2001:db8::/32", "2001:db8:1::5", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("2001:db8::/32", "2001:db9::1", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("2001:db8::/33", "2001:db8:8000::1", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("2001:db8::/33", "2001:db8:7fff::1", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("::1/128", "::1", ""), PatternMatch::kMatch);
  EXPECT_EQ(match_host_patterns("2001:db8::/32", "192.0.2.1", ""), PatternMatch::kNoMatch);
  EXPECT_EQ(match_host_patterns("!2001:db8::/32,::/0", "2001:db8::2", ""), PatternMatch::kNegated);
}

TEST(HostPatternTest, InvalidCidrFailsTheWholeListClosed) {
  for (const char* bad : {"192.0.2.0/33", "192.0.2.1/24", "2001:db8::/129", "2001:db8::1/64",
                          "example.com/24", "192.0.2.0/", "192.0.2.0/+8", "/8", "192.0.2.0/24/8",
                          "::ffff:192.0.2.0/120", "192.0.2.0/0024"}) {
    const std::string list = std::string("*,") + bad;
    EXPECT_EQ(match_host_patterns(list, "192.0.2.1", "host"), PatternMatch::kNoMatch) << bad;
    EXPECT_EQ(match_host_patterns(std::string("!") + bad + ",*", "192.0.2.1", "host"),
              PatternMatch::kNoMatch)
        << bad;
  }
}

}  // namespace
}  // namespace lpsshd::authkeys
