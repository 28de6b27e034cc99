#!/bin/bash
# Interactive logins through a real terminal: the OpenSSH client runs inside
# a private tmux server, against a private lpsshd.  PTY allocation (owner,
# group, mode), terminal size and window-change, terminal modes, Ctrl-C, the
# login shell and its environment, utmp (who) and lastlog (Last login),
# ~/.hushlogin, exit status, exec with a PTY, AcceptEnv, a killed client, and
# ControlMaster multiplexing with MaxSessions.  Needs root and tmux.
# Usage: interactive_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init
command -v tmux >/dev/null || fail "tmux not installed"
command -v who >/dev/null || fail "who not installed"

U=lpt_int1
add_user "$U"
UHOME=$(home_of "$U")
# A booted system has utmp; these machines do not until someone creates it.
[ -e /var/run/utmp ] || install -m 664 -g utmp /dev/null /var/run/utmp
start_daemon "AcceptEnv FOO_*"
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

PROMPT_RE="^$U@[^ ]+:~\\\$\$"
# who_has LINE: utmp has USER on LINE (pts/N) from 127.0.0.1.
who_has() { who | awk -v u="$U" -v l="$1" '$1 == u && $2 == l' | grep -qF '(127.0.0.1)'; }
who_lacks() { ! who_has "$1"; }
user_sleeps() { pgrep -u "$U" -x sleep >/dev/null; }
no_user_sleep() { ! user_sleeps; }
rc_file_is() { [ -f "$1.rc" ]; }

# ---------------------------------------------------------------- first login
# The outer terminal's erase and kill characters are changed before ssh
# starts: the client sends them as terminal modes in pty-req.
SSH_SCRIPT_PRE="stty erase '^H' kill '^X'" ssh_script "$TMP/s1" -tt "$U"
m=$(log_mark)
tmx new-session -d -s S1 -x 100 -y 30 "env TERM=vt100 $TMP/s1"
if wait_pane S1 "$PROMPT_RE" 15; then ok "shell: the prompt appears"
else fail "no shell prompt in tmux: $(pane_text S1 | tail -n 5)"; fi
if [ -s /etc/motd ]; then
  motd1=$(grep -m1 . /etc/motd | sed 's/[[:space:]]*$//')
  check "PrintMotd: /etc/motd is shown at login" grep -qxF -- "$motd1" <(pane_text S1)
else
  skip "PrintMotd: /etc/motd is shown at login" "/etc/motd is empty or missing on this machine"
fi

pane_run S1 'tty; stty size; echo "$0|$TERM|$SSH_TTY"; stat -c "%U %G %A" "$(tty)"; echo $$; ps -o tty= -p $$'; out=$PANE_OUT
TTY1=$(sed -n 1p <<<"$out")
expect_match "tty: the shell's terminal is a /dev/pts/N" '^/dev/pts/[0-9]+$' "$TTY1"
expect_eq "stty size: 30 rows, 100 columns as the client's terminal" "30 100" "$(sed -n 2p <<<"$out")"
expect_eq "login shell (\$0 = -bash), TERM from the client, SSH_TTY = the tty" \
  "-bash|vt100|$TTY1" "$(sed -n 3p <<<"$out")"
expect_eq "PTY seen by the user: owner $U, group tty, crw--w----" "$U tty crw--w----" "$(sed -n 4p <<<"$out")"
expect_eq "PTY seen by root: owner $U, group tty, crw--w----" "$U tty crw--w----" \
  "$(stat -c '%U %G %A' "$TTY1" 2>&1)"
BASH1=$(sed -n 5p <<<"$out")
expect_eq "the PTY is the shell's controlling terminal" "${TTY1#/dev/}" "$(sed -n 6p <<<"$out" | tr -d ' ')"
[[ "$BASH1" =~ ^[0-9]+$ ]] || BASH1=0
expect_eq "the shell runs as $U" "$U" "$(ps -o user= -p "$BASH1" 2>/dev/null | tr -d ' ')"

pane_run S1 'stty -a'; out=$PANE_OUT
expect_match "terminal modes from the client: erase = ^H" 'erase = \^H;' "$out"
expect_match "terminal modes from the client: kill = ^X" 'kill = \^X;' "$out"

