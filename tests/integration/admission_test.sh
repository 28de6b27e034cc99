#!/bin/bash
# Admission control in the listener, end to end: PerSourceMaxStartups under
# a flood of 1000 idle connections (another source still logs in),
# PerSourcePenalties for failed logins and for LoginGraceTime running out
# (dropped before any fork, other sources unaffected, the exempt list),
# PreauthUidRange (each preauth child its own uid without a passwd entry;
# "none" = the lpsshd user), the reserve past a full MaxStartups for
# sources that authenticated before, and a logged-in session no longer
# counting toward MaxStartups (the monitor's authenticated-status pipe).
# Needs root.
# Usage: admission_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"

U=lpt_adm1
add_user "$U"
WRONG=$(new_key adm_wrong1)

# ---------------------------------------------------------------- helpers

# Raw TCP clients.  Every mode binds the source address SRC first.
#   hold SRC PORT N VERSION READY   N connections (sending "SSH-2.0-..." when
#                 VERSION is 1, and a KEXINIT after it when VERSION is 2, so
#                 that the connection waits in the key exchange stage), then
#                 the count that connected into READY; holds them until
#                 killed (at most 100 s)
#   probe SRC PORT                  one connection: "banner" if the server
#                 sent its version, "closed" if it closed without a byte,
#                 "reset" or "timeout"
#   silent SRC PORT                 connects, sends nothing, reads to EOF:
#                 "SECONDS banner|nobanner"
install -m 644 "$HERE/ssh_packets.py" "$TMP/"
cat >"$TMP/raw.py" <<'EOF'
import errno, os, resource, socket, sys, time

mode, src, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

from ssh_packets import kexinit_packet

