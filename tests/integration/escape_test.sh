#!/bin/bash
# Escape attempts from inside the REAL preauth sandbox.
#
# A private bin dir holds copies of the real lpsshd, lpsshd-monitor,
# lpsshd-postauth and lpsshd-pam, and tests/escape/escape_preauth.cpp as
# lpsshd-preauth: the real monitor starts it through the real spawn path
# with the real argv and descriptors, and it confines itself with the same
# preauth::enter_sandbox() as the real child before it reads
# "ATTEMPT <name> [arg]" from the client.  Every attempt must be BLOCKED
# (the call failed) or end the child with SIGSYS (the seccomp filter), which
# the monitor logs as a suspected compromise; "ESCAPED" fails the test.
#
# The victim of the attacks on other processes is a real lpsshd-preauth of
# another connection to a second, normal lpsshd (the real bin dir), held
# open by a raw client; both daemons run the preauth children under the one
# PreauthUser (PreauthUidRange none), the worst case: same uid, so only the
# sandbox stands between them.  It must be alive and untraced afterwards.
# Needs root.  Usage: escape_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
REAL_BINDIR=$BINDIR
[ -x "$BINDIR/escape_preauth" ] || fail "$BINDIR/escape_preauth missing; build it first"

COMMON=("PerSourcePenalties no" "PerSourceMaxStartups none" "MaxStartups 100" "PreauthUidRange none")

