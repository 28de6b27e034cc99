// The pure SFTP layer: framing, every request's parse (and the malformed
// and oversized forms an attacker sends), ATTRS, reply encoding, and
// internal-sftp's option parser.
#include <gtest/gtest.h>

#include "postauth/sftp_options.h"
#include "postauth/sftp_wire.h"

using namespace lpsshd::postauth::sftp;
using lpsshd::wire::Bytes;
using lpsshd::wire::Reader;
using lpsshd::wire::Writer;

namespace {

std::vector<uint8_t> body(uint8_t type, uint32_t id, const std::function<void(Writer&)>& rest = {}) {
  Writer w;
  w.u8(type).u32(id);
  if (rest) rest(w);
  return w.take();
}

std::vector<uint8_t> extended(uint32_t id, std::string_view name,
                              const std::function<void(Writer&)>& rest = {}) {
  return body(FXP_EXTENDED, id, [&](Writer& w) {
    w.string(name);
    if (rest) rest(w);
  });
}

ParseResult parse(const std::vector<uint8_t>& b, Request& q) { return parse_request(b, q); }

}  // namespace

TEST(SftpFrame, CompletePartialAndTooLong) {
  Writer w;
  w.u32(5).u8(FXP_INIT).u32(3);
  Bytes b;
  size_t used = 0;
  EXPECT_EQ(next_packet(w.bytes(), b, used), Frame::kComplete);
  EXPECT_EQ(used, 9u);
  EXPECT_EQ(b.size(), 5u);
  EXPECT_EQ(next_packet(Bytes(w.bytes()).first(8), b, used), Frame::kPartial);
  EXPECT_EQ(next_packet(Bytes(w.bytes()).first(3), b, used), Frame::kPartial);
  Writer big;
  big.u32(kMaxPacket + 1);
  EXPECT_EQ(next_packet(big.bytes(), b, used), Frame::kTooLong);
  Writer zero;
  zero.u32(0);
  EXPECT_EQ(next_packet(zero.bytes(), b, used), Frame::kTooLong);
  Writer max;
  max.u32(kMaxPacket);
  EXPECT_EQ(next_packet(max.bytes(), b, used), Frame::kPartial);  // allowed, needs bytes
}

