#!/bin/bash
# What a login may do is what the admin wrote: authorized_keys options and
# sshd_config's ForceCommand / PermitTTY / PermitUserEnvironment /
# PermitRootLogin forced-commands-only, tried with the real ssh client,
# each refusal next to its positive control.  Needs root.
# Usage: grants_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"

U=lpt_grant1
add_user "$U"
UHOME=$(home_of "$U")
AK=$UHOME/.ssh/authorized_keys
PUB=$(cut -d' ' -f1,2 "$(key_of "$U").pub")
# set_key OPTIONS: U's only authorized_keys line is OPTIONS + U's key.
set_key() { printf '%s %s\n' "$1" "$PUB" >"$AK"; }

# A root-owned directory outside /tmp (StrictModes checks every directory
# up to / for files outside the home directory) for root's key.
KEYDIR=/run/lpsshd-grants.$$
install -d -m 755 "$KEYDIR"
trap 'rm -rf "$KEYDIR"; lib_cleanup' EXIT
ROOTKEY=$(new_key rootkey)

start_daemon "AuthorizedKeysFile .ssh/authorized_keys $KEYDIR/%u" \
  "Subsystem lpt-echo /bin/echo subsystem-ran" "PermitRootLogin forced-commands-only"
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

# ---------------------------------------------------------------- PTY
# With -tt the stock client treats a refused PTY as fatal and closes, but
# the command it sent with the request still runs: it writes down what it
# saw.
# tty_seen OPTIONS...: what `tty` printed in a session started with ssh -tt.
tty_seen() {
  rm -f "$UHOME/tty.out" "$UHOME/tty.done"
  ssh_to -tt "$@" "$U" 'tty >tty.out; touch tty.done' >"$TMP/out" 2>&1
  wait_for 5 test -e "$UHOME/tty.done"
  cat "$UHOME/tty.out" 2>/dev/null || echo "(did not run)"
}
set_key "no-pty"
m=$(log_mark)
expect_eq "no-pty: ssh -tt gets no terminal" "not a tty" "$(tty_seen)"
expect_match "no-pty: the client is told the PTY was refused" "PTY allocation request failed" "$(cat "$TMP/out")"
set_key "restrict"
expect_eq "restrict: no terminal" "not a tty" "$(tty_seen)"
set_key "restrict,pty"
expect_match "restrict,pty: a terminal (positive control)" "^/dev/pts/[0-9]+$" "$(tty_seen)"
expect_no_match "restrict,pty: no refusal" "PTY allocation request failed" "$(cat "$TMP/out")"
# The monitor enforces the grant itself: no PTY was handed out for no-pty.
expect_no_match "no-pty: no protocol violation (the postauth child did not ask)" "protocol violation" "$(log_since "$m")"

# ---------------------------------------------------------------- command=
set_key 'command="echo forced:[$SSH_ORIGINAL_COMMAND]"'
out=$(ssh_to "$U" 'echo hi; touch ran-anyway'); rc=$?
expect_eq "command=: runs instead of the client's command, which is in SSH_ORIGINAL_COMMAND" \
  "forced:[echo hi; touch ran-anyway]" "$out"
expect_eq "command=: exit 0" 0 "$rc"
check "command=: the client's command did not run" test ! -e "$UHOME/ran-anyway"
out=$(ssh_to -T "$U" </dev/null)
expect_eq "command=: a shell request runs the forced command, no SSH_ORIGINAL_COMMAND" "forced:[]" "$out"
out=$(ssh_to -s "$U" lpt-echo </dev/null)
expect_eq "command=: a subsystem runs the forced command with the subsystem's command" \
  "forced:[/bin/echo subsystem-ran]" "$out"
set_key 'command="exit 7"'
ssh_to "$U" 'exit 0'; rc=$?
expect_eq "command=: the forced command's exit status" 7 "$rc"
set_key ''
out=$(ssh_to -s "$U" lpt-echo </dev/null)
expect_eq "Subsystem: runs the configured command (positive control)" "subsystem-ran" "$out"
ssh_to -s "$U" no-such-subsystem </dev/null >/dev/null 2>&1; rc=$?
if [ "$rc" -ne 0 ]; then ok "Subsystem: an unknown subsystem is refused ($rc)"; else not_ok "Subsystem: unknown refused"; fi

