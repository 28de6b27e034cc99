#!/bin/bash
# Pre-authentication cost and admission, end to end:
#  (a) stage deadlines inside LoginGraceTime (monitor/preauth_deadlines.h):
#      with LoginGraceTime 20, a client that sends nothing or only its
#      version is dropped after 5 s, one that stalls in the key exchange
#      after 10 s, while a real login whose user needs 12 s after the key
#      exchange (a passphrase asked for after the server's host key) still
#      gets in;
#  (b) start-up refuses an RLIMIT_NOFILE below what MaxStartups needs, with
#      a message saying so;
#  (c) accept4 failing with EMFILE (the listener's limit lowered under it
#      with prlimit) pauses accepting instead of spinning, is logged, and
#      the waiting connection is served once descriptors are back.
# Needs root.  Usage: preauth_limits_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
command -v prlimit >/dev/null || { echo "FATAL: prlimit (util-linux) not installed" >&2; exit 1; }

U=lpt_plim1
add_user "$U"

# stall SRC PORT WHAT: connects, sends WHAT (none | version | kexinit:
# version and KEXINIT), then reads until the server closes; prints
# "SECONDS banner|nobanner".
# banner PORT SECONDS: one connection; "banner" if the server's version
# arrives within SECONDS, else "nobanner".
install -m 644 "$HERE/ssh_packets.py" "$TMP/"
cat >"$TMP/raw.py" <<'EOF'
import os, socket, struct, sys, time

from ssh_packets import kexinit_packet

mode = sys.argv[1]
if mode == "stall":
    src, port, what = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    s.settimeout(40)
    t = time.monotonic()
    if what in ("version", "kexinit"):
        s.sendall(b"SSH-2.0-lpt_stall\r\n" + (kexinit_packet() if what == "kexinit" else b""))
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
elif mode == "banner":
    port, secs = int(sys.argv[2]), float(sys.argv[3])
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(secs)
    try:
        print("banner" if s.recv(64).startswith(b"SSH-") else "nobanner")
    except OSError:
        print("nobanner")
EOF

# within NAME LOW HIGH "SECONDS banner": the connection got the banner and
# was closed after LOW..HIGH seconds.
within() {
  local name=$1 lo=$2 hi=$3 secs banner
  read -r secs banner <<<"$4"
  if [ "$banner" == banner ] && awk -v t="$secs" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !(t >= lo && t < hi) }'; then
    ok "$name (${secs}s)"
  else
    not_ok "$name" "expected the banner and a close after $lo-$hi s, got: $4"
  fi
}

# -------------------------------------------------- (a) stage deadlines
T=$SECONDS
start_daemon "LoginGraceTime 20"
echo "# (a) lpsshd pid $DPID port $PORT: LoginGraceTime 20 (stages: 5 s, 10 s)"
m=$(log_mark)
STALLERS=()
for what in none version kexinit; do
  "$PY" "$TMP/raw.py" stall 127.0.0.1 "$PORT" "$what" >"$TMP/stall.$what" 2>&1 &
  STALLERS+=($!)
  track_bg $!
done
# A real login, pinned host key, an encrypted key whose passphrase comes 12 s
# after ssh asks: after the server's key exchange reply, so only
# LoginGraceTime counts.
PASS=pass-$RANDOM$RANDOM
ssh-keygen -q -t ed25519 -N "$PASS" -C slow -f "$TMP/slow_key" || fail "ssh-keygen"
cat "$TMP/slow_key.pub" >>"$(home_of "$U")/.ssh/authorized_keys"
printf '#!/bin/sh\nsleep 12\necho %s\n' "$PASS" >"$TMP/askpass"
chmod 755 "$TMP/askpass"
t_login=$SECONDS
slow=$(SSH_ASKPASS="$TMP/askpass" SSH_ASKPASS_REQUIRE=force SSH_TIMEOUT=40 \
       ssh_to -o BatchMode=no -i "$TMP/slow_key" "$U" 'echo slow-ok' 2>&1)
t_login=$((SECONDS - t_login))
wait "${STALLERS[@]}"
within "silent client dropped after the 5 s version stage" 4.5 8 "$(cat "$TMP/stall.none")"
within "client with only a version line dropped after 5 s" 4.5 8 "$(cat "$TMP/stall.version")"
within "client stalled in the key exchange dropped after the 10 s stage" 9.5 14 "$(cat "$TMP/stall.kexinit")"
expect_eq "a login whose user takes 12 s after the key exchange succeeds" slow-ok "$slow"
if [ "$t_login" -ge 12 ]; then ok "... and it did take more than the 10 s stage (${t_login}s)"
else not_ok "the slow login took at least 12 s" "took ${t_login}s"; fi
log=$(log_since "$m")
expect_eq "log: two clients without version and KEXINIT within 5 s" 2 \
  "$(grep -cE '^no version and key exchange init from 127\.0\.0\.1 port [0-9]+ within 5 s$' <<<"$log")"
expect_eq "log: one key exchange not completed within 10 s" 1 \
  "$(grep -cE '^key exchange not completed from 127\.0\.0\.1 port [0-9]+ within 10 s$' <<<"$log")"
