#!/bin/bash
# Real logins with the OpenSSH client against a private lpsshd on a free
# loopback port: exec, exit codes, bulk data both ways, rekeying, failed and
# refused logins, StrictModes, from=, MaxAuthTries, host key pinning, start-up
# refusals, multiplexed channels, keepalives, the curve25519-sha256@libssh.org
# name and ext-info's server-sig-algs.  Needs root.
# Usage: login_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"

U=lpt_login1
add_user "$U"
UHOME=$(home_of "$U")
AK=$UHOME/.ssh/authorized_keys
start_daemon
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

# ---------------------------------------------------------------- exec
m=$(log_mark)
out=$(ssh_to "$U" 'echo hello; exit 42'); rc=$?
expect_eq "exec: stdout is exactly hello" "hello" "$out"
expect_eq "exec: exit status 42 reaches the client" 42 "$rc"
fp=$(ssh-keygen -l -E sha256 -f "$(key_of "$U").pub" | awk '{print $2}')
wait_log "$m" "Disconnected from user $U 127\.0\.0\.1 port [0-9]+"
expect_match "log: Accepted publickey line with the key's fingerprint" \
  "^Accepted publickey for $U from 127\.0\.0\.1 port [0-9]+ ssh2: ED25519 ${fp//+/\\+}\$" "$(log_since "$m")"
expect_match "log: Disconnected from user line" \
  "^Disconnected from user $U 127\.0\.0\.1 port [0-9]+\$" "$(log_since "$m")"

out=$(ssh_to "$U" 'echo "$(pwd) $HOME $USER $LOGNAME $SHELL"; echo "$SSH_CONNECTION"')
expect_eq "session: cwd, HOME, USER, LOGNAME, SHELL" "$UHOME $UHOME $U $U /bin/bash" "$(head -n 1 <<<"$out")"
expect_match "session: SSH_CONNECTION names both ends" "^127\.0\.0\.1 [0-9]+ 127\.0\.0\.1 $PORT\$" \
  "$(tail -n 1 <<<"$out")"

out=$(ssh_to "$U" 'exit 3'); rc=$?
expect_eq "exec: exit 3 gives 3" 3 "$rc"

out=$(ssh_to "$U" 'echo out; echo err >&2' 2>"$TMP/err"); rc=$?
expect_eq "stderr separate: stdout only 'out'" "out" "$out"
expect_eq "stderr separate: stderr only 'err'" "err" "$(cat "$TMP/err")"
expect_eq "stderr separate: exit 0" 0 "$rc"

out=$(ssh_to "$U" 'yes | head -n 1' 2>"$TMP/err"); rc=$?
expect_eq "yes | head -n 1: output y" "y" "$out"
expect_eq "yes | head -n 1: exit 0" 0 "$rc"
# A command ignoring SIGPIPE (inherited from the server) would complain.
expect_eq "yes | head -n 1: no broken-pipe complaint (SIGPIPE default)" "" "$(cat "$TMP/err")"

out=$(ssh_to -o LogLevel=DEBUG1 "$U" 'echo before; kill -TERM $$; echo after' 2>"$TMP/err"); rc=$?
expect_eq "signal: output stops at the kill" "before" "$out"
# OpenSSH's client exits 255 when the server reports exit-signal.
expect_eq "signal: client exits 255 on exit-signal" 255 "$rc"
expect_match "signal: server sent exit-signal" "rtype exit-signal" "$(cat "$TMP/err")"

# ---------------------------------------------------------------- bulk data
N=20000000
head -c $N /dev/urandom >"$TMP/in.bin"
in_sum=$(sha256sum <"$TMP/in.bin" | cut -d' ' -f1)

ssh_to "$U" "head -c $N /dev/urandom | tee big.out; sha256sum < big.out >&2; rm -f big.out" \
  >"$TMP/down.bin" 2>"$TMP/down.err"; rc=$?
expect_eq "20 MB download: exit 0" 0 "$rc"
expect_eq "20 MB download: size" $N "$(stat -c %s "$TMP/down.bin")"
expect_eq "20 MB download: checksum matches the remote one" \
  "$(cut -d' ' -f1 <"$TMP/down.err")" "$(sha256sum <"$TMP/down.bin" | cut -d' ' -f1)"
rm -f "$TMP/down.bin"

out=$(ssh_to "$U" 'sha256sum' <"$TMP/in.bin"); rc=$?
expect_eq "20 MB upload: exit 0" 0 "$rc"
expect_eq "20 MB upload: remote checksum matches" "$in_sum" "${out%% *}"

