#!/bin/bash
# What the processes of live connections look like from /proc: the preauth
# child's sandbox (identity, groups, NoNewPrivs, chroot, descriptors, limits),
# the postauth child's identity, the root monitor, and that no process but the
# monitor has the host key (no descriptor on it, its ed25519 seed nowhere in
# their memory), also with UsePAM yes (the PAM helper and the postauth child
# it forks).  Also: stopping the listener leaves sessions alone and a new
# listener can take the port at once.  Needs root.
# Usage: process_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init

U=lpt_proc1
G=lpt_procg1
add_group "$G"
add_user "$U"
usermod -a -G "$G" "$U" || fail "usermod"
start_daemon
LISTENER=$DPID
echo "# lpsshd pid $LISTENER on 127.0.0.1 port $PORT"
PRE_UID=$(id -u lpsshd) || fail "no lpsshd user after lpsshd -A"
PRE_GID=$(id -g lpsshd)
U_UID=$(id -u "$U"); U_GID=$(id -g "$U")

# ---------------------------------------------------------------- helpers

# The host key's needles in a process's memory: tests/integration/scanmem.py.
SCANMEM=$HERE/scanmem.py
"$PY" "$SCANMEM" "$HOSTKEY" --self-test >"$TMP/seed" || fail "cannot read the host key seed"

# scan PID: prints "seed=yes|no keytext=yes|no INFO"
scan() { "$PY" "$SCANMEM" "$HOSTKEY" "$1" | cut -d' ' -f2-; }

# expect_no_hostkey WHAT PID: no descriptor on the key file, seed and key
# text absent from its memory.
expect_no_hostkey() {
  local what=$1 pid=$2 fds="" f r
  for f in /proc/"$pid"/fd/*; do
    r=$(readlink "$f" 2>/dev/null) || continue
    [ "$r" == "$HOSTKEY" ] && fds="$fds ${f##*/}"
  done
  expect_eq "$what: no descriptor on the host key" "" "$fds"
  r=$(scan "$pid")
  expect_match "$what: host key seed not in memory ($(cut -d' ' -f3- <<<"$r"))" "^seed=no " "$r"
  expect_match "$what: host key file text not in memory" "^seed=[a-z]+ keytext=no " "$r"
}

ids() { echo $(status_field "$1" "$2"); }
# Descriptor sets. kinds PID: each descriptor's target, files by path and
# the rest by kind (socket, pipe, anon_inode:[...]).
kinds() {
  local f r
  for f in /proc/"$1"/fd/*; do
    r=$(readlink "$f" 2>/dev/null) || continue
    case $r in socket:*) r=socket ;; pipe:*) r=pipe ;; esac
    echo "${f##*/}=$r"
  done | sort -t= -k1,1n | tr '\n' ' ' | sed 's/ $//'
}
sorted_words() { tr ' \t' '\n\n' | sed '/^$/d' | sort -n | tr '\n' ' ' | sed 's/ $//'; }
# socket_inode FD_LINK: the inode of "socket:[N]", or nothing.
socket_inode() { sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' <<<"$1"; }
inode_in() { awk -v i="$1" -v c="$2" 'NR > 1 && $c == i {f=1} END {exit !f}' "$3"; }
limit_of() { awk -v n="$2" 'index($0, n) == 1 {print $(NF-2), $(NF-1)}' "/proc/$1/limits"; }

# ---------------------------------------------------------------- preauth
# A raw client: sends its version, reads the server's, then stays silent.
"$PY" - "$PORT" "$TMP/raw.banner" <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"SSH-2.0-test\r\n")
buf = b""
while b"\n" not in buf:
    d = s.recv(1)
    if not d:
        break
    buf += d
