#!/bin/bash
# Compression (zlib@openssh.com, delayed: only after login, only in the
# user's postauth process):
#   1. Default (Compression yes) with RekeyLimit 2M: `ssh -C` negotiates
#      zlib@openssh.com both ways (the client's "kex: ... compression:" lines
#      and its "compress outgoing/incoming" statistics), 100 MB of text goes
#      up and comes back down intact (sha256), across many key exchanges
#      (each restarts the streams, as OpenSSH does). `Compression delayed`
#      is the same; `sftp -C` gets 100 MB from the in-process SFTP server;
#      without -C the client gets "none".
#      A raw client that offers zlib@openssh.com at login and only "none"
#      in the exchange after it: compression ends at that NEWKEYS both ways
#      and the session goes on.
#   2. Compression no: `ssh -C` negotiates none, and the transfer works.
#   3. A compression bomb from raw_ssh_client (a 16 MiB IGNORE in one packet
#      of a few KB after login) ends that connection, and nothing else: a
#      session that was open meanwhile finishes, a new login works, no
#      process crashed. Control: a packet that inflates to 200 KB (under the
#      256 KiB bound) is taken and the connection lives on.
# Needs root.  Usage: compression_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client

U=lpt_zlib1
add_user "$U"
# 100 MB of text that compresses about 4:1 (so rekeys by bytes on the wire
# still happen), made once.
DATA=$TMP/data
seq -w 1 20000000 | head -c 100000000 >"$DATA"
SUM=$(sha256sum <"$DATA" | cut -d' ' -f1)

kexinits() { grep -c 'SSH2_MSG_KEXINIT received' "$1"; }
# comp_lines FILE DIRECTION NAME: the client's "kex: DIRECTION cipher: ...
# compression: NAME" lines (ssh ends its debug lines with CR LF).
comp_lines() { tr -d '\r' <"$1" | grep -c -- "kex: $2 cipher: .* compression: $3\$"; }
# compressed FILE outgoing|incoming: the client's statistics "raw data R,
# compressed C" show real compression (they cover the stream since the last
# key exchange: each one restarts it).
compressed() {
  local r
  r=$(tr -d '\r' <"$1" | sed -n "s/.*compress $2: raw data \([0-9]*\), compressed \([0-9]*\).*/\1 \2/p")
  echo "$r"
  awk -v r="$r" 'BEGIN { split(r, a, " "); exit !(a[1] > 100000 && a[2] * 3 < a[1]) }'
}

# --- 1. default: delayed compression with ssh -C ------------------------------
start_daemon "RekeyLimit 2M"
OUT=$(ssh_to -C -o LogLevel=DEBUG1 "$U" "cat >data.up && sha256sum data.up" <"$DATA" 2>"$TMP/up.err")
expect_eq "ssh -C upload: 100 MB arrive intact" "$SUM" "${OUT%% *}"
N=$(kexinits "$TMP/up.err")
check "ssh -C upload: zlib@openssh.com both ways in every exchange ($N)" \
  test "$(comp_lines "$TMP/up.err" 'client->server' 'zlib@openssh.com')" -eq "$N" -a \
       "$(comp_lines "$TMP/up.err" 'server->client' 'zlib@openssh.com')" -eq "$N"
check "ssh -C upload: rekeyed during the transfer ($N exchanges)" test "$N" -ge 5
check "ssh -C upload: the client compressed what it sent ($(compressed "$TMP/up.err" outgoing))" \
  compressed "$TMP/up.err" outgoing

SUM_DOWN=$(ssh_to -C -o LogLevel=DEBUG1 "$U" "cat data.up" 2>"$TMP/down.err" | sha256sum | cut -d' ' -f1)
expect_eq "ssh -C download: 100 MB come back intact" "$SUM" "$SUM_DOWN"
N=$(kexinits "$TMP/down.err")
check "ssh -C download: rekeyed during the transfer ($N exchanges)" test "$N" -ge 5
check "ssh -C download: the server compressed what it sent ($(compressed "$TMP/down.err" incoming))" \
  compressed "$TMP/down.err" incoming

# The in-process SFTP server behind a compressed transport: sftp -C get.
printf 'get data.up %s\n' "$TMP/sftp.got" >"$TMP/batch"
timeout -k 5 120 sftp -C -F /dev/null -b "$TMP/batch" -i "$(key_of "$U")" -P "$PORT" \
  -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes \
  -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null -o LogLevel=DEBUG1 \
  "$U@127.0.0.1" >"$TMP/sftp.out" 2>&1
