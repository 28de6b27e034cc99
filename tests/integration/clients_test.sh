#!/bin/bash
# The clients people use besides OpenSSH's, against a private lpsshd:
#   paramiko: exec (output, exit status), SFTP put/get, password login
#             (PAM) and a wrong password, ed25519 and RSA keys;
#   asyncssh: exec (output, exit status), SFTP put/get;
#   PuTTY:    plink with the host key pinned by fingerprint (and refused with
#             a wrong one), pscp upload and download;
#   dbclient: exec with an ed25519 and an RSA key converted by
#             dropbearconvert, host key pinned in known_hosts (and refused
#             when it differs);
#   ssh-audit: no [fail] for the default algorithm set.
# Every login checks what the client saw, so a login that fails fails its
# check. With LPT_SERVER=openssh the same checks run against Debian's sshd
# (lib_reference.sh), which shows the checks themselves right.
# Needs root and the clients of scripts/deps.sh. Usage: clients_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init
# shellcheck source=lib_reference.sh
. "$HERE/lib_reference.sh"
for b in plink pscp puttygen dbclient dropbearconvert ssh-audit chpasswd; do
  command -v "$b" >/dev/null || fail "$b not installed (scripts/deps.sh)"
done
"$PY" -c 'import paramiko, asyncssh' 2>/dev/null || fail "python3-paramiko and python3-asyncssh needed (scripts/deps.sh)"
on_lpsshd && { [ -x "$BINDIR/lpsshd-pam" ] || fail "$BINDIR/lpsshd-pam missing; build it first"; }

# ---------------------------------------------------------------- set-up
U=lpt_clients1
PW='Lpt-clients1-Kq7w'
add_user "$U"
UHOME=$(home_of "$U")
echo "$U:$PW" | chpasswd || fail "chpasswd"
KED=$(key_of "$U")
KRSA=$TMP/keys/${U}_rsa
ssh-keygen -q -t rsa -b 3072 -N '' -C "$U-rsa" -f "$KRSA" || fail "ssh-keygen rsa"
cat "$KRSA.pub" >>"$UHOME/.ssh/authorized_keys"
# Password logins through a private PAM service: pam_unix only.
SVC=lpt-clients-$$
pam_service "$SVC" "auth required pam_unix.so" "account required pam_unix.so" \
  "session required pam_permit.so"
start_server "UsePAM yes" "PasswordAuthentication yes" "PAMServiceName $SVC"
echo "# ${LPT_SERVER:-lpsshd} pid $DPID on 127.0.0.1 port $PORT"
HOSTFP=$(ssh-keygen -l -E sha256 -f "$HOSTKEY.pub" | awk '{print $2}')

W=$TMP/work
mkdir -p "$W"
head -c 3000000 /dev/urandom >"$W/data.bin"
SUM=$(sha256sum <"$W/data.bin" | cut -d' ' -f1)
sum_of() { if [ -f "$1" ]; then sha256sum <"$1" | cut -d' ' -f1; else echo "(no file $1)"; fi; }
# remote_sum NAME: the checksum of ~U/NAME as the server's file system has it.
remote_sum() { sum_of "$UHOME/$1"; }

# run_client NAME CMD...: runs a client (at most $CLIENT_TIMEOUT, 60 s); OUT its stdout, ERR
# its stderr, RC its exit status.
run_client() {
  local name=$1; shift
  timeout -k 5 "${CLIENT_TIMEOUT:-60}" "$@" >"$W/$name.out" 2>"$W/$name.err"
  RC=$?
  OUT=$(cat "$W/$name.out")
  ERR=$(cat "$W/$name.err")
}
# expect_login NAME WANT_OUT WANT_RC: the client's output and exit status,
# its stderr shown when either differs.
expect_login() {
  local name=$1 want_out=$2 want_rc=$3
  if [ "$OUT" == "$want_out" ] && [ "$RC" == "$want_rc" ]; then ok "$name"
  else not_ok "$name" "expected output $(lpt_show "$want_out"), exit $want_rc" \
    "got output $(lpt_show "$OUT"), exit $RC" "client stderr:" "$(tail -n 8 <<<"$ERR")"; fi
}
# expect_accepted MARK NAME METHOD [KEYTYPE]: the server logged USER's login
# by METHOD (publickey, password), with a key of KEYTYPE (RSA, ED25519).
expect_accepted() {
  local re="^Accepted $3 for $U from 127\\.0\\.0\\.1 port [0-9]+ ssh2${4:+: $4 }"
  wait_log "$1" "$re"
  expect_match "$2: the server logged 'Accepted $3${4:+ ... $4}'" "$re" "$(log_since "$1")"
}