# Both directions at once through `cat`, rekeying every MiB.
ssh_to -o RekeyLimit=1M -o LogLevel=DEBUG1 "$U" cat <"$TMP/in.bin" >"$TMP/echo.bin" 2>"$TMP/rekey.err"; rc=$?
expect_eq "20 MB each way with RekeyLimit=1M: exit 0" 0 "$rc"
expect_eq "20 MB each way with RekeyLimit=1M: echoed data intact" \
  "$in_sum" "$(sha256sum <"$TMP/echo.bin" | cut -d' ' -f1)"
nkex=$(grep -c 'SSH2_MSG_NEWKEYS received' "$TMP/rekey.err")
if [ "$nkex" -ge 15 ]; then ok "20 MB each way with RekeyLimit=1M: $nkex key exchanges"
else not_ok "20 MB each way with RekeyLimit=1M: many rekeys" "only $nkex key exchanges"; fi
rm -f "$TMP/echo.bin"

# ---------------------------------------------------------------- names on the wire
# The older name of the curve25519 exchange, alone in the client's list: the
# login works only if the server offers it under that name.
out=$(ssh_to -o LogLevel=DEBUG1 -o KexAlgorithms=curve25519-sha256@libssh.org "$U" 'echo libssh-name' 2>"$TMP/kexname.err"); rc=$?
expect_eq "KexAlgorithms=curve25519-sha256@libssh.org only: login works" "libssh-name/0" "$out/$rc"
expect_match "... and ssh says that exchange was used" "kex: algorithm: curve25519-sha256@libssh\.org" \
  "$(cat "$TMP/kexname.err")"
# ext-info (RFC 8308): the server tells the client which signature algorithms
# it accepts for user keys.
expect_match "ext-info: the client received server-sig-algs" "kex_input_ext_info: server-sig-algs=<[^>]*ssh-ed25519" \
  "$(cat "$TMP/kexname.err")"

# ---------------------------------------------------------------- many logins
good=0
for i in $(seq 1 10); do
  out=$(ssh_to "$U" "echo seq$i"); rc=$?
  [ $rc -eq 0 ] && [ "$out" == "seq$i" ] && good=$((good + 1))
done
expect_eq "10 sequential logins all succeed" 10 "$good"

pids=()
for i in $(seq 1 10); do
  ssh_to "$U" "echo par$i" >"$TMP/par.$i" 2>&1 &
  pids+=($!)
done
good=0
for i in $(seq 1 10); do
  wait "${pids[$((i - 1))]}"; rc=$?
  [ $rc -eq 0 ] && [ "$(cat "$TMP/par.$i")" == "par$i" ] && good=$((good + 1))
done
expect_eq "10 parallel logins all succeed" 10 "$good"

# ---------------------------------------------------------------- channels
cm=$TMP/cm
track_control "$cm"
m=$(log_mark)
o1=$(ssh_to -o ControlMaster=yes -o ControlPath="$cm" -o ControlPersist=20 "$U" 'echo one'); r1=$?
o2=$(ssh_to -o ControlPath="$cm" "$U" 'echo two'); r2=$?
o3=$(ssh_to -o ControlPath="$cm" "$U" 'echo three; exit 5'); r3=$?
expect_eq "ControlMaster: three commands, outputs" "one two three" "$o1 $o2 $o3"
expect_eq "ControlMaster: exit statuses" "0 0 5" "$r1 $r2 $r3"
# Two channels open at the same time: each marks that it runs, then waits
# (up to 15 s) for the other's mark.  Channels run one after the other would
# each see no mark from the other, so each printing "saw" proves an overlap.
rm -f "$UHOME/.mux4" "$UHOME/.mux5"
overlap_cmd() {
  echo "touch ~/.mux$1; for i in \$(seq 150); do [ -e ~/.mux$2 ] && break; sleep 0.1; done;" \
    "[ -e ~/.mux$2 ] && echo $1-saw-$2"
}
ssh_to -o ControlPath="$cm" "$U" "$(overlap_cmd 4 5)" >"$TMP/mux4" 2>&1 & p4=$!
ssh_to -o ControlPath="$cm" "$U" "$(overlap_cmd 5 4)" >"$TMP/mux5" 2>&1 & p5=$!
wait $p4; r4=$?; wait $p5; r5=$?
expect_eq "ControlMaster: two channels overlapped (each saw the other running)" \
  "4-saw-5/0 5-saw-4/0" "$(cat "$TMP/mux4")/$r4 $(cat "$TMP/mux5")/$r5"
expect_eq "ControlMaster: one login for all five channels" 1 \
  "$(log_since "$m" | grep -c "^Accepted publickey for $U ")"
timeout 10 ssh -F /dev/null -o ControlPath="$cm" -O exit "$U@127.0.0.1" >/dev/null 2>&1
wait_log "$m" "Disconnected from user $U "