pane_run S1 'for v in USER LOGNAME HOME SHELL PATH MAIL SSH_CLIENT SSH_CONNECTION; do echo "$v=${!v-(unset)}"; done'; out=$PANE_OUT
expect_eq "environment: USER LOGNAME HOME SHELL MAIL" \
  "USER=$U LOGNAME=$U HOME=$UHOME SHELL=/bin/bash MAIL=/var/mail/$U" \
  "$(grep -E '^(USER|LOGNAME|HOME|SHELL|MAIL)=' <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
expect_match "environment: PATH set" '^PATH=/' "$out"
expect_match "environment: SSH_CLIENT" "^SSH_CLIENT=127\\.0\\.0\\.1 [0-9]+ $PORT\$" "$out"
expect_match "environment: SSH_CONNECTION" "^SSH_CONNECTION=127\\.0\\.0\\.1 [0-9]+ 127\\.0\\.0\\.1 $PORT\$" "$out"

if wait_for 5 who_has "${TTY1#/dev/}"; then ok "who: $U on ${TTY1#/dev/} from 127.0.0.1"
else not_ok "who: $U on ${TTY1#/dev/} from 127.0.0.1" "who says: $(who)"; fi

# window-change: tmux resizes the client's terminal, ssh sends the new size.
tmx resize-window -t S1 -x 120 -y 40
size=
for _ in 1 2 3 4 5 6; do
  pane_run S1 'stty size'; size=$PANE_OUT
  [ "$size" == "40 120" ] && break
  sleep 0.3
done
expect_eq "window-change: stty size 40 120 after tmux resize-window" "40 120" "$size"

# Ctrl-C reaches the foreground job through the terminal.
tmx send-keys -t S1 'sleep 30' Enter
if wait_for 5 user_sleeps; then
  t0=$(now_us)
  tmx send-keys -t S1 C-c
  st=$(pane_status S1 5)
  ms=$(elapsed_ms "$t0")
  expect_eq "Ctrl-C: sleep 30 interrupted, \$? = 130" 130 "$st"
  if [ "$ms" -lt 3000 ]; then ok "Ctrl-C: the prompt is back after ${ms} ms"
  else not_ok "Ctrl-C: the prompt is back within 3 s" "took ${ms} ms"; fi
  check "Ctrl-C: no sleep left" wait_for 3 no_user_sleep
else
  not_ok "Ctrl-C: sleep 30 started in the shell" "$(pane_text S1 | tail -n 5)"
fi

# `exit 3` ends the shell, the channel and the client with status 3.
tmx send-keys -t S1 'exit 3' Enter
if wait_for 10 rc_file_is "$TMP/s1"; then
  expect_eq "exit 3 in the shell: ssh exits 3" 3 "$(cat "$TMP/s1.rc")"
else
  not_ok "exit 3 in the shell: ssh exits" "still running: $(pane_text S1 | tail -n 3)"
fi
check "logout: the shell is gone" wait_for 5 pid_gone "$BASH1"
if wait_for 5 who_lacks "${TTY1#/dev/}"; then ok "logout: who no longer lists ${TTY1#/dev/}"
else not_ok "logout: who no longer lists ${TTY1#/dev/}" "who says: $(who)"; fi
wait_log "$m" "Disconnected from user $U "

# ---------------------------------------------------------------- second login
ssh_script "$TMP/s2" -tt "$U"
tmx new-session -d -s S2 -x 100 -y 30 "env TERM=vt100 $TMP/s2"
wait_pane S2 "$PROMPT_RE" 15 || fail "no prompt at the second login: $(pane_text S2 | tail -n 5)"
expect_match "second login: Last login ... from 127.0.0.1" \
  '^Last login: [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4} from 127\.0\.0\.1$' \
  "$(pane_text S2)"
pane_run S2 'tty; echo $$'; out=$PANE_OUT
TTY2=$(sed -n 1p <<<"$out"); BASH2=$(sed -n 2p <<<"$out")
[[ "$BASH2" =~ ^[0-9]+$ ]] || BASH2=0
wait_for 5 who_has "${TTY2#/dev/}" || not_ok "second login: who lists ${TTY2#/dev/}" "who says: $(who)"