# ---------------------------------------------------------------- environment=
set_key 'environment="LPT_FROM_KEY=yes",environment="SSH_ORIGINAL_COMMAND=faked",command="echo [${LPT_FROM_KEY-unset}] [$SSH_ORIGINAL_COMMAND]"'
out=$(ssh_to "$U" 'real')
expect_eq "environment=: ignored under PermitUserEnvironment no (default)" "[unset] [real]" "$out"

# ---------------------------------------------------------------- expiry, principals, unknown options
set_key 'expiry-time="20200101"'
m=$(log_mark)
ssh_to "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "expiry-time in the past: refused" 255 "$rc"
wait_log "$m" "entry expired at 20200101"
expect_match "expiry-time: log names file, line and date" "$AK:1: entry expired at 20200101" "$(log_since "$m")"
set_key 'expiry-time="20991231"'
out=$(ssh_to "$U" 'echo not-expired')
expect_eq "expiry-time in the future: accepted" "not-expired" "$out"

set_key 'principals="alice"'
m=$(log_mark)
ssh_to "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "principals= on a plain key: refused" 255 "$rc"
wait_log "$m" "principals="
expect_match "principals=: logged with file and line" "$AK:1: principals= is only valid for certificates" "$(log_since "$m")"

printf '# comment\nno-pty,frobnicate %s\n' "$PUB" >"$AK"
m=$(log_mark)
ssh_to "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "unknown option: the line is refused, not read without it" 255 "$rc"
wait_log "$m" "bad key options"
expect_match "unknown option: log names file, line and option" \
  "$AK:2: bad key options: unknown option \"frobnicate\"" "$(log_since "$m")"
expect_no_match "unknown option: no login" "Accepted publickey for $U" "$(log_since "$m")"

# ---------------------------------------------------------------- root
printf '%s\n' "$(cut -d' ' -f1,2 "$ROOTKEY.pub")" >"$KEYDIR/root"
chmod 600 "$KEYDIR/root"
m=$(log_mark)
ssh_to -i "$ROOTKEY" root 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "forced-commands-only: root with a plain key refused" 255 "$rc"
wait_log "$m" "ROOT LOGIN REFUSED FROM 127\.0\.0\.1"
expect_match "forced-commands-only: ROOT LOGIN REFUSED logged" "ROOT LOGIN REFUSED FROM 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
printf 'command="echo root-forced:$SSH_ORIGINAL_COMMAND" %s\n' "$(cut -d' ' -f1,2 "$ROOTKEY.pub")" >"$KEYDIR/root"
m=$(log_mark)
out=$(ssh_to -i "$ROOTKEY" root 'id -u'); rc=$?
expect_eq "forced-commands-only: root with a command= key runs that command" "root-forced:id -u/0" "$out/$rc"
wait_log "$m" "Accepted publickey for root"
expect_match "forced-commands-only: logged as sshd does" "Root login accepted for forced command\." "$(log_since "$m")"
rm -f "$KEYDIR/root"

# ---------------------------------------------------------------- sshd_config
stop_daemon
start_daemon "ForceCommand echo \"config  forced\" [\$SSH_ORIGINAL_COMMAND]" "PermitTTY no" \
  "PermitUserEnvironment LPT_*"
set_key 'command="echo key-forced",environment="LPT_FROM_KEY=yes",environment="OTHER=no"'
out=$(ssh_to "$U" 'asked')
expect_eq "ForceCommand: overrides command=, keeps the admin's quoting" "config  forced [asked]" "$out"
set_key 'environment="LPT_FROM_KEY=yes",environment="OTHER=no"'
stop_daemon
start_daemon "PermitTTY no" "PermitUserEnvironment LPT_*"
expect_eq "PermitTTY no: no terminal for a key that allows one" "not a tty" "$(tty_seen)"
out=$(ssh_to "$U" 'echo "${LPT_FROM_KEY-unset} ${OTHER-unset}"')
expect_eq "PermitUserEnvironment LPT_*: only LPT_* from the key's environment=" "yes unset" "$out"

finish
