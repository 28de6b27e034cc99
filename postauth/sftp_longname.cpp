#include "postauth/sftp_longname.h"

#include <algorithm>
#include <cstdio>

namespace lpsshd::postauth::sftp {

std::string mode_string(mode_t m) {
  std::string s(11, '-');
  switch (m & S_IFMT) {
    case S_IFDIR: s[0] = 'd'; break;
    case S_IFCHR: s[0] = 'c'; break;
    case S_IFBLK: s[0] = 'b'; break;
    case S_IFLNK: s[0] = 'l'; break;
    case S_IFSOCK: s[0] = 's'; break;
    case S_IFIFO: s[0] = 'p'; break;
    case S_IFREG: s[0] = '-'; break;
    default: s[0] = '?'; break;
  }
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i)
    if (m & (0400 >> i)) s[1 + i] = rwx[i];
  // setuid, setgid, sticky replace the execute letters.
  if (m & S_ISUID) s[3] = (m & S_IXUSR) ? 's' : 'S';
  if (m & S_ISGID) s[6] = (m & S_IXGRP) ? 's' : 'S';
  if (m & S_ISVTX) s[9] = (m & S_IXOTH) ? 't' : 'T';
  s[10] = ' ';
  return s;
}

std::string longname(std::string_view name, const struct stat& st, std::string_view user,
                     std::string_view group, time_t now) {
  char when[32] = "";
  struct tm tm {};
  if (localtime_r(&st.st_mtime, &tm) != nullptr) {
    // Within the last six months: the time of day; otherwise the year.
    const bool recent = now - (365 * 24 * 60 * 60) / 2 < st.st_mtime && now >= st.st_mtime;
    strftime(when, sizeof when, recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
  }
  const int ulen = static_cast<int>(std::max<size_t>(user.size(), 8));
  const int glen = static_cast<int>(std::max<size_t>(group.size(), 8));
  char head[512];
  snprintf(head, sizeof head, "%s %3u %-*.*s %-*.*s %8llu %s ", mode_string(st.st_mode).c_str(),
           static_cast<unsigned>(st.st_nlink), ulen, static_cast<int>(user.size()), user.data(),
           glen, static_cast<int>(group.size()), group.data(),
           static_cast<unsigned long long>(st.st_size), when);
  std::string out(head);
  out.append(name);
  return out;
}

}  // namespace lpsshd::postauth::sftp
