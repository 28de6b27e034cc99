#!/bin/bash
# Every cipher, MAC, host key type and the P-256 key exchange with the real
# OpenSSH client, against a private lpsshd:
#   1. each cipher (ssh -c) and each MAC with aes128-ctr (ssh -m): 20 MB each
#      way through `cat` with RekeyLimit=1M (the echo's checksum covers both
#      directions), the client's debug log names the cipher and MAC
#      negotiated both ways and shows the rekeys;
#   2. ssh -o KexAlgorithms=ecdh-sha2-nistp256 where configured
#      (KexAlgorithms +ecdh-sha2-nistp256), and refused by default;
#   3. a daemon with ed25519, RSA and ECDSA host keys: each of
#      HostKeyAlgorithms=rsa-sha2-512, rsa-sha2-256, ecdsa-sha2-nistp256,
#      ssh-ed25519 gets the matching key ("Server host key:" and its
#      fingerprint), pinned in known_hosts.
# With LPT_SERVER=openssh the same checks run against Debian's sshd
# (lib_reference.sh). Needs root. Usage: ciphers_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_reference.sh
. "$HERE/lib_reference.sh"

CIPHERS=(chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes256-gcm@openssh.com
         aes128-ctr aes192-ctr aes256-ctr)
MACS=(hmac-sha2-256-etm@openssh.com hmac-sha2-512-etm@openssh.com hmac-sha2-256 hmac-sha2-512)

U=lpt_ciphers1
add_user "$U"
# NIST-curve key exchange is lpsshd's only algorithm off by default
# (ssh-audit fails NIST curves): this daemon turns it on.
extra=()
on_lpsshd && extra=("KexAlgorithms +ecdh-sha2-nistp256")
start_server "${extra[@]}"
echo "# ${LPT_SERVER:-lpsshd} pid $DPID on 127.0.0.1 port $PORT"
W=$TMP/work
mkdir -p "$W"
N=${CIPHERS_TEST_BYTES:-20000000}
head -c "$N" /dev/urandom >"$W/in.bin"
SUM=$(sha256sum <"$W/in.bin" | cut -d' ' -f1)