# The client dies without a word: the shell gets SIGHUP, utmp is cleaned.
SSHPID=$(pane_ssh_pid S2)
if [ -n "$SSHPID" ] && pid_alive "$BASH2"; then
  m=$(log_mark)
  kill -KILL "$SSHPID"
  check "client killed (kill -9): the user's shell ends within 5 s" wait_for 5 pid_gone "$BASH2"
  if wait_for 5 who_lacks "${TTY2#/dev/}"; then ok "client killed: who no longer lists ${TTY2#/dev/}"
  else not_ok "client killed: who no longer lists ${TTY2#/dev/}" "who says: $(who)"; fi
  wait_log "$m" "Disconnected from user $U |Connection (closed|reset)"
else
  not_ok "client killed: found the ssh client and the shell" "ssh pid '$SSHPID', shell pid '$BASH2'"
fi

# ---------------------------------------------------------------- exec with a PTY
ssh_script "$TMP/s3" -t "$U" 'tty; exit 7'
tmx new-session -d -s S3 -x 100 -y 30 "env TERM=vt100 $TMP/s3"
if wait_for 10 rc_file_is "$TMP/s3"; then
  expect_eq "ssh -t host 'tty; exit 7': exit 7" 7 "$(cat "$TMP/s3.rc")"
else
  not_ok "ssh -t host 'tty; exit 7': finishes" "$(pane_text S3 | tail -n 3)"
fi
expect_match "ssh -t host 'tty': prints a /dev/pts/N" '^/dev/pts/[0-9]+$' "$(pane_text S3)"
expect_no_match "ssh -t host CMD: no Last login banner for a command" '^Last login' "$(pane_text S3)"

# ---------------------------------------------------------------- ~/.hushlogin
install -m 644 -o "$U" -g "$(id -g "$U")" /dev/null "$UHOME/.hushlogin"
ssh_script "$TMP/s4" -tt "$U"
tmx new-session -d -s S4 -x 100 -y 30 "env TERM=vt100 $TMP/s4"
if wait_pane S4 "$PROMPT_RE" 15; then
  expect_no_match "hushlogin: no Last login line" '^Last login' "$(pane_text S4)"
  if [ -s /etc/motd ]; then
    if pane_text S4 | grep -qxF -- "$motd1"; then not_ok "hushlogin: no /etc/motd" "$(pane_text S4 | head -n 5)"
    else ok "hushlogin: no /etc/motd"; fi
  else
    skip "hushlogin: no /etc/motd" "/etc/motd is empty or missing on this machine"
  fi
else
  not_ok "hushlogin: the prompt appears" "$(pane_text S4 | tail -n 5)"
fi
tmx send-keys -t S4 'exit' Enter
wait_for 10 rc_file_is "$TMP/s4"
expect_eq "hushlogin session: exit gives 0" 0 "$(cat "$TMP/s4.rc" 2>/dev/null)"
rm -f "$UHOME/.hushlogin"

# ---------------------------------------------------------------- AcceptEnv
out=$(FOO_BAR=x LANG=lpt_sent.UTF-8 ssh_to -o SendEnv=FOO_BAR -o SendEnv=LANG "$U" \
      'echo "FOO_BAR=${FOO_BAR-(unset)}"; echo "LANG=${LANG-(unset)}"'); rc=$?
expect_eq "AcceptEnv FOO_*: FOO_BAR=x sent with SendEnv arrives" "FOO_BAR=x" "$(sed -n 1p <<<"$out")"
expect_no_match "AcceptEnv FOO_*: SendEnv=LANG is not applied" '^LANG=lpt_sent' "$(sed -n 2p <<<"$out")"
expect_eq "AcceptEnv: exit 0" 0 "$rc"
out=$(FOO_BAR=y ssh_to -tt -o SendEnv=FOO_BAR "$U" 'echo "FOO_BAR=$FOO_BAR"' | tr -d '\r')
expect_eq "AcceptEnv FOO_* with a PTY (ssh -tt): FOO_BAR=y arrives" "FOO_BAR=y" "$out"

