#!/bin/bash
# How a logged-in session ends, whichever way it ends, and what that costs
# the client's address:
#   - with UsePAM yes, pam_setcred(DELETE) + pam_close_session run (seen by
#     pam_exec in the session stack) within seconds, and no lpsshd-pam is
#     left, when the postauth child breaks the monitor protocol (the hostile
#     postauth of tests/hostile/hostile_postauth.cpp), when the connection's
#     lpsshd-monitor gets SIGTERM, and when the client is killed (-9);
#   - with PerSourcePenalties on, a user who kills their own lpsshd-postauth
#     (kill -9) or whose postauth child breaks the protocol does not put
#     127.0.0.1 under the crash penalty: the next login works at once;
#     the control: a preauth child breaking the protocol (hostile_child as
#     lpsshd-preauth) does, under the same settings.
# Needs root.  Usage: session_end_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init
REAL_BINDIR=$BINDIR
for b in hostile_postauth hostile_child lpsshd-pam; do
  [ -x "$BINDIR/$b" ] || fail "$BINDIR/$b missing; build it first"
done
[ -f /lib/x86_64-linux-gnu/security/pam_exec.so ] || [ -f /usr/lib/x86_64-linux-gnu/security/pam_exec.so ] ||
  fail "pam_exec.so missing (libpam-modules)"

U=lpt_end1
add_user "$U"
U_HOME=$(home_of "$U")

# The test's PAM service: key logins (account only; pam_unix in the auth
# stack for pam_setcred, which goes through it), and pam_exec in the
# session stack logging every open and close.
PAMLOG=$TMP/pam_exec.log
: >"$PAMLOG"
chmod 666 "$PAMLOG"
cat >"$TMP/pam_exec.sh" <<EOF
#!/bin/sh
echo "\$PAM_TYPE \$PAM_USER \$PAM_RHOST" >>$PAMLOG
EOF
chmod 755 "$TMP/pam_exec.sh"
SVC=lpsshd-end-$$
pam_service "$SVC" \
  "auth     required pam_unix.so" \
  "account  required pam_permit.so" \
  "session  optional pam_exec.so $TMP/pam_exec.sh" \
  "session  required pam_permit.so"
PAM_ON=("UsePAM yes" "PAMServiceName $SVC" "PerSourcePenalties no")

