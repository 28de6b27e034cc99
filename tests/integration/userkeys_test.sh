#!/bin/bash
# User keys of every type the monitor verifies: the real OpenSSH client
# with ssh-keygen RSA 2048/4096 and ECDSA 256/384/521 keys logs in (RSA
# with rsa-sha2-512, the client's choice from server-sig-algs, and
# rsa-sha2-256); RSA 1024 (below RequiredRSASize) is refused and ssh-rsa
# (SHA-1, not in the default PubkeyAcceptedAlgorithms) is not offered in
# server-sig-algs. FIDO keys
# (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256) through raw_ssh_client, which
# plays the authenticator: user presence required unless no-touch-required,
# user verification when verify-required. The Accepted lines name the key
# as sshd does. Needs root.
# Usage: userkeys_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client

U=lpt_ukeys1
add_user "$U"
AK=$(home_of "$U")/.ssh/authorized_keys

# ---------------------------------------------------------------- keys
mk() {  # mk NAME TYPE BITS
  ssh-keygen -q -t "$2" -b "$3" -N '' -C "$1" -f "$TMP/keys/$1" || fail "ssh-keygen $1"
  cat "$TMP/keys/$1.pub" >>"$AK"
}
mk rsa2048 rsa 2048
mk rsa4096 rsa 4096
mk rsa1024 rsa 1024
mk ecdsa256 ecdsa 256
mk ecdsa384 ecdsa 384
mk ecdsa521 ecdsa 521
# RSA 8192: its 1044-byte signature blob is over what a 1 KiB bound on
# signatures would take. A fixed test key (ssh-keygen takes ~10 s for one).
install -m 600 "$HERE/../data/rsa8192_test_key" "$TMP/keys/rsa8192"
cp "$HERE/../data/rsa8192_test_key.pub" "$TMP/keys/rsa8192.pub"
cat "$TMP/keys/rsa8192.pub" >>"$AK"

# FIDO keys from seeds: the raw client derives the same private key.
SEED_ED=$(printf '%064x' 11)
SEED_EC=$(printf '%064x' 12)
SEED_NOTOUCH=$(printf '%064x' 13)
SEED_VERIFY=$(printf '%064x' 14)
"$RAW" sk-public ed25519 "$SEED_ED" >>"$AK" || fail "sk-public"
"$RAW" sk-public ecdsa "$SEED_EC" >>"$AK" || fail "sk-public"
echo "no-touch-required $("$RAW" sk-public ed25519 "$SEED_NOTOUCH")" >>"$AK"
echo "verify-required $("$RAW" sk-public ecdsa "$SEED_VERIFY")" >>"$AK"
chown "$U" "$AK"

fp_of() { ssh-keygen -l -E sha256 -f "$1" | awk '{print $2}'; }
sk_fp() {  # sk_fp TYPE SEED
  "$RAW" sk-public "$1" "$2" >"$TMP/sk.pub"
  fp_of "$TMP/sk.pub"
}

start_daemon
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

# ---------------------------------------------------------------- OpenSSH client
# login NAME SHORT [SSH OPTIONS...]: logs in with key NAME, checks the
# Accepted line names it as SHORT with its fingerprint.
login() {
  local name=$1 short=$2; shift 2
  local m out fp
  m=$(log_mark)
  out=$(ssh_to -i "$TMP/keys/$name" "$@" "$U" 'echo in') 
  expect_eq "$name $*: logs in" "in" "$out"
  fp=$(fp_of "$TMP/keys/$name.pub")
  wait_log "$m" "Accepted publickey for $U from" 
  expect_match "$name $*: Accepted line names $short and the fingerprint" \
    "^Accepted publickey for $U from 127\.0\.0\.1 port [0-9]+ ssh2: $short ${fp//+/\\+}\$" "$(log_since "$m")"
}
login rsa2048 RSA
login rsa2048 RSA -o PubkeyAcceptedAlgorithms=rsa-sha2-256
login rsa4096 RSA
login rsa8192 RSA
login ecdsa256 ECDSA
login ecdsa384 ECDSA
login ecdsa521 ECDSA

m=$(log_mark)
out=$(ssh_to -i "$TMP/keys/rsa1024" "$U" 'echo in' 2>&1); rc=$?
expect_eq "rsa1024: refused (ssh exits 255)" 255 "$rc"
wait_log "$m" "refusing RSA key"
expect_match "rsa1024: logged as sshd does" "^refusing RSA key: Invalid key length\$" "$(log_since "$m")"
expect_no_match "rsa1024: no Accepted line" "^Accepted" "$(log_since "$m")"

# ssh-rsa (SHA-1) is not in server-sig-algs, so OpenSSH's client will not
# even try it (the monitor's refusal of an ssh-rsa request is in
# monitor_core_test: SshRsaOnlyWhenConfigured).
m=$(log_mark)
out=$(ssh_to -i "$TMP/keys/rsa2048" -o PubkeyAcceptedAlgorithms=ssh-rsa -o LogLevel=DEBUG1 "$U" 'echo in' 2>&1); rc=$?
expect_eq "ssh-rsa (SHA-1) only: no login" 255 "$rc"
expect_match "ssh-rsa only: the client finds no mutual signature algorithm" \
  "no mutual signature algorithm" "$out"
