#!/bin/bash
# Forwarding with the real client: ssh -L, -R (port 0 too), -D, unix
# sockets both ways, ssh -A with a real agent; then what an attacker tries:
# each AllowTcpForwarding mode refusing the other direction,
# DisableForwarding, the key's no-port-forwarding / restrict / permitopen /
# permitlisten / no-agent-forwarding, privileged ports, GatewayPorts, and a
# thousand channel opens on one connection.  Needs root.
# Usage: forwarding_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
PEER="$HERE/fwd_peer.py"

U=lpt_fwd1
add_user "$U"
UHOME=$(home_of "$U")
AK=$UHOME/.ssh/authorized_keys
PUB=$(cut -d' ' -f1,2 "$(key_of "$U").pub")
set_key() { printf '%s %s\n' "$1" "$PUB" >"$AK"; }

# The far end every forward leads to: an echo server (TCP and unix).
"$PY" "$PEER" echo-tcp "$TMP/echo.port" & track_bg $!
wait_for 5 test -s "$TMP/echo.port" || fail "echo server did not start"
EPORT=$(cat "$TMP/echo.port")
# A second one, for "another port" probes that would otherwise be refused
# only because nothing listens there.
"$PY" "$PEER" echo-tcp "$TMP/echo2.port" & track_bg $!
wait_for 5 test -s "$TMP/echo2.port" || fail "echo server did not start"
EPORT2=$(cat "$TMP/echo2.port")
"$PY" "$PEER" echo-unix "$TMP/echo.sock" & track_bg $!
wait_for 5 test -S "$TMP/echo.sock" || fail "unix echo server did not start"

