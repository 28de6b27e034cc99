// Landlock for the preauth child: a ruleset that handles every access right
// the running kernel's Landlock ABI knows (files, TCP bind/connect, abstract
// UNIX sockets and signals) and grants none of them. The ABI differs between
// kernels (Debian 12's 6.1 offers 2; newer kernels 7), so the ruleset is
// built from the ABI the kernel reports, and a kernel without Landlock is
// not an error: the other layers still hold.
#pragma once

#include <cstdint>
#include <string>

namespace lpsshd::preauth {

struct LandlockRights {
  uint64_t fs = 0, net = 0, scoped = 0;
  size_t attr_size = 0;  // how much of the ruleset attribute this ABI reads
};

// The rights to handle (deny) at a given ABI version. Pure, for tests.
LandlockRights landlock_rights_for_abi(int abi);

// The kernel's ABI version, 0 when Landlock is unavailable or disabled.
int landlock_abi();

// The ABI apply_landlock_deny_all(max_abi) will use: the kernel's, capped
// by max_abi and by the newest ABI this code knows. 0: none.
int landlock_abi_to_apply(int max_abi);

// File rights by the kernel's numbering (uapi landlock.h), for rules that
// grant some of them beneath a directory.
namespace landlock_fs {
inline constexpr uint64_t kExecute = 1ull << 0, kWriteFile = 1ull << 1, kReadFile = 1ull << 2,
                          kReadDir = 1ull << 3, kRemoveDir = 1ull << 4, kRemoveFile = 1ull << 5,
                          kMakeChar = 1ull << 6, kMakeDir = 1ull << 7, kMakeReg = 1ull << 8,
                          kMakeSock = 1ull << 9, kMakeFifo = 1ull << 10, kMakeBlock = 1ull << 11,
                          kMakeSym = 1ull << 12, kRefer = 1ull << 13, kTruncate = 1ull << 14,
                          kIoctlDev = 1ull << 15;
}  // namespace landlock_fs

// Restricts the calling process like apply_landlock_deny_all, except that
// the file rights in `allowed_fs` (those the ABI knows) are granted beneath
// the directory `dir_fd` (an O_PATH descriptor). Used by the postauth child
// for SftpRoot; the caller has set no_new_privs. Returns the ABI applied,
// 0 when Landlock is unavailable (the caller decides whether that is
// acceptable), or -1 with error set.
int apply_landlock_beneath(int max_abi, int dir_fd, uint64_t allowed_fs, std::string& error);

// Restricts the calling process. max_abi caps the ABI used (tests use it to
// exercise older kernels' behaviour). Returns the ABI applied (0: none) or
// -1 with error set.
int apply_landlock_deny_all(int max_abi, std::string& error);

}  // namespace lpsshd::preauth
