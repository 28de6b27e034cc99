#!/bin/bash
# PAM with the real OpenSSH client against a private lpsshd: password and
# keyboard-interactive logins, the fixed failure delay, unknown users that
# look like wrong passwords, account checks for publickey (expired, locked),
# PermitRootLogin, an expired password changed in keyboard-interactive,
# no password oracle for refused users (root under prohibit-password with an
# expired password, DenyUsers: the right password looks like a wrong one and
# PAM's account stack never runs), DenyUsers/AllowGroups, /etc/nologin,
# PAM's environment, and a hanging PAM module that stalls only its own
# connection until LoginGraceTime.
# Needs root, sshpass and the test module BINDIR/../lib/pam_lpsshd_test.so.
# Leaves /etc/shadow, /etc/nologin and /etc/pam.d as it found them.
# Usage: pam_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
# shellcheck source=lib_session.sh
. "$HERE/lib_session.sh"
lps_init
for b in sshpass setsid chpasswd chage usermod; do
  command -v "$b" >/dev/null || fail "$b not installed"
done
[ -x "$BINDIR/lpsshd-pam" ] || fail "$BINDIR/lpsshd-pam missing; build it first"
MOD=$(cd "$BINDIR/../lib" 2>/dev/null && pwd)/pam_lpsshd_test.so
[ -f "$MOD" ] || fail "test PAM module $MOD missing; build the pam_lpsshd_test target"

# ---------------------------------------------------------------- system state
# Everything changed outside $TMP is put back at exit, also after a failure.
save_file /etc/pam.d/lpsshd
NOLOGIN_WAS_THERE=
if [ -e /etc/nologin ]; then NOLOGIN_WAS_THERE=1; else save_file /etc/nologin; fi
shadow_save_line root
at_exit shadow_restore_line root

SVC=lpsshd-test-$$
pam_service "$SVC-q" \
  "auth     required $MOD" \
  "account  required pam_permit.so" \
  "session  required pam_env.so readenv=1 conffile=$TMP/pam_env.conf envfile=/dev/null user_readenv=0" \
  "session  required pam_permit.so"
echo "LPT_PAM_VAR DEFAULT=from_pam_env" >"$TMP/pam_env.conf"
pam_service "$SVC-hang" \
  "auth     required $MOD hang" \
  "account  required pam_permit.so" \
  "session  required pam_permit.so"
# Any answer authenticates; the account stack (recorded in $MARK) then says
# something and asks for a new password, which the password stack asks for.
MARK=$TMP/acct.mark
pam_service "$SVC-acct" \
  "auth     required pam_permit.so" \
  "account  required $MOD expired $MARK" \
  "password required $MOD $MARK" \
  "session  required pam_permit.so"

P1=lpt_pam1 P2=lpt_pam2 P3=lpt_pam3 P4=lpt_pam4 P5=lpt_pam5
PW1='Lpt-pam1-Gx4q'
PW2='Lpt-pam2-Hy5r'
PW4_OLD='oldPW-Kq3vR8tY'
PW4_NEW='Nz7mX2bjf!ew'
PW5='Lpt-pam5-Jz6s'
G=lpt_pamg
add_group "$G"
for u in $P1 $P2 $P3 $P4 $P5; do add_user "$u"; done
usermod -a -G "$G" "$P1"; usermod -a -G "$G" "$P2"
printf '%s\n' "$P1:$PW1" "$P2:$PW2" "$P4:$PW4_OLD" "$P5:$PW5" | chpasswd || fail "chpasswd"

PAM_ON=("UsePAM yes" "PasswordAuthentication yes" "KbdInteractiveAuthentication yes")
# The default service /etc/pam.d/lpsshd, installed by lpsshd -A if missing.
write_config "$TMP/setup_pam.cfg" "${PAM_ON[@]}"
"$BINDIR/lpsshd" -A -f "$TMP/setup_pam.cfg" >"$TMP/setup_pam.log" 2>&1 ||
  fail "lpsshd -A: $(cat "$TMP/setup_pam.log")"
[ -f /etc/pam.d/lpsshd ] || fail "lpsshd -A did not install /etc/pam.d/lpsshd"
check "lpsshd -A: /etc/pam.d/lpsshd uses pam_nologin" grep -qE '^account[[:space:]]+required[[:space:]]+pam_nologin\.so' /etc/pam.d/lpsshd