port_open() { "$PY" -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()' "$1" "$2" 2>/dev/null; }
# roundtrip ADDR BYTES CONNS: "same" when every connection echoed back its bytes.
roundtrip() { timeout 120 "$PY" "$PEER" roundtrip "$@" 2>&1; }
stop_bg() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

start_daemon "LogLevel DEBUG1"
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

# ---------------------------------------------------------------- ssh -L
LPORT=$(pick_port)
ssh_bg "$TMP/L.out" -N -o ExitOnForwardFailure=yes -L "$LPORT:127.0.0.1:$EPORT" "$U"
LPID=$BG_PID
if wait_for 15 port_open 127.0.0.1 "$LPORT"; then
  expect_eq "ssh -L: 10 MB through 5 parallel connections come back intact (sha256)" \
    same "$(roundtrip "127.0.0.1:$LPORT" 2097152 5)"
else
  not_ok "ssh -L: the client's listener came up" "$(cat "$TMP/L.out")"
fi
stop_bg "$LPID"

# ---------------------------------------------------------------- ssh -D
DPORT=$(pick_port)
ssh_bg "$TMP/D.out" -N -o ExitOnForwardFailure=yes -D "$DPORT" "$U"
DPID_=$BG_PID
if wait_for 15 port_open 127.0.0.1 "$DPORT"; then
  expect_eq "ssh -D: SOCKS5 by host name through the server" same \
    "$(timeout 60 "$PY" "$PEER" socks5 "$DPORT" localhost "$EPORT" 1048576 2>&1)"
  if command -v curl >/dev/null; then
    HPORT=$(pick_port)
    mkdir -p "$TMP/www" && echo "through-socks" >"$TMP/www/hello.txt"
    "$PY" -m http.server --bind 127.0.0.1 --directory "$TMP/www" "$HPORT" >/dev/null 2>&1 & track_bg $!
    wait_for 10 port_open 127.0.0.1 "$HPORT"
    expect_eq "ssh -D: curl --socks5-hostname fetches a page through the server" through-socks \
      "$(timeout 30 curl -s --socks5-hostname "127.0.0.1:$DPORT" "http://localhost:$HPORT/hello.txt" 2>&1)"
  else
    skip "ssh -D: curl --socks5-hostname" "curl not installed"
  fi
else
  not_ok "ssh -D: the client's SOCKS listener came up" "$(cat "$TMP/D.out")"
fi
stop_bg "$DPID_"

# ---------------------------------------------------------------- ssh -R
RPORT=$(pick_port)
ssh_bg "$TMP/R.out" -N -o ExitOnForwardFailure=yes -R "$RPORT:127.0.0.1:$EPORT" "$U"
RPID=$BG_PID
if wait_for 15 port_open 127.0.0.1 "$RPORT"; then
  expect_eq "ssh -R: the server listens and forwards back to the client's side" \
    same "$(roundtrip "127.0.0.1:$RPORT" 1048576 3)"
else
  not_ok "ssh -R: the server's listener came up" "$(cat "$TMP/R.out")" "$(log_tail 10)"
fi
stop_bg "$RPID"
check "ssh -R: the listener is gone with the connection" wait_for 10 eval "! port_open 127.0.0.1 $RPORT"

ssh_bg "$TMP/R0.out" -N -o LogLevel=INFO -o ExitOnForwardFailure=yes -R "0:127.0.0.1:$EPORT" "$U"
R0PID=$BG_PID
if wait_for 15 file_has "$TMP/R0.out" "Allocated port [0-9]+"; then
  APORT=$(sed -n 's/.*Allocated port \([0-9]*\).*/\1/p' "$TMP/R0.out" | head -n 1)
  ok "ssh -R 0: the client prints the allocated port ($APORT)"
  expect_eq "ssh -R 0: the allocated port forwards" same "$(roundtrip "127.0.0.1:$APORT" 65536 2)"
else
  not_ok "ssh -R 0: allocated port reported" "$(cat "$TMP/R0.out")"
fi
stop_bg "$R0PID"

# ---------------------------------------------------------------- unix sockets
LSOCK=$TMP/local.sock
ssh_bg "$TMP/Lu.out" -N -o ExitOnForwardFailure=yes -L "$LSOCK:$TMP/echo.sock" "$U"
LUPID=$BG_PID
if wait_for 15 test -S "$LSOCK"; then
  expect_eq "ssh -L /local.sock:/remote.sock: echoes intact" same "$(roundtrip "$LSOCK" 1048576 2)"
else
  not_ok "ssh -L unix: the client's socket came up" "$(cat "$TMP/Lu.out")"
fi
stop_bg "$LUPID"

RSOCK=$UHOME/remote.sock
rm -f "$RSOCK"
ssh_bg "$TMP/Ru.out" -N -o ExitOnForwardFailure=yes -R "$RSOCK:$TMP/echo.sock" "$U"
RUPID=$BG_PID
if wait_for 15 test -S "$RSOCK"; then
  expect_eq "ssh -R /remote.sock:/local.sock: 16 MB through 4 connections echo intact (bytes sent before CLOSE all arrive)" same "$(roundtrip "$RSOCK" 4194304 4)"
  expect_eq "ssh -R unix: the socket belongs to the user, mode 0600 (StreamLocalBindMask 0177)" \
    "$U 600" "$(stat -c '%U %a' "$RSOCK")"
else
  not_ok "ssh -R unix: the server's socket came up" "$(cat "$TMP/Ru.out")" "$(log_tail 10)"
fi
stop_bg "$RUPID"
check "ssh -R unix: the socket is removed with the connection" wait_for 10 eval "! test -e $RSOCK"

# ---------------------------------------------------------------- ssh -A
eval "$(ssh-agent -s -a "$TMP/agent.sock")" >/dev/null
track_bg "$SSH_AGENT_PID"
SSH_AUTH_SOCK=$TMP/agent.sock ssh-add -q "$(new_key agentkey)" 2>/dev/null
out=$(SSH_AUTH_SOCK=$TMP/agent.sock ssh_to -A "$U" \
  'echo "sock=$SSH_AUTH_SOCK"; ssh-add -l; stat -c "dir=%a %U" "$(dirname "$SSH_AUTH_SOCK")"')
expect_match "ssh -A: ssh-add -l on the far side lists the key" "^256 SHA256:[^ ]+ agentkey \(ED25519\)$" "$out"
expect_match "ssh -A: the agent directory is 0700 and the user's" "dir=700 $U" "$out"
ASOCK=$(sed -n 's/^sock=//p' <<<"$out")
expect_match "ssh -A: SSH_AUTH_SOCK is /tmp/ssh-*/agent.PID" "^/tmp/ssh-[A-Za-z0-9]{10}/agent\.[0-9]+$" "$ASOCK"
check "ssh -A: socket and directory gone after logout" \
  wait_for 10 eval "[ -n '$ASOCK' ] && ! test -e '$ASOCK' && ! test -e '$(dirname "${ASOCK:-/x/y}")'"
kill "$SSH_AGENT_PID" 2>/dev/null
stop_daemon

# ================================================================ refusals
# Probes, one connection each: ssh -W opens one direct-tcpip channel with
# stdin/stdout (echoed back when allowed); -R with ExitOnForwardFailure
# prints "up" only when the server bound the listener.
w_probe() {  # w_probe TARGET [SSH OPTIONS...]: what came back through -W
  local target=$1; shift
  echo ping-through | ssh_to "$@" -W "$target" "$U" 2>&1
}
r_probe() {  # r_probe SPEC [SSH OPTIONS...]: "up" when the remote forward was made
  local spec=$1; shift
  ssh_to "$@" -o ExitOnForwardFailure=yes -R "$spec" "$U" 'echo up' 2>&1
}
agent_probe() {  # what SSH_AUTH_SOCK the far side sees with ssh -A
  SSH_AUTH_SOCK=$TMP/agent.sock ssh_to -A "$U" 'echo "sock=[${SSH_AUTH_SOCK:-}]"' 2>&1
}
eval "$(ssh-agent -s -a "$TMP/agent2.sock")" >/dev/null
track_bg "$SSH_AGENT_PID"
ln -sf "$TMP/agent2.sock" "$TMP/agent.sock" 2>/dev/null || true
allowed() { [ "$1" = ping-through ] || [ "$1" = up ]; }
expect_allowed() { expect_match "$1" "^(ping-through|up)$" "$2"; }
expect_refused() { expect_no_match "$1" "^(ping-through|up)$" "$2"; }
NEXT=$(pick_port)

start_daemon
set_key ""
expect_allowed "defaults: -W (direct-tcpip) allowed (positive control)" "$(w_probe "127.0.0.1:$EPORT")"
expect_allowed "defaults: -R allowed (positive control)" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_match "defaults: -A sets SSH_AUTH_SOCK (positive control)" "sock=\[/tmp/ssh-" "$(agent_probe)"
stop_daemon

for mode in no local remote; do
  start_daemon "AllowTcpForwarding $mode"
  l=$(w_probe "127.0.0.1:$EPORT"); r=$(r_probe "$NEXT:127.0.0.1:$EPORT")
  case $mode in
    no) expect_refused "AllowTcpForwarding no: -L refused" "$l"
        expect_refused "AllowTcpForwarding no: -R refused" "$r" ;;
    local) expect_allowed "AllowTcpForwarding local: -L allowed" "$l"
           expect_refused "AllowTcpForwarding local: -R refused" "$r" ;;
    remote) expect_refused "AllowTcpForwarding remote: -L refused" "$l"
            expect_allowed "AllowTcpForwarding remote: -R allowed" "$r" ;;
  esac
  [ "$mode" = remote ] && l=$(w_probe "127.0.0.1:$EPORT" -o LogLevel=VERBOSE)
  stop_daemon