# Keepalives every second; three unanswered ones would end the session.
out=$(ssh_to -o ServerAliveInterval=1 -o ServerAliveCountMax=2 "$U" 'sleep 4; echo alive'); rc=$?
expect_eq "keepalive@openssh.com every second during sleep 4: output" "alive" "$out"
expect_eq "keepalive@openssh.com every second during sleep 4: exit 0" 0 "$rc"

out=$(LANG=C.UTF-8 ssh_to -o SendEnv=LANG "$U" 'echo ok'); rc=$?
expect_eq "SendEnv LANG: login still works" "ok/0" "$out/$rc"

# ---------------------------------------------------------------- refusals
wrong=$(new_key wrong1)
m=$(log_mark)
ssh_to -i "$wrong" "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "wrong key: client exits 255" 255 "$rc"
expect_no_match "wrong key: command did not run" "should-not-run" "$(cat "$TMP/out")"
wait_log "$m" "Failed publickey for $U from 127\.0\.0\.1 port [0-9]+"
expect_match "wrong key: log has Failed publickey" \
  "Failed publickey for $U from 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
expect_no_match "wrong key: log has no Accepted" "Accepted" "$(log_since "$m")"

m=$(log_mark)
ssh_to -i "$(key_of "$U")" nosuchlpt123 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "unknown user: client exits 255" 255 "$rc"
wait_log "$m" "Invalid user nosuchlpt123 from 127\.0\.0\.1 port [0-9]+"
expect_match "unknown user: log has Invalid user" \
  "Invalid user nosuchlpt123 from 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
expect_no_match "unknown user: log has no Accepted" "Accepted" "$(log_since "$m")"

# from= on the key: 127.0.0.1 is not 10.9.9.9.
fromkey=$(new_key from1)
fromok=$(new_key from2)
cp "$AK" "$TMP/ak.orig"
# Control: the same key without from= logs in, so the refusal below is
# from= at work, not a key or line that never worked.
cat "$fromkey.pub" >>"$AK"
out=$(ssh_to -i "$fromkey" "$U" 'echo nofrom'); rc=$?
expect_eq "control: the key later limited by from= logs in without it" "nofrom/0" "$out/$rc"
cp "$TMP/ak.orig" "$AK"
{ printf 'from="10.9.9.9" '; cat "$fromkey.pub"; printf 'from="10.9.9.8,127.0.0.1" '; cat "$fromok.pub"; } >>"$AK"
m=$(log_mark)
ssh_to -i "$fromkey" "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "from=\"10.9.9.9\" key refused from 127.0.0.1" 255 "$rc"
wait_log "$m" "not from a permitted host"
expect_match "from=: log says not from a permitted host" \
  "Authentication tried for $U with correct key but not from a permitted host" "$(log_since "$m")"
expect_no_match "from=: log has no Accepted" "Accepted" "$(log_since "$m")"
out=$(ssh_to -i "$fromok" "$U" 'echo fromok'); rc=$?
expect_eq "from=\"10.9.9.8,127.0.0.1\" key accepted from 127.0.0.1" "fromok/0" "$out/$rc"
cp "$TMP/ak.orig" "$AK"

# A known_hosts line with another key for [127.0.0.1]:PORT.
other=$(new_key otherhost)
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$other.pub")" >"$TMP/bad_known_hosts"
m=$(log_mark)
ssh_to -o UserKnownHostsFile="$TMP/bad_known_hosts" "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "host key pinning: a different pinned key makes ssh exit 255" 255 "$rc"
expect_match "host key pinning: ssh reports the mismatch" \
  "Host key verification failed|HOST IDENTIFICATION HAS CHANGED" "$(cat "$TMP/out")"
expect_no_match "host key pinning: no login happened" "Accepted" "$(log_since "$m")"

# StrictModes (default yes): a world-writable authorized_keys is ignored.
chmod 0666 "$AK"
m=$(log_mark)
ssh_to "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "StrictModes yes: authorized_keys mode 0666 refused" 255 "$rc"
wait_log "$m" "Authentication refused"
expect_match "StrictModes yes: log names the file" \
  "Authentication refused: bad ownership or modes for file $AK" "$(log_since "$m")"
expect_no_match "StrictModes yes: log has no Accepted" "Accepted" "$(log_since "$m")"

stop_daemon
start_daemon "StrictModes no"
out=$(ssh_to "$U" 'echo lax'); rc=$?
expect_eq "StrictModes no: authorized_keys mode 0666 accepted" "lax/0" "$out/$rc"
chmod 0600 "$AK"

