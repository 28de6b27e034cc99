#!/bin/bash
# The post-quantum hybrid key exchanges against a private lpsshd:
#   1. the server's KEXINIT offers them first, in OpenSSH 10's order;
#   2. Debian's ssh (OpenSSH 9.2) with KexAlgorithms=sntrup761x25519-
#      sha512@openssh.com echoes 20 MB through `cat` with RekeyLimit=1M, so
#      every rekey runs the KEM (its debug log names the method and counts
#      the NEWKEYS), and by default picks sntrup761x25519-sha512 (Debian's
#      9.2p1 knows the plain name); the daemon's per-connection line names
#      the method and strict KEX;
#   3. mlkem768x25519-sha256, which no Debian 12 client speaks, by
#      raw_ssh_client whose ML-KEM and X25519 are noble's (node): a login and
#      five rekeys it starts, each checked (host signature over the H it
#      computes); sntrup761x25519-sha512 (the name without @openssh.com) the
#      same way with lpsshd's own sntrup761 on the client side;
#   4. RequirePQKex yes: a client with only curve25519 is refused with a
#      message saying why (client and log); sntrup still logs in; the KEXINIT
#      offers only post-quantum methods; a rekey after login offering only
#      curve25519 is refused too (and, as the control, completes without
#      RequirePQKex); with a KexAlgorithms that has none the daemon refuses
#      to start.
# Needs root and node with tests/tools/noble installed (npm ci).
# Usage: pqkex_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client
command -v node >/dev/null || fail "node missing (scripts/deps.sh installs it)"
[ -d "$HERE/../tools/noble/node_modules/@noble/post-quantum" ] ||
  fail "tests/tools/noble/node_modules missing (scripts/deps.sh runs npm ci)"

U=lpt_pqkex1
add_user "$U"
start_daemon
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"
W=$TMP/work
mkdir -p "$W"
PQ_DEFAULT="mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org"

# The kex name-list of the server's KEXINIT (it comes unasked).
server_kex_list() {
  PYTHONPATH=$HERE "$PY" - "$PORT" <<'PYEOF'
import socket, struct, sys
from ssh_packets import plain_payloads
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"SSH-2.0-kexinit-reader\r\n")
payload = next(plain_payloads(s))
assert payload[0] == 20, payload[0]
n = struct.unpack(">I", payload[17:21])[0]
print(payload[21:21 + n].decode())
PYEOF
}

# ---------------------------------------------------------------- the offer
expect_match "KEXINIT offers the hybrids first, in OpenSSH 10's order" \
  "^${PQ_DEFAULT//./\\.}," "$(server_kex_list)"

# ---------------------------------------------------------------- OpenSSH, sntrup761
N=${PQKEX_TEST_BYTES:-20000000}
head -c "$N" /dev/urandom >"$W/in.bin"
SUM=$(sha256sum <"$W/in.bin" | cut -d' ' -f1)
mark=$(log_mark)
( LPT_EXEC=1 ssh_to -o KexAlgorithms=sntrup761x25519-sha512@openssh.com -o RekeyLimit=1M \
    -o LogLevel=DEBUG1 "$U" cat ) <"$W/in.bin" >"$W/out.bin" 2>"$W/sntrup.log"
rc=$?
log=$(tr -d '\r' <"$W/sntrup.log")
expect_eq "sntrup761x25519-sha512@openssh.com: exit 0, $N bytes echoed intact" "0 $N $SUM" \
  "$rc $(stat -c %s "$W/out.bin") $(sha256sum <"$W/out.bin" | cut -d' ' -f1)"
rm -f "$W/out.bin"
expect_match "sntrup761x25519-sha512@openssh.com: negotiated" \
  'kex: algorithm: sntrup761x25519-sha512@openssh\.com$' "$log"
n=$(grep -c 'SSH2_MSG_NEWKEYS received' <<<"$log")
if [ "$n" -ge 10 ]; then ok "sntrup761x25519: rekeyed with the KEM ($n key exchanges for 40 MB with RekeyLimit=1M)"
else not_ok "sntrup761x25519: rekeyed at least 10 times" "$n NEWKEYS received" "$(tail -n 5 <<<"$log")"; fi
check "daemon logs the connection's key exchange: method, post-quantum, strict KEX" \
  wait_log "$mark" "Key exchange with 127\.0\.0\.1 port [0-9]+: kex sntrup761x25519-sha512@openssh\.com \(post-quantum\), host key ssh-ed25519, cipher [^ ]+.*, strict KEX on$"

# Debian 12's client without options: its first choice (9.2p1-2+deb12u10
# and later) is sntrup761x25519-sha512, the name without @openssh.com.
out=$(ssh_to -o LogLevel=DEBUG1 "$U" 'echo default' 2>"$W/default.log"); rc=$?
expect_eq "default client: login and exec" "default 0" "$out $rc"
expect_match "default client: negotiates sntrup761x25519-sha512" \
  'kex: algorithm: sntrup761x25519-sha512(@openssh\.com)?$' "$(tr -d '\r' <"$W/default.log")"