start_daemon "${PAM_ON[@]}"
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT (UsePAM yes, service lpsshd)"

# timed OUTFILE CMD...: runs CMD with stdout+stderr to OUTFILE; sets T_RC and
# T_MS (wall time in ms).
timed() {
  local out=$1; shift
  local t0
  t0=$(now_us)
  "$@" >"$out" 2>&1
  T_RC=$?
  T_MS=$(elapsed_ms "$t0")
}
# at_least_2s NAME: the last timed command took >= 2 s (the failure delay).
at_least_2s() {
  if [ "$T_MS" -ge 2000 ] && [ "$T_MS" -lt 10000 ]; then ok "$1: answered after ${T_MS} ms (>= 2 s)"
  else not_ok "$1: answered after 2 s (fixed failure delay)" "took ${T_MS} ms"; fi
}

# ---------------------------------------------------------------- password
m=$(log_mark)
timed "$TMP/out" pw_ssh "$PW1" "$P1" 'echo pw-ok; id -un'
expect_eq "password login (sshpass): command runs as the user" "pw-ok $P1/0" \
  "$(tr -d '\r' <"$TMP/out" | tr '\n' ' ' | sed 's/ $//')/$T_RC"
# Compared with the wrong password below (same client, same machine load), not
# with a fixed bound a busy machine could cross: the 2 s delay is the gap.
OK_MS=$T_MS
wait_log "$m" "Accepted password for $P1 "
expect_match "password login: log says Accepted password" \
  "^Accepted password for $P1 from 127\\.0\\.0\\.1 port [0-9]+ ssh2\$" "$(log_since "$m")"

# A PTY session whose process comes from the PAM helper: pam_loginuid (in
# the default service's session stack) ran before the user's process.
out=$(ssh_to -tt "$P1" 'tty; cat /proc/self/loginuid; echo; who' | tr -d '\r'); rc=$?
tty=$(sed -n 1p <<<"$out")
expect_match "UsePAM yes, ssh -tt: the session has a /dev/pts/N" '^/dev/pts/[0-9]+$' "$tty"
expect_eq "UsePAM yes: pam_open_session ran for the user's process (loginuid = uid)" \
  "$(id -u "$P1")" "$(sed -n 2p <<<"$out")"
expect_match "UsePAM yes: who lists the PTY session" "^$P1 +${tty#/dev/} .*\\(127\\.0\\.0\\.1\\)\$" "$out"

# The user's command gets the session's 0, 1 and 2 and nothing else, with
# and without a PTY, though its process came from the PAM helper (which
# holds the monitor channel) and from lpsshd-postauth (client socket,
# monitor channel). ls is not the last command, so bash does not exec it
# and ls lists the shell's descriptors, not its own; no pipeline on the
# server side, whose pipe the shell may hold for a moment while ls reads
# (sorted here instead).
FDCMD='ls -1 /proc/$$/fd; true'
out=$(ssh_to "$P1" "$FDCMD" | tr -d '\r' | sort -n | xargs); rc=$?
expect_eq "UsePAM yes, no PTY: the user's command has descriptors 0 1 2 only" "0 1 2/0" "$out/$rc"
out=$(ssh_to -tt "$P1" "$FDCMD" | tr -d '\r' | sort -n | xargs); rc=$?
expect_eq "UsePAM yes, PTY: the user's command has descriptors 0 1 2 only" "0 1 2/0" "$out/$rc"
# The same without PAM, where lpsshd-postauth comes from the monitor itself.
PAM_PORT=$PORT PAM_LOG=$LOG PAM_DPID=$DPID
start_daemon "UsePAM no"
out=$(ssh_to "$P1" "$FDCMD" | tr -d '\r' | sort -n | xargs); rc=$?
expect_eq "UsePAM no, no PTY: the user's command has descriptors 0 1 2 only" "0 1 2/0" "$out/$rc"
out=$(ssh_to -tt "$P1" "$FDCMD" | tr -d '\r' | sort -n | xargs); rc=$?
expect_eq "UsePAM no, PTY: the user's command has descriptors 0 1 2 only" "0 1 2/0" "$out/$rc"
stop_daemon
PORT=$PAM_PORT LOG=$PAM_LOG DPID=$PAM_DPID
write_known_hosts

