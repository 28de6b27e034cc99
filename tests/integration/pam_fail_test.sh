#!/bin/bash
# With UsePAM yes every PAM step that fails must keep the user out: no
# command runs (it would create a file in $RAN), the log says why, and no
# process of the user is left. Each case has a control first: the same login
# works with the service or helper that does not fail.
#   - the test module (BINDIR/../lib/pam_lpsshd_test.so) failing
#     pam_open_session, failing pam_setcred, and answering
#     PAM_NEW_AUTHTOK_REQD in the account stack, for the password method and
#     for the account check after publickey
#   - the PAM helper dying or sending a malformed message at each request
#     (lpsshd-pam-hooked, a test-only build of the helper, installed as
#     lpsshd-pam in a private bin directory)
#   - the helper's user child failing to exec lpsshd-postauth: the helper
#     must report that, not a pid that is about to exit
# Needs root, sshpass. Usage: pam_fail_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init
command -v sshpass >/dev/null || fail "sshpass not installed"
REAL_BINDIR=$BINDIR
for b in lpsshd-pam lpsshd-pam-hooked; do
  [ -x "$BINDIR/$b" ] || fail "$BINDIR/$b missing; build it first"
done
MOD=$(cd "$BINDIR/../lib" 2>/dev/null && pwd)/pam_lpsshd_test.so
[ -f "$MOD" ] || fail "test PAM module $MOD missing; build the pam_lpsshd_test target"

U=lpt_pamf1
PW='Lpt-pamf1-Qw7e'
add_user "$U"
echo "$U:$PW" | chpasswd || fail "chpasswd"
UID_U=$(id -u "$U")
RAN=$TMP/ran
mkdir -p "$RAN" && chmod 1777 "$RAN"

SVC=lpsshd-pamf-$$
pam_service "$SVC-ok" \
  "auth     required pam_unix.so" \
  "account  required pam_permit.so" \
  "session  required pam_permit.so"
pam_service "$SVC-open" \
  "auth     required pam_unix.so" \
  "account  required pam_permit.so" \
  "session  required $MOD open_fail"
pam_service "$SVC-cred" \
  "auth     required pam_unix.so" \
  "auth     required $MOD setcred_fail" \
  "account  required pam_permit.so" \
  "session  required pam_permit.so"
MARK=$TMP/acct.mark
pam_service "$SVC-authtok" \
  "auth     required pam_unix.so" \
  "account  required $MOD expired $MARK" \
  "session  required pam_permit.so"

# tries NAME METHOD: one login by METHOD (key or password) whose command
# would create $RAN/NAME; output in $TMP/NAME.out, exit status in RC.
tries() {
  local cmd="touch $RAN/$1 && echo ran-$1"
  if [ "$2" == key ]; then ssh_to "$U" "$cmd" >"$TMP/$1.out" 2>&1
  else pw_ssh "$PW" "$U" "$cmd" >"$TMP/$1.out" 2>&1; fi
  RC=$?
}
user_idle() { lpt_uid_idle "$UID_U"; }
# works NAME METHOD: the control, the login runs its command.
works() {
  tries "$1" "$2"
  expect_eq "control $1 ($2): the command runs" "ran-$1/0" "$(tr -d '\r' <"$TMP/$1.out")/$RC"
}
# refused NAME METHOD MARK ERE: the login fails closed; the log since MARK
# has a line matching ERE.
refused() {
  tries "$1" "$2"
  expect_eq "$1 ($2): refused (ssh exits 255)" 255 "$RC"
  if [ -e "$RAN/$1" ]; then not_ok "$1: no command ran" "$RAN/$1 exists"
  else ok "$1: no command ran"; fi
  if wait_log "$3" "$4"; then ok "$1: log says /$4/"
  else not_ok "$1: log says /$4/" "log: $(lpt_show "$(log_since "$3")")"; fi
  if wait_for 5 user_idle; then ok "$1: no process of $U left"
  else not_ok "$1: no process of $U left" "$(ps -o pid=,args= -u "$UID_U")"; fi
}

# ---------------------------------------------------------------- the test module's failures
start_daemon "UsePAM yes" "PasswordAuthentication yes" "PAMServiceName $SVC-ok"
works ok_key key
works ok_pw password
stop_daemon

start_daemon "UsePAM yes" "PAMServiceName $SVC-open"
m=$(log_mark)
refused open_fail key "$m" "pam_open_session failed"
stop_daemon

start_daemon "UsePAM yes" "PAMServiceName $SVC-cred"
m=$(log_mark)
refused setcred_fail key "$m" "could not start the session process for $U"
stop_daemon

start_daemon "UsePAM yes" "PasswordAuthentication yes" "PAMServiceName $SVC-authtok"
: >"$MARK"
m=$(log_mark)
refused authtok_key key "$m" "PAM account checks refused $U "
m=$(log_mark)
refused authtok_pw password "$m" "Failed password for $U "
expect_eq "PAM_NEW_AUTHTOK_REQD: the account stack ran for both logins" \
  "acct $U|acct $U" "$(paste -sd'|' "$MARK")"
stop_daemon

# ---------------------------------------------------------------- the helper dying or talking nonsense
PBIN=$TMP/bin-pam-hooked
mkdir -p "$PBIN"
for b in lpsshd lpsshd-monitor lpsshd-preauth lpsshd-postauth; do
  cp "$REAL_BINDIR/$b" "$PBIN/$b" || fail "cp $b"
done
cp "$REAL_BINDIR/lpsshd-pam-hooked" "$PBIN/lpsshd-pam" || fail "cp lpsshd-pam-hooked"
chmod 755 "$PBIN" "$PBIN"/*
BINDIR=$PBIN
start_daemon "UsePAM yes" "PasswordAuthentication yes" "PAMServiceName $SVC-ok"
works hooked_key key
works hooked_pw password
# hook NAME ACTION REQUEST METHOD ERE: the helper misbehaves (pam/test_hook.cpp).
hook() {
  echo "$2 $3" >"$PBIN/pam-hook"
  local m
  m=$(log_mark)
  refused "$1" "$4" "$m" "$5"
  rm -f "$PBIN/pam-hook"
}
GONE="PAM: the PAM helper is gone mid-request"
BAD="PAM: malformed message from the PAM helper"
hook die_auth die auth password "$GONE"
hook garbage_auth garbage auth password "$BAD"
hook die_acct die acct key "$GONE"
hook garbage_acct garbage acct key "$BAD"
hook die_open die open key "$GONE"
hook garbage_open garbage open key "$BAD"
hook die_spawn die spawn key "$GONE"
hook garbage_spawn garbage spawn key "$BAD"
hook die_after_spawn die-after spawn key "$GONE"
works hooked_key_after key
stop_daemon

# ---------------------------------------------------------------- lpsshd-postauth cannot be exec'd
# A regular file without x bits (made so after the listener checked its
# helpers at start-up): the monitor still names it, execve fails with EACCES
# in the helper's child (after initgroups and pam_setcred).
start_daemon "UsePAM yes" "PAMServiceName $SVC-ok"
chmod 644 "$PBIN/lpsshd-postauth"
m=$(log_mark)
refused exec_fails key "$m" "could not start the session process for $U: Permission denied"
expect_match "exec fails: the monitor gives up on the session" \
  "could not start session process for $U" "$(log_since "$m")"
stop_daemon

finish
