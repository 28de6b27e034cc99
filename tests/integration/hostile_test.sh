#!/bin/bash
# Hostile children against the REAL monitor, through the real spawn path.
#
# A private bin dir holds copies of the real lpsshd, lpsshd-monitor and
# lpsshd-pam, plus
#   mode preauth:  hostile_child as lpsshd-preauth, the real lpsshd-postauth
#   mode postauth: the real lpsshd-preauth, hostile_postauth as lpsshd-postauth
# so the real listener starts the real monitor, which starts the hostile
# program exactly as it would start the real child (helpers are found next
# to the running executable, proc/spawn.h).
#
# Preauth scenarios: a python client connects, sends "SCENARIO <name> ..."
# (tests/hostile/hostile_child.cpp reads it from the client socket) and
# reads back what the child saw.  Postauth scenarios: the real ssh client
# logs in with a key; the scenario is read from a file in the user's home.
#
# Besides violations: a child that floods requests and never reads the
# replies is ended (preauth at LoginGraceTime, postauth after the monitor's
# send deadline) while other connections keep working; failed
# authentication requests of every method take at least 5 ms, for known
# and unknown users alike; a PTY the postauth child let go of keeps its
# /dev/pts number until the monitor released it, so a later PTY_RELEASE
# cannot touch another user's terminal.
#
# Each violation scenario must end with: the child gone (SIGKILLed by the
# monitor: the hostile programs never exit by themselves), the monitor
# gone, exactly one "protocol violation" audit line naming the message,
# phase, reason and the peer's port, the client's connection closed, no
# monitor reply after the fatal message, and no privileged effect (no
# lpsshd-postauth or lpsshd-pam process, no PTY for the user).
# Needs root.  Usage: hostile_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
REAL_BINDIR=$BINDIR
for b in hostile_child hostile_postauth lpsshd-pam; do
  [ -x "$BINDIR/$b" ] || fail "$BINDIR/$b missing; build it first"
done

U=lpt_hos1
add_user "$U"
U_UID=$(id -u "$U")
U_HOME=$(home_of "$U")
# Another user, with a real session next to the hostile ones.
U2=lpt_hos2
add_user "$U2"

# Every daemon here: one log line per event we count, no penalties or
# random early drop for the many short connections from 127.0.0.1.
COMMON=("PerSourcePenalties no" "PerSourceMaxStartups none" "MaxStartups 100" "UsePAM no")

