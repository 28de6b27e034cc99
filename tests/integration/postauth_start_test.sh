#!/bin/bash
# The start of the user's postauth child.
# 1. No window in which the user can trace the postauth child: it is exec'd as
# root and drops to the user itself, non-dumpable throughout. A test build
# of lpsshd-postauth (lpsshd-postauth-pausing) stops itself with SIGSTOP at
# its most exposed point, right after its ids became the user's; a tracer
# running as that user must get EPERM there, while the same tracer can
# attach to an ordinary process of the user (positive control). Both with
# and without PAM (the two parents of the postauth child).
# 2. pam_setcred runs in that child before exec: what a module says there
# goes to the log, never onto the client's connection.  Needs root.
# Usage: postauth_start_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lib_init "${1:-}"
REAL_BINDIR=$BINDIR
[ -x "$BINDIR/lpsshd-postauth-pausing" ] || fail "$BINDIR/lpsshd-postauth-pausing missing; build it first"
command -v setpriv >/dev/null || fail "setpriv (util-linux) not installed"

U=lpt_ptrace1
add_user "$U"
U_UID=$(id -u "$U")
U_GID=$(id -g "$U")
PROBE=$TMP/ptrace_probe.py
install -m 755 "$HERE/ptrace_probe.py" "$PROBE"
as_user() { setpriv --reuid="$U_UID" --regid="$U_GID" --init-groups "$@"; }

PBIN=$TMP/bin-pausing
mkdir -p "$PBIN"
for b in lpsshd lpsshd-monitor lpsshd-preauth lpsshd-pam; do cp "$REAL_BINDIR/$b" "$PBIN/$b"; done
cp "$REAL_BINDIR/lpsshd-postauth-pausing" "$PBIN/lpsshd-postauth"
chmod 755 "$PBIN" "$PBIN"/*

stopped_postauth() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" == "$PBIN/lpsshd-postauth" ] || continue
    grep -q '^State:[[:space:]]*T' "$p/status" 2>/dev/null && echo "${p#/proc/}"
  done
}
have_stopped() { [ -n "$(stopped_postauth)" ]; }
runs_sleep() { [ "$(exe_name "$1")" == sleep ]; }

# try_mode NAME CONFIG...: one login through the pausing postauth.
try_mode() {
  local name=$1; shift
  BINDIR=$PBIN start_daemon "$@"
  BINDIR=$REAL_BINDIR
  ssh_bg "$TMP/ssh.$name.out" "$U" 'echo resumed'
  local bg=$BG_PID pid
  if ! wait_for 20 have_stopped; then
    not_ok "$name: the pausing postauth child stopped after its drop" "$(cat "$TMP/ssh.$name.out")"
    stop_daemon; return
  fi
  pid=$(stopped_postauth | head -n 1)
  expect_eq "$name: at the pause the child already runs as the user (real, effective, saved uid)" \
    "$U_UID $U_UID $U_UID $U_UID" "$(status_field "$pid" Uid | xargs)"
  expect_eq "$name: ... and is not dumpable (its /proc files belong to root)" "0" \
    "$(stat -c %u "/proc/$pid/status")"
  expect_eq "$name: a tracer running as the user gets EPERM" "ERRNO EPERM" "$(as_user "$PY" "$PROBE" "$pid")"
  # Positive control: the same tracer, the same user, an ordinary process.
  # (setpriv directly: `as_user ... &` would give the pid of a root subshell)
  setpriv --reuid="$U_UID" --regid="$U_GID" --init-groups sleep 30 & local ctl=$!
  track_bg "$ctl"
  # Once it runs sleep (not while setpriv is still changing ids).
  wait_for 5 runs_sleep "$ctl"
  expect_eq "$name: positive control: the tracer attaches to the user's own sleep" "ATTACHED" \
    "$(as_user "$PY" "$PROBE" "$ctl")"
  kill "$ctl" 2>/dev/null
  kill -CONT "$pid"
  wait_for 20 pid_gone "$bg"
  expect_eq "$name: resumed, the login completes" "resumed" "$(cat "$TMP/ssh.$name.out")"
  stop_daemon
}

try_mode without-pam "UsePAM no"
try_mode with-pam "UsePAM yes"

# ---------------------------------------------------------------- pam_setcred
MOD=$(cd "$BINDIR/../lib" 2>/dev/null && pwd)/pam_lpsshd_test.so
[ -f "$MOD" ] || fail "test PAM module $MOD missing; build the pam_lpsshd_test target"
SVC=lpsshd-start-$$
pam_service "$SVC" \
  "auth     optional $MOD say" \
  "account  required pam_permit.so" \
  "session  required pam_permit.so"
start_daemon "UsePAM yes" "PAMServiceName $SVC"
m=$(log_mark)
out=$(ssh_to "$U" 'echo after-setcred' 2>"$TMP/err"); rc=$?
expect_eq "pam_setcred speaks: the login is unharmed" "after-setcred/0" "$out/$rc"
expect_eq "pam_setcred speaks: nothing reaches the client" "" "$(cat "$TMP/err")"
wait_log "$m" "pam_setcred"
expect_match "pam_setcred speaks: the message is in the log" \
  "PAM message during pam_setcred for $U: lpsshd test: pam_setcred speaks" "$(log_since "$m")"
stop_daemon
finish