open(sys.argv[2], "wb").write(buf)
time.sleep(120)
EOF
RAW=$!
track_bg "$RAW"
wait_for 10 file_has "$TMP/raw.banner" '^SSH-2\.0-' || fail "no server version for the raw client"
# A function, so that each poll looks again (not a test of one snapshot).
has_desc() { [ -n "$(find_desc "$LISTENER" "$1")" ]; }
wait_for 5 has_desc lpsshd-preauth
pre=$(find_desc "$LISTENER" lpsshd-preauth)
[ "$(wc -w <<<"$pre")" -eq 1 ] || fail "expected one lpsshd-preauth below $LISTENER, found: '$pre'"
pre_mon=$(status_field "$pre" PPid)
echo "# preauth connection: monitor $pre_mon, preauth $pre"
expect_eq "preauth: parent is an lpsshd-monitor" lpsshd-monitor "$(exe_name "$pre_mon")"
expect_eq "preauth: its monitor is a child of the listener" "$LISTENER" "$(status_field "$pre_mon" PPid)"
expect_eq "preauth: its monitor runs as root (Uid)" "0 0 0 0" "$(ids "$pre_mon" Uid)"
# Each preauth child runs as a uid and gid of its own from PreauthUidRange
# (default 1879048192-1879113727), never as a real account.
pre_uid=$(ids "$pre" Uid | awk '{print $1}')
expect_eq "preauth: Uid all equal" "$pre_uid $pre_uid $pre_uid $pre_uid" "$(ids "$pre" Uid)"
expect_eq "preauth: Gid all equal to its uid" "$pre_uid $pre_uid $pre_uid $pre_uid" "$(ids "$pre" Gid)"
if [ "$pre_uid" -ge 1879048192 ] && [ "$pre_uid" -le 1879113727 ]; then
  ok "preauth: uid $pre_uid is from PreauthUidRange"
else not_ok "preauth: uid from PreauthUidRange" "uid $pre_uid"; fi
expect_eq "preauth: uid has no passwd entry" "" "$(getent passwd "$pre_uid")"
expect_eq "preauth: no supplementary groups" "" "$(ids "$pre" Groups)"
expect_eq "preauth: NoNewPrivs 1" 1 "$(ids "$pre" NoNewPrivs)"
expect_eq "preauth: CapEff empty" 0000000000000000 "$(ids "$pre" CapEff)"
expect_eq "preauth: CapPrm empty" 0000000000000000 "$(ids "$pre" CapPrm)"
# Its root is the listener's empty read-only tmpfs (in a mount namespace of
# its own) or, where namespaces are unavailable, the empty chroot.
expect_eq "preauth: root directory is empty" "" "$(ls -A "/proc/$pre/root/" 2>&1)"
if [ "$(readlink "/proc/$pre/ns/mnt")" != "$(readlink "/proc/$LISTENER/ns/mnt")" ]; then
  ok "preauth: in its own (empty) mount namespace"
  expect_eq "preauth: root is read-only" 1 "$(touch "/proc/$pre/root/x" 2>/dev/null && echo 0 || echo 1)"
else
  expect_eq "preauth: root is /var/empty" /var/empty "$(readlink "/proc/$pre/root")"
fi
if [ "$(readlink "/proc/$pre/ns/net")" != "$(readlink "/proc/$LISTENER/ns/net")" ]; then
  ok "preauth: in an empty network namespace"
  expect_eq "preauth: its namespace has only lo" "lo" "$(nsenter --net="/proc/$pre/ns/net" ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | tr '\n' ' ' | sed 's/ $//')"
elif unshare --net true 2>/dev/null; then
  # This machine can make network namespaces: sharing the host's is a
  # missing sandbox layer, not something to mention in passing.
  not_ok "preauth: in an empty network namespace" "it shares the listener's, though unshare --net works here"
else
  skip "preauth: in an empty network namespace" "this machine cannot make network namespaces"
fi
expect_eq "preauth: seccomp filter mode (Seccomp: 2)" 2 "$(ids "$pre" Seccomp)"
# The files in /proc/PID of a non-dumpable process belong to root.
expect_eq "preauth: not dumpable (/proc/PID/status owned by root)" 0 "$(stat -c %u "/proc/$pre/status")"
expect_eq "preauth: descriptors are exactly 0 1 2" "0 1 2" "$(ls "/proc/$pre/fd" | sorted_words)"
fd0=$(readlink "/proc/$pre/fd/0"); fd1=$(readlink "/proc/$pre/fd/1"); fd2=$(readlink "/proc/$pre/fd/2")
ino0=$(socket_inode "$fd0"); ino1=$(socket_inode "$fd1")
if [ -n "$ino0" ] && { inode_in "$ino0" 10 /proc/net/tcp || inode_in "$ino0" 10 /proc/net/tcp6; }; then
  ok "preauth: fd 0 is the TCP connection ($fd0)"
