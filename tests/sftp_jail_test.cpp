// SftpRoot's promise, tested as the attacker would: a forked child enters
// the Landlock jail exactly as lpsshd-postauth does (enter_sftp_jail), runs
// the in-process SFTP server there, and sends the requests a jailed user
// would try; the parent (unconfined) then looks at what changed. Landlock
// has no right for chmod, chown or utimes, so the jail alone does not keep
// metadata changes inside the root: these tests hold the server to it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "postauth/sftp_jail.h"
#include "postauth/sftp_server.h"
#include "preauth/landlock.h"

using namespace lpsshd::postauth;
using namespace lpsshd::postauth::sftp;
using lpsshd::monproto::Grant;
using lpsshd::wire::Reader;
using lpsshd::wire::Writer;
namespace fs = std::filesystem;

namespace {

// Runs `requests` (each a packet body after the type byte and id) inside
// the jail at root in `mode`; returns the status codes (or the reply type
// for non-status replies, + 1000) one per line.
std::string run_jailed(const std::string& root, Grant::SftpJail mode,
                       const std::vector<std::pair<uint8_t, std::function<void(Writer&)>>>& requests) {
  int p[2];
  if (pipe(p) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    std::string why;
    if (!enter_sftp_jail(root, mode, why)) _exit(90);
    std::string err;
    auto o = parse_internal_sftp_args("internal-sftp -d " + root, err);
    if (!o) _exit(91);
    // As the session sets them from the grant (postauth/session.cpp).
    o->jail_root = root;
    o->upload_only = mode == Grant::SftpJail::kUploadOnly;
    o->read_only = mode == Grant::SftpJail::kReadOnly;
    SftpIdentity who{"tester", getuid(), getgid(), root, "test"};
    SftpServer server(*o, who, [](std::string) {});
    auto send = [&](uint8_t type, uint32_t id, const std::function<void(Writer&)>& rest) {
      Writer b;
      b.u8(type);
      if (type != FXP_INIT) b.u32(id);
      else b.u32(3);
      if (rest) rest(b);
      Writer pk;
      pk.u32(static_cast<uint32_t>(b.size())).raw(b.bytes());
      server.input(pk.bytes());
    };
    send(FXP_INIT, 0, {});
    uint32_t id = 0;
    for (const auto& [type, rest] : requests) send(type, ++id, rest);
    std::vector<uint8_t> all;
    auto& q = server.output();
    while (!q.empty()) {
      auto f = q.front();
      all.insert(all.end(), f.begin(), f.end());
      q.consume(f.size());
    }
    std::string out;
    Reader r(all);
    uint32_t len = 0;
    bool first = true;
    while (r.u32(len)) {
      lpsshd::wire::Bytes body;
      if (!r.raw(body, len)) break;
      Reader b(body);
      uint8_t type = 0;
      uint32_t rid = 0, code = 0;
      b.u8(type);
      if (first) { first = false; continue; }  // VERSION
      b.u32(rid);
      if (type == FXP_STATUS && b.u32(code)) out += std::to_string(code) + "\n";
      else out += std::to_string(1000 + type) + "\n";
    }
    (void)!write(p[1], out.data(), out.size());
    _exit(0);
  }
  close(p[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(p[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return "child failed " + std::to_string(st);
  return out;
}

class SftpJailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (lpsshd::preauth::landlock_abi() < 3) GTEST_SKIP() << "needs Landlock ABI 3";
    char tmpl[] = "/tmp/sftp_jail_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    root_ = dir_ + "/jail";
    outside_ = dir_ + "/outside.txt";
    fs::create_directory(root_);
    std::ofstream(outside_) << "not the jailed user's to touch";
    std::ofstream(root_ + "/inside.txt") << "precious upload";
    chmod(outside_.c_str(), 0600);
    chmod((root_ + "/inside.txt").c_str(), 0600);
    struct stat st{};
    stat(outside_.c_str(), &st);
    outside_mtime_ = st.st_mtime;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  mode_t mode_of(const std::string& p) {
    struct stat st{};
    lstat(p.c_str(), &st);
    return st.st_mode & 07777;
  }
  std::string dir_, root_, outside_;
  time_t outside_mtime_ = 0;
};

std::function<void(Writer&)> setstat_mode(const std::string& path, uint32_t mode) {
  return [path, mode](Writer& w) { w.string(path).u32(ATTR_PERMISSIONS).u32(mode); };
}
std::function<void(Writer&)> setstat_times(const std::string& path, uint32_t t) {
  return [path, t](Writer& w) { w.string(path).u32(ATTR_ACMODTIME).u32(t).u32(t); };
}

// The jail is beneath root: a path outside it must not have its mode or
// times changed, by absolute path, by "..", or through a symlink made
// inside the jail.
TEST_F(SftpJailTest, MetadataOutsideTheRootIsNotChanged) {
  for (auto mode : {Grant::SftpJail::kReadWrite, Grant::SftpJail::kUploadOnly}) {
    const std::string out = run_jailed(
        root_, mode,
        {{FXP_SETSTAT, setstat_mode(outside_, 0666)},
         {FXP_SETSTAT, setstat_mode("../outside.txt", 0644)},
         {FXP_SETSTAT, setstat_times(outside_, 1000)},
         {FXP_SYMLINK, [&](Writer& w) { w.string(outside_).string(root_ + "/link"); }},
         {FXP_SETSTAT, setstat_mode(root_ + "/link", 0664)},
         {FXP_SETSTAT, setstat_mode(dir_, 0777)}});
    EXPECT_EQ(mode_of(outside_), 0600u) << "statuses:\n" << out;
    EXPECT_NE(mode_of(dir_), 0777u) << "statuses:\n" << out;
    struct stat st{};
    stat(outside_.c_str(), &st);
    EXPECT_EQ(st.st_mtime, outside_mtime_) << "statuses:\n" << out;
    fs::remove(root_ + "/link");
  }
}

// Inside the root, read-write still changes modes (the positive control
// for the test above).
TEST_F(SftpJailTest, MetadataInsideTheRootChangesInReadWrite) {
  const std::string out = run_jailed(root_, Grant::SftpJail::kReadWrite,
                                     {{FXP_SETSTAT, setstat_mode(root_ + "/inside.txt", 0640)},
                                      {FXP_SETSTAT, setstat_mode("inside.txt", 0644)}});
  EXPECT_EQ(out, "0\n0\n");
  EXPECT_EQ(mode_of(root_ + "/inside.txt"), 0644u);
}

// upload-only: "nothing can be read back or removed". Truncating a file
// that is already there removes its content.
TEST_F(SftpJailTest, UploadOnlyDoesNotTruncateWhatIsThere) {
  const std::string out = run_jailed(
      root_, Grant::SftpJail::kUploadOnly,
      {{FXP_SETSTAT, [&](Writer& w) { w.string(root_ + "/inside.txt").u32(ATTR_SIZE).u64(0); }},
       {FXP_OPEN, [&](Writer& w) { w.string(root_ + "/inside.txt").u32(FXF_WRITE | FXF_TRUNC).u32(0); }},
       {FXP_OPEN, [&](Writer& w) { w.string(root_ + "/inside.txt").u32(FXF_READ).u32(0); }},
       {FXP_OPEN, [&](Writer& w) { w.string(root_ + "/new.txt").u32(FXF_WRITE | FXF_CREAT | FXF_EXCL).u32(0); }},
       {FXP_SETSTAT, setstat_mode("new.txt", 0640)}});
  std::stringstream s;
  s << std::ifstream(root_ + "/inside.txt").rdbuf();
  EXPECT_EQ(s.str(), "precious upload") << "statuses:\n" << out;
  EXPECT_TRUE(fs::exists(root_ + "/new.txt")) << "statuses:\n" << out;  // uploads still work
  EXPECT_EQ(mode_of(root_ + "/new.txt"), 0640u) << "statuses:\n" << out;  // and scp -p's modes
}

}  // namespace

// What Landlock has no right for either: stat, lstat, readlink, realpath
// and statvfs of things outside the root answer "permission denied" (3),
// never with what is there; inside the root they work (the control).
TEST_F(SftpJailTest, NothingOutsideTheRootCanBeLookedAt) {
  const auto path = [](const std::string& p) { return [p](Writer& w) { w.string(p); }; };
  const std::string out = run_jailed(
      root_, Grant::SftpJail::kReadOnly,
      {{FXP_STAT, path(outside_)},
       {FXP_LSTAT, path("../outside.txt")},
       {FXP_STAT, path(root_ + "/../outside.txt")},
       {FXP_REALPATH, path("..")},
       {FXP_REALPATH, path("/etc")},
       {FXP_REALPATH, path(root_ + "/../nonexistent")},
       {FXP_EXTENDED, [&](Writer& w) { w.string("statvfs@openssh.com").string("/"); }},
       {FXP_READLINK, path("/proc/self/exe")},
       // Controls inside the root.
       {FXP_STAT, path(root_ + "/inside.txt")},
       {FXP_LSTAT, path("inside.txt")},
       {FXP_REALPATH, path(".")},
       {FXP_REALPATH, path("new-name")},
       {FXP_EXTENDED, [&](Writer& w) { w.string("statvfs@openssh.com").string("."); }}});
  // STATUS 3 is SSH_FX_PERMISSION_DENIED; 1105 ATTRS, 1104 NAME, 1201 EXTENDED_REPLY.
  EXPECT_EQ(out, "3\n3\n3\n3\n3\n3\n3\n3\n1105\n1105\n1104\n1104\n1201\n");
}
