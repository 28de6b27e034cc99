#!/bin/bash
# Logs an attacker can't flood: 10,000 connections from a penalised source
# and 2,000 past PerSourceMaxStartups are refused before any fork, and at
# LogLevel INFO they give a handful of lines, not one each: the first refusal
# of each kind in full ("drop connection #N from [ADDR]:PORT on
# [LADDR]:LPORT REASON"), then one summary per kind within 30 s
# ("PerSourcePenalties logging rate-limited: additional 9999 connections
# dropped"), which accounts for every refusal.  At LogLevel VERBOSE each
# refusal keeps its own line.  Needs root.
# Usage: flood_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"

# refuse SRC PORT N: N connections from SRC, each read to its end; prints
# "CLOSED OTHER": how many were closed without a byte (refused before any
# fork) and how many were not.
# hold SRC PORT READY: one connection that sends its version and KEXINIT,
# so that it waits in the key exchange stage; READY is written once it is
# connected; held until killed.
install -m 644 "$HERE/ssh_packets.py" "$TMP/"
cat >"$TMP/flood.py" <<'EOF'
import os, socket, struct, sys, time

from ssh_packets import kexinit_packet

mode, src, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

def connect():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s

if mode == "refuse":
    closed = other = 0
    for _ in range(int(sys.argv[4])):
        try:
            s = connect()
            data = s.recv(64)
            s.close()
        except OSError:
            data = b""  # reset: refused too
        if data:
            other += 1
        else:
            closed += 1
    print(closed, other)
elif mode == "hold":
    s = connect()
    s.sendall(b"SSH-2.0-lpt_flood\r\n" + kexinit_packet())
    with open(sys.argv[4], "w") as f:
        f.write("ok\n")
    time.sleep(100)
EOF
flood() { "$PY" "$TMP/flood.py" refuse "$1" "$PORT" "$2"; }
n_monitors() { local n; n=$(find_desc "$DPID" lpsshd-monitor | wc -l); echo "$n"; }
monitors_are() { [ "$(n_monitors)" -eq "$1" ]; }

# Earns 127.0.0.1 a penalty: a connection closed before any authentication
# attempt (noauth:60, above min:10).
earn_penalty() {
  "$PY" -c 'import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(64)
s.close()' "$PORT"
  wait_for 10 monitors_are 0 || fail "the monitor of the penalty-earning connection did not exit"
}

# ------------------------------------------- 12,000 refusals at LogLevel INFO
T=$SECONDS
start_daemon "LogLevel INFO" "PerSourcePenalties noauth:60 min:10 max:600" "PerSourceMaxStartups 1"
echo "# lpsshd pid $DPID port $PORT, LogLevel INFO"
earn_penalty
m=$(log_mark)
t0=$SECONDS
r1=$(flood 127.0.0.1 10000)
expect_eq "10,000 connections from the penalised 127.0.0.1 were all closed at once" "10000 0" "$r1"
# 127.0.0.3 holds its one unauthenticated slot (PerSourceMaxStartups 1).
rm -f "$TMP/hold.ready"
"$PY" "$TMP/flood.py" hold 127.0.0.3 "$PORT" "$TMP/hold.ready" >/dev/null 2>&1 &
HOLD=$!
track_bg "$HOLD"
wait_for 10 test -s "$TMP/hold.ready" || fail "holding client did not connect"
wait_for 10 monitors_are 1 || fail "no monitor for the held connection"
r2=$(flood 127.0.0.3 2000)
expect_eq "2,000 more from 127.0.0.3 (its one slot held) were all closed at once" "2000 0" "$r2"
echo "# 12,000 refusals took $((SECONDS - t0))s"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
wait_for 10 monitors_are 0

# The summaries come at most 30 s after each kind's first refusal.
summary_re() { echo "^$1 logging rate-limited: additional [0-9]+ connections dropped$"; }
both_summaries() {
  lpt_log_has "$m" "$(summary_re PerSourcePenalties)" && lpt_log_has "$m" "$(summary_re MaxStartups)"
}
wait_for 40 both_summaries
log=$(log_since "$m")
expect_match "summary: PerSourcePenalties logging rate-limited: additional N connections dropped" \
  "$(summary_re PerSourcePenalties)" "$log"
expect_match "summary: MaxStartups logging rate-limited: additional N connections dropped" \
  "$(summary_re MaxStartups)" "$log"
# Every refusal is accounted for: the lines in full plus the summaries' counts.
accounted() {
  local full sum
  full=$(grep -cE "^drop connection #[0-9]+ from \[$1\]:[0-9]+ on \[127\.0\.0\.1\]:$PORT $2" <<<"$log")
  sum=$(grep -E "$(summary_re "$3")" <<<"$log" | awk '{s += $5} END {print s + 0}')
  echo $((full + sum))
}
expect_eq "summary: penalised refusals in full + summarised = 10000" 10000 \
  "$(accounted '127\.0\.0\.1' 'penalty: connections without attempting authentication$' PerSourcePenalties)"
expect_eq "summary: per-source refusals in full + summarised = 2000" 2000 \
  "$(accounted '127\.0\.0\.3' 'past PerSourceMaxStartups$' MaxStartups)"
info_lines=$(grep -c . <<<"$log")
echo "# INFO lines for 12,000 refusals (and the held connection):"
sed 's/^/#   | /' <<<"$log"
if [ "$info_lines" -lt 10 ]; then ok "fewer than 10 INFO lines for 12,000 refused connections ($info_lines)"
else not_ok "fewer than 10 INFO lines for 12,000 refused connections" "got $info_lines"; fi
expect_eq "one refusal of each kind in full" 2 "$(grep -c '^drop connection #' <<<"$log")"
stop_daemon
echo "# INFO part: $((SECONDS - T))s"

# ------------------------------------------------ details at LogLevel VERBOSE
T=$SECONDS
start_daemon "LogLevel VERBOSE" "PerSourcePenalties noauth:60 min:10 max:600"
echo "# lpsshd pid $DPID port $PORT, LogLevel VERBOSE"
earn_penalty
m=$(log_mark)
expect_eq "200 connections from the penalised 127.0.0.1 were closed at once" "200 0" "$(flood 127.0.0.1 200)"
details() { log_since "$m" | grep -cE "^drop connection #[0-9]+ from \[127\.0\.0\.1\]:[0-9]+ on \[127\.0\.0\.1\]:$PORT penalty: "; }
all_details() { [ "$(details)" -ge 200 ]; }
wait_for 5 all_details
expect_eq "VERBOSE: each of the 200 refusals has its line" 200 "$(details)"
stop_daemon
echo "# VERBOSE part: $((SECONDS - T))s"

finish