# make_bindir DIR PREAUTH POSTAUTH: the real binaries plus the two children.
make_bindir() {
  mkdir -p "$1" || fail "mkdir $1"
  local b
  for b in lpsshd lpsshd-monitor lpsshd-pam; do cp "$REAL_BINDIR/$b" "$1/$b" || fail "cp $b"; done
  cp "$2" "$1/lpsshd-preauth" || fail "cp $2"
  cp "$3" "$1/lpsshd-postauth" || fail "cp $3"
  chmod 755 "$1" "$1"/*
}
HBIN=$TMP/bin-hostile-preauth
PBIN=$TMP/bin-hostile-postauth
make_bindir "$HBIN" "$REAL_BINDIR/hostile_child" "$REAL_BINDIR/lpsshd-postauth"
make_bindir "$PBIN" "$REAL_BINDIR/lpsshd-preauth" "$REAL_BINDIR/hostile_postauth"

# start_from DIR CONFIG...: start_daemon with the listener from DIR.
start_from() {
  local dir=$1; shift
  BINDIR=$dir start_daemon "$@"
  BINDIR=$REAL_BINDIR
}

# ---------------------------------------------------------------- effects

# Processes running one of the helper binaries from DIR (their exe link).
procs_of() {
  local dir=$1 name=$2 p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" == "$dir/$name" ] && echo "${p#/proc/}"
  done
}
user_ptys() { find /dev/pts -maxdepth 1 -user "$U_UID" -name '[0-9]*' 2>/dev/null | sort; }
user_procs() { ps -e -o pid= -o uid= -o stat= | awk -v u="$U_UID" '$2 == u && $3 !~ /^Z/ {print $1}'; }

# no_privileged_effect WHAT DIR: nothing privileged happened for WHAT.
no_privileged_effect() {
  local what=$1 dir=$2 post pam ptys
  post=$(procs_of "$dir" lpsshd-postauth)
  pam=$(procs_of "$dir" lpsshd-pam)
  ptys=$(user_ptys)
  if [ -z "$post$pam$ptys" ]; then ok "$what: no postauth, no PAM helper, no PTY"
  else not_ok "$what: privileged effect" "postauth: $post" "pam: $pam" "ptys: $ptys"; fi
}

# ---------------------------------------------------------------- checks

# violation_lines LOGFILE WHO PORT: the audit lines for that peer port.
violation_lines() {
  grep -E "protocol violation by $2 child: .*\(peer 127\.0\.0\.1 port $3\)\$" "$1" 2>/dev/null
}

# after_fatal FILE: monitor replies reported after the last SENT line.
after_fatal() { awk '/^SENT /{buf=""; next} /^(REPLY|CLOSED)/{buf=buf $0 "; "} END{print buf}' "$1"; }

# check_ended NAME WHO LOGFILE PORT PID MONPID: child and monitor gone,
# one audit line; prints the line to stdout for the caller's regex.
check_gone() {
  local name=$1 pid=$2 mon=$3
  if [ -z "$pid" ] || [ -z "$mon" ]; then not_ok "$name: child reported its pid"; return; fi
  if wait_for 5 pid_gone "$pid"; then ok "$name: child killed"
  else not_ok "$name: child $pid still alive"; track_bg "$pid"; fi
  if wait_for 5 pid_gone "$mon"; then ok "$name: monitor ended"
  else not_ok "$name: monitor $mon still alive"; fi
}

# check_audit NAME WHO LOGFILE PORT ERE: exactly one audit line for the
# port, and it matches "protocol violation by WHO child: ERE; killing it".
check_audit() {
  local name=$1 who=$2 log=$3 port=$4 re=$5 lines n
  wait_for 5 file_has "$log" "\(peer 127\.0\.0\.1 port $port\)\$"
  lines=$(violation_lines "$log" "$who" "$port")
  n=$(grep -c . <<<"$lines")
  expect_eq "$name: one audit line" 1 "$n"
  expect_match "$name: audit names message, phase and reason" \
    "protocol violation by $who child: ${re}; killing it \(peer 127\.0\.0\.1 port $port\)\$" "$lines"
}

# ---------------------------------------------------------------- preauth client


RES=$TMP/res
mkdir -p "$RES"
# Bounded: a monitor that dies at the first message leaves the stand-in
# children holding the client sockets, and the client would wait forever.
run_scenarios() {
  timeout -k 5 180 "$PY" "$HERE/line_client.py" "$1" "$RES" "$2" "SCENARIO " "${@:3}" ||
    fail "client failed or took over 180 s"
}

field() { sed -n "s/^$2 //p" "$RES/$1" | head -n 1; }
pid_of() { sed -n 's/^PID \([0-9]*\) PPID [0-9]*$/\1/p' "$RES/$1"; }
mon_of() { sed -n 's/^PID [0-9]* PPID \([0-9]*\)$/\1/p' "$RES/$1"; }

# check_pre NAME LOGFILE ERE [LINE-ERE...]: a preauth violation scenario.
# LINE-EREs must each match a line the child reported (replies before the
# fatal message).
check_pre() {
  local name=$1 log=$2 re=$3 f=$RES/$1 l
  shift 3
  [ -f "$f" ] || { not_ok "$name: no result"; return; }
  if grep -q '^ERROR' "$f"; then not_ok "$name: scenario could not be played" "$(grep '^ERROR' "$f")"; fi
  for l in "$@"; do
    if grep -qE -- "$l" "$f"; then ok "$name: saw $l"; else not_ok "$name: saw $l" "$(cat "$f")"; fi
  done
  expect_eq "$name: client connection closed" EOF "$(tail -n 1 "$f")"
  expect_eq "$name: no monitor reply after the fatal message" "" "$(after_fatal "$f")"
  check_gone "$name" "$(pid_of "$name")" "$(mon_of "$name")"
  check_audit "$name" preauth "$log" "$(field "$name" PORT)" "$re"
}

# Other tests on this machine may create /etc/nologin for a while, which
# refuses every login but root's: wait for it to go.
await_no_nologin() {
  [ -e /etc/nologin ] || return 0
  echo "# /etc/nologin exists (another test?): waiting up to 60s"
  wait_for 60 test ! -e /etc/nologin || fail "/etc/nologin stays: logins are refused"
}

# ================================================================= preauth mode
await_no_nologin
T_PRE=$SECONDS
start_from "$HBIN" "${COMMON[@]}"
PORT_A=$PORT LOG_A=$LOG DPID_A=$DPID
start_from "$HBIN" "${COMMON[@]}" "MaxAuthTries 1000"
PORT_B=$PORT LOG_B=$LOG DPID_B=$DPID
start_from "$HBIN" "${COMMON[@]}" "MaxAuthTries 1000" "LoginGraceTime 4"
PORT_C=$PORT LOG_C=$LOG DPID_C=$DPID
echo "# hostile preauth: daemon A port $PORT_A (MaxAuthTries 6), B port $PORT_B (MaxAuthTries 1000), C port $PORT_C (LoginGraceTime 4)"

# --- a child that floods requests and never reads a reply (daemon C): the
# replies fill its socket buffer; the monitor must not block on a send, and
# ends the connection at LoginGraceTime. Started first, checked later.
T_FLOOD=$SECONDS
( run_scenarios "$PORT_C" 1 "flood-unread=flood-unread $U"; echo $((SECONDS - T_FLOOD)) >"$RES/flood-unread.s" ) &
FLOOD_JOB=$!
# While it is stuck, another connection to the same daemon is served.
sleep 2
run_scenarios "$PORT_C" 1 "flood-control=kexinit-twice"

# --- every message type first in phase kexinit, KEX_INIT (1) excepted.
name_of() {
  case $1 in
    1) echo KEX_INIT ;; 2) echo KEX_ECDH ;; 3) echo AUTH_NONE ;; 4) echo AUTH_PUBKEY ;;
    5) echo HANDOVER ;; 6) echo POSTAUTH_READY ;; 7) echo PTY_REQUEST ;; 8) echo PTY_RELEASE ;;
    9) echo AUTH_PASSWORD ;; 10) echo AUTH_KBDINT ;; 11) echo KBDINT_ANSWERS ;;
    64) echo HELLO ;; 65) echo KEX_INIT_REPLY ;; 66) echo KEX_REPLY ;; 67) echo AUTH_REPLY ;;
    68) echo TRANSPORT_STATE ;; 69) echo SESSION_SETTINGS ;; 70) echo PTY_REPLY ;;
    71) echo KBDINT_QUERY ;; 12) echo KEX_START ;; 13) echo LOG ;; *) echo UNKNOWN ;;
  esac
}
TYPES=()
for t in $(seq 0 255); do [ "$t" -ne 1 ] && TYPES+=("$t"); done
T0=$SECONDS
jobs=()
for t in "${TYPES[@]}"; do jobs+=("type$t=type $t"); done
run_scenarios "$PORT_A" 6 "${jobs[@]}"
sweep_bad=0
for t in "${TYPES[@]}"; do
  f=$RES/type$t
  port=$(field "type$t" PORT)
  pid=$(pid_of "type$t"); mon=$(mon_of "type$t")
  want="message $(name_of "$t") \($t\) in phase kexinit: not allowed; killing it \(peer 127\.0\.0\.1 port $port\)\$"
  problems=()
  [ "$(tail -n 1 "$f")" == EOF ] || problems+=("connection not closed")
  [ -z "$(after_fatal "$f")" ] || problems+=("reply after the message: $(after_fatal "$f")")
  if [ -z "$pid" ] || ! wait_for 5 pid_gone "$pid"; then
    problems+=("child ${pid:-?} alive")
    [ -n "$pid" ] && track_bg "$pid"
  fi
  if [ -z "$mon" ] || ! wait_for 5 pid_gone "$mon"; then problems+=("monitor ${mon:-?} alive"); fi
  lines=$(violation_lines "$LOG_A" preauth "$port")
  [ "$(grep -c . <<<"$lines")" == 1 ] || problems+=("audit lines: $(grep -c . <<<"$lines")")
  grep -qE -- "$want" <<<"$lines" || problems+=("audit line: $lines")
  if [ ${#problems[@]} -gt 0 ]; then
    sweep_bad=$((sweep_bad + 1))
    not_ok "type $t first in phase kexinit" "${problems[@]}"
  fi
done
[ "$sweep_bad" -eq 0 ] && ok "all ${#TYPES[@]} message types but KEX_INIT, first in phase kexinit: violation, child killed, one audit line each"
echo "# type sweep: ${#TYPES[@]} connections in $((SECONDS - T0))s"
no_privileged_effect "type sweep" "$HBIN"

# --- the other scenarios, in parallel on daemon A (and B for the bound).
KEY=$(key_of "$U")
run_scenarios "$PORT_A" 6 \
  "kexinit-twice=kexinit-twice" "ecdh-first=ecdh-first" "kexinit-trailing=kexinit-trailing" \
  "truncated=truncated" "oversize=oversize" "with-fd=with-fd" "empty=empty" \
  "user-change=user-change" "badsig=badsig $U $KEY" \
  "handover-early=handover-early" "pty-early=pty-early" "password=password $U" \
  "kbdint-answers=kbdint-answers" "none-flood-a=none-flood $U 129"
run_scenarios "$PORT_B" 1 "none-flood-b=none-flood $U 129"
# The post-quantum hybrids: Q_C sizes of their own (1216, 1190), H of 64
# bytes for sntrup761x25519-sha512, and the values the monitor must refuse.
run_scenarios "$PORT_A" 4 "pq-kex-mlkem=pq-kex mlkem768x25519-sha256" \
  "pq-kex-sntrup=pq-kex sntrup761x25519-sha512" \
  "pq-kex-sntrup-at=pq-kex sntrup761x25519-sha512@openssh.com" \
  "pq-qc-mlkem-short=pq-qc mlkem768x25519-sha256 short" \
  "pq-qc-mlkem-modulus=pq-qc mlkem768x25519-sha256 modulus" \
  "pq-qc-sntrup-short=pq-qc sntrup761x25519-sha512 short" \
  "pq-qc-sntrup-long=pq-qc sntrup761x25519-sha512 long" \
  "pq-qc-over=pq-qc mlkem768x25519-sha256 over"
# The one scenario that needs a successful login: again if another test's
# /etc/nologin refused it meanwhile.
for _try in 1 2 3; do
  await_no_nologin
  mark=$(stat -c %s "$LOG_A")
  run_scenarios "$PORT_A" 1 "handover-seq0=handover-seq0 $U $KEY" \
    "handover-readahead=handover-readahead $U $KEY"
  grep -q '^REPLY AUTH_REPLY fds=0 result=success' "$RES/handover-seq0" &&
    grep -q '^REPLY AUTH_REPLY fds=0 result=success' "$RES/handover-readahead" && break
  tail -c +$((mark + 1)) "$LOG_A" | grep -q "/etc/nologin exists" || break
  echo "# handover-seq0: login refused because of /etc/nologin; again"
done

KEXOK='^KEX ok hash-verified'
check_pre kexinit-twice "$LOG_A" 'message KEX_INIT \(1\) in phase kex-ecdh: not allowed' \
  '^REPLY KEX_INIT_REPLY fds=0 ok=1'
check_pre ecdh-first "$LOG_A" 'message KEX_ECDH \(2\) in phase kexinit: not allowed'
check_pre kexinit-trailing "$LOG_A" 'message KEX_INIT \(1\) in phase kexinit: malformed'
check_pre truncated "$LOG_A" 'message KEX_INIT \(1\) in phase kexinit: malformed'
# The datagram is refused before it is parsed, so only the phase and reason
# can be named.
check_pre oversize "$LOG_A" 'message KEX_INIT \(1\) in phase kexinit: oversize message' '^SENT oversize datagram of 131073 bytes'
check_pre with-fd "$LOG_A" 'message KEX_INIT \(1\) in phase kexinit: unexpected descriptors'
check_pre user-change "$LOG_A" 'message AUTH_NONE \(3\) in phase auth: user name changed' \
  "$KEXOK" '^REPLY AUTH_REPLY fds=0 result=failure disconnect=0'
# A signature over bytes that are not this session's signed data is a plain
# failure (not a violation); claiming success afterwards is one.
check_pre badsig "$LOG_A" 'message HANDOVER \(5\) in phase auth: not allowed' \
  "$KEXOK" '^REPLY AUTH_REPLY fds=0 result=failure disconnect=0'
expect_no_match "badsig: no Accepted line" "Accepted publickey for $U from 127\.0\.0\.1 port $(field badsig PORT) " "$(cat "$LOG_A")"
# The control: the same key with the right signed data is accepted; then
# garbage transport counters are fatal, and no postauth child starts.
check_pre handover-seq0 "$LOG_A" \
  'message HANDOVER \(5\) in phase handover: transport counters below what authentication required' \
  "$KEXOK" '^REPLY AUTH_REPLY fds=0 result=success'
expect_match "handover-seq0: valid signature accepted" \
  "Accepted publickey for $U from 127\.0\.0\.1 port $(field handover-seq0 PORT) ssh2: ED25519 SHA256:" "$(cat "$LOG_A")"
# A valid login, then bytes "read ahead" of the client in the handover: an
# owned preauth child's way into the session. Refused; no postauth child.
check_pre handover-readahead "$LOG_A" \
  'message HANDOVER \(5\) in phase handover: read-ahead bytes at handover \(64\)' \
  "$KEXOK" '^REPLY AUTH_REPLY fds=0 result=success'
check_pre handover-early "$LOG_A" 'message HANDOVER \(5\) in phase auth: not allowed' "$KEXOK"
check_pre pty-early "$LOG_A" 'message PTY_REQUEST \(7\) in phase auth: not allowed' "$KEXOK"
check_pre password "$LOG_A" 'message HANDOVER \(5\) in phase auth: not allowed' \
  "$KEXOK" '^REPLY AUTH_REPLY fds=0 result=failure disconnect=0'
check_pre kbdint-answers "$LOG_A" 'message KBDINT_ANSWERS \(11\) in phase auth: not allowed' "$KEXOK"

check_pre pq-kex-mlkem "$LOG_A" 'message KEX_ECDH \(2\) in phase auth: not allowed' \
  '^KEX ok hash-verified H=[0-9a-f]{16} bytes=32$'
check_pre pq-kex-sntrup "$LOG_A" 'message KEX_ECDH \(2\) in phase auth: not allowed' \
  '^KEX ok hash-verified H=[0-9a-f]{16} bytes=64$'
check_pre pq-kex-sntrup-at "$LOG_A" 'message KEX_ECDH \(2\) in phase auth: not allowed' \
  '^KEX ok hash-verified H=[0-9a-f]{16} bytes=64$'
# One past the longest Q_C of any method: the monitor protocol refuses the
# message itself.
check_pre pq-qc-over "$LOG_A" 'message KEX_ECDH \(2\) in phase kex-ecdh: malformed' '^SENT KEX_ECDH over 1217$'
# A Q_C the method refuses: a failed key exchange (nothing signed, the
# reason logged), not a protocol violation; a child that goes on after it
# is one ("closing" phase).
check_kex_refused() {
  local name=$1 re=$2
  check_pre "$name" "$LOG_A" \
    'message KEX_ECDH \(2\) in phase closed: the connection is closing; nothing more is accepted' \
    '^REPLY KEX_REPLY fds=0 ok=0 signature=0$'
  expect_match "$name: the refusal logged" \
    "kex failed with 127\.0\.0\.1 port $(field "$name" PORT): $re\$" "$(cat "$LOG_A")"
}
check_kex_refused pq-qc-mlkem-short 'client public value is not 1216 bytes'
check_kex_refused pq-qc-mlkem-modulus 'client ML-KEM-768 encapsulation key fails the modulus check'
check_kex_refused pq-qc-sntrup-short 'client public value is not 1190 bytes'
check_kex_refused pq-qc-sntrup-long 'client public value is not 1190 bytes'

# 129 AUTH_NONE with MaxAuthTries 6: the first "none" is free, so the 7th
# reply says disconnect; the 8th request comes when the phase is closed.
check_pre none-flood-a "$LOG_A" 'message AUTH_NONE \(3\) in phase closed: the connection is closing; nothing more is accepted' \
  "$KEXOK" '^SENT AUTH_NONE #8$'
expect_eq "none-flood MaxAuthTries 6: 6 failures, then one with disconnect" \
  "6 1" "$(grep -c '^REPLY AUTH_REPLY fds=0 result=failure disconnect=0' "$RES/none-flood-a") $(grep -c '^REPLY AUTH_REPLY fds=0 result=failure disconnect=1' "$RES/none-flood-a")"
expect_match "none-flood MaxAuthTries 6: logged" \
  "maximum authentication attempts exceeded for $U from 127\.0\.0\.1 port $(field none-flood-a PORT) ssh2" "$(cat "$LOG_A")"
# With MaxAuthTries 1000 the state table's bound of 128 per connection ends it.
check_pre none-flood-b "$LOG_B" 'message AUTH_NONE \(3\) in phase auth: allowed count exceeded' \
  "$KEXOK" '^SENT AUTH_NONE #129$'
expect_eq "none-flood MaxAuthTries 1000: 128 failure replies" \
  128 "$(grep -c '^REPLY AUTH_REPLY fds=0 result=failure disconnect=0' "$RES/none-flood-b")"

# --- the flood without reading (started at the top on daemon C)
wait "$FLOOD_JOB"
f=$RES/flood-unread
fport=$(field flood-unread PORT)
expect_match "flood-unread: the child flooded" '^SENT all$|^FLOODING ' "$(cat "$f")"
expect_eq "flood-unread: client connection closed by the server (not the client's timeout)" EOF "$(tail -n 1 "$f")"
fs=$(cat "$RES/flood-unread.s" 2>/dev/null || echo 99)
if [ "$fs" -le 8 ]; then ok "flood-unread: ended after ${fs} s (LoginGraceTime 4)"
else not_ok "flood-unread: ended at LoginGraceTime 4" "took ${fs} s"; fi
check_gone flood-unread "$(pid_of flood-unread)" "$(mon_of flood-unread)"
wait_for 5 file_has "$LOG_C" "Timeout before authentication for 127\.0\.0\.1 port $fport\$"
expect_match "flood-unread: logged as a child that stopped reading" \
  "preauth child for 127\.0\.0\.1 port $fport stopped reading the monitor's replies; killing it" "$(cat "$LOG_C")"
expect_match "flood-unread: then Timeout before authentication" \
  "Timeout before authentication for 127\.0\.0\.1 port $fport\$" "$(cat "$LOG_C")"
check_pre flood-control "$LOG_C" 'message KEX_INIT \(1\) in phase kex-ecdh: not allowed' \
  '^REPLY KEX_INIT_REPLY fds=0 ok=1'

# --- failed authentication takes at least 5 ms, known user or not, every
# method but "none" (daemon B: MaxAuthTries 1000, UsePAM no).
run_scenarios "$PORT_B" 2 "timing-known=auth-timing $U $KEY" "timing-unknown=auth-timing lpt_nosuch_hos"
# at_least_5ms NAME WHAT: every TIMING line for WHAT took >= 5000 us.
at_least_5ms() {
  local name=$1 what=$2 lines short
  lines=$(grep "^TIMING $what " "$RES/$name")
  if [ -z "$lines" ]; then not_ok "$name: $what timed" "$(cat "$RES/$name")"; return; fi
  short=$(awk '$3 < 5000 {print $3}' <<<"$lines" | xargs)
  if [ -z "$short" ]; then ok "$name: $what answered after >= 5 ms ($(awk '{print $3}' <<<"$lines" | xargs) us)"
  else not_ok "$name: $what answered after >= 5 ms" "$lines"; fi
}
for t in timing-known timing-unknown; do
  grep -q '^TIMING-DONE' "$RES/$t" || not_ok "$t: all requests answered" "$(cat "$RES/$t")"
  at_least_5ms "$t" pubkey-query-unknown-key
  at_least_5ms "$t" pubkey-signed-unknown-key
  at_least_5ms "$t" password
  expect_match "$t: the key is refused" '^TIMING pubkey-signed-unknown-key [0-9]+ AUTH_REPLY fds=0 result=failure' "$(cat "$RES/$t")"
done
at_least_5ms timing-known pubkey-query-authorized-key
expect_match "timing-known: the authorized key is acceptable (PK_OK), after the same minimum time" \
  '^TIMING pubkey-query-authorized-key [0-9]+ AUTH_REPLY fds=0 result=pk_ok' "$(cat "$RES/timing-known")"
expect_match "timing: the none probe is not delayed (a plain failure)" \
  '^TIMING none [0-9]+ AUTH_REPLY fds=0 result=failure' "$(cat "$RES/timing-unknown")"

# An empty datagram is the end of the channel, not a violation: the monitor
# ends the child and itself, and logs no audit line.
f=$RES/empty
expect_eq "empty: client connection closed" EOF "$(tail -n 1 "$f")"
expect_eq "empty: no reply" "" "$(after_fatal "$f")"
check_gone empty "$(pid_of empty)" "$(mon_of empty)"
wait_for 5 file_has "$LOG_A" "port $(field empty PORT)( |\$)"
expect_eq "empty: no audit line" "" "$(violation_lines "$LOG_A" preauth "$(field empty PORT)")"
# The child "closed" its channel but kept running, so the monitor killed it
# (and says so); either way the end of the connection is logged.
expect_match "empty: the end of the connection is logged" \
  "Connection closed by 127\.0\.0\.1 port $(field empty PORT) \[preauth\]|preauth child for 127\.0\.0\.1 port $(field empty PORT) closed its channel but kept running; killed" \
  "$(grep -E "port $(field empty PORT)( |\$)" "$LOG_A")"

no_privileged_effect "preauth scenarios" "$HBIN"
expect_eq "no user process ever ran" "" "$(user_procs)"
expect_no_match "no session was started" "Disconnected from user|session PTY" "$(cat "$LOG_A" "$LOG_B" "$LOG_C")"
expect_no_crash "no monitor crashed" "$LOG_A" "$LOG_B" "$LOG_C"
if pid_alive "$DPID_A"; then ok "listener survives"; else not_ok "listener survives"; fi
stop_daemon "$DPID_A"
stop_daemon "$DPID_B"
stop_daemon "$DPID_C"
echo "# preauth mode: $((SECONDS - T_PRE))s"

# ================================================================= postauth mode
T_POST=$SECONDS
# These scenarios play against an established session: the exchange after
# authentication (tested on its own below) is off.
start_from "$PBIN" "${COMMON[@]}" "MaxSessions 2" "RekeyAfterAuth no"
echo "# hostile postauth: port $PORT"
SCEN=$U_HOME/.lpsshd-hostile-scenario
RESULT=$U_HOME/.lpsshd-hostile-result
GO=$U_HOME/.lpsshd-hostile-go

# start_post NAME LINE: writes the scenario and logs in with the real ssh;
# false (after a failed check) if the hostile postauth child did not start.
# A login refused because another test's /etc/nologin appeared meanwhile is
# tried once more.
start_post() {
  local _try
  for _try in 1 2; do
    await_no_nologin
    rm -f "$RESULT" "$GO"
    { echo "$2" >"$SCEN" && chmod 644 "$SCEN"; } || fail "scenario file"
    SSH_TIMEOUT=40 ssh_bg "$TMP/ssh.$1.out" "$U" true
    SSH_BG=$BG_PID
    wait_for 20 lpt_post_settled
    file_has "$RESULT" '^PID ' && { post_parents; return 0; }
    grep -q "/etc/nologin exists" "$LOG" || break
    wait_for 10 pid_gone "$SSH_BG"
  done
  not_ok "$1: hostile postauth started" "$(cat "$TMP/ssh.$1.out")"
  return 1
}
# The child reported, or the login ended without it.
lpt_post_settled() { file_has "$RESULT" '^PID ' || pid_gone "$SSH_BG"; }
post_field() { sed -n "s/^PID \([0-9]*\) PPID \([0-9]*\) PORT \([0-9]*\)$/\\$1/p" "$RESULT"; }
# post_parents: POST_MON, the child's monitor, and POST_HELPER, with UsePAM
# yes the PAM helper that forked the child (its parent), else empty. From
# the child's PARENT line: a violation can end them before we look.
post_parents() {
  local parent name grand grand_name
  parent=$(post_field 2)
  read -r name grand grand_name < <(sed -n 's/^PARENT //p' "$RESULT")
  POST_HELPER= POST_MON=$parent POST_CHAIN="${name:-?} ${grand_name:-?}"
  if [ -n "$parent" ] && [ "${name:-}" == lpsshd-pam ]; then
    POST_HELPER=$parent
    POST_MON=$grand
  fi
}
# Polled by wait_for: each call looks again.
no_user_ptys() { [ -z "$(user_ptys)" ]; }
monitor_has_no_ptys() { [ -z "$(monitor_ptys "$1")" ]; }

# finish_post NAME ERE [LINE-ERE...]: the child's report, then the end.
finish_post() {
  local name=$1 re=$2 l
  shift 2
  wait_for 30 pid_gone "$SSH_BG" || not_ok "$name: ssh client still connected"
  cp "$RESULT" "$RES/post-$name" 2>/dev/null
  if grep -q '^ERROR' "$RESULT"; then not_ok "$name: scenario could not be played" "$(grep '^ERROR' "$RESULT")"; fi
  for l in '^REPLY TRANSPORT_STATE fds=0 keys=64\+64' '^REPLY SESSION_SETTINGS fds=0' "$@"; do
    if grep -qE -- "$l" "$RESULT"; then ok "$name: saw $l"; else not_ok "$name: saw $l" "$(cat "$RESULT")"; fi
  done
  expect_eq "$name: no monitor reply after the fatal message" "" "$(after_fatal "$RESULT")"
  check_gone "$name" "$(post_field 1)" "$POST_MON"
  if [ -n "$POST_HELPER" ]; then
    if wait_for 5 pid_gone "$POST_HELPER"; then ok "$name: PAM helper ended"
    else not_ok "$name: PAM helper $POST_HELPER still alive"; fi
  fi
  check_audit "$name" postauth "$LOG" "$(post_field 3)" "$re"
  expect_match "$name: logged in for real first" \
    "Accepted publickey for $U from 127\.0\.0\.1 port $(post_field 3) ssh2" "$(cat "$LOG")"
  wait_for 5 no_user_ptys
  expect_eq "$name: no PTY left" "" "$(user_ptys)"
}

# monitor_ptys PID: the /dev/ptmx and /dev/pts/N descriptors PID holds, sorted.
# A slave whose master was closed shows as "/dev/pts/N (deleted)": devpts
# removes the node then, but keeps the number until the last descriptor goes.
monitor_ptys() {
  for l in /proc/"$1"/fd/*; do readlink "$l"; done 2>/dev/null | grep -E '^/dev/(ptmx|pts/)' |
    sed 's/ (deleted)$//' | sort
}

# end_post NAME: ends a scenario that is no violation: the hostile child is
# killed from outside, the monitor must end and leave no PTY behind.
end_post() {
  local pid mon
  pid=$(post_field 1) mon=$POST_MON
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  wait_for 10 pid_gone "$mon" || not_ok "$1: monitor $mon ends after its child"
  wait_for 30 pid_gone "$SSH_BG" || not_ok "$1: ssh client still connected"
  wait_for 5 no_user_ptys
  expect_eq "$1: no PTY left" "" "$(user_ptys)"
}

# --- A PTY the postauth child let go of (both descriptors closed), then
# released with PTY_RELEASE after another user got a terminal: that
# terminal stays the other user's (owner, mode, utmp), because the monitor
# keeps the slave, so the number cannot have gone to anyone else.
[ -e /var/run/utmp ] || install -m 664 -g utmp /dev/null /var/run/utmp
U2_UID=$(id -u "$U2")
H_PORT=$PORT H_LOG=$LOG H_DPID=$DPID
start_daemon "PerSourcePenalties no" "UsePAM no"
R_PORT=$PORT R_DPID=$DPID
PORT=$H_PORT LOG=$H_LOG DPID=$H_DPID
echo "[127.0.0.1]:$H_PORT $(cut -d' ' -f1,2 "$HOSTKEY.pub")" >>"$KNOWN_HOSTS"
who_has_u2() { who | awk -v u="$U2" -v l="$1" '$1 == u && $2 == l' | grep -qF '(127.0.0.1)'; }
u2_tty() { tr -d '\r' <"$TMP/u2.out" 2>/dev/null | grep -m1 -E '^/dev/pts/[0-9]+$'; }
if start_post pty-let-go pty-let-go && wait_for 15 file_has "$RESULT" '^LET-GO /dev/pts/[0-9]+$'; then
  H_TTY=$(sed -n 's/^LET-GO //p' "$RESULT")
  H_MON=$POST_MON
  expect_eq "pty-let-go: the child closed its copies; the monitor still holds the slave, no master" \
    "$H_TTY" "$(monitor_ptys "$H_MON" | xargs)"
  PORT=$R_PORT
  SSH_TIMEOUT=60 ssh_bg "$TMP/u2.out" -tt "$U2" 'tty; sleep 30'
  U2_BG=$BG_PID
  PORT=$H_PORT
  if wait_for 15 u2_tty; then
    U2_TTY=$(u2_tty)
    echo "# hostile child's PTY $H_TTY, $U2's $U2_TTY"
    expect_eq "pty-let-go: $U2's terminal is not the one the hostile child let go of" "different" \
      "$([ "$U2_TTY" != "$H_TTY" ] && echo different || echo "same $U2_TTY")"
    wait_for 5 who_has_u2 "${U2_TTY#/dev/}" || not_ok "pty-let-go: who lists $U2 before the release" "$(who)"
    touch "$GO"
    wait_for 10 file_has "$RESULT" '^SENT PTY_RELEASE ' || not_ok "pty-let-go: PTY_RELEASE sent"
    # The monitor gives its PTY back: its slave is closed.
    wait_for 5 monitor_has_no_ptys "$H_MON"
    expect_eq "pty-let-go: after the release the monitor holds no PTY descriptor" "" "$(monitor_ptys "$H_MON")"
    expect_eq "pty-let-go: $U2's terminal still belongs to $U2, crw--w----" "$U2_UID crw--w----" \
      "$(stat -c '%u %A' "$U2_TTY" 2>&1)"
    if who_has_u2 "${U2_TTY#/dev/}"; then ok "pty-let-go: who still lists $U2 on ${U2_TTY#/dev/}"
    else not_ok "pty-let-go: who still lists $U2 on ${U2_TTY#/dev/}" "who says: $(who)"; fi
    # devpts removed the released PTY's node when the child closed its
    # master; if it is there at all, it is root's and nobody else's.
    expect_match "pty-let-go: the released PTY is gone or root's, crw-------" '^(gone|0 crw-------)$' \
      "$(stat -c '%u %A' "$H_TTY" 2>/dev/null || echo gone)"
  else
    not_ok "pty-let-go: $U2 logged in with a PTY" "$(cat "$TMP/u2.out")"
  fi
  kill -TERM "$U2_BG" 2>/dev/null
  end_post pty-let-go
  expect_eq "pty-let-go: no violation logged" "" "$(violation_lines "$LOG" postauth "$(post_field 3)")"
fi
stop_daemon "$R_DPID"

# --- requests without reading a reply: the monitor's replies fill the
# child's socket buffer; the monitor must not block on the send, and ends
# the connection after its send deadline (10 s). Other connections work
# meanwhile.
if start_post pty-flood-unread "pty-flood-unread 1024"; then
  FU_PORT=$(post_field 3)
  T_FU=$SECONDS
  wait_for 10 file_has "$RESULT" '^FLOODING ' || not_ok "pty-flood-unread: the child floods"
  sleep 2
  out=$(timeout 10 ssh-keyscan -p "$PORT" -t ed25519 127.0.0.1 2>/dev/null)
  expect_match "pty-flood-unread: meanwhile another connection to the daemon gets its key exchange done" \
    '^\[127\.0\.0\.1\]:[0-9]+ ssh-ed25519 ' "$out"
  if wait_for 20 file_has "$LOG" "postauth child for 127\.0\.0\.1 port $FU_PORT stopped reading the monitor's replies; killing it"; then
    ok "pty-flood-unread: ended, logged as a child that stopped reading ($((SECONDS - T_FU)) s)"
  else
    not_ok "pty-flood-unread: ended within the send deadline" "$(tail -n 3 "$RESULT")"
  fi
  expect_no_match "pty-flood-unread: the child never got past the stuck buffer" '^SENT all' "$(cat "$RESULT")"
  check_gone pty-flood-unread "$(post_field 1)" "$POST_MON"
  wait_for 30 pid_gone "$SSH_BG" || not_ok "pty-flood-unread: ssh client still connected"
  wait_for 5 no_user_ptys
  expect_eq "pty-flood-unread: no PTY left" "" "$(user_ptys)"
fi

# The message must be named too: the monitor knows it was a PTY_RELEASE in
# phase postauth.
start_post pty-release "pty-release-foreign /dev/pts/0" &&
finish_post pty-release 'message PTY_RELEASE \(8\) in phase postauth: .*does not hold.*' '^SENT PTY_RELEASE /dev/pts/0$'

start_post auth-pubkey auth-pubkey &&
finish_post auth-pubkey 'message AUTH_PUBKEY \(4\) in phase postauth: not allowed'

start_post ecdh ecdh &&
finish_post ecdh 'message KEX_ECDH \(2\) in phase postauth: not allowed'

start_post ready-twice ready-twice &&
finish_post ready-twice 'message POSTAUTH_READY \(6\) in phase postauth: not allowed'

# 1025 PTY requests with MaxSessions 2: two PTYs, then refusals (not
# violations), and the 1025th exceeds the table's per-phase bound.
pty_flood() {
  local mon held mon_ptys
  if wait_for 30 file_has "$RESULT" '^HOLDING '; then
    ok "pty-flood: two PTYs granted, the third refused"
    mon=$POST_MON
    held=$(user_ptys)
    expect_eq "pty-flood: the user holds exactly MaxSessions PTYs" 2 "$(grep -c . <<<"$held")"
    expect_eq "pty-flood: they are the ones reported" \
      "$(sed -n 's/^HOLDING //p' "$RESULT" | tr ' ' '\n' | sort | xargs)" "$(xargs <<<"$held")"
    # The monitor sent the descriptors and kept one slave per PTY (so that
    # their numbers cannot be reused before it gives them back), no master.
    mon_ptys=$(monitor_ptys "$mon")
    expect_eq "pty-flood: the monitor holds exactly the slaves of the PTYs it granted, no master" \
      "$(sed -n 's/^HOLDING //p' "$RESULT" | tr ' ' '\n' | sort | xargs)" "$(xargs <<<"$mon_ptys")"
  else
    not_ok "pty-flood: reached HOLDING" "$(cat "$RESULT")"
  fi
  touch "$GO"
  wait_for 60 file_has "$RESULT" '^SENT PTY_REQUEST #1025$' || not_ok "pty-flood: all requests sent"
  finish_post pty-flood 'message PTY_REQUEST \(7\) in phase postauth: allowed count exceeded' \
    '^REPLY PTY_REPLY fds=2 ok=1 tty=/dev/pts/[0-9]+$' '^REPLY PTY_REPLY fds=0 ok=0 tty=-$' \
    '^TALLY ok=2 refused=1022 bad=0$'
  expect_eq "pty-flood: two PTYs granted in all" 2 "$(grep -c '^REPLY PTY_REPLY fds=2 ok=1' "$RES/post-pty-flood")"
}
start_post pty-flood "pty-flood 1025" && pty_flood

# RekeyAfterAuth (the default): nothing before the exchange that must come
# first, a PTY least of all.
stop_daemon
start_from "$PBIN" "${COMMON[@]}"
start_post pty-before-rekey pty-before-rekey &&
finish_post pty-before-rekey 'message PTY_REQUEST \(7\) in phase postauth-rekey-start: not allowed' \
  '^SENT PTY_REQUEST'

expect_eq "postauth mode: no PAM helper" "" "$(procs_of "$PBIN" lpsshd-pam)"
expect_no_crash "no daemon process crashed (every daemon of this test)" "$TMP"/lpsshd.*.log
stop_daemon

# --- UsePAM yes (the default PAM service): the PAM helper forks the user's
# postauth child, so it is not the monitor's child, and it has cleared its
# parent-death signal. A violation must still kill it (the monitor holds a
# pidfd for it), and the helper must end.
start_from "$PBIN" "${COMMON[@]/#UsePAM no/UsePAM yes}" "MaxSessions 2" "RekeyAfterAuth no"
echo "# hostile postauth, UsePAM yes: port $PORT"
for s in auth-pubkey:'message AUTH_PUBKEY \(4\) in phase postauth: not allowed' \
         ecdh:'message KEX_ECDH \(2\) in phase postauth: not allowed' \
         ready-twice:'message POSTAUTH_READY \(6\) in phase postauth: not allowed'; do
  name=pam-${s%%:*}
  start_post "$name" "${s%%:*}" || continue
  expect_eq "$name: the child's parent is the PAM helper, whose parent is the monitor" \
    "lpsshd-pam lpsshd-monitor" "$POST_CHAIN"
  finish_post "$name" "${s#*:}"
done
# The PAM-started user process as the helper and the drop left it: the
# user's ids and groups only, no capabilities, not dumpable (its /proc files
# are root's). Killed from outside, it takes its monitor and helper along.
if start_post pam-idle idle; then
  pid=$(post_field 1)
  expect_eq "pam-idle: the child's parent is the PAM helper, whose parent is the monitor" \
    "lpsshd-pam lpsshd-monitor" "$POST_CHAIN"
  st() { echo $(status_field "$pid" "$1"); }
  expect_eq "pam-idle: Uid all $U_UID" "$U_UID $U_UID $U_UID $U_UID" "$(st Uid)"
  U_GID=$(id -g "$U")
  expect_eq "pam-idle: Gid all $U_GID" "$U_GID $U_GID $U_GID $U_GID" "$(st Gid)"
  expect_eq "pam-idle: groups are the user's" "$(id -G "$U" | tr ' ' '\n' | sort -n | xargs)" \
    "$(st Groups | tr ' ' '\n' | sort -n | xargs)"
  expect_eq "pam-idle: CapEff empty" 0000000000000000 "$(st CapEff)"
  expect_eq "pam-idle: CapPrm empty" 0000000000000000 "$(st CapPrm)"
  expect_eq "pam-idle: not dumpable (its /proc files belong to root)" 0 "$(stat -c %u "/proc/$pid/status")"
  end_post pam-idle
  if wait_for 5 pid_gone "$POST_HELPER"; then ok "pam-idle: PAM helper ended"
  else not_ok "pam-idle: PAM helper $POST_HELPER still alive"; fi
fi
expect_eq "postauth mode, UsePAM yes: no PAM helper left" "" "$(procs_of "$PBIN" lpsshd-pam)"
expect_eq "postauth mode, UsePAM yes: no process of $U left" "" "$(user_procs)"
expect_no_match "postauth mode, UsePAM yes: no monitor crashed" "killed by signal (6|11)|fatal:|AddressSanitizer" "$(cat "$LOG")"
stop_daemon
echo "# postauth mode: $((SECONDS - T_POST))s"
# HOSTILE_KEEP=DIR keeps what the children reported and the daemon logs.
if [ -n "${HOSTILE_KEEP:-}" ]; then
  mkdir -p "$HOSTILE_KEEP" && cp -r "$RES" "$LOG_A" "$LOG_B" "$LOG" "$HOSTILE_KEEP"/
fi
finish