m=$(log_mark)
timed "$TMP/wrongpw.out" pw_ssh "not-$PW1" "$P1" 'echo should-not-run'
expect_eq "wrong password: refused, ssh exits 255" 255 "$T_RC"
expect_no_match "wrong password: command did not run" "should-not-run" "$(cat "$TMP/wrongpw.out")"
at_least_2s "wrong password"
WRONG_MS=$T_MS
if [ $((WRONG_MS - OK_MS)) -ge 1000 ]; then
  ok "password login: success is not delayed (${OK_MS} ms, wrong password ${WRONG_MS} ms)"
else not_ok "password login: success is not delayed" "success ${OK_MS} ms, wrong password ${WRONG_MS} ms"; fi
wait_log "$m" "Failed password for $P1 "
expect_match "wrong password: log says Failed password" \
  "^Failed password for $P1 from 127\\.0\\.0\\.1 port [0-9]+ ssh2\$" "$(log_since "$m")"
expect_no_match "wrong password: no Accepted in the log" "Accepted" "$(log_since "$m")"

NOUSER=lpt_nope1
m=$(log_mark)
timed "$TMP/nouser.out" pw_ssh "not-$PW1" "$NOUSER" 'echo should-not-run'
expect_eq "unknown user: refused, ssh exits 255" 255 "$T_RC"
at_least_2s "unknown user"
norm() { sed -e "s/$P1@/USER@/g" -e "s/$NOUSER@/USER@/g" "$1"; }
if [ "$(norm "$TMP/wrongpw.out")" == "$(norm "$TMP/nouser.out")" ] && [ -s "$TMP/wrongpw.out" ]; then
  ok "unknown user and wrong password: byte-identical client output (user name aside)"
else
  not_ok "unknown user and wrong password: byte-identical client output" \
    "wrong password: $(lpt_show "$(cat "$TMP/wrongpw.out")")" "unknown user:   $(lpt_show "$(cat "$TMP/nouser.out")")"
fi
# Within 1.5 s of each other: wide enough for a loaded 2-core machine, still
# narrower than the 2 s delay one of them would miss.
if [ $((T_MS - WRONG_MS)) -gt -1500 ] && [ $((T_MS - WRONG_MS)) -lt 1500 ]; then
  ok "unknown user and wrong password: similar times (${T_MS} vs ${WRONG_MS} ms)"
else
  not_ok "unknown user and wrong password: similar times" "${T_MS} vs ${WRONG_MS} ms"
fi
wait_log "$m" "Failed password for invalid user $NOUSER "
expect_match "unknown user: log says Failed password for invalid user" \
  "Failed password for invalid user $NOUSER from 127\\.0\\.0\\.1 port [0-9]+ ssh2" "$(log_since "$m")"

# ---------------------------------------------------------------- expired account, locked password
# Positive controls first: the key and the password that stop working below
# worked before the change.
out=$(ssh_to "$P5" 'echo before-expiry'); rc=$?
expect_eq "control: $P5 key login works before chage -E 0" "before-expiry/0" "$out/$rc"
out=$(pw_ssh "$PW5" "$P5" 'echo pw-before-lock' 2>&1 | tr -d '\r')
expect_eq "control: $P5 password login works before usermod -L" "pw-before-lock" "$out"
chage -E 0 "$P5"
m=$(log_mark)
ssh_to -o LogLevel=INFO "$P5" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "expired account (chage -E 0): key login refused" 255 "$rc"
expect_match "expired account: the client shows PAM's message" "account has expired" "$(cat "$TMP/out")"
wait_log "$m" "PAM account checks refused $P5 "
expect_match "expired account: log says PAM account checks refused" \
  "PAM account checks refused $P5 from 127\\.0\\.0\\.1 port [0-9]+" "$(log_since "$m")"
expect_no_match "expired account: no Accepted in the log" "Accepted" "$(log_since "$m")"
chage -E -1 "$P5"
out=$(ssh_to "$P5" 'echo unexpired'); rc=$?
expect_eq "account no longer expired: key login works" "unexpired/0" "$out/$rc"