stop_daemon
start_daemon "MaxAuthTries 2"
k1=$(new_key bad1); k2=$(new_key bad2); k3=$(new_key bad3)
m=$(log_mark)
ssh_to -i "$k1" -i "$k2" -i "$k3" "$U" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "MaxAuthTries 2: three wrong keys, client exits 255" 255 "$rc"
wait_log "$m" "maximum authentication attempts exceeded"
expect_match "MaxAuthTries 2: log has maximum authentication attempts exceeded" \
  "maximum authentication attempts exceeded for $U from 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
out=$(ssh_to -i "$k1" -i "$(key_of "$U")" "$U" 'echo second-key'); rc=$?
expect_eq "MaxAuthTries 2: one wrong key then the right one logs in" "second-key/0" "$out/$rc"

stop_daemon
start_daemon "LoginGraceTime 1"
m=$(log_mark)
grace=$("$PY" - "$PORT" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(10)
t = time.monotonic()
try:
    while s.recv(4096):
        pass
except OSError:
    pass
print("%.1f" % (time.monotonic() - t))
EOF
)
wait_log "$m" "Timeout before authentication"
expect_match "LoginGraceTime 1: log has Timeout before authentication" \
  "Timeout before authentication for 127\.0\.0\.1 port [0-9]+" "$(log_since "$m")"
if awk -v t="$grace" 'BEGIN { exit !(t >= 0.8 && t < 4) }'; then
  ok "LoginGraceTime 1: silent client dropped after ${grace}s"
else
  not_ok "LoginGraceTime 1: silent client dropped after about 1 s" "took ${grace}s"
fi

# ---------------------------------------------------------------- start-up
stop_daemon
start_daemon
cfg=$TMP/check_good.cfg
write_config "$cfg"
"$BINDIR/lpsshd" -t -f "$cfg" >"$TMP/out" 2>&1; rc=$?
expect_eq "lpsshd -t: good config exits 0" 0 "$rc"

cfg=$TMP/check_bad.cfg
write_config "$cfg" "LogLevel VERBOSE" "MaxAuthTries 6" "NoSuchKeyword yes" "Port 2222"
badline=$(grep -n '^NoSuchKeyword' "$cfg" | cut -d: -f1)
"$BINDIR/lpsshd" -t -f "$cfg" >"$TMP/out" 2>&1; rc=$?
if [ "$rc" -ne 0 ]; then ok "lpsshd -t: bad config line exits non-zero ($rc)"
else not_ok "lpsshd -t: bad config line exits non-zero" "exit 0"; fi
expect_eq "lpsshd -t: exactly one line of output" 1 "$(wc -l <"$TMP/out")"
expect_match "lpsshd -t: the line names file, line $badline and keyword" \
  "check_bad\.cfg.*line $badline.*NoSuchKeyword" "$(cat "$TMP/out")"

t0=${EPOCHREALTIME//[.,]/}
rc=$(run_daemon_expect_exit "$TMP/out" -f "$CONFIG" -p "$PORT")
ms=$(( (${EPOCHREALTIME//[.,]/} - t0) / 1000 ))
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ $ms -lt 3000 ]; then
  ok "port in use: second lpsshd exits $rc after ${ms} ms"
else
  not_ok "port in use: second lpsshd exits non-zero quickly" "exit $rc after ${ms} ms"
fi
expect_match "port in use: message says Bind to port $PORT" "Bind to port $PORT" "$(cat "$TMP/out")"
out=$(ssh_to "$U" 'echo still'); rc=$?
expect_eq "port in use: the first lpsshd still serves" "still/0" "$out/$rc"

cp -p "$HOSTKEY" "$TMP/hk644"; cp -p "$HOSTKEY.pub" "$TMP/hk644.pub"; chmod 0644 "$TMP/hk644"
cfg=$TMP/hk644.cfg
write_config "$cfg" "HostKey $TMP/hk644"
rc=$(run_daemon_expect_exit "$TMP/out" -f "$cfg" -p "$(pick_port)")
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then ok "host key mode 0644: lpsshd refuses to start ($rc)"
else not_ok "host key mode 0644: lpsshd refuses to start" "exit $rc" "$(cat "$TMP/out")"; fi
expect_match "host key mode 0644: message says chmod 600" "chmod 600" "$(cat "$TMP/out")"

cfg=$TMP/nouser.cfg
write_config "$cfg" "PreauthUser nosuchuser123"
rc=$(run_daemon_expect_exit "$TMP/out" -f "$cfg" -p "$(pick_port)")
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then ok "missing PreauthUser: lpsshd refuses to start ($rc)"
else not_ok "missing PreauthUser: lpsshd refuses to start" "exit $rc" "$(cat "$TMP/out")"; fi
expect_match "missing PreauthUser: message names the user" "nosuchuser123" "$(cat "$TMP/out")"

finish
