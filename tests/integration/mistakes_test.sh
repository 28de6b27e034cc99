#!/bin/bash
# Client mistakes are not compromise alarms (issue 8). Well-formed messages
# from an odd or buggy client must be refused by the preauth child itself,
# with a reason the client sees (a DISCONNECT or USERAUTH_FAILURE), and end
# as an ordinary unauthenticated connection. They must never reach the
# monitor as a "protocol violation by preauth child", which kills the child
# and puts the source address under the crash penalty (90 s by default, one
# is enough to refuse the next connection).
#
#   - big-kexinit: a valid KEXINIT with 33000 bytes of name-lists (over
#     lpsshd's 32 KiB cap): DISCONNECT 2 naming the size;
#   - many-key-queries: 129 publickey queries without signature for the
#     user's authorized key (each answered PK_OK, so MaxAuthTries never
#     counts them): 64 are answered, then DISCONNECT 14;
# each seven times in a row from 127.0.0.1 under the default
# PerSourcePenalties, with no violation logged, then a real ssh login from
# the same address must be admitted. Under the old code the first
# connection of each group was a violation, the client saw a bare close and
# the login after the group was refused ("penalty: source is penalised").
#
# Then, without penalties: the same sequences with a fresh key per query
# and MaxAuthTries 1000, controls just under the caps (a KEXINIT of 30000
# bytes completes the key exchange; 64 queries are all answered), oversized
# auth fields (each a failed attempt), a 300-byte user name (DISCONNECT
# 15) and more than 2^20 packets before authentication (DISCONNECT 2).
# Needs root. Usage: mistakes_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
need_raw_client

U=lpt_mis1
add_user "$U"
VIOLATION='protocol violation|killed by|suspected compromise'

# raw SCENARIO [ARG]: runs the client to completion. Sets OUT (its stdout
# and verdict), RC and CPORT.
raw() {
  OUT=$(RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 "$RAW" 127.0.0.1 "$PORT" "$@" 2>&1)
  RC=$?
  CPORT=$(sed -n 's/^LOCAL_PORT //p' <<<"$OUT")
}

no_monitors() {
  local p
  for p in $(children "$DPID"); do [ "$(exe_name "$p")" == lpsshd-monitor ] && return 1; done
  return 0
}

# seven NAME ERE SCENARIO [ARG]: seven connections in a row, each must pass
# and print a line matching ERE; then no violation is logged, and a real
# ssh login from the same address is admitted.
seven() {
  local name=$1 re=$2; shift 2
  local i m done_ok=0
  m=$(log_mark)
  for i in 1 2 3 4 5 6 7; do
    raw "$@"
    if [ "$RC" -ne 0 ] || ! grep -qE -- "$re" <<<"$OUT"; then
      not_ok "$name: connection $i answered with a reason" "client said: $(lpt_show "$OUT")"
      break
    fi
    done_ok=$i
  done
  [ "$done_ok" -eq 7 ] && ok "$name: seven connections, each ended by the server with a reason"
  # The penalty is counted when a monitor exits: wait for all of them.
  wait_for 10 no_monitors || not_ok "$name: monitors still running"
  expect_no_match "$name: no violation logged" "$VIOLATION" "$(log_since "$m")"
  local got
  got=$(ssh_to "$U" echo admitted 2>&1)
  expect_eq "$name: a real ssh login from the same address is admitted right after" admitted "$got"
  expect_no_match "$name: nothing dropped by the penalty" "penalty: source is penalised" "$(log_since "$m")"
}

# ============================================ default penalties, one daemon per sequence
# (a fresh penalty table for each: seven unauthenticated ends cost 7 s of
# the 15 s "min", a single crash 90 s)
start_daemon "PerSourcePenalties yes"
seven big-kexinit '^DISCONNECT 2 KEXINIT too large' big-kexinit 33000
stop_daemon

start_daemon "PerSourcePenalties yes"
seven many-key-queries '^DISCONNECT 14 Too many authentication requests' many-key-queries 129
expect_match "many-key-queries: 64 queries answered PK_OK before the DISCONNECT" '^QUERIES_ANSWERED 64 0$' "$OUT"
stop_daemon

# ============================================ no penalties: variants and controls
start_daemon "MaxAuthTries 1000"
M=$(log_mark)

raw big-kexinit 30000
expect_eq "control: a 30000-byte KEXINIT is accepted" 0 "$RC"
expect_match "control: ... and the key exchange completes" '^KEX_OK ' "$OUT"

raw many-key-queries 64
expect_match "control: 64 key queries are all answered" '^QUERIES_ANSWERED 64 0$' "$OUT"
expect_no_match "control: ... without a DISCONNECT" '^DISCONNECT' "$OUT"

# The same KEXINIT after login (the exchange that follows authentication):
# the postauth child says why; the monitor never sees it.
raw big-rekey-kexinit 33000
expect_eq "postauth: a 33000-byte KEXINIT for a rekey is refused with a reason" 0 "$RC"
expect_match "postauth: DISCONNECT 2 naming the size" '^DISCONNECT 2 KEXINIT too large' "$OUT"
raw big-rekey-kexinit 30000
expect_no_match "postauth control: a 30000-byte KEXINIT is answered, not refused" '^DISCONNECT' "$OUT"

raw many-new-key-queries 129
expect_eq "fresh key per query, MaxAuthTries 1000: client expectation held" 0 "$RC"
expect_match "fresh key per query: 64 failures, then DISCONNECT 14" \
  '^QUERIES_ANSWERED 0 64$' "$(grep QUERIES_ANSWERED <<<"$OUT")"
expect_match "fresh key per query: the DISCONNECT" '^DISCONNECT 14 ' "$OUT"

raw odd-auth-fields
expect_eq "oversized auth fields: each answered with USERAUTH_FAILURE" 0 "$RC"
expect_eq "oversized auth fields: all five" 5 "$(grep -c '^FAILURE_FOR ' <<<"$OUT")"

raw long-user
expect_eq "300-byte user name: refused with a DISCONNECT" 0 "$RC"
expect_match "300-byte user name: DISCONNECT 15 (illegal user name)" '^DISCONNECT 15 ' "$OUT"

# 2^20 packets before authentication at most (4 of them before the flood:
# KEXINIT, KEX_ECDH_INIT, NEWKEYS, SERVICE_REQUEST)
raw packet-flood 1100000
expect_eq "1100000 IGNOREs before authentication: ended with a reason" 0 "$RC"
expect_match "1100000 IGNOREs: DISCONNECT 2 naming the cap" \
  '^DISCONNECT 2 too many packets before authentication$' "$OUT"
raw packet-flood 1048560
expect_match "control: 1048560 IGNOREs, then none is answered" '^USERAUTH_FAILURE ' "$OUT"

wait_for 10 no_monitors || not_ok "monitors still running"
expect_no_match "variants and controls: no violation logged" "$VIOLATION" "$(log_since "$M")"
got=$(ssh_to "$U" echo admitted 2>&1)
expect_eq "variants and controls: ssh login still works" admitted "$got"
stop_daemon

finish