usermod -L "$P5"
m=$(log_mark)
pw_ssh "$PW5" "$P5" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "usermod -L: password login refused" 255 "$rc"
expect_no_match "usermod -L: command did not run" "should-not-run" "$(cat "$TMP/out")"
out=$(ssh_to "$P5" 'echo key-still-ok'); rc=$?
expect_eq "usermod -L: key login still works" "key-still-ok/0" "$out/$rc"
usermod -U "$P5"

# ---------------------------------------------------------------- root
ROOTPW=Lpt-root-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
echo "root:$ROOTPW" | chpasswd || fail "chpasswd root"
m=$(log_mark)
timed "$TMP/out" pw_ssh "$ROOTPW" root 'echo should-not-run'
expect_eq "root with the right password, PermitRootLogin default (prohibit-password): refused" 255 "$T_RC"
expect_no_match "root, prohibit-password: command did not run" "should-not-run" "$(cat "$TMP/out")"
at_least_2s "root, prohibit-password"
wait_log "$m" "Failed password for root "
expect_match "root, prohibit-password: log says Failed password for root" \
  "Failed password for root from 127\\.0\\.0\\.1 port [0-9]+" "$(log_since "$m")"
MAIN_PORT=$PORT MAIN_LOG=$LOG MAIN_PID=$DPID
start_daemon "${PAM_ON[@]}" "PermitRootLogin yes"
out=$(pw_ssh "$ROOTPW" root 'echo root-ok' 2>&1 | tr -d '\r'); rc=$?
expect_eq "control: the same root password works with PermitRootLogin yes" "root-ok" "$out"
stop_daemon
shadow_restore_line root
expect_eq "root's /etc/shadow line is back as it was" "$(cat "$TMP/shadow.root")" "$(grep '^root:' /etc/shadow)"
PORT=$MAIN_PORT LOG=$MAIN_LOG DPID=$MAIN_PID
write_known_hosts

# ---------------------------------------------------------------- keyboard-interactive
stop_daemon
start_daemon "${PAM_ON[@]}" "PAMServiceName $SVC-q"
askpass_script "$TMP/ap_good" "$TMP/ap_good.log" 'Favourite colour: $=blue' 'PIN: $=4242'
m=$(log_mark)
kbd_ssh "$TMP/ap_good" -o LogLevel=INFO "$P1" 'echo kbd-ok; echo "LPT_PAM_VAR=${LPT_PAM_VAR-(unset)}"' \
  >"$TMP/kbd.out" 2>"$TMP/kbd.err"; rc=$?
expect_eq "keyboard-interactive (two questions, askpass): login works" "kbd-ok/0" \
  "$(sed -n 1p "$TMP/kbd.out")/$rc"
expect_eq "keyboard-interactive: askpass saw both prompts, in order" \
  "($P1@127.0.0.1) Favourite colour: |($P1@127.0.0.1) PIN: " \
  "$(paste -sd'|' "$TMP/ap_good.log")"
expect_match "keyboard-interactive: the module's info line reaches the client" \
  "lpsshd test: two questions follow" "$(cat "$TMP/kbd.err" "$TMP/ap_good.log")"
wait_log "$m" "Accepted keyboard-interactive/pam for $P1 "
expect_match "keyboard-interactive: log says Accepted keyboard-interactive/pam" \
  "^Accepted keyboard-interactive/pam for $P1 from 127\\.0\\.0\\.1 port [0-9]+ ssh2\$" "$(log_since "$m")"
expect_eq "PAM environment (pam_env in the session stack) reaches the session" \
  "LPT_PAM_VAR=from_pam_env" "$(sed -n 2p "$TMP/kbd.out")"

askpass_script "$TMP/ap_bad" "$TMP/ap_bad.log" 'Favourite colour: $=red' 'PIN: $=4242'
m=$(log_mark)
timed "$TMP/out" kbd_ssh "$TMP/ap_bad" "$P1" 'echo should-not-run'
expect_eq "keyboard-interactive, wrong answer: refused" 255 "$T_RC"
expect_no_match "keyboard-interactive, wrong answer: command did not run" "should-not-run" "$(cat "$TMP/out")"
at_least_2s "keyboard-interactive, wrong answer"
wait_log "$m" "Failed keyboard-interactive/pam for $P1 "
expect_match "keyboard-interactive, wrong answer: log says Failed keyboard-interactive/pam" \
  "Failed keyboard-interactive/pam for $P1 from 127\\.0\\.0\\.1 port [0-9]+" "$(log_since "$m")"