# ---------------------------------------------------------------- ControlMaster
start_master() {
  CM=$TMP/cm.$1
  track_control "$CM"
  ssh_bg "$TMP/cm.$1.out" -o ControlMaster=yes -o ControlPath="$CM" -N "$U" </dev/null
  CM_PID=$BG_PID
  wait_for 10 test -S "$CM" || fail "ControlMaster did not start: $(cat "$TMP/cm.$1.out")"
}
stop_master() {
  timeout 10 ssh -F /dev/null -o ControlPath="$CM" -O exit "$U@127.0.0.1" >/dev/null 2>&1
  wait_for 5 pid_gone "$CM_PID" || kill -TERM "$CM_PID" 2>/dev/null
  wait "$CM_PID" 2>/dev/null
}
count_user_sleeps() { pgrep -u "$U" -x sleep | wc -l; }
have_sleeps() { [ "$(count_user_sleeps)" -ge "$1" ]; }
count_who() { who | awk -v u="$U" '$1 == u' | grep -cF '(127.0.0.1)'; }
have_who() { [ "$(count_who)" -ge "$1" ]; }

m=$(log_mark)
start_master a
# 6 s each (not 3): all of them must still be running when the last one
# starts and while the checks look, also on a loaded 2-core machine.
pids=()
for i in 1 2 3; do
  ssh_to -tt -o ControlPath="$CM" "$U" "tty; sleep 6; exit 1$i" >"$TMP/mux.$i" 2>&1 &
  pids+=($!)
done
if wait_for 10 have_sleeps 3; then ok "ControlMaster: three PTY sessions run at once"
else not_ok "ControlMaster: three PTY sessions run at once" "sleeping: $(count_user_sleeps)"; fi
if wait_for 5 have_who 3; then ok "ControlMaster: who lists three logins"
else not_ok "ControlMaster: who lists three logins" "who says: $(who)"; fi
res=
for i in 1 2 3; do wait "${pids[$((i - 1))]}"; res+="$? "; done
expect_eq "ControlMaster: the three sessions exit 11 12 13" "11 12 13 " "$res"
ttys=$(cat "$TMP/mux.1" "$TMP/mux.2" "$TMP/mux.3" | tr -d '\r' | grep -E '^/dev/pts/[0-9]+$' | sort -u | wc -l)
expect_eq "ControlMaster: three different /dev/pts/N" 3 "$ttys"
stop_master
wait_log "$m" "Disconnected from user $U "
expect_eq "ControlMaster: one login for the three sessions" 1 \
  "$(log_since "$m" | grep -c "^Accepted publickey for $U ")"

stop_daemon
start_daemon "MaxSessions 2"
start_master b
pids=()
for i in 1 2; do
  ssh_to -tt -o ControlPath="$CM" "$U" "sleep 6; echo mux$i" >"$TMP/mux.$i" 2>&1 &
  pids+=($!)
done
wait_for 10 have_sleeps 2 || not_ok "MaxSessions 2: two sessions started" "sleeping: $(count_user_sleeps)"
# A refused mux session makes ssh fall back to a connection of its own:
# ProxyCommand=false makes that fallback fail instead of logging in again.
m=$(log_mark)
ssh_to -tt -o ControlPath="$CM" -o ProxyCommand=false "$U" 'echo third' >"$TMP/mux.3" 2>&1; rc=$?
if [ "$rc" -ne 0 ] && ! grep -q third "$TMP/mux.3"; then ok "MaxSessions 2: a third concurrent session is refused (exit $rc)"
else not_ok "MaxSessions 2: a third concurrent session is refused" "exit $rc" "$(cat "$TMP/mux.3")"; fi
expect_match "MaxSessions 2: the client says the server refused the session" \
  "Session open refused by peer|open failed|no more sessions" "$(cat "$TMP/mux.3")"
expect_no_match "MaxSessions 2: no new login instead" "Accepted" "$(log_since "$m")"
res=
for i in 1 2; do wait "${pids[$((i - 1))]}"; res+="$?:$(tr -d '\r' <"$TMP/mux.$i") "; done
expect_eq "MaxSessions 2: the two sessions finish normally" "0:mux1 0:mux2 " "$res"
out=$(ssh_to -o ControlPath="$CM" "$U" 'echo again'); rc=$?
expect_eq "MaxSessions 2: a new session once the others ended" "again/0" "$out/$rc"
stop_master

finish