# ---------------------------------------------------------------- paramiko
PMK=("$PY" "$HERE/paramiko_client.py" "$PORT" "$U" "$KNOWN_HOSTS")
m=$(log_mark)
run_client pmk_ed "${PMK[@]}" "key:$KED" exec 'echo hello-paramiko; echo e >&2; exit 7'
expect_login "paramiko, ed25519 key: exec output and exit status 7" hello-paramiko 7
expect_accepted "$m" "paramiko, ed25519 key" publickey ED25519

m=$(log_mark)
run_client pmk_rsa "${PMK[@]}" "key:$KRSA" exec 'id -un'
expect_login "paramiko, RSA key: exec as the user" "$U" 0
# paramiko 2.12 has only CTR (and CBC) ciphers; its first MAC is hmac-sha2-256.
expect_match "paramiko: aes*-ctr with hmac-sha2-256 negotiated" "negotiated aes(128|192|256)-ctr hmac-sha2-256 " "$ERR"
expect_accepted "$m" "paramiko, RSA key" publickey RSA

m=$(log_mark)
run_client pmk_pw env "LPT_PW=$PW" "${PMK[@]}" password:LPT_PW exec 'id -un'
expect_login "paramiko, password (PAM): exec as the user" "$U" 0
expect_accepted "$m" "paramiko, password" password

run_client pmk_badpw env "LPT_PW=$PW-wrong" "${PMK[@]}" password:LPT_PW exec 'id -un'
# Refused by authentication, not by anything before it.
if [ "$RC" == 200 ] && [ -z "$OUT" ] && grep -q 'AuthenticationException' <<<"$ERR"; then
  ok "paramiko, wrong password: authentication refused"
else not_ok "paramiko, wrong password: authentication refused" "exit $RC, output $(lpt_show "$OUT")" "$ERR"; fi

rm -f "$UHOME/up.pmk"
run_client pmk_sftp "${PMK[@]}" "key:$KED" sftp "$W/data.bin" up.pmk "$W/back.pmk"
expect_login "paramiko SFTP: put and get return" "" 0
expect_eq "paramiko SFTP: the uploaded file on the server" "$SUM" "$(remote_sum up.pmk)"
expect_eq "paramiko SFTP: the file got back" "$SUM" "$(sum_of "$W/back.pmk")"

# ---------------------------------------------------------------- asyncssh
ASY=("$PY" "$HERE/asyncssh_client.py" "$PORT" "$U" "$KNOWN_HOSTS")
run_client asy_exec "${ASY[@]}" "$KED" exec 'echo hello-asyncssh; exit 5'
expect_login "asyncssh, ed25519 key: exec output and exit status 5" hello-asyncssh 5
rm -f "$UHOME/up.asy"
run_client asy_sftp env LPT_CIPHERS=aes256-gcm@openssh.com "${ASY[@]}" "$KRSA" sftp "$W/data.bin" up.asy "$W/back.asy"
expect_login "asyncssh, RSA key, aes256-gcm, SFTP: put and get return" "" 0
expect_match "asyncssh: aes256-gcm@openssh.com negotiated" "negotiated aes256-gcm@openssh.com" "$ERR"
expect_eq "asyncssh SFTP: the uploaded file on the server" "$SUM" "$(remote_sum up.asy)"
expect_eq "asyncssh SFTP: the file got back" "$SUM" "$(sum_of "$W/back.asy")"

