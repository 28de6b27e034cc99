#!/bin/bash
# Keys rotated before anything repeats (RekeyLimit), and key exchanges that
# cannot hold a session open:
#   1. RekeyLimit 1M: the server starts key exchanges itself as data flows,
#      upload and download, with the stock client (which would not rekey
#      before 1 GiB itself); the data arrives intact. Control: with the
#      default limit the same transfer sees only the exchanges of the login.
#   2. RekeyLimit default 2s: an exchange once the keys are 2 s old.
#   3. A client that never answers the server's KEXINIT but floods IGNOREs
#      meanwhile is cut at the exchange's deadline (LoginGraceTime, 3 s
#      here), and the postauth child's memory stays flat under the flood.
# The client counts exchanges: "SSH2_MSG_KEXINIT received" at LogLevel DEBUG1.
# Needs root.  Usage: rekey_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client

U=lpt_rekey1
add_user "$U"
MIB8=$((8 * 1024 * 1024))

kexinits() { grep -c 'SSH2_MSG_KEXINIT received' "$1"; }

# upload FILE: 8 MiB to the user's `wc -c`, client debug output in FILE.
upload() { head -c $MIB8 /dev/urandom | ssh_to -o LogLevel=DEBUG1 "$U" 'wc -c' 2>"$1"; }
download() { ssh_to -o LogLevel=DEBUG1 "$U" "head -c $MIB8 /dev/zero" 2>"$1" | wc -c; }

# --- 1. data limit ------------------------------------------------------------
start_daemon "RekeyLimit 1M"
expect_eq "RekeyLimit 1M: 8 MiB upload arrives" "$MIB8" "$(upload "$TMP/up.err")"
N=$(kexinits "$TMP/up.err")
check "RekeyLimit 1M: the server rekeyed during the upload ($N exchanges in all)" test "$N" -ge 6
expect_eq "RekeyLimit 1M: 8 MiB download arrives" "$MIB8" "$(download "$TMP/down.err")"
N=$(kexinits "$TMP/down.err")
check "RekeyLimit 1M: the server rekeyed during the download ($N exchanges in all)" test "$N" -ge 6
stop_daemon

start_daemon
expect_eq "RekeyLimit default (control): upload arrives" "$MIB8" "$(upload "$TMP/up0.err")"
expect_eq "RekeyLimit default (control): only the login's two exchanges" 2 "$(kexinits "$TMP/up0.err")"
stop_daemon

# --- 2. time limit ------------------------------------------------------------
start_daemon "RekeyLimit default 2s"
OUT=$(ssh_to -o LogLevel=DEBUG1 "$U" 'sleep 5; echo done' 2>"$TMP/time.err")
expect_eq "RekeyLimit default 2s: the session goes on across the rekey" done "$OUT"
N=$(kexinits "$TMP/time.err")
check "RekeyLimit default 2s: a third exchange after 2 s ($N in all)" test "$N" -ge 3
stop_daemon

# --- 3. a stalled exchange under a flood --------------------------------------
start_daemon "LoginGraceTime 3"
RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 40 "$RAW" 127.0.0.1 "$PORT" \
  stall-rekey-flood 20 >"$TMP/stall.out" 2>&1 &
RAWPID=$!
track_bg "$RAWPID"
postauth_pid() { pgrep -u "$U" -x lpsshd-postauth | head -n 1; }
have_postauth() { [ -n "$(postauth_pid)" ]; }
wait_for 10 have_postauth
PA=$(postauth_pid)
HWM=0
while pid_alive "$RAWPID"; do
  v=$(status_field "$PA" VmHWM | awk '{print $1}')
  [ -n "$v" ] && HWM=$v
  sleep 0.2
done
wait "$RAWPID"
RC=$?
OUT=$(cat "$TMP/stall.out")
expect_eq "stalled rekey: cut by the server (client verdict)" 0 "$RC"
expect_match "stalled rekey: the flood was on" '^FLOOD_SENT [1-9]' "$OUT"
ELAPSED=$(sed -n 's/^ELAPSED //p' <<<"$OUT")
check "stalled rekey: cut at the 3 s deadline, not later (${ELAPSED}s)" \
  awk -v e="${ELAPSED:-99}" 'BEGIN { exit !(e >= 2.5 && e < 8) }'
check "stalled rekey: postauth VmHWM ${HWM} kB stays below 16 MB under the flood" \
  test "$HWM" -gt 0 -a "$HWM" -lt 16384
stop_daemon

finish