# ---------------------------------------------------------------- ciphers, MACs
# One client per cipher and per MAC, all at once: each echoes 20 MB through
# `cat` and rekeys every MiB. Run I's echo is $W/I.out, its debug log $W/I.log.
t0=$SECONDS
runs=()
for c in "${CIPHERS[@]}"; do runs+=("$c|"); done
for m in "${MACS[@]}"; do runs+=("aes128-ctr|$m"); done
pids=()
for i in "${!runs[@]}"; do
  c=${runs[$i]%|*} m=${runs[$i]#*|}
  opts=(-c "$c")
  [ -n "$m" ] && opts+=(-m "$m")
  ( LPT_EXEC=1 ssh_to "${opts[@]}" -o RekeyLimit=1M -o LogLevel=DEBUG1 "$U" cat ) \
    <"$W/in.bin" >"$W/$i.out" 2>"$W/$i.log" &
  pids+=("$!")
  track_bg "$!"
done
for i in "${!runs[@]}"; do
  wait "${pids[$i]}"
  echo $? >"$W/$i.rc"
done
echo "# ${#runs[@]} clients, 20 MB each way each, in parallel: $((SECONDS - t0)) s"

for i in "${!runs[@]}"; do
  c=${runs[$i]%|*} m=${runs[$i]#*|}
  name="-c $c${m:+ -m $m}"
  log=$(tr -d '\r' <"$W/$i.log")
  got="$(cat "$W/$i.rc") $(stat -c %s "$W/$i.out") $(sha256sum <"$W/$i.out" | cut -d' ' -f1)"
  rm -f "$W/$i.out"
  # A failed login fails once, with the client's reason; its other checks
  # would only repeat it.
  if [ "$got" != "0 $N $SUM" ]; then
    not_ok "$name: exit 0, $N bytes echoed intact" "expected exit, size, sha256: 0 $N $SUM" \
      "got: $got" "the client's last lines:" "$(grep -v '^debug1: channel' <<<"$log" | tail -n 4)"
    continue
  fi
  ok "$name: exit 0, $N bytes echoed intact"
  # An AEAD cipher has no MAC; a CTR cipher without -m gets the client's
  # first MAC.
  want_mac=${m:-<implicit>}
  [ -z "$m" ] && [[ "$c" == *-ctr ]] && want_mac='[^ ]+'
  for dir in 'server->client' 'client->server'; do
    expect_match "$name: $dir cipher $c, MAC $want_mac" \
      "kex: $dir cipher: $c MAC: $want_mac compression" "$log"
  done
  n=$(grep -c 'SSH2_MSG_NEWKEYS received' <<<"$log")
  if [ "$n" -ge 10 ]; then ok "$name: rekeyed ($n key exchanges for 40 MB with RekeyLimit=1M)"
  else not_ok "$name: rekeyed at least 10 times" "$n NEWKEYS received; the log's tail:" "$(tail -n 5 <<<"$log")"; fi
done

# ---------------------------------------------------------------- key exchange
# RFC 4253 7.1: the server's KEXINIT comes without waiting for the client's.
# A client that sends only its version line and then waits must get it.
if on_lpsshd; then
  got=$("$PY" - "$PORT" <<'PYEOF'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"SSH-2.0-waiting-client\r\n")
buf = b""
try:
    while b"\r\n" not in buf or len(buf) < buf.index(b"\r\n") + 2 + 6:
        chunk = s.recv(4096)
        if not chunk:
            break
        buf += chunk
except socket.timeout:
    pass
if b"\r\n" not in buf:
    print("no version line"); sys.exit()
rest = buf[buf.index(b"\r\n") + 2:]
print("message", rest[5] if len(rest) >= 6 else "none")
PYEOF
)
  expect_eq "a client that waits gets the server's KEXINIT unasked" "message 20" "$got"
fi
for kex in ecdh-sha2-nistp256 curve25519-sha256; do
  out=$(ssh_to -o KexAlgorithms="$kex" -o LogLevel=DEBUG1 "$U" 'echo kex' 2>"$W/kex.log"); rc=$?
  expect_eq "KexAlgorithms=$kex: login and exec" "kex 0" "$out $rc"
  expect_match "KexAlgorithms=$kex: negotiated" "kex: algorithm: $kex\$" "$(tr -d '\r' <"$W/kex.log")"
done

# ---------------------------------------------------------------- host keys
# A second daemon with three host keys, all three pinned: each host key
# algorithm the client asks for gets the key of its type.
ssh-keygen -q -t rsa -b 3072 -N '' -f "$TMP/host_rsa_key" || fail "ssh-keygen rsa"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$TMP/host_ecdsa_key" || fail "ssh-keygen ecdsa"
stop_daemon
start_server "HostKey $HOSTKEY" "HostKey $TMP/host_rsa_key" "HostKey $TMP/host_ecdsa_key"
for k in "$HOSTKEY" "$TMP/host_rsa_key" "$TMP/host_ecdsa_key"; do
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$k.pub")"
done >"$KNOWN_HOSTS"
fp_of() { ssh-keygen -l -E sha256 -f "$1.pub" | awk '{print $2}'; }
# This daemon has the default KexAlgorithms: no NIST curve is offered.
if on_lpsshd; then
  mark=$(log_mark)
  out=$(ssh_to -o KexAlgorithms=ecdh-sha2-nistp256 "$U" 'echo kex' 2>/dev/null); rc=$?
  expect_eq "default KexAlgorithms: ecdh-sha2-nistp256 refused (exit, output)" "255 " "$rc $out"
  check "default KexAlgorithms: the daemon logs why (Unable to negotiate ...)" \
    wait_log "$mark" "Unable to negotiate with 127.0.0.1 port [0-9]+: no matching key exchange method found"
fi
for pair in "rsa-sha2-512 ssh-rsa $TMP/host_rsa_key" "rsa-sha2-256 ssh-rsa $TMP/host_rsa_key" \
            "ecdsa-sha2-nistp256 ecdsa-sha2-nistp256 $TMP/host_ecdsa_key" "ssh-ed25519 ssh-ed25519 $HOSTKEY"; do
  read -r alg type key <<<"$pair"
  out=$(ssh_to -o HostKeyAlgorithms="$alg" -o LogLevel=DEBUG1 "$U" 'echo hostkey' 2>"$W/hk.log"); rc=$?
  log=$(tr -d '\r' <"$W/hk.log")
  expect_eq "HostKeyAlgorithms=$alg: login and exec" "hostkey 0" "$out $rc"
  expect_match "HostKeyAlgorithms=$alg: negotiated" "kex: host key algorithm: $alg\$" "$log"
  fp=$(fp_of "$key")
  expect_match "HostKeyAlgorithms=$alg: Server host key: $type, the configured key's fingerprint" \
    "Server host key: $type ${fp//+/\\+}\$" "$log"
done

on_lpsshd && expect_no_crash "no crash in the daemon logs" "$TMP"/lpsshd.*.log
finish
