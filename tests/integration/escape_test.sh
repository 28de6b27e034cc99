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
# make_bindir DIR ATTACKER: copies of the real binaries, ATTACKER as lpsshd-preauth.
make_bindir() {
  mkdir -p "$1"
  for b in lpsshd lpsshd-monitor lpsshd-postauth lpsshd-pam; do cp "$REAL_BINDIR/$b" "$1/$b" || fail "cp $b"; done
  [ -x "$REAL_BINDIR/$2" ] || fail "$REAL_BINDIR/$2 missing; build it first"
  cp "$REAL_BINDIR/$2" "$1/lpsshd-preauth" || fail "cp $2"
  chmod 755 "$1" "$1"/*
}
make_bindir "$EBIN" escape_preauth

# The kernel's Landlock ABI, asked directly (landlock_create_ruleset with
# LANDLOCK_CREATE_RULESET_VERSION; 444 on every architecture), not through
# the code under test.
KERNEL_LL=$("$PY" -c 'import ctypes
r = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, 1)
print(max(r, 0))')
LL=$((KERNEL_LL < 7 ? KERNEL_LL : 7))
if [ "$LL" -eq 0 ]; then
  if [ "${LPSSHD_TEST_ALLOW_NO_LANDLOCK:-}" == 1 ]; then skip "the kernel has Landlock" "this kernel has none"
  else not_ok "the kernel has Landlock (set LPSSHD_TEST_ALLOW_NO_LANDLOCK=1 where it cannot)"; fi
fi
echo "# kernel Landlock ABI $KERNEL_LL, expected in the sandbox: $LL"

# ---------------------------------------------------------------- the sibling
start_daemon "${COMMON[@]}"
PORT_S=$PORT LOG_S=$LOG DPID_S=$DPID
cat >"$TMP/hold.py" <<'EOF'
# hold.py PORT: a raw client that reads the server's version line, sends
# its own and a KEXINIT (so the connection is in the key-exchange stage,
# whose deadline is 30 s, not the 10 s of a client that says nothing), says
# READY, then keeps the connection open (sending no more) until killed.
import os, socket, struct, sys, time
def string(b): return struct.pack(">I", len(b)) + b
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
line = s.recv(256).split(b"\r\n")[0]
payload = bytes([20]) + os.urandom(16) + b"".join(string(x) for x in (
    b"curve25519-sha256", b"ssh-ed25519", b"chacha20-poly1305@openssh.com",
    b"chacha20-poly1305@openssh.com", b"hmac-sha2-256", b"hmac-sha2-256", b"none", b"none",
    b"", b"")) + b"\0" + struct.pack(">I", 0)
pad = 8 - (5 + len(payload)) % 8
pad += 8 if pad < 4 else 0
s.sendall(b"SSH-2.0-hold\r\n" + struct.pack(">IB", 1 + len(payload) + pad, pad) + payload + bytes(pad))
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
sibling_found() { [ -n "$(sibling_pid)" ]; }
wait_for 5 sibling_found || fail "no lpsshd-preauth for the held connection"
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
# Every layer present: a missing one is a failure, not an info line.
expect_match "sandbox: namespaces, Landlock ABI $LL, seccomp" \
  "^OK sandbox uid=[0-9]+ namespaces=1 landlock_abi=$LL seccomp=1\$" "$(reply_of sandbox)"
# ... and the listener says so at start-up, for production logs.
expect_match "listener logs the sandbox layers" \
  "preauth sandbox: namespaces \(net, mount\), $([ "$LL" -gt 0 ] && echo "Landlock ABI $LL" || echo "no Landlock"), seccomp, rlimits, shared user lpsshd\$" \
  "$(cat "$LOG")"

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
  # The monitor logs the kill once it reaped the child; on a loaded machine
  # that can trail the connection's end by seconds.
  elif [ -z "$reply" ] && wait_for 15 file_has "$LOG" \
         "preauth child for 127\.0\.0\.1 port $port killed by the seccomp sandbox \(SIGSYS\): suspected compromise"; then
    ok "$name: contained (killed by SIGSYS, monitor logged a suspected compromise)"
    SUMMARY+=("$name: killed by SIGSYS")
  else
    not_ok "$name: contained" "reply: $reply" "log: $(grep -E "port $port\b|\]:$port\b" "$LOG")"
    SUMMARY+=("$name: ??? $reply")
  fi
done
for s in "${SUMMARY[@]}"; do echo "#   $s"; done

# ---------------------------------------------------------------- dead before its HELLO
# A compromised child may die before the monitor's first message reaches it
# (on a loaded machine the monitor can be descheduled between starting the
# child and sending). It must still be reaped and logged as a seccomp kill,
# and reported to the listener as a crash, not end in a silent exit. Here
# strace holds the monitor's first sendmsg back 300 ms, so the child's
# "shadow" attempt always kills it first.
SBIN=$TMP/bin-slow-hello
make_bindir "$SBIN" escape_preauth
mv "$SBIN/lpsshd-monitor" "$SBIN/lpsshd-monitor.real"
cat >"$SBIN/lpsshd-monitor" <<EOF
#!/bin/sh
case " \$* " in *" -t "*) exec "$SBIN/lpsshd-monitor.real" "\$@" ;; esac
exec strace -qq -o /dev/null -e trace=sendmsg -e inject=sendmsg:delay_enter=300000:when=1 \\
  "$SBIN/lpsshd-monitor.real" "\$@"
EOF
chmod 755 "$SBIN/lpsshd-monitor"
BINDIR=$SBIN start_daemon "${COMMON[@]}"
BINDIR=$REAL_BINDIR
mkdir -p "$TMP/res-slow"
"$PY" "$HERE/line_client.py" "$PORT" "$TMP/res-slow" 2 "" "a=ATTEMPT shadow" "b=ATTEMPT shadow" ||
  fail "attempt client failed"
for n in a b; do
  port=$(sed -n 's/^PORT //p' "$TMP/res-slow/$n")
  check "dead before its HELLO ($n): the monitor logs the seccomp kill" wait_for 10 file_has "$LOG" \
    "preauth child for 127\.0\.0\.1 port $port killed by the seccomp sandbox \(SIGSYS\): suspected compromise"
done

# ---------------------------------------------------------------- layer by layer
# run_layers VARIANT SANDBOX_ERE NAME=ERE...: starts a daemon whose
# lpsshd-preauth is escape_preauth_VARIANT (own uids from the default
# PreauthUidRange), makes each attempt NAME (from ATTEMPTS, or the extra
# ones below) and expects its reply to match ERE exactly: BLOCKED with the
# errno of the layer meant to stop it. Never SIGSYS: there is no seccomp.
declare -A LINE=(
  [dup]="ATTEMPT dup"
  [rlimits]="ATTEMPT rlimits"
  [passwd]="ATTEMPT read-file /etc/passwd"
  [write-tmp]="ATTEMPT write-file /tmp/lpsshd-escape-probe.$$"
)
for item in "${ATTEMPTS[@]}"; do LINE[${item%%=*}]=${item#*=}; done
run_layers() {
  local variant=$1 sandbox_re=$2; shift 2
  local bindir=$TMP/bin-$variant res=$TMP/res-$variant items=() e name
  make_bindir "$bindir" "escape_preauth_$variant"
  BINDIR=$bindir start_daemon "PerSourcePenalties no" "PerSourceMaxStartups none" "MaxStartups 100"
  BINDIR=$REAL_BINDIR
  mkdir -p "$res"
  items=("sandbox=${LINE[sandbox]}")
  for e in "$@"; do items+=("${e%%=*}=${LINE[${e%%=*}]}"); done
  "$PY" "$HERE/line_client.py" "$PORT" "$res" 4 "" "${items[@]}" || fail "$variant: attempt client failed"
  local got
  got=$(sed '1d;$d' "$res/sandbox")
  expect_match "$variant: sandbox as built" "^OK sandbox uid=[0-9]+ $sandbox_re\$" "$got"
  local uid=${got#*uid=}
  uid=${uid%% *}
  if [ "$uid" != "$SIB_UID" ]; then ok "$variant: attacker uid $uid is not the sibling's $SIB_UID"
  else not_ok "$variant: attacker uid differs from the sibling's" "both $uid"; fi
  for e in "$@"; do
    name=${e%%=*}
    got=$(sed '1d;$d' "$res/$name")
    echo "#   $variant: $name: $got"
    expect_match "$variant: $name stopped (${e#*=})" "^(${e#*=})" "$got"
  done
  expect_no_match "$variant: no SIGSYS (no seccomp in this build)" "SIGSYS" "$(cat "$LOG")"
  expect_match "$variant: listener logs its own uid range" \
    "preauth sandbox: namespaces \(net, mount\), .*, own uids 1879048192-1879113727\$" "$(cat "$LOG")"
  stop_daemon
}
# What stays common to every variant: the own uid stops signals and ptrace
# of the sibling, RLIMIT_NPROC 0 stops fork, RLIMIT_NOFILE 3 a fourth
# descriptor, and without privileges no hard limit can be raised.
COMMON_LAYERS=(
  "rlimits=OK rlimits nofile=3/3 nproc=0/0 fsize=0/0 core=0/0\$"
  "dup=BLOCKED EMFILE" "fork=BLOCKED EAGAIN"
  "rlimit-nofile=BLOCKED EPERM" "rlimit-nproc=BLOCKED EPERM"
  "kill=BLOCKED EPERM" "ptrace=BLOCKED EPERM" "vm-readv=BLOCKED EPERM"
)
# Everything but seccomp: the empty root hides every file (ENOENT before
# Landlock is asked) and is read-only (EROFS), Landlock refuses the TCP
# connect (EACCES) before the empty namespace would (ENETUNREACH).
run_layers no_seccomp "namespaces=1 landlock_abi=$LL seccomp=0" "${COMMON_LAYERS[@]}" \
  "shadow=BLOCKED ENOENT" "passwd=BLOCKED ENOENT" "proc-environ=BLOCKED ENOENT" \
  "execve=BLOCKED ENOENT" "write-file=BLOCKED EROFS" \
  "connect=BLOCKED $([ "$LL" -ge 4 ] && echo EACCES || echo ENETUNREACH)"
# No Landlock either: the empty network namespace alone has no route to
# 127.0.0.1 (loopback down), the empty root alone has no files.
run_layers no_landlock "namespaces=1 landlock_abi=0 seccomp=0" "${COMMON_LAYERS[@]}" \
  "shadow=BLOCKED ENOENT" "passwd=BLOCKED ENOENT" "proc-environ=BLOCKED ENOENT" \
  "execve=BLOCKED ENOENT" "write-file=BLOCKED EROFS" "connect=BLOCKED ENETUNREACH"
# No empty root: Landlock alone refuses a world-readable file, a write to
# world-writable /tmp, exec of /bin/sh and a TCP connect to the host's
# loopback, which the uid alone would all allow.
if [ "$LL" -gt 0 ]; then
  run_layers no_root "namespaces=0 landlock_abi=$LL seccomp=0" "${COMMON_LAYERS[@]}" \
    "passwd=BLOCKED EACCES" "write-tmp=BLOCKED EACCES" "execve=BLOCKED EACCES" \
    "$([ "$LL" -ge 4 ] && echo "connect=BLOCKED EACCES" || echo "shadow=BLOCKED EACCES")"
  check "no_root: no probe file in /tmp" test ! -e "/tmp/lpsshd-escape-probe.$$"
  rm -f "/tmp/lpsshd-escape-probe.$$"
fi

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