# A private bin dir: the real binaries with hostile_postauth as lpsshd-postauth.
PBIN=$TMP/bin-hostile-postauth
mkdir -p "$PBIN"
for b in lpsshd lpsshd-monitor lpsshd-pam lpsshd-preauth; do cp "$REAL_BINDIR/$b" "$PBIN/$b" || fail "cp $b"; done
cp "$REAL_BINDIR/hostile_postauth" "$PBIN/lpsshd-postauth" || fail "cp hostile_postauth"
chmod 755 "$PBIN" "$PBIN"/*
# And one with hostile_child as lpsshd-preauth.
HBIN=$TMP/bin-hostile-preauth
mkdir -p "$HBIN"
for b in lpsshd lpsshd-monitor lpsshd-pam lpsshd-postauth; do cp "$REAL_BINDIR/$b" "$HBIN/$b" || fail "cp $b"; done
cp "$REAL_BINDIR/hostile_child" "$HBIN/lpsshd-preauth" || fail "cp hostile_child"
chmod 755 "$HBIN" "$HBIN"/*

# Processes running BINDIR/NAME (their exe link).
procs_of() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" == "$1/$2" ] && echo "${p#/proc/}"
  done
}
pam_count() { grep -c "^$1 $U 127\\.0\\.0\\.1\$" "$PAMLOG"; }
# closed_since N: more than N close_session lines for the user.
closed_since() { [ "$(pam_count close_session)" -gt "$1" ]; }
opened_since() { [ "$(pam_count open_session)" -gt "$1" ]; }
no_pam_helper() { [ -z "$(procs_of "$1" lpsshd-pam)" ]; }

# session_closed NAME BINDIR CLOSES_BEFORE: the checks every scenario ends with.
session_closed() {
  local name=$1 dir=$2 before=$3 t0=$SECONDS
  if wait_for 5 closed_since "$before"; then
    ok "$name: pam_close_session ran for $U ($((SECONDS - t0)) s)"
  else
    not_ok "$name: pam_close_session ran for $U" "pam_exec log: $(cat "$PAMLOG")"
  fi
  expect_eq "$name: exactly one close_session" $((before + 1)) "$(pam_count close_session)"
  if wait_for 5 no_pam_helper "$dir"; then ok "$name: no lpsshd-pam process left"
  else not_ok "$name: no lpsshd-pam process left" "left: $(procs_of "$dir" lpsshd-pam)"; fi
}

# The connection's monitor: the listener's child running lpsshd-monitor.
monitor_of_daemon() {
  local p
  for p in $(children "$DPID"); do
    [ "$(exe_name "$p")" == lpsshd-monitor ] && echo "$p"
  done
}
one_monitor() { [ "$(monitor_of_daemon | grep -c .)" == 1 ]; }

# ================================================================ (a) violation
# The postauth child (hostile) sends POSTAUTH_READY twice: a violation. The
# monitor kills it, and the PAM session is still closed.
BINDIR=$PBIN start_daemon "${PAM_ON[@]}"
BINDIR=$REAL_BINDIR
SCEN=$U_HOME/.lpsshd-hostile-scenario
RESULT=$U_HOME/.lpsshd-hostile-result
rm -f "$RESULT"
echo ready-twice >"$SCEN" && chmod 644 "$SCEN"
opens=$(pam_count open_session) closes=$(pam_count close_session)
m=$(log_mark)
SSH_TIMEOUT=30 ssh_bg "$TMP/ssh.a.out" "$U" true
if wait_log "$m" "protocol violation by postauth child: .*POSTAUTH_READY" 15; then
  ok "violation: the monitor saw the hostile postauth child's violation"
else
  not_ok "violation: the hostile postauth child started and broke the protocol" "$(cat "$TMP/ssh.a.out" "$RESULT" 2>/dev/null)"
fi
check "violation: pam_open_session ran first" opened_since "$opens"
session_closed violation "$PBIN" "$closes"
hpid=$(sed -n 's/^PID \([0-9]*\) .*/\1/p' "$RESULT" 2>/dev/null)
if [ -n "$hpid" ] && wait_for 5 pid_gone "$hpid"; then ok "violation: the hostile postauth child is gone"
else not_ok "violation: the hostile postauth child is gone" "pid ${hpid:-?}"; fi
stop_daemon

# ================================================================ (b) SIGTERM
start_daemon "${PAM_ON[@]}"
opens=$(pam_count open_session) closes=$(pam_count close_session)
SSH_TIMEOUT=40 ssh_bg "$TMP/ssh.b.out" "$U" 'echo started; exec sleep 30'
wait_for 15 opened_since "$opens" || not_ok "SIGTERM: the session opened" "$(cat "$TMP/ssh.b.out")"
wait_for 5 one_monitor
mon=$(monitor_of_daemon)
post=$(find_desc "$mon" lpsshd-postauth)
m=$(log_mark)
if [ -n "$mon" ]; then
  kill -TERM "$mon"
  if wait_for 15 pid_gone "$mon"; then ok "SIGTERM: the monitor ended"
  else not_ok "SIGTERM: the monitor ended"; fi
else
  not_ok "SIGTERM: found the connection's monitor" "children of $DPID: $(children "$DPID")"
fi
session_closed SIGTERM "$REAL_BINDIR" "$closes"
if [ -n "$post" ] && wait_for 5 pid_gone "$post"; then ok "SIGTERM: the user's postauth child is gone"
else not_ok "SIGTERM: the user's postauth child is gone" "pid ${post:-?}"; fi
wait_for 10 pid_gone "$BG_PID" || not_ok "SIGTERM: the client was disconnected"

# ================================================================ (c) client killed
opens=$(pam_count open_session) closes=$(pam_count close_session)
SSH_TIMEOUT=40 ssh_bg "$TMP/ssh.c.out" "$U" 'echo started; exec sleep 30'
wait_for 15 opened_since "$opens" || not_ok "client killed: the session opened" "$(cat "$TMP/ssh.c.out")"
sshp=$(children "$BG_PID" | head -n 1)
if [ -n "$sshp" ] && [ "$(exe_name "$sshp")" == ssh ]; then
  kill -KILL "$sshp"
  wait "$BG_PID" 2>/dev/null  # no "Killed" job notice
else
  not_ok "client killed: found the ssh client" "children of $BG_PID: $(children "$BG_PID")"
