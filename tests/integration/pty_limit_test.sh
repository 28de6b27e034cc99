#!/bin/bash
# The per-connection PTY bound in a live session: PTYs, a rekey, more PTYs.
# The monitor allows one connection kMaxPtyRequestsPerConnection (1024) PTY
# requests in all (monitor/state_table.h); the per-phase bound starts again
# with every phase, so only the per-connection count stops a postauth child
# that rekeys between batches.  Here the stock client does exactly that
# through one ControlMaster connection:
#   1. 512 sessions with a PTY (ssh -tt, `test -t 0`), all succeed;
#   2. a rekey: 3 MiB through the master with the daemon's RekeyLimit 1M,
#      counted in the master's debug log (SSH2_MSG_KEXINIT received);
#   3. 512 more PTY sessions, all succeed: 1024 in all;
#   4. the next one ends the connection: the monitor's audit line "more PTY
#      requests than one connection may make", the postauth child killed.
# Sessions run in parallel batches (fewer than MaxSessions at a time), each
# one to its end before the next batch, so that every one is counted.
# Needs root.  Usage: pty_limit_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"

U=lpt_ptylim1
add_user "$U"
LIMIT=1024      # monitor::kMaxPtyRequestsPerConnection
BATCH=12        # sessions at once; MaxSessions below leaves room for stragglers
start_daemon "RekeyLimit 1M" "MaxSessions 32"

CM=$TMP/cm
track_control "$CM"
ssh_bg "$TMP/master.log" -o ControlMaster=yes -o ControlPath="$CM" -o LogLevel=DEBUG1 -N "$U" </dev/null
MASTER=$BG_PID
wait_for 10 test -S "$CM" || fail "ControlMaster did not start: $(tail -n 5 "$TMP/master.log")"
kexinits() { grep -c 'SSH2_MSG_KEXINIT received' "$TMP/master.log"; }

# One mux session with a PTY; exit 0 only if the command's stdin and stdout
# are that terminal.  ProxyCommand=false: a refused mux session must fail,
# not fall back to a login of its own (which would count apart).
pty_session() {
  ssh_to -tt -o ControlPath="$CM" -o ProxyCommand=false "$U" 'test -t 0 && test -t 1' \
    >/dev/null 2>&1
}
# pty_sessions N: N PTY sessions in batches of $BATCH; prints how many failed.
pty_sessions() {
  local left=$1 n i failed=0 pids
  while [ "$left" -gt 0 ]; do
    n=$((left < BATCH ? left : BATCH))
    pids=()
    for ((i = 0; i < n; i++)); do pty_session & pids+=($!); done
    for i in "${pids[@]}"; do wait "$i" || failed=$((failed + 1)); done
    left=$((left - n))
  done
  echo "$failed"
}

FIRST=$((LIMIT / 2))
SECOND=$((LIMIT - FIRST))
m=$(log_mark)
t0=$SECONDS
expect_eq "$FIRST PTY sessions before the rekey: none fails" 0 "$(pty_sessions "$FIRST")"
echo "# $FIRST PTY sessions in $((SECONDS - t0))s"
k0=$(kexinits)
got=$(head -c $((3 * 1024 * 1024)) /dev/zero |
      ssh_to -T -o ControlPath="$CM" -o ProxyCommand=false "$U" 'wc -c')
expect_eq "rekey: 3 MiB through the master (no PTY) arrive" $((3 * 1024 * 1024)) "$got"
k1=$(kexinits)
check "rekey: RekeyLimit 1M made the server rekey the master's connection ($k0 -> $k1 exchanges)" \
  test "$k1" -ge $((k0 + 2))
t0=$SECONDS
expect_eq "$SECOND PTY sessions after the rekey ($LIMIT in all): none fails" 0 "$(pty_sessions "$SECOND")"
echo "# $SECOND PTY sessions in $((SECONDS - t0))s"
expect_no_match "no violation while the connection stayed within the bound" \
  'protocol violation' "$(log_since "$m")"
check "the master is still connected after $LIMIT PTYs" pid_alive "$MASTER"

# --- one more: past the bound -------------------------------------------------
m=$(log_mark)
ssh_to -tt -o ControlPath="$CM" -o ProxyCommand=false "$U" 'echo past-the-bound' >"$TMP/last.out" 2>&1
rc=$?
check "PTY request $((LIMIT + 1)) fails (exit $rc)" test "$rc" -ne 0
expect_no_match "PTY request $((LIMIT + 1)): its command never ran" past-the-bound "$(cat "$TMP/last.out")"
if wait_log "$m" 'protocol violation by postauth child: .*more PTY requests than one connection may make; killing it'; then
  ok "PTY request $((LIMIT + 1)): the monitor's audit line, the postauth child killed"
else not_ok "PTY request $((LIMIT + 1)): the monitor's audit line" "$(log_since "$m" | tail -n 5)"; fi
if wait_for 10 pid_gone "$MASTER"; then ok "PTY request $((LIMIT + 1)): the connection is ended"
else not_ok "PTY request $((LIMIT + 1)): the connection is ended" "the master still runs"; fi
wait_for 5 lpt_uid_idle "$(id -u "$U")"
check "no process of $U is left" lpt_uid_idle "$(id -u "$U")"
expect_no_crash "no daemon process crashed" "$LOG"
stop_daemon

finish
