#include "monitor/login_record.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <lastlog.h>
#include <sys/time.h>
#include <unistd.h>
#include <utmpx.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace lpsshd::monitor {

namespace {
constexpr const char* kLastlog = "/var/log/lastlog";
constexpr const char* kWtmp = "/var/log/wtmp";

// utmp fields are fixed-size and need not be NUL-terminated.
template <size_t N>
void copy_field(char (&dst)[N], const std::string& src) {
  std::memcpy(dst, src.data(), std::min(N, src.size()));
}

// "pts/N" and the utmp id (the line's last four characters, as login does).
void fill_line(utmpx& ut, const std::string& tty) {
  std::string line = tty.starts_with("/dev/") ? tty.substr(5) : tty;
  copy_field(ut.ut_line, line);
  const std::string id = line.size() > sizeof ut.ut_id ? line.substr(line.size() - sizeof ut.ut_id) : line;
  copy_field(ut.ut_id, id);
}

void write_entry(const utmpx& ut) {
  setutxent();
  pututxline(&ut);
  endutxent();
  updwtmpx(kWtmp, &ut);
}
}  // namespace

std::string last_login_line(uid_t uid) {
  const int fd = open(kLastlog, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return "";
  struct lastlog ll {};
  const ssize_t n = pread(fd, &ll, sizeof ll, static_cast<off_t>(uid) * sizeof ll);
  close(fd);
  if (n != sizeof ll || ll.ll_time == 0) return "";
  const time_t t = ll.ll_time;
  char when[64];
  struct tm tm;
  strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", localtime_r(&t, &tm));
  std::string host(ll.ll_host, strnlen(ll.ll_host, sizeof ll.ll_host));
  std::string line = std::string("Last login: ") + when;
  if (!host.empty()) line += " from " + host;
  return line;
}

void record_login(const LoginRecord& r) {
  utmpx ut{};
  ut.ut_type = USER_PROCESS;
  ut.ut_pid = r.pid;
  fill_line(ut, r.tty);
  copy_field(ut.ut_user, r.user);
  copy_field(ut.ut_host, r.host);
  if (inet_pton(AF_INET, r.host.c_str(), ut.ut_addr_v6) != 1)
    inet_pton(AF_INET6, r.host.c_str(), ut.ut_addr_v6);
  timeval tv;
  gettimeofday(&tv, nullptr);
  ut.ut_tv.tv_sec = static_cast<int32_t>(tv.tv_sec);
  ut.ut_tv.tv_usec = static_cast<int32_t>(tv.tv_usec);
  write_entry(ut);

  const int fd = open(kLastlog, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd >= 0) {
    struct lastlog ll {};
    ll.ll_time = static_cast<int32_t>(tv.tv_sec);
    copy_field(ll.ll_line, std::string(ut.ut_line, strnlen(ut.ut_line, sizeof ut.ut_line)));
    copy_field(ll.ll_host, r.host);
    if (pwrite(fd, &ll, sizeof ll, static_cast<off_t>(r.uid) * sizeof ll) != sizeof ll) {
      // lastlog is informational; a full disk must not stop the login.
    }
    close(fd);
  }
}

void record_logout(const LoginRecord& r) {
  utmpx ut{};
  ut.ut_type = DEAD_PROCESS;
  ut.ut_pid = r.pid;
  fill_line(ut, r.tty);
  timeval tv;
  gettimeofday(&tv, nullptr);
  ut.ut_tv.tv_sec = static_cast<int32_t>(tv.tv_sec);
  ut.ut_tv.tv_usec = static_cast<int32_t>(tv.tv_usec);
  write_entry(ut);
}

}  // namespace lpsshd::monitor
