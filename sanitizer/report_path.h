// Where the sanitizer reports of a user-side daemon process go, in an
// LPSSHD_SANITIZE build (CMakeLists.txt defines LPSSHD_SANITIZER_REPORT_DIR
// for lpsshd-postauth there; in every other build this is a no-op).
//
// The postauth child's stderr is /dev/null, so without this a report would
// be lost and only "postauth child ... killed by signal 6" would be seen.
// Its reports go to LPSSHD_SANITIZER_REPORT_DIR/NAME.PID instead, a
// directory the test harness creates (root's, mode 1733: anyone may create a
// file, nobody may list, rename or remove another's; tests/integration/
// lib.sh) and reads after each test.
//
// Call it only once the process runs as the user, never before: the
// directory is writable by every user, and the sanitizer opens the file
// without O_NOFOLLOW or O_EXCL, so a root process writing there could be
// made to write through a user's planted symlink. Reports from before the
// call (while still root) go to stderr as before.
#pragma once

#ifdef LPSSHD_SANITIZER_REPORT_DIR
#include <sanitizer/common_interface_defs.h>
#endif

namespace lpsshd::sanitizer {

inline void report_to_user_dir() {
#ifdef LPSSHD_SANITIZER_REPORT_DIR
  __sanitizer_set_report_path(LPSSHD_SANITIZER_REPORT_DIR "/" LPSSHD_SANITIZER_REPORT_NAME);
#endif
}

}  // namespace lpsshd::sanitizer