expect_no_match "ssh-rsa only: no Accepted line" "^Accepted" "$(log_since "$m")"

# server-sig-algs lists what the monitor accepts (the client's debug log).
ssh_to -i "$TMP/keys/ecdsa256" -o LogLevel=DEBUG1 "$U" true 2>"$TMP/debug.err"
expect_match "server-sig-algs lists ECDSA, the sk types and rsa-sha2-*, not ssh-rsa" \
  "server-sig-algs=<ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256>" \
  "$(cat "$TMP/debug.err")"

# ---------------------------------------------------------------- FIDO keys
# sk TYPE SEED FLAGS SCENARIO: the raw client's verdict must be PASS.
sk() {
  OUT=$(RAW_SSH_USER=$U RAW_SK_TYPE=$1 RAW_SK_SEED=$2 timeout -k 2 40 "$RAW" 127.0.0.1 "$PORT" "$4" "$3" 2>&1)
  RC=$?
}
for t in ed25519 ecdsa; do
  seed=$SEED_ED; short=ED25519-SK
  [ $t = ecdsa ] && { seed=$SEED_EC; short=ECDSA-SK; }
  fp=$(sk_fp $t "$seed")
  m=$(log_mark)
  sk $t "$seed" 1 sk-login
  expect_eq "sk-$t touched (flags 0x01): logs in" 0 "$RC"
  wait_log "$m" "Accepted publickey"
  expect_match "sk-$t: Accepted line names $short, fingerprint and counter" \
    "^Accepted publickey for $U from 127\.0\.0\.1 port [0-9]+ ssh2: $short ${fp//+/\\+}, signature count = 1234\$" \
    "$(log_since "$m")"
  m=$(log_mark)
  sk $t "$seed" 256 sk-login-refused
  expect_eq "sk-$t not touched (flags 0x00): refused" 0 "$RC"
  wait_log "$m" "rejected: user presence"
  expect_match "sk-$t untouched: logged as sshd does" \
    "^public key $short ${fp//+/\\+} signature for $U from 127\.0\.0\.1 port [0-9]+ rejected: user presence \(authenticator touch\) requirement not met \$" \
    "$(log_since "$m")"
done

sk ed25519 "$SEED_NOTOUCH" 256 sk-login
expect_eq "no-touch-required: untouched signature logs in" 0 "$RC"
sk ecdsa "$SEED_VERIFY" 1 sk-login-refused
expect_eq "verify-required: touched but unverified (0x01) refused" 0 "$RC"
sk ecdsa "$SEED_VERIFY" 5 sk-login
expect_eq "verify-required: touched and verified (0x05) logs in" 0 "$RC"

# PubkeyAuthOptions: the configuration's demands stand over the key's line.
stop_daemon
start_daemon "PubkeyAuthOptions touch-required"
m=$(log_mark)
sk ed25519 "$SEED_NOTOUCH" 256 sk-login-refused
expect_eq "PubkeyAuthOptions touch-required: no-touch-required key untouched is refused" 0 "$RC"
check "PubkeyAuthOptions touch-required: logged as a presence failure" wait_log "$m" \
  "rejected: user presence \(authenticator touch\) requirement not met"
sk ed25519 "$SEED_NOTOUCH" 1 sk-login
expect_eq "PubkeyAuthOptions touch-required: the same key touched logs in" 0 "$RC"
stop_daemon
start_daemon "PubkeyAuthOptions verify-required"
m=$(log_mark)
sk ed25519 "$SEED_ED" 1 sk-login-refused
expect_eq "PubkeyAuthOptions verify-required: touched, unverified (0x01) is refused" 0 "$RC"
check "PubkeyAuthOptions verify-required: logged as a verification failure" wait_log "$m" \
  "rejected: user verification requirement not met"
sk ed25519 "$SEED_ED" 5 sk-login
expect_eq "PubkeyAuthOptions verify-required: touched and verified (0x05) logs in" 0 "$RC"
out=$(ssh_to "$U" 'echo plain' 2>&1); rc=$?
expect_eq "PubkeyAuthOptions verify-required: no effect on a non-FIDO key" "plain 0" "$out $rc"
stop_daemon
start_daemon

# ---------------------------------------------------------------- who links it
# The signature code (nettle's RSA/ECDSA/ECC, GMP) is the monitor's alone:
# the children that parse a client's or a user's bytes must not contain it,
# statically (symbols) or as a shared library (ldd, the sanitizer builds).
# The monitor holding it is the control that the check can see it.
sig_code() {
  { nm "$BINDIR/$1" 2>/dev/null; ldd "$BINDIR/$1" 2>/dev/null; } |
    grep -cE 'nettle_(rsa|ecdsa|ecc)_|__gmpz_|libhogweed|libgmp'
}
check "control: lpsshd-monitor contains the signature code ($(sig_code lpsshd-monitor))" \
  test "$(sig_code lpsshd-monitor)" -gt 0
for b in lpsshd-preauth lpsshd-postauth lpsshd-pam; do
  expect_eq "$b: no RSA/ECDSA/GMP code linked in" 0 "$(sig_code "$b")"
done

finish