# ---------------------------------------------------------------- expired password
stop_daemon
start_daemon "${PAM_ON[@]}"
out=$(pw_ssh "$PW4_OLD" "$P4" 'echo old-pw-ok' 2>&1 | tr -d '\r')
expect_eq "control: $P4's old password works before chage -d 0" "old-pw-ok" "$out"
chage -d 0 "$P4"
askpass_script "$TMP/ap_chg" "$TMP/ap_chg.log" \
  "[)] Password: ?\$=$PW4_OLD" "Current password: ?\$=$PW4_OLD" \
  "Retype new password: ?\$=$PW4_NEW" "New password: ?\$=$PW4_NEW"
m=$(log_mark)
out=$(kbd_ssh "$TMP/ap_chg" "$P4" 'echo changed' 2>"$TMP/chg.err"); rc=$?
expect_eq "expired password (chage -d 0): changed through keyboard-interactive, login works" \
  "changed/0" "$out/$rc"
ap=$(cat "$TMP/ap_chg.log")
expect_match "expired password: asked for the current password" "Current password: ?$" "$ap"
expect_match "expired password: asked for the new password" "New password: ?$" "$ap"
expect_match "expired password: asked to retype it" "Retype new password: ?$" "$ap"
out=$(pw_ssh "$PW4_NEW" "$P4" 'echo new-pw-ok' 2>&1 | tr -d '\r')
expect_eq "expired password: the new password works with sshpass" "new-pw-ok" "$out"
pw_ssh "$PW4_OLD" "$P4" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "expired password: the old password no longer works" 255 "$rc"

# ---------------------------------------------------------------- no password oracle for refused users
# kbd_try TAG PASSWORD USER: one keyboard-interactive try, every prompt
# answered with PASSWORD; client output in $TMP/TAG.out, the prompts it saw
# in $TMP/TAG.prompts, T_RC and T_MS as timed sets them.
kbd_try() {
  askpass_script "$TMP/ap_$1" "$TMP/$1.prompts" ".=$2"
  timed "$TMP/$1.out" kbd_ssh "$TMP/ap_$1" -o LogLevel=INFO "$3" 'echo should-not-run'
}
# same_refusal WHAT USER TAG_RIGHT TAG_WRONG MARK: the right and the wrong
# password got the same answer, one prompt each, nothing about the account.
same_refusal() {
  local what=$1 user=$2 r=$3 w=$4 m=$5
  expect_eq "$what: right password refused (ssh exits 255)" 255 "$R_RC"
  expect_eq "$what: wrong password refused (ssh exits 255)" 255 "$W_RC"
  expect_eq "$what: right password, exactly one prompt (no password change)" 1 \
    "$(wc -l <"$TMP/$r.prompts")"
  expect_eq "$what: right and wrong password, the same prompts" \
    "$(cat "$TMP/$w.prompts")" "$(cat "$TMP/$r.prompts")"
  expect_eq "$what: right and wrong password, byte-identical client output" \
    "$(cat "$TMP/$w.out")" "$(cat "$TMP/$r.out")"
  expect_no_match "$what: nothing about changing or an expired password reaches the client" \
    "[Cc]hange|[Ee]xpire|[Cc]urrent" "$(cat "$TMP/$r.out" "$TMP/$r.prompts")"
  expect_no_match "$what: command did not run" "should-not-run" "$(cat "$TMP/$r.out")"
  if [ "$R_MS" -ge 2000 ] && [ "$W_MS" -ge 2000 ] && [ "$R_MS" -lt 10000 ] && [ "$W_MS" -lt 10000 ]; then
    ok "$what: both answered after the fixed delay (${R_MS} and ${W_MS} ms)"
  else
    not_ok "$what: both answered after the fixed 2 s delay" "right ${R_MS} ms, wrong ${W_MS} ms"
  fi
  wait_log "$m" "Failed keyboard-interactive/pam for $user "
  expect_eq "$what: log says Failed keyboard-interactive/pam for $user, once per try" 2 \
    "$(log_since "$m" | grep -cE "^Failed keyboard-interactive/pam for $user from 127\.0\.0\.1 port [0-9]+ ssh2\$")"
  expect_no_match "$what: no Accepted in the log" "Accepted" "$(log_since "$m")"
}

