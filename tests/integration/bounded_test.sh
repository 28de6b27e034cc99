#!/bin/bash
# Memory bounded by the windows, not by the traffic: a client that sends
# faster than the other end takes, or that does not read what the server
# sends, must not make lpsshd-postauth grow with the traffic. For each case
# the postauth child's VmHWM is sampled (every 100 ms, until after the
# traffic ended) and must stay below 16 MiB:
#   a. upload: 600 MB from the real ssh client into a command that reads
#      stdin slowly (1 MiB, then a 10 ms pause), so data for its stdin waits
#      in lpsshd the whole time; the window bounds what waits;
#   b. download to a client that advertised a window of 2^32-1 bytes and
#      reads slowly over what looks like a slow link (raw_ssh_client
#      slow-window-read, small MSS and receive buffer): only the bound on
#      the socket backlog stops the server;
#   c. 500000 CHANNEL_OPENs from a client that reads nothing until it has
#      written them all (or the server stopped reading): the replies are
#      output too, and the server must stop reading while they wait;
#   d. the same with 2000000 GLOBAL_REQUESTs with want-reply;
#   e. those requests sent during a key exchange the client started and
#      never finishes, so that their replies must wait in memory.
# Each case also checks that nothing was lost: every byte arrived, every
# request was answered once the client read.
# Needs root.  Usage: bounded_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client

U=lpt_bnd1
add_user "$U"
HWM_LIMIT_KB=16384
start_daemon "PerSourcePenalties no"

# watch_hwm CLIENT_PID: while CLIENT_PID runs, samples VmHWM of the test
# user's lpsshd-postauth every 100 ms. Sets HWM (the largest, kB), PA (the
# postauth pid) and SAMPLES. HWM only grows, so a sample after the traffic
# has ended holds the peak: each client keeps its session open a moment
# longer for that.
watch_hwm() {
  local client=$1 hwm
  HWM=0
  SAMPLES=0
  PA=
  while pid_alive "$client"; do
    if [ -z "$PA" ] || ! pid_alive "$PA"; then PA=$(pgrep -u "$U" -x lpsshd-postauth | head -n 1); fi
    if [ -n "$PA" ]; then
      hwm=$(status_field "$PA" VmHWM | awk '{print $1}')
      if [ -n "$hwm" ]; then
        SAMPLES=$((SAMPLES + 1))
        [ "$hwm" -gt "$HWM" ] && HWM=$hwm
      fi
    fi
    sleep 0.1
  done
}

# expect_bounded NAME: the checks on what watch_hwm measured.
expect_bounded() {
  echo "# $1: lpsshd-postauth ${PA:-not found}, $SAMPLES samples, VmHWM $HWM kB"
  check "$1: postauth found and sampled ($SAMPLES samples)" test "$SAMPLES" -ge 3
  check "$1: postauth VmHWM below $HWM_LIMIT_KB kB ($HWM kB)" test "$HWM" -lt "$HWM_LIMIT_KB"
}

# raw_bg OUTFILE SCENARIO [ARG]: raw_ssh_client logged in as $U in the
# background, staying connected 1 s after its scenario (RAW_SSH_LINGER).
raw_bg() {
  local out=$1; shift
  RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") RAW_SSH_LINGER=1 \
    timeout -k 2 80 "$RAW" 127.0.0.1 "$PORT" "$@" >"$out" 2>&1 &
  CL=$!
  track_bg "$CL"
}

# ------------------------------------------------- a. upload, slow reader
# Reads 1 MiB, pauses 10 ms: tens of MB/s, far below what loopback carries.
cat >"$TMP/slow_reader.py" <<'EOF'
import os, time
total = 0
while True:
    got = 0
    while got < 1 << 20:
        b = os.read(0, (1 << 20) - got)
        if not b:
            break
        got += len(b)
    total += got
    if got < 1 << 20:
        break
    time.sleep(0.01)
print(total, flush=True)
time.sleep(1)  # the session stays for a last memory sample
EOF
chmod 644 "$TMP/slow_reader.py"
T0=$SECONDS
( head -c 600M /dev/zero | ssh_to "$U" "python3 $TMP/slow_reader.py" ) >"$TMP/a.out" 2>&1 &
CL=$!
track_bg "$CL"
watch_hwm "$CL"
wait "$CL"
RC=$?
echo "# upload: ${SECONDS}s - ${T0}s"
expect_eq "upload: ssh exit status" 0 "$RC"
expect_eq "upload: the slow reader got all 600 MiB" 629145600 "$(cat "$TMP/a.out")"
expect_bounded "upload of 600 MiB into a slow reader"

# ------------------------------------- b. 4 GiB window, slowly read output
# Over loopback the kernel takes megabytes per write, which would empty the
# server's queue each time; a small MSS and receive buffer make its socket
# take a little at a time, as a slow link does.
RAW_SSH_MSS=1000 RAW_SSH_RCVBUF=65536 RAW_SSH_EXEC="head -c 600M /dev/zero" \
  raw_bg "$TMP/b.out" slow-window-read 4
watch_hwm "$CL"
wait "$CL"
RC=$?
OUT=$(cat "$TMP/b.out")
echo "# slow-window-read: $(grep -E '^READ' <<<"$OUT")"
expect_eq "slow-window-read: client expectation held (output flowed)" 0 "$RC"
expect_bounded "output to a slow reader with a 4 GiB window"

# -------------------------------------------- c. channel opens, no reading
raw_bg "$TMP/c.out" open-flood 500000
watch_hwm "$CL"
wait "$CL"
RC=$?
OUT=$(cat "$TMP/c.out")
echo "# open-flood: $(grep -E '^(FLOOD|REPLIES|ELAPSED)' <<<"$OUT" | tr '\n' ' ')"
expect_eq "open-flood: every open answered once read (client verdict)" 0 "$RC"
expect_match "open-flood: 500000 replies" '^REPLIES 500000$' "$OUT"
expect_bounded "500000 channel opens, replies unread"

# ----------------------------------------- d. global requests, no reading
raw_bg "$TMP/d.out" global-request-flood 2000000
watch_hwm "$CL"
wait "$CL"
RC=$?
OUT=$(cat "$TMP/d.out")
echo "# global-request-flood: $(grep -E '^(FLOOD|REPLIES|ELAPSED)' <<<"$OUT" | tr '\n' ' ')"
expect_eq "global-request-flood: every request answered once read (client verdict)" 0 "$RC"
expect_match "global-request-flood: 2000000 replies" '^REPLIES 2000000$' "$OUT"
expect_bounded "2000000 global requests, replies unread"

# -------------------- e. global requests during an unfinished key exchange
# The replies may not be sent before the exchange ends, so they wait in the
# server's memory rather than in its socket; they count all the same.
raw_bg "$TMP/e.out" kex-global-request-flood 2000000
watch_hwm "$CL"
wait "$CL"
RC=$?
OUT=$(cat "$TMP/e.out")
echo "# kex-global-request-flood: $(grep -E '^(FLOOD|SEND_FAILED|CLOSED)' <<<"$OUT" | tr '\n' ' ')"
expect_eq "kex-global-request-flood: logged in and flooded (client verdict)" 0 "$RC"
expect_bounded "2000000 global requests during a key exchange, replies unread"

# ------------------------------------------------------- still serving
check "the daemon is still running" pid_alive "$DPID"
out=$(ssh_to "$U" 'echo still-here' 2>&1)
expect_eq "a login works afterwards" "still-here" "$out"

finish