expect_eq "log: three 'Timeout before authentication' lines, sshd's wording" 3 \
  "$(grep -cE '^Timeout before authentication for 127\.0\.0\.1 port [0-9]+$' <<<"$log")"
expect_match "log: the slow login was accepted" "Accepted publickey for $U from 127\.0\.0\.1 port" "$log"
stop_daemon
echo "# (a) $((SECONDS - T))s"

# ------------------------------------------- (b) RLIMIT_NOFILE at start-up
T=$SECONDS
start_daemon
stop_daemon  # only for CONFIG and a free PORT
echo "# (b) RLIMIT_NOFILE below what MaxStartups needs"
out=$TMP/nofile.out
rc=$(timeout -k 2 5 prlimit --nofile=20 "$BINDIR/lpsshd" -D -e -f "$CONFIG" -p "$PORT" >"$out" 2>&1; echo $?)
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then ok "nofile 20: lpsshd exits at once, status $rc"
else not_ok "nofile 20: lpsshd exits non-zero at once" "status $rc"; fi
expect_match "nofile 20: it says why" \
  "^lpsshd: RLIMIT_NOFILE is 20 but lpsshd needs at least [0-9]+ open files .*MaxStartups 100.*raise the limit \(ulimit -n" \
  "$(cat "$out")"
rc=$(timeout -k 2 5 prlimit --nofile=1024 "$BINDIR/lpsshd" -D -e -f "$CONFIG" -p "$PORT" \
     -o "MaxStartups 10:30:2000" >"$out" 2>&1; echo $?)
expect_match "MaxStartups 10:30:2000 under nofile 1024: refused too" \
  "RLIMIT_NOFILE is 1024 but lpsshd needs at least 20[0-9][0-9] .*MaxStartups 2000" "$(cat "$out")"
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ok "... exit status $rc" || not_ok "... exits non-zero" "status $rc"
# Enough: it starts (and is stopped by timeout).
rc=$(timeout -k 2 3 prlimit --nofile=200 "$BINDIR/lpsshd" -D -e -f "$CONFIG" -p "$PORT" >"$out" 2>&1; echo $?)
expect_eq "nofile 200 is enough for the defaults: it serves until stopped" 124 "$rc"
expect_match "... and listens" "Server listening on 127\.0\.0\.1 port $PORT\." "$(cat "$out")"
echo "# (b) $((SECONDS - T))s"

# ------------------------------------------- (c) EMFILE: pause, not spin
T=$SECONDS
start_daemon
echo "# (c) lpsshd pid $DPID port $PORT: RLIMIT_NOFILE lowered to the descriptors it holds"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The lowest free descriptor number: as the limit, no new descriptor fits.
lowest_free() { local i=0; while [ -e "/proc/$1/fd/$i" ]; do i=$((i + 1)); done; echo "$i"; }
nfd=$(lowest_free "$DPID")
hard=$(prlimit --pid "$DPID" --nofile --noheadings --output HARD --raw)
m=$(log_mark)
prlimit --pid "$DPID" --nofile="$nfd:$hard" || fail "prlimit --pid $DPID"
"$PY" "$TMP/raw.py" banner "$PORT" 15 >"$TMP/waiting" 2>&1 &
WAITING=$!
track_bg "$WAITING"
sleep 0.5
c0=$(cpu_ticks "$DPID")
sleep 2
c1=$(cpu_ticks "$DPID")
ticks=$((c1 - c0))
hz=$(getconf CLK_TCK)
# A spinning listener burns the whole 2 s (2 * hz ticks).
if [ "$ticks" -le $((hz / 5)) ]; then ok "EMFILE: listener CPU over 2 s: $ticks ticks of $((2 * hz)) (no spinning)"
else not_ok "EMFILE: listener CPU over 2 s at most $((hz / 5)) ticks" "got $ticks"; fi
log=$(log_since "$m")
expect_match "EMFILE: logged as sshd would ('accept: Too many open files')" \
  "^accept: Too many open files; not accepting for 100 ms$" "$log"
n=$(grep -c '^accept: Too many open files' <<<"$log")
# About ten tries a second, each a VERBOSE line (the test's LogLevel).
if [ "$n" -ge 5 ] && [ "$n" -le 40 ]; then ok "EMFILE: about ten retries a second ($n lines in ~2.5 s)"
else not_ok "EMFILE: about ten retries a second" "got $n lines"; fi
prlimit --pid "$DPID" --nofile="$hard:$hard" || fail "prlimit --pid $DPID (restore)"
wait "$WAITING"
expect_eq "EMFILE: the waiting connection is served once descriptors are back" banner "$(cat "$TMP/waiting")"
expect_eq "EMFILE: the listener is still running" 0 "$(pid_alive "$DPID"; echo $?)"
expect_eq "EMFILE: and logins work" hello "$(SSH_TIMEOUT=30 ssh_to "$U" 'echo hello' 2>&1)"
stop_daemon
echo "# (c) $((SECONDS - T))s"

finish