# Root under the default PermitRootLogin prohibit-password, with an expired
# password: without the fix the right password gets "You are required to
# change your password immediately" and a second prompt.
echo "root:$ROOTPW" | chpasswd || fail "chpasswd root"
chage -d 0 root || fail "chage -d 0 root"
m=$(log_mark)
kbd_try root_right "$ROOTPW" root; R_RC=$T_RC R_MS=$T_MS
kbd_try root_wrong "not-$ROOTPW" root; W_RC=$T_RC W_MS=$T_MS
same_refusal "root, expired password, keyboard-interactive, prohibit-password" root root_right root_wrong "$m"
shadow_restore_line root
expect_eq "root's /etc/shadow line is back as it was (after chage -d 0)" \
  "$(cat "$TMP/shadow.root")" "$(grep '^root:' /etc/shadow)"

# ---------------------------------------------------------------- /etc/nologin
if [ -z "$NOLOGIN_WAS_THERE" ]; then
  # Positive control: the same login works before /etc/nologin exists.
  out=$(ssh_to "$P1" 'echo before-nologin'); rc=$?
  expect_eq "control: $P1 logs in before /etc/nologin exists" "before-nologin/0" "$out/$rc"
  m=$(log_mark)
  echo "lpsshd test $$: logins are disabled" >/etc/nologin
  ssh_to -o LogLevel=INFO "$P1" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
  rm -f /etc/nologin
  expect_eq "/etc/nologin (pam_nologin): non-root key login refused" 255 "$rc"
  expect_no_match "/etc/nologin: command did not run" "should-not-run" "$(cat "$TMP/out")"
  expect_match "/etc/nologin: the client shows its text" "lpsshd test $$: logins are disabled" "$(cat "$TMP/out")"
  wait_log "$m" "PAM account checks refused $P1 "
  expect_match "/etc/nologin: log says PAM account checks refused" \
    "PAM account checks refused $P1 from 127\\.0\\.0\\.1" "$(log_since "$m")"
  out=$(ssh_to "$P1" 'echo after-nologin'); rc=$?
  expect_eq "/etc/nologin removed: login works again" "after-nologin/0" "$out/$rc"
else
  skip "/etc/nologin (pam_nologin): non-root key login refused" "/etc/nologin exists already on this machine"
fi

# ---------------------------------------------------------------- login shell
# Checked by the monitor with PAM too (OpenSSH's allowed_user).
out=$(ssh_to "$P3" 'echo shell-ok'); rc=$?
expect_eq "control: $P3 key login works with its real shell" "shell-ok/0" "$out/$rc"
usermod -s /nonexistent/lpt-shell "$P3" 2>/dev/null || fail "usermod -s"
m=$(log_mark)
ssh_to "$P3" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
usermod -s /bin/bash "$P3" || fail "usermod -s"
expect_eq "UsePAM yes, login shell does not exist: key login refused" 255 "$rc"
wait_log "$m" "not allowed because shell"
expect_match "UsePAM yes, login shell does not exist: log says so" \
  "^User $P3 not allowed because shell /nonexistent/lpt-shell does not exist\$" "$(log_since "$m")"

# ---------------------------------------------------------------- DenyUsers, AllowGroups
# Controls: the key and password of $P2 work before DenyUsers names it.
out=$(ssh_to "$P2" 'echo key-before-deny'); rc=$?
expect_eq "control: $P2 key login works before DenyUsers" "key-before-deny/0" "$out/$rc"
out=$(pw_ssh "$PW2" "$P2" 'echo pw-before-deny' 2>&1 | tr -d '\r')
expect_eq "control: $P2 password login works before DenyUsers" "pw-before-deny" "$out"
stop_daemon
start_daemon "${PAM_ON[@]}" "DenyUsers $P2" "AllowGroups $G"
m=$(log_mark)
out=$(ssh_to "$P1" 'echo allowed'); rc=$?
expect_eq "AllowGroups $G: $P1 (member) gets in" "allowed/0" "$out/$rc"
ssh_to "$P2" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "DenyUsers $P2: refused although in $G" 255 "$rc"
wait_log "$m" "User $P2 from 127\\.0\\.0\\.1 not allowed because"
expect_match "DenyUsers: log says not allowed because listed in DenyUsers" \
  "User $P2 from 127\\.0\\.0\\.1 not allowed because listed in DenyUsers" "$(log_since "$m")"