# ---------------------------------------------------------------- PuTTY
puttygen "$KED" -o "$W/ed.ppk" -O private 2>"$W/puttygen.err" || fail "puttygen: $(cat "$W/puttygen.err")"
# PuTTY keeps a random seed in $HOME/.putty: a private HOME.
mkdir -p "$W/puttyhome"
PUTTY_OPTS=(-batch -P "$PORT" -i "$W/ed.ppk" -hostkey "$HOSTFP")
run_client plink env HOME="$W/puttyhome" plink -ssh "${PUTTY_OPTS[@]}" -l "$U" 127.0.0.1 'echo hello-plink; exit 3'
expect_login "plink, pinned host key: exec output and exit status 3" hello-plink 3
# The same with a fingerprint that is not the server's: refused before login.
run_client plink_bad env HOME="$W/puttyhome" plink -ssh -batch -P "$PORT" -i "$W/ed.ppk" -hostkey "$(ssh-keygen -l -E sha256 -f "$KED.pub" | awk '{print $2}')" \
  -l "$U" 127.0.0.1 'echo hello-plink'
if [ -z "$OUT" ] && [ "$RC" != 0 ] && grep -qi 'host key' <<<"$ERR"; then ok "plink, wrong -hostkey: no login"
else not_ok "plink, wrong -hostkey: no login" "exit $RC, output $(lpt_show "$OUT")" "$ERR"; fi

rm -f "$UHOME/up.pscp"
run_client pscp_up pscp "${PUTTY_OPTS[@]}" -q "$W/data.bin" "$U@127.0.0.1:up.pscp"
expect_login "pscp upload: exit 0" "" 0
expect_eq "pscp upload: the file on the server" "$SUM" "$(remote_sum up.pscp)"
run_client pscp_down pscp "${PUTTY_OPTS[@]}" -q "$U@127.0.0.1:up.pscp" "$W/back.pscp"
expect_login "pscp download: exit 0" "" 0
expect_eq "pscp download: the file got back" "$SUM" "$(sum_of "$W/back.pscp")"

# ---------------------------------------------------------------- dbclient
# dbclient reads known hosts from $HOME/.ssh/known_hosts only (a private
# HOME), and looks a host up by name without the port. No -y: a host not
# found there is asked about on the terminal, which fails (at the latest by
# the timeout); -y would accept it unseen.
DBH=$W/dbhome
mkdir -p "$DBH/.ssh"
echo "127.0.0.1 $(cut -d' ' -f1,2 "$HOSTKEY.pub")" >"$DBH/.ssh/known_hosts"
dropbearconvert openssh dropbear "$KED" "$W/ed.db" >"$W/conv.err" 2>&1 || fail "dropbearconvert: $(cat "$W/conv.err")"
dropbearconvert openssh dropbear "$KRSA" "$W/rsa.db" >"$W/conv.err" 2>&1 || fail "dropbearconvert: $(cat "$W/conv.err")"
# dbclient falls back to password logins, with DROPBEAR_PASSWORD or a
# prompt: neither gives it one (the RSA check also reads the server's log).
DBC=(env -u DROPBEAR_PASSWORD HOME="$DBH" dbclient -p "$PORT")
m=$(log_mark)
CLIENT_TIMEOUT=20 run_client dbc_ed "${DBC[@]}" -i "$W/ed.db" "$U@127.0.0.1" 'echo hello-dbclient; exit 4'
expect_login "dbclient, ed25519 key, pinned host key: exec output and exit status 4" hello-dbclient 4
m=$(log_mark)
CLIENT_TIMEOUT=20 run_client dbc_rsa "${DBC[@]}" -i "$W/rsa.db" "$U@127.0.0.1" 'id -un'
expect_login "dbclient, RSA key: exec as the user" "$U" 0
expect_accepted "$m" "dbclient, RSA key" publickey RSA
# Dropbear's other cipher and its one SHA-2 MAC (encrypt-and-MAC).
CLIENT_TIMEOUT=20 run_client dbc_ctr "${DBC[@]}" -c aes128-ctr -m hmac-sha2-256 -i "$W/ed.db" "$U@127.0.0.1" 'echo ctr'
expect_login "dbclient -c aes128-ctr -m hmac-sha2-256: exec" ctr 0
# A different key for the same host: refused, also with -y.
echo "127.0.0.1 $(cut -d' ' -f1,2 "$KED.pub")" >"$DBH/.ssh/known_hosts"
CLIENT_TIMEOUT=20 run_client dbc_bad "${DBC[@]}" -y -i "$W/ed.db" "$U@127.0.0.1" 'echo hello-dbclient'
if [ -z "$OUT" ] && [ "$RC" != 0 ] && grep -q 'host key mismatch' <<<"$ERR"; then
  ok "dbclient -y, a different known host key: no login"
