// The hooks of lpsshd-pam-hooked. The misbehaviour is read, at each request,
// from the file "pam-hook" next to the executable, so one daemon can be
// driven through every case: a line "ACTION REQUEST", where ACTION is
//   die         exit at once, before serving REQUEST
//   garbage     answer REQUEST with a truncated kResult and go on
//   die-after   serve REQUEST, then exit before answering
// and REQUEST is start, auth, acct, open or spawn. No file: no misbehaviour.
#include "pam/test_hook.h"

#include <limits.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "proc/fd_passing.h"

namespace lpsshd::pamhook {

namespace {
const char* request_name(pamproto::Type t) {
  switch (t) {
    case pamproto::Type::kStart: return "start";
    case pamproto::Type::kAuthenticate: return "auth";
    case pamproto::Type::kAcctMgmt: return "acct";
    case pamproto::Type::kOpenSession: return "open";
    case pamproto::Type::kSpawnUser: return "spawn";
    default: return "";
  }
}

// The action for this request, or "".
std::string action_for(pamproto::Type t) {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return "";
  std::string path(self, static_cast<size_t>(n));
  path.resize(path.rfind('/') + 1);
  path += "pam-hook";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return "";
  char action[32] = "", request[32] = "";
  const int got = std::fscanf(f, "%31s %31s", action, request);
  std::fclose(f);
  if (got != 2 || std::strcmp(request, request_name(t)) != 0) return "";
  return action;
}
}  // namespace

bool before(pamproto::Type type, int monitor_fd) {
  const std::string a = action_for(type);
  if (a == "die") _exit(9);
  if (a == "garbage") {
    // A result whose first field (a uint32 code) is cut short.
    const std::vector<uint8_t> bad = {static_cast<uint8_t>(pamproto::Type::kResult), 0, 0};
    proc::send_datagram(monitor_fd, bad);
    return false;
  }
  return true;
}

void after(pamproto::Type type) {
  if (action_for(type) == "die-after") _exit(9);
}

}  // namespace lpsshd::pamhook