TEST(SftpParse, OpenWithAttrs) {
  Request q;
  auto b = body(FXP_OPEN, 7, [](Writer& w) {
    w.string("/tmp/x").u32(FXF_WRITE | FXF_CREAT).u32(ATTR_PERMISSIONS | ATTR_ACMODTIME);
    w.u32(0640).u32(1).u32(2);
  });
  ASSERT_EQ(parse(b, q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kOpen);
  EXPECT_EQ(q.id, 7u);
  EXPECT_EQ(q.path, "/tmp/x");
  EXPECT_EQ(q.pflags, FXF_WRITE | FXF_CREAT);
  EXPECT_EQ(q.attrs.perm, 0640u);
  EXPECT_EQ(q.attrs.mtime, 2u);
}

TEST(SftpParse, EveryPathRequest) {
  for (uint8_t t : {FXP_LSTAT, FXP_STAT, FXP_OPENDIR, FXP_REMOVE, FXP_RMDIR, FXP_REALPATH,
                    FXP_READLINK}) {
    Request q;
    ASSERT_EQ(parse(body(t, 1, [](Writer& w) { w.string("a/b"); }), q), ParseResult::kOk) << int(t);
    EXPECT_EQ(q.path, "a/b");
    EXPECT_NE(q.op, Op::kUnknown);
    // Trailing bytes, a missing path, an embedded NUL: malformed.
    EXPECT_EQ(parse(body(t, 1, [](Writer& w) { w.string("a").u8(0); }), q), ParseResult::kMalformed);
    EXPECT_EQ(parse(body(t, 1), q), ParseResult::kMalformed);
    EXPECT_EQ(parse(body(t, 1, [](Writer& w) { w.string(std::string("a\0b", 3)); }), q),
              ParseResult::kMalformed);
  }
}

TEST(SftpParse, PathLongerThanPathMaxIsMalformed) {
  Request q;
  EXPECT_EQ(parse(body(FXP_STAT, 1, [](Writer& w) { w.string(std::string(kMaxPath, 'a')); }), q),
            ParseResult::kOk);
  EXPECT_EQ(parse(body(FXP_STAT, 1, [](Writer& w) { w.string(std::string(kMaxPath + 1, 'a')); }), q),
            ParseResult::kMalformed);
}

TEST(SftpParse, HandleRequestsAndBounds) {
  Request q;
  for (uint8_t t : {FXP_CLOSE, FXP_FSTAT, FXP_READDIR}) {
    ASSERT_EQ(parse(body(t, 2, [](Writer& w) { w.string("HANDLE01"); }), q), ParseResult::kOk);
    EXPECT_EQ(q.handle.size(), 8u);
    EXPECT_EQ(parse(body(t, 2, [](Writer& w) { w.string(std::string(kMaxHandle + 1, 'h')); }), q),
              ParseResult::kMalformed);
  }
  ASSERT_EQ(parse(body(FXP_READ, 3, [](Writer& w) { w.string("h").u64(1ull << 40).u32(1 << 20); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.offset, 1ull << 40);
  EXPECT_EQ(q.length, 1u << 20);  // the server clamps it
  std::string data(kMaxWrite, 'd');
  ASSERT_EQ(parse(body(FXP_WRITE, 4, [&](Writer& w) { w.string("h").u64(0).string(data); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.data.size(), kMaxWrite);
  data.push_back('x');
  EXPECT_EQ(parse(body(FXP_WRITE, 4, [&](Writer& w) { w.string("h").u64(0).string(data); }), q),
            ParseResult::kMalformed);
  // A string length larger than the packet.
  EXPECT_EQ(parse(body(FXP_WRITE, 4, [](Writer& w) { w.string("h").u64(0).u32(100).u8(1); }), q),
            ParseResult::kMalformed);
}

TEST(SftpParse, SetstatRenameSymlinkOrder) {
  Request q;
  ASSERT_EQ(parse(body(FXP_SETSTAT, 5, [](Writer& w) { w.string("f").u32(ATTR_SIZE).u64(99); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.attrs.size, 99u);
  ASSERT_EQ(parse(body(FXP_FSETSTAT, 5, [](Writer& w) { w.string("h").u32(ATTR_UIDGID).u32(1).u32(2); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.attrs.gid, 2u);
  ASSERT_EQ(parse(body(FXP_RENAME, 6, [](Writer& w) { w.string("old").string("new"); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.path, "old");
  EXPECT_EQ(q.path2, "new");
  // OpenSSH's order: targetpath first, then linkpath.
  ASSERT_EQ(parse(body(FXP_SYMLINK, 6, [](Writer& w) { w.string("target").string("link"); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kSymlink);
  EXPECT_EQ(q.path, "target");
  EXPECT_EQ(q.path2, "link");
  ASSERT_EQ(parse(body(FXP_MKDIR, 6, [](Writer& w) { w.string("d").u32(ATTR_PERMISSIONS).u32(0700); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.attrs.perm, 0700u);
}

TEST(SftpParse, AttrsExtendedPairsAreCountedAndBounded) {
  Request q;
  auto with_ext = [](uint32_t n, uint32_t claimed) {
    return body(FXP_SETSTAT, 1, [=](Writer& w) {
      w.string("f").u32(ATTR_EXTENDED).u32(claimed);
      for (uint32_t i = 0; i < n; ++i) w.string("t").string("d");
    });
  };
  ASSERT_EQ(parse(with_ext(3, 3), q), ParseResult::kOk);
  EXPECT_EQ(q.attrs.extended_count, 3u);
  EXPECT_EQ(parse(with_ext(2, 3), q), ParseResult::kMalformed);   // fewer than claimed
  EXPECT_EQ(parse(with_ext(0, 0xffffffff), q), ParseResult::kMalformed);
  EXPECT_EQ(parse(with_ext(kMaxAttrExtensions + 1, kMaxAttrExtensions + 1), q),
            ParseResult::kMalformed);
  // Each flag's fields must be there.
  EXPECT_EQ(parse(body(FXP_SETSTAT, 1, [](Writer& w) { w.string("f").u32(ATTR_SIZE).u32(1); }), q),
            ParseResult::kMalformed);
}

TEST(SftpParse, Extensions) {
  Request q;
  ASSERT_EQ(parse(extended(1, "posix-rename@openssh.com", [](Writer& w) { w.string("a").string("b"); }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kPosixRename);
  ASSERT_EQ(parse(extended(1, "statvfs@openssh.com", [](Writer& w) { w.string("/"); }), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kStatvfs);
  ASSERT_EQ(parse(extended(1, "fstatvfs@openssh.com", [](Writer& w) { w.string("h"); }), q), ParseResult::kOk);
  ASSERT_EQ(parse(extended(1, "hardlink@openssh.com", [](Writer& w) { w.string("a").string("b"); }), q),
            ParseResult::kOk);
  ASSERT_EQ(parse(extended(1, "fsync@openssh.com", [](Writer& w) { w.string("h"); }), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kFsync);
  ASSERT_EQ(parse(extended(1, "lsetstat@openssh.com", [](Writer& w) { w.string("l").u32(0); }), q),
            ParseResult::kOk);
  ASSERT_EQ(parse(extended(1, "limits@openssh.com"), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kLimits);
  EXPECT_EQ(parse(extended(1, "limits@openssh.com", [](Writer& w) { w.u8(0); }), q), ParseResult::kMalformed);
  ASSERT_EQ(parse(extended(1, "expand-path@openssh.com", [](Writer& w) { w.string("~/x"); }), q),
            ParseResult::kOk);
  ASSERT_EQ(parse(extended(1, "copy-data", [](Writer& w) {
              w.string("h1").u64(1).u64(2).string("h2").u64(3);
            }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.offset2, 3u);
  ASSERT_EQ(parse(extended(1, "home-directory", [](Writer& w) { w.string(""); }), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kHomeDirectory);
  ASSERT_EQ(parse(extended(1, "users-groups-by-id@openssh.com", [](Writer& w) {
              Writer ids;
              ids.u32(0).u32(1000);
              w.string(ids.bytes()).string("");
            }), q),
            ParseResult::kOk);
  EXPECT_EQ(q.uids, (std::vector<uint32_t>{0, 1000}));
  EXPECT_TRUE(q.gids.empty());
  // An id list not a multiple of four bytes, or over the bound.
  EXPECT_EQ(parse(extended(1, "users-groups-by-id@openssh.com",
                           [](Writer& w) { w.string("abc").string(""); }), q),
            ParseResult::kMalformed);
  EXPECT_EQ(parse(extended(1, "users-groups-by-id@openssh.com", [](Writer& w) {
              w.string(std::string(4 * (kMaxIdsPerList + 1), '\0')).string("");
            }), q),
            ParseResult::kMalformed);
}

TEST(SftpParse, UnknownRequestsKeepTheirId) {
  Request q;
  ASSERT_EQ(parse(body(99, 42, [](Writer& w) { w.string("junk"); }), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kUnknown);
  EXPECT_EQ(q.id, 42u);
  ASSERT_EQ(parse(extended(43, "nonsense@example.com", [](Writer& w) { w.u32(1); }), q), ParseResult::kOk);
  EXPECT_EQ(q.op, Op::kUnknown);
  EXPECT_EQ(q.id, 43u);
  EXPECT_EQ(q.extension, "nonsense@example.com");
  // Too short for an id.
  std::vector<uint8_t> tiny = {FXP_STAT, 0, 0};
  EXPECT_EQ(parse_request(tiny, q), ParseResult::kNoId);
  EXPECT_EQ(parse_request({}, q), ParseResult::kNoId);
}

TEST(SftpEncode, VersionListsEveryExtension) {
  Writer w;
  put_version(w);
  Reader r(w.bytes());
  uint32_t len = 0, version = 0;
  uint8_t type = 0;
  ASSERT_TRUE(r.u32(len) && r.u8(type) && r.u32(version));
  EXPECT_EQ(len, w.size() - 4);
  EXPECT_EQ(type, FXP_VERSION);
  EXPECT_EQ(version, 3u);
  std::vector<std::string> names;
  while (r.remaining() > 0) {
    std::string name, v;
    ASSERT_TRUE(r.text(name) && r.text(v));
    names.push_back(name);
  }
  for (const char* e : {"posix-rename@openssh.com", "statvfs@openssh.com", "fstatvfs@openssh.com",
                        "hardlink@openssh.com", "fsync@openssh.com", "lsetstat@openssh.com",
                        "limits@openssh.com", "expand-path@openssh.com", "copy-data",
                        "home-directory", "users-groups-by-id@openssh.com"})
    EXPECT_NE(std::find(names.begin(), names.end(), e), names.end()) << e;
}

TEST(SftpEncode, StatusNamesAndAttrsRoundTrip) {
  Writer w;
  NameEntry n;
  n.name = "f";
  n.longname = "-rw-r--r-- f";
  n.attrs.flags = ATTR_SIZE | ATTR_PERMISSIONS;
  n.attrs.size = 12;
  n.attrs.perm = 0100644;
  put_names(w, 9, {n});
  Reader r(w.bytes());
  uint32_t len, id, count;
  uint8_t type;
  std::string name, longname;
  Attrs a;
  ASSERT_TRUE(r.u32(len) && r.u8(type) && r.u32(id) && r.u32(count) && r.text(name) && r.text(longname));
  ASSERT_TRUE(parse_attrs(r, a));
  EXPECT_TRUE(r.end());
  EXPECT_EQ(type, FXP_NAME);
  EXPECT_EQ(a.size, 12u);
  EXPECT_EQ(a.perm, 0100644u);
  Writer s;
  put_status(s, 5, FX_OP_UNSUPPORTED);
  Reader rs(s.bytes());
  uint32_t code;
  std::string msg;
  ASSERT_TRUE(rs.u32(len) && rs.u8(type) && rs.u32(id) && rs.u32(code) && rs.text(msg));
  EXPECT_EQ(code, FX_OP_UNSUPPORTED);
  EXPECT_EQ(msg, "Operation unsupported");
}

// --- internal-sftp options --------------------------------------------------

TEST(SftpOptions, AllOptions) {
  std::string err;
  auto o = parse_internal_sftp_args(
      "internal-sftp -e -R -u 027 -d /srv/%u -l VERBOSE -f local3 -P remove,rmdir", err);
  ASSERT_TRUE(o) << err;
  EXPECT_TRUE(o->read_only);
  EXPECT_TRUE(o->log_stderr);
  EXPECT_EQ(*o->umask, 027u);
  EXPECT_EQ(o->start_dir, "/srv/%u");
  EXPECT_EQ(o->log_level, "VERBOSE");
  EXPECT_EQ(o->log_facility, "LOCAL3");
  EXPECT_EQ(o->denied, (std::vector<std::string>{"remove", "rmdir"}));
  EXPECT_FALSE(request_permitted(*o, "remove"));
  EXPECT_TRUE(request_permitted(*o, "open"));
  auto p = parse_internal_sftp_args("internal-sftp -p open,read,close,realpath -u0", err);
  ASSERT_TRUE(p) << err;
  EXPECT_TRUE(request_permitted(*p, "read"));
  EXPECT_FALSE(request_permitted(*p, "write"));
  EXPECT_EQ(*p->umask, 0u);
  auto q = parse_internal_sftp_args("internal-sftp", err);
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->read_only);
  EXPECT_FALSE(q->umask);
  auto quoted = parse_internal_sftp_args("internal-sftp -d '/srv/with space/%d'", err);
  ASSERT_TRUE(quoted) << err;
  EXPECT_EQ(quoted->start_dir, "/srv/with space/%d");
  EXPECT_TRUE(parse_internal_sftp_args("internal-sftp -eR", err)->read_only);
}

TEST(SftpOptions, BadOptionsAreErrors) {
  std::string err;
  for (const char* bad : {"internal-sftp -x", "internal-sftp -u", "internal-sftp -u 999",
                          "internal-sftp -u 1000", "internal-sftp -u abc", "internal-sftp -l LOUD",
                          "internal-sftp -f KERNEL", "internal-sftp -P remove,nosuch",
                          "internal-sftp -p read -p write", "internal-sftp -P read -P write",
                          "internal-sftp -d /x/%h", "internal-sftp -d /x/%", "internal-sftp stray",
                          "internal-sftp -d 'unterminated", "internal-sftp -h", "internal-sftp -Q requests"}) {
    err.clear();
    EXPECT_FALSE(parse_internal_sftp_args(bad, err)) << bad;
    EXPECT_FALSE(err.empty()) << bad;
  }
}

TEST(SftpOptions, StartDirTokens) {
  EXPECT_EQ(expand_start_dir("/srv/%u/in", "/home/al", "al"), "/srv/al/in");
  EXPECT_EQ(expand_start_dir("%d/up", "/home/al", "al"), "/home/al/up");
  EXPECT_EQ(expand_start_dir("/100%%", "/h", "u"), "/100%");
}