else not_ok "dbclient -y, a different known host key: no login" "exit $RC, output $(lpt_show "$OUT")" "$ERR"; fi

# ---------------------------------------------------------------- ssh-audit
# Exit 3 is a [fail], 2 a [warn] (kex-strict-s-v00@openssh.com is "unknown"
# to ssh-audit 2.5.0: a warning), 1 no connection.
run_client audit ssh-audit -n -p "$PORT" 127.0.0.1
if [ "$RC" != 3 ] && [ "$RC" != 1 ] && [ "$RC" != 124 ] && ! grep -q '\[fail\]' <<<"$OUT" &&
   grep -q '^(kex) ' <<<"$OUT"; then
  ok "ssh-audit: no [fail] for the default algorithms (exit $RC)"
else
  not_ok "ssh-audit: no [fail] for the default algorithms" "exit $RC; the report:"
  sed 's/^/    # /' "$W/audit.out" "$W/audit.err"
fi

on_lpsshd && expect_no_crash "no crash in the daemon log" "$LOG"

# ------------------------------------------------- handover without a rekey
# RekeyAfterAuth no: the user's process goes on with the keys and cipher
# positions the preauth child reached, until RekeyLimit 1M rekeys. paramiko
# 2.12 has no strict KEX (its sequence numbers and AES-CTR counter never
# restarted); asyncssh has it, with aes256-gcm (whose invocation counter is
# not the sequence number). 3 MB up and back crosses several rekeys.
if on_lpsshd; then
  stop_daemon
  start_server "RekeyAfterAuth no" "RekeyLimit 1M"
  PMK=("$PY" "$HERE/paramiko_client.py" "$PORT" "$U" "$KNOWN_HOSTS")
  ASY=("$PY" "$HERE/asyncssh_client.py" "$PORT" "$U" "$KNOWN_HOSTS")
  rm -f "$UHOME/up.pmk" "$UHOME/up.asy" "$W/back.pmk" "$W/back.asy"
  m=$(log_mark)
  run_client pmk_keep "${PMK[@]}" "key:$KED" sftp "$W/data.bin" up.pmk "$W/back.pmk"
  expect_login "RekeyAfterAuth no, paramiko (aes-ctr, no strict KEX): SFTP put and get return" "" 0
  expect_eq "RekeyAfterAuth no, paramiko: the file both ways" "$SUM $SUM" \
    "$(remote_sum up.pmk) $(sum_of "$W/back.pmk")"
  run_client asy_keep env LPT_CIPHERS=aes256-gcm@openssh.com "${ASY[@]}" "$KED" sftp "$W/data.bin" up.asy "$W/back.asy"
  expect_login "RekeyAfterAuth no, asyncssh (aes256-gcm, strict KEX): SFTP put and get return" "" 0
  expect_eq "RekeyAfterAuth no, asyncssh: the file both ways" "$SUM $SUM" \
    "$(remote_sum up.asy) $(sum_of "$W/back.asy")"
  check "RekeyAfterAuth no: the server saw no MAC failure" \
    sh -c "! tail -c +$((m + 1)) '$LOG' | grep -q 'message authentication code incorrect'"
  expect_no_crash "RekeyAfterAuth no: no crash in the daemon log" "$LOG"
fi
finish