else not_ok "preauth: fd 0 is the TCP connection" "fd 0 -> $fd0"; fi
if [ -n "$ino1" ] && inode_in "$ino1" 7 /proc/net/unix; then
  ok "preauth: fd 1 is a unix socket to the monitor ($fd1)"
else not_ok "preauth: fd 1 is a unix socket to the monitor" "fd 1 -> $fd1"; fi
expect_eq "preauth: fd 2 is /dev/null" /dev/null "$fd2"
expect_eq "preauth: RLIMIT_NPROC 0" "0 0" "$(limit_of "$pre" "Max processes")"
expect_eq "preauth: RLIMIT_FSIZE 0" "0 0" "$(limit_of "$pre" "Max file size")"
expect_eq "preauth: RLIMIT_CORE 0" "0 0" "$(limit_of "$pre" "Max core file size")"

if [ "$(readlink "/proc/$pre/ns/net")" != "$(readlink "/proc/$LISTENER/ns/net")" ]; then
  # Control for the session monitor's descriptor set below: before login
  # the monitor holds the empty namespaces it starts its preauth child in.
  expect_match "preauth-phase monitor: holds the empty network and mount namespaces" \
    '(^| )[0-9]+=net:\[[0-9]+\] .*[0-9]+=mnt:\[[0-9]+\]' "$(kinds "$pre_mon")"
fi
expect_no_hostkey "listener" "$LISTENER"
expect_no_hostkey "preauth" "$pre"
r=$(scan "$pre_mon")
echo "# info: preauth-phase monitor $pre_mon memory: $r"

# ---------------------------------------------------------------- postauth
# 300 kB of input with RekeyLimit=64K first: the monitor signs a few rekeys
# for this postauth child before it is inspected.
head -c 300000 /dev/zero >"$TMP/up.bin"
ssh_bg "$TMP/post.out" -o RekeyLimit=64K -o LogLevel=DEBUG1 "$U" \
  'head -c 300000 >/dev/null; echo started; exec sleep 60' <"$TMP/up.bin"
CLIENT=$BG_PID
wait_for 10 file_has "$TMP/post.out" '^started$' || fail "session did not start: $(cat "$TMP/post.out")"
wait_for 5 has_desc lpsshd-postauth
post=$(find_desc "$LISTENER" lpsshd-postauth)
nkex=$(grep -c 'SSH2_MSG_NEWKEYS received' "$TMP/post.out")
if [ "$nkex" -ge 3 ]; then ok "postauth session: rekeyed $((nkex - 1)) times before the checks"
else not_ok "postauth session: rekeyed before the checks" "$nkex key exchanges in all"; fi
[ "$(wc -w <<<"$post")" -eq 1 ] || fail "expected one lpsshd-postauth below $LISTENER, found: '$post'"
mon=$(status_field "$post" PPid)
echo "# session: monitor $mon, postauth $post"
expect_eq "monitor: is lpsshd-monitor" lpsshd-monitor "$(exe_name "$mon")"
expect_eq "monitor: a child of the listener" "$LISTENER" "$(status_field "$mon" PPid)"
expect_eq "monitor: Uid all root" "0 0 0 0" "$(ids "$mon" Uid)"
expect_eq "monitor: Gid all root" "0 0 0 0" "$(ids "$mon" Gid)"
expect_eq "monitor: its preauth child is gone after login" "" "$(find_desc "$mon" lpsshd-preauth)"
expect_eq "postauth: Uid all $U_UID ($U)" "$U_UID $U_UID $U_UID $U_UID" "$(ids "$post" Uid)"
expect_eq "postauth: Gid all $U_GID ($U)" "$U_GID $U_GID $U_GID $U_GID" "$(ids "$post" Gid)"
expect_eq "postauth: Groups are the user's (id -G $U)" \
  "$(id -G "$U" | sorted_words)" "$(ids "$post" Groups | sorted_words)"
