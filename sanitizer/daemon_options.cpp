// Sanitizer settings compiled into the daemon binaries of an LPSSHD_SANITIZE
// build (CMakeLists.txt links this file into them only). They cannot come
// from ASAN_OPTIONS: proc::spawn starts every helper with an empty
// environment, so a variable set for the listener never reaches a monitor.
//
// What the integration tests rely on:
// - Every report is fatal and ends in SIGABRT (abort_on_error), never in an
//   exit code: a monitor that exited 1 after a report would look like one
//   that refused a bad configuration, while the listener logs every monitor
//   killed by a signal ("monitor for [ADDR]:PORT ... killed by signal 6"),
//   and the monitor logs its children's ("postauth child ... killed by
//   signal 6").
// - The report text goes to the process's stderr: for the listener, the
//   monitors and the PAM helper that is the daemon's log under -e, where the
//   tests grep for "AddressSanitizer" and "runtime error:". The preauth and
//   postauth children have /dev/null there. The postauth child, once it is
//   the user, writes its reports to a file the tests read and print instead
//   (sanitizer/report_path.h). The preauth child's show as a seccomp kill
//   (its allow-list has no write(2), so the report's first write ends it
//   with SIGSYS).
// - No leak check at exit: LeakSanitizer stops the world with ptrace from a
//   clone, which the preauth sandbox forbids (no new processes, seccomp) and
//   a non-dumpable postauth child as the user cannot do either; leaks are
//   the unit tests' business (ctest -L unit in the same build checks them).

extern "C" {

__attribute__((used, visibility("default"))) const char* __asan_default_options() {
  return "abort_on_error=1:halt_on_error=1:detect_leaks=0:disable_coredump=1";
}

__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  return "abort_on_error=1:halt_on_error=1:print_stacktrace=1";
}

}  // extern "C"