fi
session_closed "client killed" "$REAL_BINDIR" "$closes"
stop_daemon

# ================================================================ (d) penalties
# PerSourcePenalties on (the crash penalty is 90 s, enforced from 15 s).
# "Not penalised" below means something only if the same settings do
# penalise: first the crash penalty's own case, a preauth child that breaks
# the monitor protocol (a KEX_ECDH before any KEXINIT).
# served_from SRC: "served" if a connection from SRC got any first bytes (the
# hostile child's PID line, or a version), "closed" if it was closed unheard.
served_from() {
  "$PY" - "$1" "$PORT" <<'PYEOF'
import socket, sys
s = socket.socket()
s.bind((sys.argv[1], 0))
s.settimeout(10)
s.connect(("127.0.0.1", int(sys.argv[2])))
try:
    d = s.recv(4)
except OSError:
    d = b""
print("served" if d else "closed")
PYEOF
}
no_monitor() { [ -z "$(find_desc "$DPID" lpsshd-monitor)" ]; }
BINDIR=$HBIN start_daemon "PerSourcePenalties crash:90 min:15" "UsePAM no"
BINDIR=$REAL_BINDIR
m=$(log_mark)
"$PY" "$HERE/line_client.py" "$PORT" "$TMP" 1 "SCENARIO " "crash.res=type 2" || fail "line_client failed"
wait_log "$m" "protocol violation by preauth child" 10 ||
  not_ok "control: preauth violation with penalties on: the violation happened" "$(cat "$TMP/crash.res")"
# The listener learns how the monitor ended when it reaps it.
wait_for 10 no_monitor
m2=$(log_mark)
expect_eq "control: after a preauth violation 127.0.0.1 is refused (crash penalty)" closed "$(served_from 127.0.0.1)"
wait_log "$m2" "from \[127\.0\.0\.1\]:[0-9]+ on .* penalty: caused crash" 5
expect_match "control: ... logged as the crash penalty" \
  "from \[127\.0\.0\.1\]:[0-9]+ on .* penalty: caused crash" "$(log_since "$m2")"
expect_eq "control: 127.0.0.2 is still served" served "$(served_from 127.0.0.2)"
stop_daemon

# A user kills their own postauth child; the next login from the same
# address must still work.
start_daemon "PerSourcePenalties crash:90 min:15" "UsePAM no"
m=$(log_mark)
ssh_to "$U" 'kill -9 $PPID; sleep 5' >"$TMP/out.d" 2>&1
if wait_log "$m" "postauth child for 127\\.0\\.0\\.1 port [0-9]+ killed by signal 9" 5; then
  ok "kill -9 of one's own lpsshd-postauth: logged"
else
  not_ok "kill -9 of one's own lpsshd-postauth: logged" "client: $(cat "$TMP/out.d")"
fi
out=$(ssh_to "$U" 'echo again'); rc=$?
expect_eq "after killing one's own postauth child: logging in again from 127.0.0.1 works" "again/0" "$out/$rc"
expect_no_match "no penalty for 127.0.0.1" "penalty" "$(log_since "$m")"
stop_daemon

# The same for a postauth protocol violation (hostile postauth, penalties on).
BINDIR=$PBIN start_daemon "PerSourcePenalties crash:90 min:15" "UsePAM no"
BINDIR=$REAL_BINDIR
rm -f "$RESULT"
echo auth-pubkey >"$SCEN"
m=$(log_mark)
SSH_TIMEOUT=30 ssh_bg "$TMP/ssh.e.out" "$U" true
wait_log "$m" "protocol violation by postauth child: .*AUTH_PUBKEY" 15 ||
  not_ok "postauth violation with penalties on: the violation happened" "$(cat "$TMP/ssh.e.out")"
wait_for 10 pid_gone "$BG_PID"
# The listener hears how the monitor ended only when it has reaped it.
wait_for 10 no_monitor
out=$(timeout 10 ssh-keyscan -p "$PORT" -t ed25519 127.0.0.1 2>/dev/null)
expect_match "after a postauth violation: 127.0.0.1 still gets in (not penalised)" \
  '^\[127\.0\.0\.1\]:[0-9]+ ssh-ed25519 ' "$out"
expect_no_match "no penalty for 127.0.0.1 after the violation" "penalty" "$(log_since "$m")"
stop_daemon

finish