expect_eq "postauth: CapEff empty" 0000000000000000 "$(ids "$post" CapEff)"
expect_eq "postauth: not dumpable (/proc/PID/status owned by root)" 0 "$(stat -c %u "/proc/$post/status")"
# The shell prints "started" just before it execs sleep.
cmd_is_sleep() { [ "$(ps -o comm= -p "$(children "$post" | head -n 1)" 2>/dev/null)" == sleep ]; }
wait_for 5 cmd_is_sleep
cmd=$(children "$post")
expect_eq "session command runs as $U below postauth" "sleep $U_UID" \
  "$(ps -o comm= -o uid= -p "${cmd:-0}" | awk '{print $1, $2}')"

expect_eq "control: the session command is dumpable (/proc/PID/status owned by $U)" \
  "$U_UID" "$(stat -c %u "/proc/${cmd:-0}/status" 2>/dev/null)"

expect_no_hostkey "postauth" "$post"

# Only the kinds a process of this role may hold: no file of the host
# (authorized_keys, passwd, shadow, the host key) left open after use.
only_kinds() {
  local what=$1 allowed=$2 pid=$3 k bad=""
  for k in $(kinds "$pid"); do
    grep -qE "^[0-9]+=($allowed)\$" <<<"$k" || bad="$bad $k"
  done
  expect_eq "$what: descriptors only of the allowed kinds ($(kinds "$pid"))" "" "$bad"
}
expect_eq "session command (no PAM): descriptors are exactly 0 1 2" "0 1 2" \
  "$(ls "/proc/${cmd:-0}/fd" 2>/dev/null | sorted_words)"
post_kinds=$(kinds "$post")
expect_match "postauth: 0 the client socket, 1 the monitor channel, 2 /dev/null" \
  "^0=socket 1=socket 2=/dev/null( |$)" "$post_kinds"
only_kinds "postauth" 'socket|pipe|/dev/null|anon_inode:\[signalfd\]' "$post"
# Under -e the monitor keeps the daemon log as stderr. The empty namespaces
# it got from the listener served only to start the preauth child: closed
# at handover (the preauth-phase monitor's are the positive control).
only_kinds "session monitor" \
  "socket|pipe|/dev/null|anon_inode:\\[(signalfd|pidfd|timerfd)\\]|$LOG" "$mon"
# Any other helper of the daemon (lpsshd-pam, ...) below the listener.
for p in $(descendants "$LISTENER"); do
  name=$(exe_name "$p")
  case $name in
    lpsshd-monitor | lpsshd-preauth | lpsshd-postauth) ;;
    lpsshd*) expect_no_hostkey "$name (pid $p)" "$p" ;;
  esac
done
expect_no_hostkey "listener with a session open" "$LISTENER"
r=$(scan "$mon")
expect_match "positive control: the seed IS found in the session's monitor ($(cut -d' ' -f3- <<<"$r"))" \
  "^seed=yes " "$r"
r=$(scan "$pre_mon")
expect_match "positive control: the seed IS found in the preauth-phase monitor" "^seed=yes " "$r"

# Ending the clients ends their monitors and children.
kill -TERM "$CLIENT"; wait "$CLIENT" 2>/dev/null
kill -TERM "$RAW"; wait "$RAW" 2>/dev/null
if wait_for 5 pid_gone "$post" && wait_for 5 pid_gone "$mon"; then
  ok "client gone: postauth and its monitor exit"
else not_ok "client gone: postauth and its monitor exit" "$(ps -o pid,stat,comm -p "$post,$mon")"; fi
if wait_for 5 pid_gone "$pre" && wait_for 5 pid_gone "$pre_mon"; then
  ok "raw client gone: preauth and its monitor exit"
else not_ok "raw client gone: preauth and its monitor exit" "$(ps -o pid,stat,comm -p "$pre,$pre_mon")"; fi