# ---------------------------------------------------------------- raw client
# raw_ssh_client KEX SCENARIO [N]: with this user's key.
raw() {
  RAW_SSH_KEX=$1 RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 \
    "$RAW" 127.0.0.1 "$PORT" "${@:2}" 2>&1
}
OUT=$(raw mlkem768x25519-sha256 rekeys 5); rc=$?
expect_eq "mlkem768x25519-sha256 (noble's ML-KEM): login and 5 rekeys, keepalive answered" \
  "0 PASS" "$rc $(grep -o '^PASS' <<<"$OUT")"
expect_eq "mlkem768x25519-sha256: 7 exchanges (login, the server's after it, 5 more), H of 32 bytes" \
  7 "$(grep -c '^KEX_OK mlkem768x25519-sha256 H32$' <<<"$OUT")"
OUT=$(raw sntrup761x25519-sha512 rekeys 2); rc=$?
expect_eq "sntrup761x25519-sha512: login and 2 rekeys" "0 PASS" "$rc $(grep -o '^PASS' <<<"$OUT")"
expect_eq "sntrup761x25519-sha512: 4 exchanges with H of 64 bytes" \
  4 "$(grep -c '^KEX_OK sntrup761x25519-sha512 H64$' <<<"$OUT")"

# The control for the refusal below: without RequirePQKex, stepping down to
# curve25519 at a rekey is allowed, as OpenSSH allows it.
OUT=$(RAW_SSH_REKEY_KEX=curve25519-sha256 raw mlkem768x25519-sha256 rekey-downgrade); rc=$?
expect_eq "default: a rekey from mlkem768x25519 to curve25519 completes" \
  "1 KEX_OK curve25519-sha256 H32" "$rc $(grep '^KEX_OK curve' <<<"$OUT")"

# ---------------------------------------------------------------- RequirePQKex
stop_daemon
start_daemon "RequirePQKex yes"
expect_eq "RequirePQKex yes: KEXINIT offers only the post-quantum methods" \
  "mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com" \
  "$(server_kex_list | sed 's/,ext-info-s.*//; s/,kex-strict-s.*//')"
mark=$(log_mark)
out=$(ssh_to -o KexAlgorithms=curve25519-sha256 -o LogLevel=INFO "$U" 'echo classic' 2>&1); rc=$?
expect_eq "RequirePQKex yes: a curve25519-only client is refused" 255 "$rc"
# OpenSSH's client sees the server's KEXINIT first and names what it needs.
expect_match "RequirePQKex yes: OpenSSH's client says what the server offers" \
  "no matching key exchange method found\. Their offer: mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh\.com" "$out"
# A client that sends its KEXINIT regardless gets the server's reason.
disconnect=$(PYTHONPATH=$HERE "$PY" - "$PORT" <<'PYEOF'
import socket, struct, sys
from ssh_packets import kexinit_packet, plain_payloads
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"SSH-2.0-classic-only\r\n" + kexinit_packet())  # curve25519-sha256 only
for payload in plain_payloads(s):
    if payload[0] == 1:
        code, m = struct.unpack(">II", payload[1:9])
        print(code, payload[9:9 + m].decode())
PYEOF
)
expect_eq "RequirePQKex yes: a client that goes on gets DISCONNECT 3 with the reason" \
  "3 client offers no post-quantum key exchange; this server requires one of mlkem768x25519-sha256,sntrup761x25519-sha512,sntrup761x25519-sha512@openssh.com (RequirePQKex)" \
  "$disconnect"
check "RequirePQKex yes: logged" wait_log "$mark" \
  "Unable to negotiate with 127\.0\.0\.1 port [0-9]+: client offers no post-quantum key exchange"
out=$(ssh_to -o KexAlgorithms=sntrup761x25519-sha512@openssh.com "$U" 'echo pq' 2>&1); rc=$?
expect_eq "RequirePQKex yes: sntrup761x25519 logs in" "pq 0" "$out $rc"
OUT=$(raw mlkem768x25519-sha256 rekeys 1); rc=$?
expect_eq "RequirePQKex yes: mlkem768x25519 logs in and rekeys" "0 PASS" "$rc $(grep -o '^PASS' <<<"$OUT")"
# After login, the rekeys go through the same offer and check.
mark=$(log_mark)
OUT=$(RAW_SSH_REKEY_KEX=curve25519-sha256 raw mlkem768x25519-sha256 rekey-downgrade); rc=$?
expect_eq "RequirePQKex yes: a rekey offering only curve25519 after login is refused" \
  "0 DISCONNECT 3 client offers no post-quantum key exchange" \
  "$rc $(grep -o '^DISCONNECT 3 client offers no post-quantum key exchange' <<<"$OUT")"
check "RequirePQKex yes: the refused rekey is logged" wait_log "$mark" \
  "Unable to negotiate with 127\.0\.0\.1 port [0-9]+: client offers no post-quantum key exchange"
stop_daemon

write_config "$TMP/nopq.cfg" "RequirePQKex yes" "KexAlgorithms curve25519-sha256"
rc=$(run_daemon_expect_exit "$TMP/nopq.out" -f "$TMP/nopq.cfg" -p "$(pick_port)")
expect_eq "RequirePQKex yes with no post-quantum KexAlgorithms: refuses to start" 1 "$rc"
expect_match "... saying why" "RequirePQKex yes, but KexAlgorithms lists no post-quantum method" "$(cat "$TMP/nopq.out")"

expect_no_crash "no crash in the daemon logs" "$TMP"/lpsshd.*.log
finish