EBIN=$TMP/bin-escape
mkdir -p "$EBIN"
for b in lpsshd lpsshd-monitor lpsshd-postauth lpsshd-pam; do cp "$REAL_BINDIR/$b" "$EBIN/$b" || fail "cp $b"; done
cp "$REAL_BINDIR/escape_preauth" "$EBIN/lpsshd-preauth" || fail "cp escape_preauth"
chmod 755 "$EBIN" "$EBIN"/*

# ---------------------------------------------------------------- the sibling
start_daemon "${COMMON[@]}"
PORT_S=$PORT LOG_S=$LOG DPID_S=$DPID
cat >"$TMP/hold.py" <<'EOF'
# hold.py PORT: a raw client that reads the server's version line, says
# READY, then keeps the connection open (sending nothing) until killed.
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
line = s.recv(256)
print("READY", s.getsockname()[1], line.decode(errors="replace").strip(), flush=True)
s.settimeout(None)
while s.recv(4096):
    pass
print("CLOSED", flush=True)
EOF
"$PY" "$TMP/hold.py" "$PORT_S" >"$TMP/hold.out" 2>&1 &
HOLD=$!
track_bg "$HOLD"
wait_for 10 file_has "$TMP/hold.out" '^READY ' || fail "raw client did not connect: $(cat "$TMP/hold.out")"
sibling_pid() { find_desc "$DPID_S" lpsshd-preauth | head -n 1; }
wait_for 5 test -n "$(sibling_pid)" || fail "no lpsshd-preauth for the held connection"
SIB=$(sibling_pid)
SIB_START=$(awk '{print $22}' "/proc/$SIB/stat")
SIB_UID=$(status_field "$SIB" Uid | awk '{print $1}')
SIB_ADDR=$(awk '$2 ~ /^r/ {split($1, a, "-"); print a[1]; exit}' "/proc/$SIB/maps")
echo "# sibling lpsshd-preauth pid $SIB (uid $SIB_UID) on port $PORT_S, readable at 0x$SIB_ADDR"

# ---------------------------------------------------------------- the attacker
BINDIR=$EBIN start_daemon "${COMMON[@]}"
BINDIR=$REAL_BINDIR
echo "# escape daemon on port $PORT"

RES=$TMP/res
mkdir -p "$RES"

ATTEMPTS=(
  "sandbox=ATTEMPT sandbox"
  "getrandom=ATTEMPT getrandom"
  "shadow=ATTEMPT shadow"
  "socket=ATTEMPT socket"
  "connect=ATTEMPT connect $PORT_S"
  "connect-fd0=ATTEMPT connect-fd0 $PORT_S"
  "execve=ATTEMPT execve"
  "fork=ATTEMPT fork"
  "write-file=ATTEMPT write-file /lpsshd-escape-probe"
  "rlimit-nofile=ATTEMPT rlimit-nofile"
  "rlimit-nproc=ATTEMPT rlimit-nproc"
  "proc-environ=ATTEMPT proc-environ"
  "mmap-exec=ATTEMPT mmap-exec"
  "ptrace=ATTEMPT ptrace $SIB"
  "kill=ATTEMPT kill $SIB"
  "vm-readv=ATTEMPT vm-readv $SIB:$SIB_ADDR"
)
T0=$SECONDS
"$PY" "$HERE/line_client.py" "$PORT" "$RES" 4 "" "${ATTEMPTS[@]}" || fail "attempt client failed"
echo "# ${#ATTEMPTS[@]} attempts in $((SECONDS - T0))s"

field() { sed -n "s/^$2 //p" "$RES/$1" | head -n 1; }
# The child's reply: the lines between PORT and the final EOF/TIMEOUT.
reply_of() { sed '1d;$d' "$RES/$1"; }

# Controls: the program really ran inside the sandbox and could talk.
for c in sandbox getrandom; do
  expect_match "control $c: answered from inside the sandbox" '^OK ' "$(reply_of "$c")"
done
echo "# sandbox as applied: $(reply_of sandbox)"

SUMMARY=()
for item in "${ATTEMPTS[@]}"; do
  name=${item%%=*}
  case $name in sandbox|getrandom) continue ;; esac
  f=$RES/$name
  port=$(field "$name" PORT)
  reply=$(reply_of "$name")
  expect_eq "$name: connection ended" EOF "$(tail -n 1 "$f")"
  if grep -q '^ESCAPED' <<<"$reply"; then
    not_ok "$name: contained" "$reply"
    SUMMARY+=("$name: $reply")
  elif grep -q '^BLOCKED' <<<"$reply"; then
    ok "$name: contained ($reply)"
    SUMMARY+=("$name: $reply")
  elif [ -z "$reply" ] && wait_for 5 file_has "$LOG" \
         "preauth child for 127\.0\.0\.1 port $port killed by the seccomp sandbox \(SIGSYS\): suspected compromise"; then
    ok "$name: contained (killed by SIGSYS, monitor logged a suspected compromise)"
    SUMMARY+=("$name: killed by SIGSYS")
  else
    not_ok "$name: contained" "reply: $reply" "log: $(grep "port $port\b" "$LOG")"
    SUMMARY+=("$name: ??? $reply")
  fi
done
for s in "${SUMMARY[@]}"; do echo "#   $s"; done

# The victim: the same process, alive, not traced, its connection still open.
if pid_alive "$SIB" && [ "$(awk '{print $22}' "/proc/$SIB/stat" 2>/dev/null)" == "$SIB_START" ]; then
  ok "sibling lpsshd-preauth still alive"
else
  not_ok "sibling lpsshd-preauth still alive"
fi
expect_eq "sibling not traced" 0 "$(status_field "$SIB" TracerPid)"
expect_match "sibling not stopped" '^[RSD]' "$(status_field "$SIB" State)"
if pid_alive "$HOLD" && ! grep -q '^CLOSED' "$TMP/hold.out"; then ok "sibling's connection still open"
else not_ok "sibling's connection still open" "$(cat "$TMP/hold.out")"; fi
expect_eq "nothing reached the sibling daemon's port" 1 "$(grep -c '^Connection from' "$LOG_S")"
check "no probe file in the chroot" test ! -e /var/empty/lpsshd-escape-probe
expect_no_match "no sandbox set-up failure" "SANDBOX-FAILED" "$(cat "$RES"/*)"
expect_no_crash "no daemon process crashed (every daemon of this test)" "$TMP"/lpsshd.*.log
finish