pw_ssh "$PW2" "$P2" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "DenyUsers $P2: the right password is refused too" 255 "$rc"
ssh_to "$P3" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
expect_eq "AllowGroups $G: $P3 (not a member) refused" 255 "$rc"
wait_log "$m" "User $P3 from 127\\.0\\.0\\.1 not allowed because"
expect_match "AllowGroups: log says not allowed because none of user's groups are listed" \
  "User $P3 from 127\\.0\\.0\\.1 not allowed because none of user's groups are listed in AllowGroups" \
  "$(log_since "$m")"
expect_no_match "DenyUsers/AllowGroups: no Accepted for the refused users" \
  "Accepted [a-z/-]+ for ($P2|$P3) " "$(log_since "$m")"
# The denied user's right (and expired) password through keyboard-interactive.
shadow_save_line "$P2"
chage -d 0 "$P2"
m=$(log_mark)
kbd_try deny_right "$PW2" "$P2"; R_RC=$T_RC R_MS=$T_MS
kbd_try deny_wrong "not-$PW2" "$P2"; W_RC=$T_RC W_MS=$T_MS
same_refusal "DenyUsers, expired password, keyboard-interactive" "$P2" deny_right deny_wrong "$m"
shadow_restore_line "$P2"

# ---------------------------------------------------------------- refused users never reach the account stack
# A service whose auth stack accepts anything: for a refused user even a
# "successful" pam_authenticate must not lead to pam_acct_mgmt (its message)
# or pam_chauthtok (its prompt).
stop_daemon
start_daemon "${PAM_ON[@]}" "PAMServiceName $SVC-acct" "DenyUsers $P2"
: >"$MARK"
m=$(log_mark)
for who in root "$P2" "$NOUSER"; do
  askpass_script "$TMP/ap_acct_$who" "$TMP/acct_$who.prompts" '.=whatever'
  timed "$TMP/acct_$who.out" kbd_ssh "$TMP/ap_acct_$who" -o LogLevel=INFO "$who" 'echo should-not-run'
  expect_eq "auth stack accepts anything, $who (refused), keyboard-interactive: refused" 255 "$T_RC"
  at_least_2s "auth stack accepts anything, $who, keyboard-interactive"
  expect_no_match "auth stack accepts anything, $who: no account message, no new-token prompt" \
    "lpsshd test" "$(cat "$TMP/acct_$who.out" "$TMP/acct_$who.prompts")"
  timed "$TMP/acct_pw_$who.out" pw_ssh whatever -o LogLevel=INFO "$who" 'echo should-not-run'
  expect_eq "auth stack accepts anything, $who (refused), password: refused" 255 "$T_RC"
  expect_no_match "auth stack accepts anything, $who, password: no account message in a banner" \
    "lpsshd test" "$(cat "$TMP/acct_pw_$who.out")"
done
expect_eq "refused users: pam_acct_mgmt and pam_chauthtok never ran" "" "$(cat "$MARK")"
wait_log "$m" "Failed password for invalid user $NOUSER "
expect_match "refused root: log says Failed keyboard-interactive/pam for root" \
  "^Failed keyboard-interactive/pam for root from 127\.0\.0\.1 port [0-9]+ ssh2\$" "$(log_since "$m")"
expect_match "refused root: log says Failed password for root" \
  "^Failed password for root from 127\.0\.0\.1 port [0-9]+ ssh2\$" "$(log_since "$m")"
# Control: for an allowed user the same service does run them.
askpass_script "$TMP/ap_acct_ok" "$TMP/acct_ok.prompts" '.=whatever'
out=$(kbd_ssh "$TMP/ap_acct_ok" -o LogLevel=INFO "$P1" 'echo acct-ok' 2>"$TMP/acct_ok.err"); rc=$?
expect_eq "control: allowed user, same service: login works after the new-token prompt" "acct-ok/0" "$out/$rc"
expect_match "control: the account message reaches the allowed user" \
  "lpsshd test: account message" "$(cat "$TMP/acct_ok.err" "$TMP/acct_ok.prompts")"