expect_eq "sftp -C get: 100 MB intact" "$SUM" "$(sha256sum <"$TMP/sftp.got" 2>/dev/null | cut -d' ' -f1)"
check "sftp -C: zlib@openssh.com negotiated" \
  test "$(comp_lines "$TMP/sftp.out" 'server->client' 'zlib@openssh.com')" -ge 2

OUT=$(ssh_to -o LogLevel=DEBUG1 "$U" "echo plain" 2>"$TMP/plain.err")
expect_eq "without -C: the session works" plain "$OUT"
check "without -C: compression none" test "$(comp_lines "$TMP/plain.err" 'client->server' none)" -ge 1
expect_no_match "without -C: nothing compressed" 'compress (outgoing|incoming)' "$(cat "$TMP/plain.err")"

RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 "$RAW" 127.0.0.1 "$PORT" \
  compression-off-at-rekey >"$TMP/off.out" 2>&1
expect_eq "rekey to none: the session goes on uncompressed (client verdict)" 0 "$?"
expect_match "rekey to none: a keepalive answered after it" '^KEEPALIVE_OK' "$(cat "$TMP/off.out")"
stop_daemon

start_daemon "Compression delayed"
OUT=$(echo hello | ssh_to -C -o LogLevel=DEBUG1 "$U" cat 2>"$TMP/delayed.err")
expect_eq "Compression delayed: the session works" hello "$OUT"
check "Compression delayed: zlib@openssh.com negotiated" \
  test "$(comp_lines "$TMP/delayed.err" 'server->client' 'zlib@openssh.com')" -ge 1
stop_daemon

# --- 2. Compression no ----------------------------------------------------------
start_daemon "Compression no"
OUT=$(head -c 10000000 "$DATA" | ssh_to -C -o LogLevel=DEBUG1 "$U" sha256sum 2>"$TMP/no.err")
expect_eq "Compression no: ssh -C transfer intact" "$(head -c 10000000 "$DATA" | sha256sum | cut -d' ' -f1)" "${OUT%% *}"
check "Compression no: ssh -C negotiates none both ways" \
  test "$(comp_lines "$TMP/no.err" 'client->server' none)" -ge 2 -a \
       "$(comp_lines "$TMP/no.err" 'server->client' none)" -ge 2
expect_no_match "Compression no: zlib never negotiated" 'compression: zlib' "$(cat "$TMP/no.err")"
stop_daemon

# --- 3. compression bomb ----------------------------------------------------------
start_daemon
ssh_bg "$TMP/long.out" "$U" 'sleep 6; echo survived' </dev/null
LONG=$BG_PID
sleep 1
RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 "$RAW" 127.0.0.1 "$PORT" \
  compression-bomb >"$TMP/bomb.out" 2>&1
RC=$?
BOMB=$(cat "$TMP/bomb.out")
expect_eq "bomb: the connection was ended by the server (client verdict)" 0 "$RC"
expect_match "bomb: zlib@openssh.com was on" '^COMPRESSION zlib@openssh.com' "$BOMB"
expect_match "bomb: a few KB that inflate to 16 MiB were sent" '^BOMB_SENT [0-9]{3,5} 16777221$' "$BOMB"
expect_no_match "bomb: no answer after the bomb" '^ALIVE' "$BOMB"
OUT=$(ssh_to "$U" 'echo fresh')
expect_eq "bomb: a new login works meanwhile" fresh "$OUT"
wait "$LONG"
expect_eq "bomb: the session open meanwhile finished" survived "$(cat "$TMP/long.out")"
check "bomb: the daemon is still running" pid_alive "$DPID"

# Control: under the bound the packet is just an IGNORE.
RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 "$RAW" 127.0.0.1 "$PORT" \
  compression-bomb 200000 >"$TMP/control.out" 2>&1
RC=$?
expect_eq "control (200 KB inflated): not ended (client verdict 1)" 1 "$RC"
expect_match "control: still answering after the packet" '^ALIVE' "$(cat "$TMP/control.out")"
stop_daemon
expect_no_crash "no process of the daemon crashed" "$TMP"/lpsshd.*.log

finish