# ---------------------------------------------------------------- listener restart
# The session waits for a line on its stdin, sent only once the new listener
# is up: it is still open across the restart however slow the machine is.
mkfifo "$TMP/surv.in"
ssh_bg "$TMP/surv.out" "$U" 'echo started; read -r go; echo "survived $go"' <>"$TMP/surv.in"
CLIENT=$BG_PID
# Read-write, so that the write below neither blocks nor raises SIGPIPE when
# the session is already gone (that is then a failed check, not a hang).
exec 8<>"$TMP/surv.in"
wait_for 10 file_has "$TMP/surv.out" '^started$' || fail "session did not start: $(cat "$TMP/surv.out")"
kill -TERM "$LISTENER"
if wait_for 5 pid_gone "$LISTENER"; then ok "listener exits on SIGTERM"
else not_ok "listener exits on SIGTERM"; fi
wait "$LISTENER" 2>/dev/null
OLDLOG=$LOG
# A new listener on the same port while the old session still uses it.
FIXED_PORT=$PORT start_daemon
if pid_alive "$CLIENT" && ! grep -q survived "$TMP/surv.out"; then
  ok "a new listener binds port $PORT while an old session is open"
else not_ok "a new listener binds port $PORT while an old session is open" "$(cat "$TMP/surv.out")"; fi
echo go >&8; exec 8>&-
wait "$CLIENT"; rc=$?
expect_eq "the session outlives the listener" "started survived go/0" "$(echo $(cat "$TMP/surv.out"))/$rc"
out=$(ssh_to "$U" 'echo fresh'); rc=$?
expect_eq "the new listener accepts logins" "fresh/0" "$out/$rc"
grep -q "Disconnected from user $U" "$OLDLOG" || echo "# info: old monitor logged no disconnect"
stop_daemon

# ---------------------------------------------------------------- UsePAM yes
# The PAM helper (root, it holds the PAM handle) forks the user's postauth
# child: neither may have the host key, the session's monitor does.  A
# service of this test's own with the text `lpsshd -A` installs
# (pam/lpsshd.pam: the system's common stacks, pam_limits, pam_env, ...).
SVC=lpsshd-proc-$$
mapfile -t pam_lines <"$HERE/../../pam/lpsshd.pam" || fail "no pam/lpsshd.pam"
pam_service "$SVC" "${pam_lines[@]}"
start_daemon "UsePAM yes" "PAMServiceName $SVC"
LISTENER=$DPID
ssh_bg "$TMP/pam.out" "$U" 'echo started; exec sleep 60'
CLIENT=$BG_PID
wait_for 10 file_has "$TMP/pam.out" '^started$' || fail "PAM session did not start: $(cat "$TMP/pam.out")"
wait_for 5 has_desc lpsshd-postauth
post=$(find_desc "$LISTENER" lpsshd-postauth)
[ "$(wc -w <<<"$post")" -eq 1 ] || fail "expected one lpsshd-postauth below $LISTENER, found: '$post'"
helper=$(status_field "$post" PPid)
mon=$(status_field "$helper" PPid)
echo "# PAM session: monitor $mon, PAM helper $helper, postauth $post"
expect_eq "UsePAM yes: postauth's parent is the PAM helper, its parent the monitor" \
  "lpsshd-pam lpsshd-monitor" "$(exe_name "$helper") $(exe_name "$mon")"
expect_eq "UsePAM yes: postauth Uid all $U_UID ($U)" "$U_UID $U_UID $U_UID $U_UID" "$(ids "$post" Uid)"
only_kinds "UsePAM yes: session monitor" \
  "socket|pipe|/dev/null|anon_inode:\\[(signalfd|pidfd|timerfd)\\]|$LOG" "$mon"
expect_no_hostkey "UsePAM yes: postauth" "$post"
expect_no_hostkey "UsePAM yes: PAM helper" "$helper"
r=$(scan "$mon")
expect_match "UsePAM yes: positive control: the seed IS found in the session's monitor ($(cut -d' ' -f3- <<<"$r"))" \
  "^seed=yes " "$r"
kill -TERM "$CLIENT"; wait "$CLIENT" 2>/dev/null
if wait_for 5 pid_gone "$post" && wait_for 5 pid_gone "$helper" && wait_for 5 pid_gone "$mon"; then
  ok "UsePAM yes: client gone: postauth, PAM helper and monitor exit"
else not_ok "UsePAM yes: client gone: postauth, PAM helper and monitor exit" \
  "$(ps -o pid,stat,comm -p "$post,$helper,$mon")"; fi
stop_daemon

finish