done
expect_match "a refused open says administratively prohibited" "administratively prohibited" "$l"

start_daemon "AllowStreamLocalForwarding no"
rm -f "$UHOME/r2.sock"
expect_refused "AllowStreamLocalForwarding no: -R /path refused" "$(r_probe "$UHOME/r2.sock:$TMP/echo.sock")"
expect_allowed "AllowStreamLocalForwarding no: TCP still allowed" "$(w_probe "127.0.0.1:$EPORT")"
stop_daemon

start_daemon "DisableForwarding yes"
expect_refused "DisableForwarding: -L refused" "$(w_probe "127.0.0.1:$EPORT")"
expect_refused "DisableForwarding: -R refused" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_refused "DisableForwarding: -R unix refused" "$(r_probe "$UHOME/r3.sock:$TMP/echo.sock")"
expect_match "DisableForwarding: no SSH_AUTH_SOCK" "sock=\[\]" "$(agent_probe)"
stop_daemon

start_daemon "PermitOpen 127.0.0.1:$EPORT" "PermitListen $NEXT"
expect_allowed "PermitOpen: the listed host:port allowed" "$(w_probe "127.0.0.1:$EPORT")"
expect_refused "PermitOpen: the same port by another name refused" "$(w_probe "localhost:$EPORT")"
expect_allowed "PermitListen: the listed port allowed" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_refused "PermitListen: another port refused" "$(r_probe "$(pick_port):127.0.0.1:$EPORT")"
stop_daemon