expect_match "control: the allowed user is asked for a new token" \
  "lpsshd test: new token" "$(cat "$TMP/acct_ok.prompts")"
expect_eq "control: pam_acct_mgmt and pam_chauthtok ran for the allowed user" \
  "acct $P1|chauthtok $P1" "$(grep " $P1\$" "$MARK" | paste -sd'|')"

# ---------------------------------------------------------------- a hanging PAM module
stop_daemon
start_daemon "${PAM_ON[@]}"
B_PORT=$PORT B_PID=$DPID
start_daemon "${PAM_ON[@]}" "PAMServiceName $SVC-hang" "LoginGraceTime 5"
A_PORT=$PORT A_PID=$DPID
echo "[127.0.0.1]:$B_PORT $(cut -d' ' -f1,2 "$HOSTKEY.pub")" >>"$KNOWN_HOSTS"
askpass_script "$TMP/ap_any" "$TMP/ap_any.log" '.=anything'
ma=$(log_mark)
t0=$(now_us)
( kbd_ssh "$TMP/ap_any" "$P1" 'echo should-not-run' >"$TMP/hang.out" 2>&1; echo $? >"$TMP/hang.rc"
  elapsed_ms "$t0" >"$TMP/hang.ms" ) &
HANG=$!
track_bg "$HANG"
hang_pams() { find_desc "$A_PID" lpsshd-pam; }
have_hang_pam() { [ -n "$(hang_pams)" ]; }
if wait_for 4 have_hang_pam; then
  HANG_PAMS=$(hang_pams | tr '\n' ' ')
  ok "hanging module: its connection is stuck in lpsshd-pam (pid $HANG_PAMS)"
else
  HANG_PAMS=
  not_ok "hanging module: an lpsshd-pam process runs for the stuck connection"
fi
# Meanwhile: a key login to the same daemon (account stack only), and to a
# second daemon instance.
t1=$(now_us)
out=$(ssh_to "$P1" 'echo same-daemon'); rc=$?
expect_eq "hanging module: a key login to the same daemon works meanwhile" "same-daemon/0" "$out/$rc"
ms=$(elapsed_ms "$t1")
PORT=$B_PORT
out=$(ssh_to "$P1" 'echo other-daemon'); rc=$?
expect_eq "hanging module: a login to a second daemon instance works meanwhile" "other-daemon/0" "$out/$rc"
PORT=$A_PORT
if pid_alive "$HANG" && [ ! -f "$TMP/hang.rc" ]; then
  ok "hanging module: the other logins finished while it still hung (${ms} ms for the first)"
else
  not_ok "hanging module: still hanging while the other logins ran" "it ended: $(cat "$TMP/hang.out")"
fi
wait "$HANG"
hang_ms=$(cat "$TMP/hang.ms" 2>/dev/null || echo 0)
expect_eq "hanging module: the stuck client is disconnected (exit 255)" 255 "$(cat "$TMP/hang.rc" 2>/dev/null)"
if [ "$hang_ms" -ge 4000 ] && [ "$hang_ms" -lt 9000 ]; then
  ok "hanging module: cut after ${hang_ms} ms (LoginGraceTime 5)"
else
  not_ok "hanging module: cut after about 5 s (LoginGraceTime 5)" "took ${hang_ms} ms"
fi
wait_log "$ma" "Timeout before authentication"
expect_match "hanging module: log says Timeout before authentication" \
  "Timeout before authentication for 127\\.0\\.0\\.1 port [0-9]+" "$(log_since "$ma")"
no_pam_left() {
  local p
  for p in $HANG_PAMS; do pid_alive "$p" && return 1; done
  [ -z "$(hang_pams)" ]
}
if wait_for 3 no_pam_left; then ok "hanging module: no lpsshd-pam process left afterwards"
else not_ok "hanging module: no lpsshd-pam process left afterwards" \
  "left: $(for p in $(hang_pams) $HANG_PAMS; do pid_alive "$p" && ps -o pid=,ppid=,args= -p "$p"; done)"; fi
stop_daemon "$A_PID"
stop_daemon "$B_PID"

finish
