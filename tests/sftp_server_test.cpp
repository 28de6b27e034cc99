// The in-process SFTP server on a temporary directory: every request, the
// options that refuse requests, and the input an attacker sends (truncated,
// oversized, stale or forged handles, too many handles, unknown requests).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "postauth/sftp_server.h"

using namespace lpsshd::postauth::sftp;
using lpsshd::wire::Bytes;
using lpsshd::wire::Reader;
using lpsshd::wire::Writer;
namespace fs = std::filesystem;

namespace {

size_t open_fds() {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

struct Reply {
  uint8_t type = 0;
  uint32_t id = 0;
  std::vector<uint8_t> rest;  // after the id
  uint32_t status() const {
    Reader r(rest);
    uint32_t c = 0xffffffff;
    r.u32(c);
    return c;
  }
  std::string handle() const {
    Reader r(rest);
    Bytes h;
    r.string(h);
    return std::string(h.begin(), h.end());
  }
};

class SftpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sftp_server_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  void start(const std::string& args = "internal-sftp", bool init = true) {
    std::string err;
    auto o = parse_internal_sftp_args(args, err);
    ASSERT_TRUE(o) << err;
    SftpIdentity who;
    who.user = "tester";
    who.uid = getuid();
    who.gid = getgid();
    who.home = dir_;
    server_ = std::make_unique<SftpServer>(*o, who, [this](std::string l) { log_.push_back(l); });
    if (init) {
      send_raw(FXP_INIT, 3, {});
      Reply v = next();
      ASSERT_EQ(v.type, FXP_VERSION);
    }
  }

  void send_raw(uint8_t type, uint32_t id, const std::function<void(Writer&)>& rest) {
    Writer b;
    b.u8(type).u32(id);
    if (rest) rest(b);
    Writer p;
    p.u32(static_cast<uint32_t>(b.size())).raw(b.bytes());
    server_->input(p.bytes());
  }
  Reply request(uint8_t type, const std::function<void(Writer&)>& rest = {}) {
    send_raw(type, ++id_, rest);
    Reply r = next();
    EXPECT_EQ(r.id, id_);
    return r;
  }
  Reply ext(std::string_view name, const std::function<void(Writer&)>& rest = {}) {
    return request(FXP_EXTENDED, [&](Writer& w) {
      w.string(name);
      if (rest) rest(w);
    });
  }
  // Takes one reply off the output queue.
  Reply next() {
    auto& q = server_->output();
    std::vector<uint8_t> all;
    while (!q.empty()) {
      auto f = q.front();
      all.insert(all.end(), f.begin(), f.end());
      q.consume(f.size());
    }
    pending_.insert(pending_.end(), all.begin(), all.end());
    Reply r;
    Reader rd(pending_);
    uint32_t len = 0;
    if (!rd.u32(len) || pending_.size() < 4 + len) {
      ADD_FAILURE() << "no complete reply";
      return r;
    }
    Reader body(pending_.data() + 4, len);
    body.u8(r.type);
    if (r.type != FXP_VERSION) body.u32(r.id);
    Bytes rest = body.rest();
    r.rest.assign(rest.begin(), rest.end());
    pending_.erase(pending_.begin(), pending_.begin() + 4 + len);
    return r;
  }
  std::string open(const std::string& path, uint32_t pflags, uint32_t expect = FX_OK) {
    Reply r = request(FXP_OPEN, [&](Writer& w) { w.string(path).u32(pflags).u32(0); });
    if (expect == FX_OK) {
      EXPECT_EQ(r.type, FXP_HANDLE) << path << " status " << r.status();
      return r.handle();
    }
    EXPECT_EQ(r.type, FXP_STATUS);
    EXPECT_EQ(r.status(), expect);
    return {};
  }
  uint32_t path_op(uint8_t type, const std::string& path) {
    Reply r = request(type, [&](Writer& w) { w.string(path); });
    return r.type == FXP_STATUS ? r.status() : FX_OK;
  }
  std::vector<std::string> names(const Reply& r) {
    std::vector<std::string> out;
    Reader rd(r.rest);
    uint32_t n = 0;
    rd.u32(n);
    for (uint32_t i = 0; i < n; ++i) {
      std::string name, longname;
      Attrs a;
      if (!rd.text(name, 8192) || !rd.text(longname, 8192) || !parse_attrs(rd, a)) break;
      out.push_back(name);
    }
    return out;
  }
  void write_file(const std::string& rel, const std::string& content) {
    std::ofstream(dir_ + "/" + rel) << content;
  }
  std::string read_file(const std::string& rel) {
    std::ifstream f(dir_ + "/" + rel);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  bool logged(const std::string& line) {
    return std::find(log_.begin(), log_.end(), line) != log_.end();
  }

  std::string dir_;
  std::unique_ptr<SftpServer> server_;
  std::vector<std::string> log_;
  std::vector<uint8_t> pending_;
  uint32_t id_ = 100;
};

}  // namespace

TEST_F(SftpServerTest, WriteReadCloseAndLogs) {
  start();
  std::string h = open("f", FXF_WRITE | FXF_CREAT | FXF_TRUNC);
  Reply w = request(FXP_WRITE, [&](Writer& x) { x.string(h).u64(0).string("hello world"); });
  EXPECT_EQ(w.status(), FX_OK);
  EXPECT_EQ(request(FXP_CLOSE, [&](Writer& x) { x.string(h); }).status(), FX_OK);
  EXPECT_EQ(read_file("f"), "hello world");
  h = open("f", FXF_READ);
  Reply d = request(FXP_READ, [&](Writer& x) { x.string(h).u64(6).u32(100); });
  ASSERT_EQ(d.type, FXP_DATA);
  Reader r(d.rest);
  Bytes data;
  ASSERT_TRUE(r.string(data) && r.end());
  EXPECT_EQ(std::string(data.begin(), data.end()), "world");
  Reply eof = request(FXP_READ, [&](Writer& x) { x.string(h).u64(11).u32(100); });
  EXPECT_EQ(eof.type, FXP_STATUS);
  EXPECT_EQ(eof.status(), FX_EOF);
  EXPECT_EQ(request(FXP_CLOSE, [&](Writer& x) { x.string(h); }).status(), FX_OK);
  EXPECT_TRUE(logged("open \"f\" flags WRITE,CREATE,TRUNCATE mode 0666")) << log_[1];
  EXPECT_TRUE(logged("close \"f\" bytes read 0 written 11"));
  EXPECT_TRUE(logged("close \"f\" bytes read 5 written 0"));
  EXPECT_TRUE(logged("session opened for local user tester from [UNKNOWN]"));
  // The handle is gone: a second close and a read on it fail, no crash.
  EXPECT_EQ(request(FXP_CLOSE, [&](Writer& x) { x.string(h); }).status(), FX_FAILURE);
  EXPECT_EQ(request(FXP_READ, [&](Writer& x) { x.string(h).u64(0).u32(1); }).status(), FX_FAILURE);
}

TEST_F(SftpServerTest, LargeReadIsClampedTo255KiB) {
  start();
  write_file("big", std::string(600 * 1024, 'x'));
  std::string h = open("big", FXF_READ);
  Reply d = request(FXP_READ, [&](Writer& x) { x.string(h).u64(0).u32(1 << 20); });
  ASSERT_EQ(d.type, FXP_DATA);
  Reader r(d.rest);
  Bytes data;
  ASSERT_TRUE(r.string(data));
  EXPECT_EQ(data.size(), kMaxRead);
  // OpenSSH's client drops the connection on a packet over 256 KiB.
  EXPECT_LE(1 + 4 + d.rest.size(), 256u * 1024);
}

TEST_F(SftpServerTest, PipelinedRequestsAnswerInOrder) {
  start();
  write_file("p", std::string(1000, 'p'));
  std::string h = open("p", FXF_READ);
  Writer all;
  for (uint32_t i = 0; i < 10; ++i) {
    Writer b;
    b.u8(FXP_READ).u32(1000 + i).string(h).u64(i * 100).u32(100);
    all.u32(static_cast<uint32_t>(b.size())).raw(b.bytes());
  }
  // Byte by byte: partial packets are kept until complete.
  for (uint8_t c : all.bytes()) server_->input({&c, 1});
  for (uint32_t i = 0; i < 10; ++i) {
    Reply r = next();
    EXPECT_EQ(r.type, FXP_DATA);
    EXPECT_EQ(r.id, 1000 + i);
  }
}

TEST_F(SftpServerTest, StatSetstatAndFstat) {
  start();
  write_file("s", "12345");
  Reply a = request(FXP_STAT, [](Writer& w) { w.string("s"); });
  ASSERT_EQ(a.type, FXP_ATTRS);
  Reader r(a.rest);
  Attrs at;
  ASSERT_TRUE(parse_attrs(r, at));
  EXPECT_EQ(at.size, 5u);
  EXPECT_EQ(at.perm & S_IFMT, static_cast<uint32_t>(S_IFREG));
  Reply s = request(FXP_SETSTAT, [](Writer& w) {
    w.string("s").u32(ATTR_SIZE | ATTR_PERMISSIONS | ATTR_ACMODTIME).u64(2).u32(0600).u32(1000000).u32(2000000);
  });
  EXPECT_EQ(s.status(), FX_OK);
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/s").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 2);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_mtime, 2000000);
  EXPECT_TRUE(logged("set \"s\" size 2"));
  EXPECT_TRUE(logged("set \"s\" mode 0600"));
  std::string h = open("s", FXF_READ | FXF_WRITE);
  EXPECT_EQ(request(FXP_FSETSTAT, [&](Writer& w) { w.string(h).u32(ATTR_SIZE).u64(7); }).status(), FX_OK);
  Reply f = request(FXP_FSTAT, [&](Writer& w) { w.string(h); });
  ASSERT_EQ(f.type, FXP_ATTRS);
  Reader fr(f.rest);
  ASSERT_TRUE(parse_attrs(fr, at));
  EXPECT_EQ(at.size, 7u);
  EXPECT_EQ(path_op(FXP_STAT, "missing"), FX_NO_SUCH_FILE);
}

TEST_F(SftpServerTest, DirectoriesAndNames) {
  start();
  EXPECT_EQ(request(FXP_MKDIR, [](Writer& w) { w.string("d").u32(ATTR_PERMISSIONS).u32(0750); }).status(), FX_OK);
  EXPECT_TRUE(logged("mkdir name \"d\" mode 0750"));
  for (int i = 0; i < 250; ++i) write_file("d/f" + std::to_string(i), "x");
  Reply o = request(FXP_OPENDIR, [](Writer& w) { w.string("d"); });
  ASSERT_EQ(o.type, FXP_HANDLE);
  std::string h = o.handle();
  size_t total = 0;
  while (true) {
    Reply r = request(FXP_READDIR, [&](Writer& w) { w.string(h); });
    if (r.type == FXP_STATUS) {
      EXPECT_EQ(r.status(), FX_EOF);
      break;
    }
    auto n = names(r);
    EXPECT_LE(n.size(), SftpServer::kReaddirBatch);
    total += n.size();
  }
  EXPECT_EQ(total, 252u);  // . and .. too
  EXPECT_EQ(request(FXP_CLOSE, [&](Writer& w) { w.string(h); }).status(), FX_OK);
  EXPECT_TRUE(logged("closedir \"d\""));
  // A directory handle is not a file handle.
  EXPECT_EQ(request(FXP_READ, [&](Writer& w) { w.string(h).u64(0).u32(1); }).status(), FX_FAILURE);
  EXPECT_EQ(path_op(FXP_RMDIR, "d"), FX_FAILURE);  // not empty
  EXPECT_EQ(path_op(FXP_REMOVE, "d/f0"), FX_OK);
  EXPECT_TRUE(logged("remove name \"d/f0\""));
  Reply rp = request(FXP_REALPATH, [](Writer& w) { w.string("."); });
  ASSERT_EQ(rp.type, FXP_NAME);
  EXPECT_EQ(names(rp), (std::vector<std::string>{fs::canonical(dir_).string()}));
  Reply rp2 = request(FXP_REALPATH, [](Writer& w) { w.string("d/../d/new-file"); });
  EXPECT_EQ(names(rp2), (std::vector<std::string>{fs::canonical(dir_).string() + "/d/new-file"}));
}

TEST_F(SftpServerTest, RenameLinksAndPosixRename) {
  start();
  write_file("a", "A");
  write_file("b", "B");
  Reply r = request(FXP_RENAME, [](Writer& w) { w.string("a").string("b"); });
  EXPECT_EQ(r.status(), FX_FAILURE);  // RENAME never replaces
  EXPECT_EQ(read_file("b"), "B");
  EXPECT_EQ(request(FXP_RENAME, [](Writer& w) { w.string("a").string("c"); }).status(), FX_OK);
  EXPECT_TRUE(logged("rename old \"a\" new \"c\""));
  EXPECT_EQ(ext("posix-rename@openssh.com", [](Writer& w) { w.string("c").string("b"); }).status(), FX_OK);
  EXPECT_EQ(read_file("b"), "A");
  // SYMLINK: target first, then the link (OpenSSH's order).
  EXPECT_EQ(request(FXP_SYMLINK, [](Writer& w) { w.string("b").string("l"); }).status(), FX_OK);
  EXPECT_EQ(fs::read_symlink(dir_ + "/l"), "b");
  EXPECT_TRUE(logged("symlink old \"b\" new \"l\""));
  Reply rl = request(FXP_READLINK, [](Writer& w) { w.string("l"); });
  EXPECT_EQ(names(rl), (std::vector<std::string>{"b"}));
  Reply ls = request(FXP_LSTAT, [](Writer& w) { w.string("l"); });
  Reader lr(ls.rest);
  Attrs la;
  ASSERT_TRUE(parse_attrs(lr, la));
  EXPECT_EQ(la.perm & S_IFMT, static_cast<uint32_t>(S_IFLNK));
  EXPECT_EQ(ext("hardlink@openssh.com", [](Writer& w) { w.string("b").string("hl"); }).status(), FX_OK);
  EXPECT_EQ(read_file("hl"), "A");
  EXPECT_EQ(ext("lsetstat@openssh.com", [](Writer& w) { w.string("l").u32(ATTR_ACMODTIME).u32(5).u32(6); }).status(),
            FX_OK);
  struct stat st {};
  ASSERT_EQ(lstat((dir_ + "/l").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 6);
  EXPECT_EQ(ext("lsetstat@openssh.com", [](Writer& w) { w.string("l").u32(ATTR_SIZE).u64(0); }).status(),
            FX_BAD_MESSAGE);
}

TEST_F(SftpServerTest, Extensions) {
  start();
  Reply lim = ext("limits@openssh.com");
  ASSERT_EQ(lim.type, FXP_EXTENDED_REPLY);
  Reader lr(lim.rest);
  uint64_t packet, rd, wr, handles;
  ASSERT_TRUE(lr.u64(packet) && lr.u64(rd) && lr.u64(wr) && lr.u64(handles) && lr.end());
  EXPECT_EQ(rd, 255u * 1024);  // a DATA reply fits in 256 KiB
  EXPECT_EQ(wr, 256u * 1024);
  EXPECT_GT(packet, rd);
  EXPECT_EQ(handles, SftpServer::kMaxHandles);
  Reply sv = ext("statvfs@openssh.com", [](Writer& w) { w.string("."); });
  ASSERT_EQ(sv.type, FXP_EXTENDED_REPLY);
  EXPECT_EQ(sv.rest.size(), 11u * 8);
  write_file("src", std::string(100000, 's'));
  std::string in = open("src", FXF_READ);
  std::string out = open("dst", FXF_WRITE | FXF_CREAT);
  Reply fsv = ext("fstatvfs@openssh.com", [&](Writer& w) { w.string(in); });
  EXPECT_EQ(fsv.type, FXP_EXTENDED_REPLY);
  EXPECT_EQ(ext("copy-data", [&](Writer& w) { w.string(in).u64(0).u64(0).string(out).u64(10); }).status(), FX_OK);
  EXPECT_EQ(ext("copy-data", [&](Writer& w) { w.string(in).u64(0).u64(0).string(in).u64(0); }).status(),
            FX_FAILURE);
  EXPECT_EQ(ext("fsync@openssh.com", [&](Writer& w) { w.string(out); }).status(), FX_OK);
  EXPECT_EQ(read_file("dst"), std::string(10, '\0') + std::string(100000, 's'));
  Reply home = ext("home-directory", [](Writer& w) { w.string(""); });
  EXPECT_EQ(names(home), (std::vector<std::string>{dir_}));
  Reply ex = ext("expand-path@openssh.com", [](Writer& w) { w.string("~/src"); });
  EXPECT_EQ(names(ex), (std::vector<std::string>{fs::canonical(dir_).string() + "/src"}));
  Reply ug = ext("users-groups-by-id@openssh.com", [](Writer& w) {
    Writer u, g;
    u.u32(0).u32(4000000000u);
    g.u32(0);
    w.string(u.bytes()).string(g.bytes());
  });
  ASSERT_EQ(ug.type, FXP_EXTENDED_REPLY);
  Reader ur(ug.rest);
  Reader users(nullptr, 0), groups(nullptr, 0);
  ASSERT_TRUE(ur.sub(users) && ur.sub(groups) && ur.end());
  std::string u0, u1, g0;
  ASSERT_TRUE(users.text(u0) && users.text(u1) && users.end());
  EXPECT_EQ(u0, "root");
  EXPECT_EQ(u1, "");  // unknown id: empty
}

// The server shares the postauth process with every other channel: opening
// a FIFO that has no writer (or no reader) must not block it.
TEST_F(SftpServerTest, FifoOpenDoesNotBlock) {
  start();
  ASSERT_EQ(mkfifo((dir_ + "/fifo").c_str(), 0600), 0);
  open("fifo", FXF_WRITE, FX_FAILURE);  // no reader: ENXIO, not a wait
  EXPECT_EQ(request(FXP_SETSTAT, [](Writer& w) { w.string("fifo").u32(ATTR_SIZE).u64(0); }).status(),
            FX_FAILURE);
  std::string h = open("fifo", FXF_READ);  // no writer: returns at once
  EXPECT_EQ(request(FXP_READ, [&](Writer& w) { w.string(h).u64(0).u32(10); }).status(), FX_FAILURE);
}

// A path is the client's: it cannot add a line of its own to the log.
TEST_F(SftpServerTest, ControlBytesInPathsAreEscapedInTheLog) {
  start();
  EXPECT_EQ(path_op(FXP_REMOVE, "x\nsession opened for local user root"), FX_NO_SUCH_FILE);
  EXPECT_TRUE(logged("remove name \"x\\012session opened for local user root\""));
  for (const std::string& l : log_) EXPECT_EQ(l.find('\n'), std::string::npos) << l;
}

TEST_F(SftpServerTest, UnknownRequestsAreUnsupported) {
  start();
  EXPECT_EQ(request(77, [](Writer& w) { w.string("x"); }).status(), FX_OP_UNSUPPORTED);
  EXPECT_EQ(ext("nonsense@example.com", [](Writer& w) { w.u32(1); }).status(), FX_OP_UNSUPPORTED);
  EXPECT_FALSE(server_->failed());
}

TEST_F(SftpServerTest, MalformedBodiesGetBadMessage) {
  start();
  EXPECT_EQ(request(FXP_STAT, [](Writer& w) { w.u32(100); }).status(), FX_BAD_MESSAGE);  // truncated
  EXPECT_EQ(request(FXP_STAT, [](Writer& w) { w.string("a").u8(1); }).status(), FX_BAD_MESSAGE);
  EXPECT_FALSE(server_->failed());
}

TEST_F(SftpServerTest, ForgedAndStaleHandlesFail) {
  start();
  write_file("f", "x");
  std::string h = open("f", FXF_READ);
  std::string forged = h;
  forged[7] ^= 1;  // another generation
  EXPECT_EQ(request(FXP_READ, [&](Writer& w) { w.string(forged).u64(0).u32(1); }).status(), FX_FAILURE);
  EXPECT_EQ(request(FXP_FSTAT, [](Writer& w) { w.string(""); }).status(), FX_FAILURE);
  EXPECT_EQ(request(FXP_WRITE, [](Writer& w) { w.string("\xff\xff\xff\xff\0\0\0\1").u64(0).string("x"); }).status(),
            FX_FAILURE);
  EXPECT_EQ(ext("fsync@openssh.com", [](Writer& w) { w.string("123"); }).status(), FX_FAILURE);
  EXPECT_EQ(request(FXP_READDIR, [&](Writer& w) { w.string(h); }).status(), FX_FAILURE);  // not a dir
  EXPECT_EQ(request(FXP_CLOSE, [&](Writer& w) { w.string(h); }).status(), FX_OK);
  // Reopened in the same slot: the old handle still names nothing.
  std::string h2 = open("f", FXF_READ);
  EXPECT_EQ(h2.substr(0, 4), h.substr(0, 4));
  EXPECT_NE(h2, h);
  EXPECT_EQ(request(FXP_READ, [&](Writer& w) { w.string(h).u64(0).u32(1); }).status(), FX_FAILURE);
}

TEST_F(SftpServerTest, HandleLimitAndReleaseOnDestruction) {
  const size_t before = open_fds();
  start();
  write_file("f", "x");
  for (size_t i = 0; i < SftpServer::kMaxHandles; ++i) open("f", FXF_READ);
  EXPECT_EQ(server_->open_handles(), SftpServer::kMaxHandles);
  open("f", FXF_READ, FX_FAILURE);
  EXPECT_EQ(request(FXP_OPENDIR, [](Writer& w) { w.string("."); }).status(), FX_FAILURE);
  EXPECT_GE(open_fds(), before + SftpServer::kMaxHandles);
  server_.reset();
  EXPECT_EQ(open_fds(), before);
  EXPECT_TRUE(logged("forced close \"f\" bytes read 0 written 0"));
  EXPECT_TRUE(logged("session closed for local user tester from [UNKNOWN]"));
}

TEST_F(SftpServerTest, ReadOnlyRefusesEveryWrite) {
  start("internal-sftp -R");
  write_file("f", "x");
  open("f", FXF_WRITE, FX_PERMISSION_DENIED);
  open("new", FXF_READ | FXF_CREAT, FX_PERMISSION_DENIED);
  open("f", FXF_READ | FXF_TRUNC, FX_PERMISSION_DENIED);
  std::string h = open("f", FXF_READ);
  EXPECT_EQ(request(FXP_WRITE, [&](Writer& w) { w.string(h).u64(0).string("y"); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(path_op(FXP_REMOVE, "f"), FX_PERMISSION_DENIED);
  EXPECT_EQ(request(FXP_MKDIR, [](Writer& w) { w.string("d").u32(0); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(path_op(FXP_RMDIR, "."), FX_PERMISSION_DENIED);
  EXPECT_EQ(request(FXP_SETSTAT, [](Writer& w) { w.string("f").u32(ATTR_PERMISSIONS).u32(0777); }).status(),
            FX_PERMISSION_DENIED);
  EXPECT_EQ(request(FXP_FSETSTAT, [&](Writer& w) { w.string(h).u32(ATTR_SIZE).u64(0); }).status(),
            FX_PERMISSION_DENIED);
  EXPECT_EQ(request(FXP_RENAME, [](Writer& w) { w.string("f").string("g"); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(request(FXP_SYMLINK, [](Writer& w) { w.string("f").string("g"); }).status(), FX_PERMISSION_DENIED);
  for (const char* e : {"posix-rename@openssh.com", "hardlink@openssh.com"})
    EXPECT_EQ(ext(e, [](Writer& w) { w.string("f").string("g"); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(ext("lsetstat@openssh.com", [](Writer& w) { w.string("f").u32(0); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(ext("fsync@openssh.com", [&](Writer& w) { w.string(h); }).status(), FX_PERMISSION_DENIED);
  EXPECT_EQ(ext("copy-data", [&](Writer& w) { w.string(h).u64(0).u64(0).string(h).u64(0); }).status(),
            FX_PERMISSION_DENIED);
  EXPECT_EQ(read_file("f"), "x");
  EXPECT_FALSE(fs::exists(dir_ + "/g"));
  EXPECT_FALSE(fs::exists(dir_ + "/new"));
  EXPECT_EQ(path_op(FXP_STAT, "f"), FX_OK);  // reading still works
}

TEST_F(SftpServerTest, DenyAndAllowLists) {
  start("internal-sftp -P remove,opendir");
  write_file("f", "x");
  EXPECT_EQ(path_op(FXP_REMOVE, "f"), FX_PERMISSION_DENIED);
  EXPECT_EQ(path_op(FXP_OPENDIR, "."), FX_PERMISSION_DENIED);
  EXPECT_TRUE(fs::exists(dir_ + "/f"));
  EXPECT_EQ(path_op(FXP_STAT, "f"), FX_OK);
  server_.reset();
  start("internal-sftp -p stat,realpath");
  EXPECT_EQ(path_op(FXP_STAT, "f"), FX_OK);
  EXPECT_EQ(path_op(FXP_LSTAT, "f"), FX_PERMISSION_DENIED);
  EXPECT_EQ(path_op(FXP_REMOVE, "f"), FX_PERMISSION_DENIED);
  EXPECT_EQ(ext("limits@openssh.com").status(), FX_PERMISSION_DENIED);
}

TEST_F(SftpServerTest, StartDirAndUmask) {
  fs::create_directory(dir_ + "/start");
  start("internal-sftp -d %d/start -u 077");
  Reply rp = request(FXP_REALPATH, [](Writer& w) { w.string("."); });
  EXPECT_EQ(names(rp), (std::vector<std::string>{fs::canonical(dir_).string() + "/start"}));
  std::string h = open("made", FXF_WRITE | FXF_CREAT);
  struct stat st {};
  ASSERT_EQ(stat((dir_ + "/start/made").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The process umask is untouched outside the create.
  mode_t now = umask(022);
  umask(now);
  EXPECT_NE(now, 077u);
}

TEST_F(SftpServerTest, ProtocolErrorsFailTheSession) {
  start("internal-sftp", false);
  // A request before INIT.
  send_raw(FXP_STAT, 1, [](Writer& w) { w.string("."); });
  EXPECT_TRUE(server_->failed());
  server_.reset();
  start();
  Writer big;
  big.u32(kMaxPacket + 1);
  server_->input(big.bytes());
  EXPECT_TRUE(server_->failed());
  EXPECT_FALSE(server_->wants_input());
  server_.reset();
  start();
  send_raw(FXP_INIT, 3, {});  // a second INIT
  EXPECT_TRUE(server_->failed());
  server_.reset();
  start();
  std::vector<uint8_t> tiny = {0, 0, 0, 2, FXP_STAT, 0};  // too short for an id
  server_->input(tiny);
  EXPECT_TRUE(server_->failed());
}

TEST_F(SftpServerTest, OutputBoundPausesServing) {
  start();
  write_file("big", std::string(kMaxRead, 'b'));
  std::string h = open("big", FXF_READ);
  Writer all;
  for (uint32_t i = 0; i < 40; ++i) {  // 40 x 256 KiB = 10 MiB asked for at once
    Writer b;
    b.u8(FXP_READ).u32(i).string(h).u64(0).u32(kMaxRead);
    all.u32(static_cast<uint32_t>(b.size())).raw(b.bytes());
  }
  server_->input(all.bytes());
  EXPECT_LE(server_->output().size(), SftpServer::kOutputBound + kMaxRead + kDataHeader);
  EXPECT_FALSE(server_->wants_input());
  // Draining and resuming answers every request, in order.
  size_t replies = 0;
  for (int round = 0; round < 100 && replies < 40; ++round) {
    while (server_->output().size() > 0 || !pending_.empty()) {
      Reply r = next();
      EXPECT_EQ(r.id, replies);
      ++replies;
    }
    server_->input({});
  }
  EXPECT_EQ(replies, 40u);
  EXPECT_TRUE(server_->wants_input());
}