start_daemon
set_key "no-port-forwarding"
expect_refused "key no-port-forwarding: -L refused" "$(w_probe "127.0.0.1:$EPORT")"
expect_refused "key no-port-forwarding: -R refused" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_refused "key no-port-forwarding: -R unix refused" "$(r_probe "$UHOME/r4.sock:$TMP/echo.sock")"
set_key "restrict"
expect_refused "key restrict: -L refused" "$(w_probe "127.0.0.1:$EPORT")"
expect_refused "key restrict: -R refused" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_match "key restrict: no SSH_AUTH_SOCK" "sock=\[\]" "$(agent_probe)"
set_key "restrict,port-forwarding"
expect_allowed "key restrict,port-forwarding: -L allowed (positive control)" "$(w_probe "127.0.0.1:$EPORT")"
set_key "no-agent-forwarding"
expect_match "key no-agent-forwarding: no SSH_AUTH_SOCK" "sock=\[\]" "$(agent_probe)"
set_key "permitopen=\"127.0.0.1:$EPORT\""
expect_allowed "key permitopen: the listed host:port allowed" "$(w_probe "127.0.0.1:$EPORT")"
expect_refused "key permitopen: another port refused" "$(w_probe "127.0.0.1:$EPORT2")"
expect_refused "key permitopen: another host for the port refused" "$(w_probe "localhost:$EPORT")"
set_key ""
expect_allowed "no permitopen: that other port is reachable (positive control)" "$(w_probe "127.0.0.1:$EPORT2")"
set_key "permitlisten=\"$NEXT\""
expect_allowed "key permitlisten: the listed port allowed" "$(r_probe "$NEXT:127.0.0.1:$EPORT")"
expect_refused "key permitlisten: another port refused" "$(r_probe "$(pick_port):127.0.0.1:$EPORT")"
expect_refused "key permitlisten: port 0 refused" "$(r_probe "0:127.0.0.1:$EPORT")"
set_key ""
# The kernel here may let anyone bind low ports (ip_unprivileged_port_start);
# the server refuses them for non-root users itself.
expect_refused "port below 1024 as a non-root user refused" "$(r_probe "1022:127.0.0.1:$EPORT")"

# GatewayPorts: a listener on a non-loopback address only when allowed.
EXT=$(ip -4 -o addr show scope global 2>/dev/null | awk '{sub(/\/.*/, "", $4); print $4; exit}')
gw_probe() {  # gw_probe PORT: "lo" and/or "ext" for where the -R listener answers
  local p=$1
  ssh_bg "$TMP/gw.out" -N -o ExitOnForwardFailure=yes -R "0.0.0.0:$p:127.0.0.1:$EPORT" "$U"
  local pid=$BG_PID
  wait_for 10 port_open 127.0.0.1 "$p" && echo lo
  port_open "$EXT" "$p" && echo ext
  stop_bg "$pid"
}
if [ -n "$EXT" ]; then
  p=$(pick_port)
  expect_eq "GatewayPorts no: -R 0.0.0.0:PORT binds loopback only" lo "$(gw_probe "$p")"
  stop_daemon
  start_daemon "GatewayPorts clientspecified"
  p=$(pick_port)
  expect_eq "GatewayPorts clientspecified: -R 0.0.0.0:PORT binds every address" "lo ext" "$(gw_probe "$p" | xargs)"
else
  skip "GatewayPorts" "no non-loopback IPv4 address here"
fi
stop_daemon

# ---------------------------------------------------------------- many opens
# A thousand connections to one ssh -L: each is a direct-tcpip open on the
# same connection. The server holds kMaxChannels at once, refuses the rest
# (resource shortage), and stays well.
start_daemon
LPORT2=$(pick_port)
ulimit -n 4096 2>/dev/null
ssh_bg "$TMP/many.out" -o LogLevel=VERBOSE -N -L "$LPORT2:127.0.0.1:$EPORT" "$U"
MPID=$BG_PID
if wait_for 15 port_open 127.0.0.1 "$LPORT2"; then
  ( ulimit -n 4096; timeout 60 "$PY" - "$LPORT2" <<'PYEOF'
import socket, sys, time
socks = []
for i in range(1000):
    try:
        socks.append(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5))
    except OSError:
        pass
time.sleep(3)
PYEOF
  ) &
  HOLD=$!
  sleep 2
  PA=$(ps -u "$U" -o pid=,comm= | awk '$2 == "lpsshd-postauth" {print $1; exit}')
  nfd=$(ls "/proc/$PA/fd" 2>/dev/null | wc -l)
  wait "$HOLD"
  if [ -n "$PA" ] && [ "$nfd" -le 300 ]; then ok "1000 opens: the server holds at most its channel limit ($nfd descriptors)"
  else not_ok "1000 opens: descriptors bounded" "postauth pid '$PA' had $nfd"; fi
  expect_match "1000 opens: the rest refused as resource shortage" "resource shortage" "$(cat "$TMP/many.out")"
  expect_eq "1000 opens: the connection still forwards afterwards" same "$(roundtrip "127.0.0.1:$LPORT2" 65536 1)"
else
  not_ok "1000 opens: the client's listener came up" "$(cat "$TMP/many.out")"
fi
stop_bg "$MPID"
expect_no_crash "no crash in any daemon log" "$TMP"/lpsshd.*.log

finish