def connect(timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s

if mode == "hold":
    n, version, ready = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY and hard < want:
            sys.exit("RLIMIT_NOFILE hard limit %d < %d" % (hard, want))
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    held, failed = [], 0
    for _ in range(n):
        try:
            s = connect()
            # One send: a refused connection may be reset after the first.
            hello = b"SSH-2.0-lpt_raw_client\r\n" if version >= 1 else b""
            if version >= 2:
                hello += kexinit_packet()
            if hello:
                s.sendall(hello)
            held.append(s)
        except OSError:
            failed += 1
    with open(ready + ".tmp", "w") as f:
        f.write("%d %d\n" % (len(held), failed))
    os.rename(ready + ".tmp", ready)
    time.sleep(100)
elif mode == "probe":
    try:
        s = connect()
        s.settimeout(5)
        data = s.recv(256)
        print("banner" if data.startswith(b"SSH-") else ("closed" if not data else "other"))
    except socket.timeout:
        print("timeout")
    except ConnectionResetError:
        print("reset")
    except OSError as e:
        print("error-" + errno.errorcode.get(e.errno, str(e.errno)))
elif mode == "silent":
    s = connect()
    s.settimeout(15)
    t = time.monotonic()
    got = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
    except OSError:
        pass
    print("%.1f %s" % (time.monotonic() - t, "banner" if got.startswith(b"SSH-") else "nobanner"))
EOF

# raw_hold READYFILE SRC N VERSION: starts a holding client in the background
# (its pid in BG_PID), waits until it has made its connections; sets HELD to
# "CONNECTED FAILED".  Not in $(...): the client would keep it open.
raw_hold() {
  local ready=$1 src=$2 n=$3 version=$4
  rm -f "$ready"
  ( ulimit -n 4096 2>/dev/null; exec "$PY" "$TMP/raw.py" hold "$src" "$PORT" "$n" "$version" "$ready" ) \
    >/dev/null 2>"$ready.err" &
  BG_PID=$!
  track_bg "$BG_PID"
  wait_for 60 test -s "$ready" || fail "raw client did not connect ($n from $src): $(cat "$ready.err")"
  HELD=$(cat "$ready")
}
raw_stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
probe() { "$PY" "$TMP/raw.py" probe "$1" "$PORT"; }

# Monitors (children of the listener) and preauth children of the daemon.
monitors_of() { find_desc "$DPID" lpsshd-monitor; }
preauths_of() { find_desc "$DPID" lpsshd-preauth; }
count_lines() { if [ -z "$1" ]; then echo 0; else wc -l <<<"$1" | tr -d ' '; fi; }
n_monitors() { count_lines "$(monitors_of)"; }
n_preauth() { count_lines "$(preauths_of)"; }
no_monitors() { [ "$(n_monitors)" -eq 0 ]; }
n_preauth_is() { [ "$(n_preauth)" -eq "$1" ]; }

# A real key login from SRC (127.0.0.x), which must print "hello".
login_from() {
  local src=$1 out rc
  out=$(SSH_TIMEOUT=30 ssh_to -b "$src" "$U" 'echo hello' 2>&1); rc=$?
  echo "$out/$rc"
}

# One failing login (a key not in authorized_keys) from 127.0.0.1; waits
# until its monitor has exited, so that the listener has taken note of how
# it ended before the next connection.  Prints ssh's stderr and exit code.
fail_login() {
  local out rc
  out=$(SSH_TIMEOUT=30 ssh_to -i "$WRONG" "$U" 'echo should-not-run' 2>&1); rc=$?
  wait_for 10 no_monitors || echo "(monitor still running)"
  echo "$out/$rc"
}

drop_re() { echo "drop connection #[0-9]+ from \[$1\]:[0-9]+ on \[127\.0\.0\.1\]:$PORT $2"; }

# ------------------------------------------- (a) PerSourceMaxStartups flood
T=$SECONDS
start_daemon "MaxStartups 20:30:100"
echo "# (a) lpsshd pid $DPID port $PORT: 1000 idle connections from 127.0.0.1"
PRE_UID=$(id -u lpsshd) || fail "no lpsshd user after lpsshd -A"
m=$(log_mark)
# Version and KEXINIT, then nothing: the admitted ones hold their slots for
# the key exchange stage's 30 s (one without a version would be dropped
# after 10 s, preauth_limits_test.sh), long enough for what follows.
raw_hold "$TMP/flood.ready" 127.0.0.1 1000 2
FLOOD=$BG_PID
expect_eq "flood: all 1000 connections were accepted by TCP" "1000 0" "$HELD"
# The ten admitted monitors start their preauth children.
wait_for 10 n_preauth_is 10
np=$(n_preauth); nm=$(n_monitors)
if [ "$np" -ge 1 ] && [ "$np" -le 10 ]; then ok "flood: $np lpsshd-preauth processes (at most 10)"
else not_ok "flood: at most 10 lpsshd-preauth processes" "got $np"; fi
if [ "$nm" -le 10 ]; then ok "flood: $nm monitors (at most 10)"
else not_ok "flood: at most 10 monitors" "got $nm"; fi
flood_drops() { log_since "$m" | grep -cE "$(drop_re '127\.0\.0\.1' 'past PerSourceMaxStartups$')"; }
enough_drops() { [ "$(flood_drops)" -ge 990 ]; }
wait_for 10 enough_drops
drops=$(flood_drops)
if [ "$drops" -ge 990 ]; then ok "flood: $drops connections logged as past PerSourceMaxStartups"
else not_ok "flood: >= 990 drops logged as past PerSourceMaxStartups" "got $drops"; fi
expect_no_match "flood: no MaxStartups (global) drop, only 10 were ever unauthenticated" \
  "past MaxStartups" "$(log_since "$m")"
# Admitted and dropped add up: every connection is either.
# (Each admitted monitor logs "Connection from" itself, a little later.)
flood_total() { echo $(($(log_since "$m" | grep -cE "Connection from 127\.0\.0\.1 port [0-9]+") + $(flood_drops))); }
all_counted() { [ "$(flood_total)" -ge 1000 ]; }
wait_for 10 all_counted
expect_eq "flood: admitted + dropped = 1000" 1000 "$(flood_total)"
# Another source is not affected while the flood is held.
expect_eq "flood: key login from 127.0.0.2 works meanwhile" "hello/0" "$(login_from 127.0.0.2)"
expect_match "flood: log has the 127.0.0.2 login" "Accepted publickey for $U from 127\.0\.0\.2 port" \
  "$(log_since "$m")"
np2=$(n_preauth)
if [ "$np2" -le 10 ]; then ok "flood: still at most 10 preauth children after the login ($np2)"
else not_ok "flood: at most 10 preauth children after the login" "got $np2"; fi
# And 127.0.0.1 itself is still refused.
m2=$(log_mark)
expect_eq "flood: a new connection from 127.0.0.1 is closed at once" closed "$(probe 127.0.0.1)"
wait_log "$m2" "$(drop_re '127\.0\.0\.1' 'past PerSourceMaxStartups')"
expect_match "flood: ... logged as past PerSourceMaxStartups" \
  "$(drop_re '127\.0\.0\.1' 'past PerSourceMaxStartups')" "$(log_since "$m2")"
raw_stop "$FLOOD"
wait_for 10 no_monitors
stop_daemon
echo "# (a) $((SECONDS - T))s"

# ------------------------------------------------ (b) PerSourcePenalties
T=$SECONDS
start_daemon "PerSourcePenalties authfail:30 min:45"
echo "# (b) lpsshd pid $DPID port $PORT: failed logins from 127.0.0.1"
m=$(log_mark)
# authfail:30, min:45: the first two failures earn 30 + 30 = 60 s >= 45 (plus
# 1 s noauth for the probe in between), so the third attempt is refused
# before any fork.  The 16 s of slack (not 6 s) is for a loaded machine,
# where the penalty runs down while the second login is slow.
r1=$(fail_login)
expect_match "penalty: 1st wrong-key login fails (Permission denied, 255)" "Permission denied.*/255$" "$r1"
expect_eq "penalty: one failure (30 s < min 45) does not refuse yet" banner "$(probe 127.0.0.1)"
wait_for 10 no_monitors
r2=$(fail_login)
expect_match "penalty: 2nd wrong-key login fails (Permission denied, 255)" "Permission denied.*/255$" "$r2"
m3=$(log_mark)
r3=$(fail_login)
expect_match "penalty: 3rd login attempt: connection closed, exit 255" \
  "(Connection closed|Connection reset|kex_exchange_identification).*/255$" "$r3"
expect_no_match "penalty: 3rd login attempt never reached authentication" "Permission denied" "$r3"
wait_log "$m3" "$(drop_re '127\.0\.0\.1' 'penalty')"
expect_match "penalty: log says the 3rd was dropped for a penalty" \
  "$(drop_re '127\.0\.0\.1' 'penalty')" "$(log_since "$m3")"
expect_eq "penalty: a raw connection from 127.0.0.1 is closed without a banner" closed "$(probe 127.0.0.1)"
expect_eq "penalty: a key login from 127.0.0.1 fails too" 255 "$(login_from 127.0.0.1 | sed 's|.*/||')"
expect_eq "penalty: 127.0.0.2 still logs in" "hello/0" "$(login_from 127.0.0.2)"
expect_eq "penalty: failed logins logged (2)" 2 \
  "$(log_since "$m" | grep -cE "Failed publickey for $U from 127\.0\.0\.1 port")"
expect_no_match "penalty: nothing from 127.0.0.2 was dropped" "from \[127\.0\.0\.2\]" "$(log_since "$m")"
stop_daemon

# The same flood from an exempt address: never refused.
start_daemon "PerSourcePenalties authfail:10 min:15" "PerSourcePenaltyExemptList 127.0.0.1"
echo "# (b) lpsshd pid $DPID port $PORT: exempt 127.0.0.1"
m=$(log_mark)
fails=0
for _ in 1 2 3 4; do
  r=$(fail_login)
  grep -qE "Permission denied.*/255$" <<<"$r" && fails=$((fails + 1))
done
expect_eq "exempt: all 4 wrong-key logins reached authentication and failed" 4 "$fails"
expect_eq "exempt: a raw connection still gets the banner" banner "$(probe 127.0.0.1)"
wait_for 10 no_monitors
expect_eq "exempt: key login from 127.0.0.1 works" "hello/0" "$(login_from 127.0.0.1)"
expect_no_match "exempt: no penalty drop in the log" "drop connection" "$(log_since "$m")"
stop_daemon
echo "# (b) $((SECONDS - T))s"

# -------------------------------------------------- (c) PreauthUidRange
T=$SECONDS
FIRST=1879048192 LAST=1879113727
start_daemon "PreauthUidRange $FIRST-$LAST"
echo "# (c) lpsshd pid $DPID port $PORT: two raw clients, PreauthUidRange"
raw_hold "$TMP/uid.ready" 127.0.0.1 2 1
HOLD=$BG_PID
expect_eq "uids: two raw clients connected" "2 0" "$HELD"
wait_for 10 n_preauth_is 2
pids=$(preauths_of)
expect_eq "uids: two preauth children" 2 "$(count_lines "$pids")"
uids=()
for p in $pids; do
  uidline=$(status_field "$p" Uid); gidline=$(status_field "$p" Gid)
  read -r ru eu su fu <<<"$uidline"
  read -r rg eg sg fg <<<"$gidline"
  uids+=("$ru")
  expect_eq "uids: preauth $p real/effective/saved/fs uid agree" "$ru $ru $ru $ru" "$ru $eu $su $fu"
  expect_eq "uids: preauth $p gid equals its uid" "$ru $ru $ru $ru" "$rg $eg $sg $fg"
  if [ "$ru" -ge "$FIRST" ] && [ "$ru" -le "$LAST" ]; then ok "uids: preauth $p uid $ru in PreauthUidRange"
  else not_ok "uids: preauth $p uid in $FIRST-$LAST" "got $ru"; fi
  if getent passwd "$ru" >/dev/null; then not_ok "uids: uid $ru has no passwd entry" "$(getent passwd "$ru")"
  else ok "uids: uid $ru has no passwd entry"; fi
  if [ -n "$PRE_UID" ] && [ "$ru" != "$PRE_UID" ]; then ok "uids: preauth $p does not run as lpsshd"
  else not_ok "uids: preauth $p does not run as lpsshd" "uid $ru"; fi
done
if [ "${#uids[@]}" -eq 2 ] && [ "${uids[0]}" != "${uids[1]}" ]; then
  ok "uids: the two preauth children have different uids (${uids[*]})"
else
  not_ok "uids: the two preauth children have different uids" "got ${uids[*]:-none}"
fi
raw_stop "$HOLD"
wait_for 10 no_monitors
stop_daemon

start_daemon "PreauthUidRange none"
echo "# (c) lpsshd pid $DPID port $PORT: PreauthUidRange none"
raw_hold "$TMP/uid2.ready" 127.0.0.1 2 1
HOLD=$BG_PID
expect_eq "uids none: two raw clients connected" "2 0" "$HELD"
wait_for 10 n_preauth_is 2
pids=$(preauths_of)
expect_eq "uids none: two preauth children" 2 "$(count_lines "$pids")"
for p in $pids; do
  uidline=$(status_field "$p" Uid); gidline=$(status_field "$p" Gid)
  expect_eq "uids none: preauth $p runs as the lpsshd user" \
    "$PRE_UID $PRE_UID $PRE_UID $PRE_UID" "$(tr -s '[:space:]' ' ' <<<"$uidline" | sed 's/ $//')"
  expect_eq "uids none: preauth $p has the lpsshd group" "$(id -g lpsshd) $(id -g lpsshd) $(id -g lpsshd) $(id -g lpsshd)" \
    "$(tr -s '[:space:]' ' ' <<<"$gidline" | sed 's/ $//')"
done
raw_stop "$HOLD"
wait_for 10 no_monitors
stop_daemon
echo "# (c) $((SECONDS - T))s"

# ------------------------------------- (d) LoginGraceTime and its penalty
T=$SECONDS
start_daemon "LoginGraceTime 2" "PerSourcePenalties grace-exceeded:20 min:15"
echo "# (d) lpsshd pid $DPID port $PORT: silent client, LoginGraceTime 2"
m=$(log_mark)
silent=$("$PY" "$TMP/raw.py" silent 127.0.0.1 "$PORT")
t_end=$SECONDS
read -r secs banner <<<"$silent"
expect_eq "grace: the silent client got the banner" banner "$banner"
if awk -v t="$secs" 'BEGIN { exit !(t >= 1.5 && t < 6) }'; then ok "grace: connection closed after ${secs}s"
else not_ok "grace: connection closed after about 2 s" "after $secs s"; fi
wait_log "$m" "Timeout before authentication"
expect_match "grace: log says Timeout before authentication" \
  "Timeout before authentication for 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
wait_for 10 no_monitors
m2=$(log_mark)
expect_eq "grace: the next connection from 127.0.0.1 is closed at once" closed "$(probe 127.0.0.1)"
wait_log "$m2" "$(drop_re '127\.0\.0\.1' 'penalty')"
expect_match "grace: ... and logged as dropped for a penalty" \
  "$(drop_re '127\.0\.0\.1' 'penalty')" "$(log_since "$m2")"
expect_eq "grace: 127.0.0.2 still logs in" "hello/0" "$(login_from 127.0.0.2)"
# The penalty (20 s) lasts until it expires, not only while more than min
# (15 s) of it is left: 8 s after it began the source is still refused.
while [ $((SECONDS - t_end)) -lt 8 ]; do sleep 0.5; done
m3=$(log_mark)
expect_eq "grace: 8 s later 127.0.0.1 is still refused (20 s penalty)" closed "$(probe 127.0.0.1)"
wait_for 5 lpt_log_has "$m3" "from \[127\.0\.0\.1\]|Connection from 127\.0\.0\.1"
expect_match "grace: ... logged as dropped for a penalty" \
  "$(drop_re '127\.0\.0\.1' 'penalty')" "$(log_since "$m3")"
stop_daemon
echo "# (d) $((SECONDS - T))s"

# ------------------------------- (e) the known-good reserve past MaxStartups
T=$SECONDS
start_daemon "MaxStartups 2:100:2"
echo "# (e) lpsshd pid $DPID port $PORT: MaxStartups 2:100:2 held by 127.0.0.5"
expect_eq "known-good: 127.0.0.2 logs in before the flood" "hello/0" "$(login_from 127.0.0.2)"
wait_for 10 no_monitors
raw_hold "$TMP/good.ready" 127.0.0.5 2 2
HOLD=$BG_PID
expect_eq "known-good: two held connections from 127.0.0.5" "2 0" "$HELD"
wait_for 10 n_preauth_is 2
m=$(log_mark)
expect_eq "known-good: a source that never logged in is refused (MaxStartups full)" closed "$(probe 127.0.0.6)"
wait_log "$m" "$(drop_re '127\.0\.0\.6' 'past MaxStartups$')"
expect_match "known-good: ... logged as past MaxStartups" "$(drop_re '127\.0\.0\.6' 'past MaxStartups$')" \
  "$(log_since "$m")"
expect_eq "known-good: 127.0.0.2, which authenticated before, still logs in" "hello/0" "$(login_from 127.0.0.2)"
expect_no_match "known-good: ... without being dropped" "from \[127\.0\.0\.2\]" "$(log_since "$m")"
raw_stop "$HOLD"
wait_for 10 no_monitors
stop_daemon
echo "# (e) $((SECONDS - T))s"

# -------------------- (f) an authenticated session frees its MaxStartups slot
# The monitor tells the listener over its status pipe once the login
# succeeded; from then on the connection is a session, not a startup.  Each
# step from an address of its own: a source that authenticated earns the
# known-good reserve, which would let a second login in whatever was counted.
T=$SECONDS
start_daemon "MaxStartups 1"
echo "# (f) lpsshd pid $DPID port $PORT: MaxStartups 1"
# Control: one unauthenticated connection does fill MaxStartups 1.
raw_hold "$TMP/one.ready" 127.0.0.7 1 2
HOLD=$BG_PID
expect_eq "MaxStartups 1: one held unauthenticated connection from 127.0.0.7" "1 0" "$HELD"
wait_for 10 n_preauth_is 1
m=$(log_mark)
expect_eq "control: MaxStartups 1 with an unauthenticated connection held: 127.0.0.8 refused" \
  closed "$(probe 127.0.0.8)"
wait_log "$m" "$(drop_re '127\.0\.0\.8' 'past MaxStartups$')"
expect_match "control: ... logged as past MaxStartups" "$(drop_re '127\.0\.0\.8' 'past MaxStartups$')" \
  "$(log_since "$m")"
raw_stop "$HOLD"
wait_for 10 no_monitors
# A session from 127.0.0.9 held open until the second login is done.
mkfifo "$TMP/held.in"
ssh_bg "$TMP/held.out" -b 127.0.0.9 "$U" 'echo started; read -r x; echo done' <>"$TMP/held.in"
HELD_SSH=$BG_PID
wait_for 15 file_has "$TMP/held.out" '^started$' || fail "held session did not start: $(cat "$TMP/held.out")"
m=$(log_mark)
expect_eq "MaxStartups 1 with an authenticated session held: 127.0.0.10 logs in" \
  "hello/0" "$(login_from 127.0.0.10)"
expect_no_match "... without a drop" "drop connection" "$(log_since "$m")"
if pid_alive "$HELD_SSH" && ! grep -q '^done$' "$TMP/held.out"; then ok "... while the first session was still open"
else not_ok "... while the first session was still open" "$(cat "$TMP/held.out")"; fi
# Read-write: no block and no SIGPIPE should the session be gone already.
exec 7<>"$TMP/held.in"; echo go >&7; exec 7>&-
wait "$HELD_SSH"; rc=$?
expect_eq "the held session ends normally" "started done/0" "$(echo $(cat "$TMP/held.out"))/$rc"
wait_for 10 no_monitors
stop_daemon
echo "# (f) $((SECONDS - T))s"

finish
