#!/bin/bash
# The account before the key, as OpenSSH decides it: with UsePAM no an
# expired account (usermod -e 1) and a locked password (usermod -L) refuse
# even a good key; a login shell that does not exist or cannot be executed
# refuses everyone; StrictModes checks the directories of the file actually
# opened, so a symlinked ~/.ssh is judged where it points; each level (home,
# ~/.ssh, authorized_keys) group- or world-writable or owned by someone else
# is refused on its own; authorized_keys itself a symlink is not followed
# (O_NOFOLLOW); %h and %u in AuthorizedKeysFile expand to home and user; a
# script (#!) works as a login shell.  Needs root.
# Usage: account_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
for b in usermod getent; do
  command -v "$b" >/dev/null || fail "$b not installed"
done

A=lpt_acct1   # account state and shells
S=lpt_acct2   # StrictModes through a symlinked ~/.ssh
W=lpt_acct3   # a script as login shell
M=lpt_acct4   # StrictModes level by level, O_NOFOLLOW, %h/%u
for u in $A $S $W $M; do add_user "$u"; done
start_daemon
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT (UsePAM no)"

# refused NAME USER ERE: a key login as USER fails, nothing runs, the log has
# a line matching ERE and no Accepted.
refused() {
  local name=$1 user=$2 re=$3 m rc
  m=$(log_mark)
  ssh_to "$user" 'echo should-not-run' >"$TMP/out" 2>&1; rc=$?
  expect_eq "$name: key login refused" 255 "$rc"
  expect_no_match "$name: command did not run" "should-not-run" "$(cat "$TMP/out")"
  wait_log "$m" "$re"
  expect_match "$name: log says why" "$re" "$(log_since "$m")"
  expect_no_match "$name: no Accepted in the log" "Accepted" "$(log_since "$m")"
}
# works NAME USER: a key login as USER runs a command.
works() {
  local out rc
  out=$(ssh_to "$2" 'echo works'); rc=$?
  expect_eq "$1" "works/0" "$out/$rc"
}

# ---------------------------------------------------------------- account state (UsePAM no)
expect_eq "fixture: add_user leaves the password field '*' (no password, not locked)" "*" \
  "$(getent shadow "$A" | cut -d: -f2)"
works "control: password field '*', UsePAM no: key login works" "$A"

usermod -e 1 "$A" || fail "usermod -e 1"
refused "expired account (usermod -e 1), UsePAM no" "$A" "^Account $A has expired\$"
usermod -e '' "$A" || fail "usermod -e ''"
works "expiry removed: key login works again" "$A"

usermod -L "$A" || fail "usermod -L"
expect_match "fixture: usermod -L puts ! in front of the password field" '^!' \
  "$(getent shadow "$A" | cut -d: -f2)"
refused "locked account (usermod -L), UsePAM no" "$A" \
  "^User $A not allowed because account is locked\$"
usermod -U "$A" || fail "usermod -U"
works "unlocked again: key login works" "$A"

# ---------------------------------------------------------------- login shell
usermod -s /nonexistent/lpt-shell "$A" 2>/dev/null || fail "usermod -s"
refused "login shell does not exist" "$A" \
  "^User $A not allowed because shell /nonexistent/lpt-shell does not exist\$"
printf '#!/bin/sh\nexec /bin/bash "$@"\n' >"$TMP/noexec-shell"
chmod 644 "$TMP/noexec-shell"
usermod -s "$TMP/noexec-shell" "$A" 2>/dev/null || fail "usermod -s"
refused "login shell not executable (mode 644)" "$A" \
  "^User $A not allowed because shell $TMP/noexec-shell is not executable\$"
usermod -s /bin/bash "$A" || fail "usermod -s"
works "shell /bin/bash again: key login works" "$A"

# ---------------------------------------------------------------- a script as login shell
cat >"$TMP/wrapper-shell" <<'EOF'
#!/bin/sh
# A wrapper login shell: notes how it was called, then runs bash.
echo "lpt-wrapper ran: $*" >>"$HOME/wrapper.log"
exec /bin/bash "$@"
EOF
chmod 755 "$TMP/wrapper-shell"
usermod -s "$TMP/wrapper-shell" "$W" || fail "usermod -s"
out=$(ssh_to "$W" 'echo hi; echo "$SHELL"' 2>"$TMP/wrapper.err"); rc=$?
expect_eq "script (#!/bin/sh) as login shell: ssh USER 'echo hi' works" "hi/0" "$(head -n 1 <<<"$out")/$rc"
expect_eq "script as login shell: SHELL names the script" "$TMP/wrapper-shell" "$(sed -n 2p <<<"$out")"
expect_eq "script as login shell: the script ran, with -c and the command" \
  "lpt-wrapper ran: -c echo hi; echo \"\$SHELL\"" "$(cat "$(home_of "$W")/wrapper.log" 2>/dev/null)"
expect_eq "script as login shell: nothing on stderr" "" "$(cat "$TMP/wrapper.err")"

# ---------------------------------------------------------------- StrictModes through a symlinked ~/.ssh
SHOME=$(home_of "$S")
SG=$(id -g "$S")
mv "$SHOME/.ssh" "$SHOME/keys.d" || fail "mv .ssh"
ln -s keys.d "$SHOME/.ssh"
works "control: ~/.ssh a symlink to a safe directory in home: key login works" "$S"

# The user's own, private directory, but below world-writable /tmp: judged
# where it is, as OpenSSH does, not by the path through home.
install -d -m 700 -o "$S" -g "$SG" "$TMP/own-sshdir"
install -m 600 -o "$S" -g "$SG" "$SHOME/keys.d/authorized_keys" "$TMP/own-sshdir/authorized_keys"
rm "$SHOME/.ssh"; ln -s "$TMP/own-sshdir" "$SHOME/.ssh"
refused "StrictModes: ~/.ssh a symlink to a private directory under /tmp (1777)" "$S" \
  "^Authentication refused: bad ownership or modes for directory /tmp\$"

# A world-writable directory: named by its real path.
install -d -m 1777 "$TMP/ww-sshdir"
install -m 600 -o "$S" -g "$SG" "$SHOME/keys.d/authorized_keys" "$TMP/ww-sshdir/authorized_keys"
rm "$SHOME/.ssh"; ln -s "$TMP/ww-sshdir" "$SHOME/.ssh"
refused "StrictModes: ~/.ssh a symlink to a world-writable directory (1777)" "$S" \
  "^Authentication refused: bad ownership or modes for directory $TMP/ww-sshdir\$"

rm "$SHOME/.ssh"; ln -s "$SHOME/keys.d" "$SHOME/.ssh"
works "control: ~/.ssh an absolute symlink to a safe directory in home: key login works" "$S"
chmod 777 "$SHOME/keys.d"
refused "StrictModes: the symlink's target in home is world-writable" "$S" \
  "^Authentication refused: bad ownership or modes for directory $SHOME/keys.d\$"
chmod 700 "$SHOME/keys.d"
chmod 666 "$SHOME/keys.d/authorized_keys"
refused "StrictModes: the file behind the symlink is world-writable" "$S" \
  "^Authentication refused: bad ownership or modes for file $SHOME/keys.d/authorized_keys\$"
chmod 600 "$SHOME/keys.d/authorized_keys"
works "everything safe again: key login works" "$S"

# ---------------------------------------------------------------- StrictModes level by level
# Each level on its own, each after a control with everything safe, so that a
# check dropped for one level (or a walk that stops early) is a failure.
MHOME=$(home_of "$M")
MAK=$MHOME/.ssh/authorized_keys
works "control: $M with home, ~/.ssh, authorized_keys as add_user left them: key login works" "$M"
# strict_level NAME PATH MODE KIND: PATH set to MODE is refused, naming PATH
# as a KIND (file or directory); its old mode restored, the login works again.
strict_level() {
  local name=$1 path=$2 mode=$3 kind=$4 old
  old=$(stat -c %a "$path")
  chmod "$mode" "$path"
  refused "StrictModes: $name mode $mode" "$M" \
    "^Authentication refused: bad ownership or modes for $kind $path\$"
  chmod "$old" "$path"
  works "control: $name mode $old again: key login works" "$M"
}
strict_level "home" "$MHOME" 775 directory
strict_level "home" "$MHOME" 757 directory
strict_level "~/.ssh" "$MHOME/.ssh" 770 directory
strict_level "~/.ssh" "$MHOME/.ssh" 707 directory
strict_level "authorized_keys" "$MAK" 620 file
strict_level "authorized_keys" "$MAK" 602 file
# Owned by someone who is neither root nor the user (and readable by the
# user, which reads it: only the owner is wrong).
chown "$A" "$MHOME/.ssh"; chmod 755 "$MHOME/.ssh"
refused "StrictModes: ~/.ssh owned by another user ($A)" "$M" \
  "^Authentication refused: bad ownership or modes for directory $MHOME/\.ssh\$"
chown "$M" "$MHOME/.ssh"; chmod 700 "$MHOME/.ssh"
chown "$A" "$MAK"; chmod 644 "$MAK"
refused "StrictModes: authorized_keys owned by another user ($A)" "$M" \
  "^Authentication refused: bad ownership or modes for file $MAK\$"
chown "$M" "$MAK"; chmod 600 "$MAK"
works "control: owners back: key login works" "$M"

# ---------------------------------------------------------------- authorized_keys a symlink
# The monitor opens authorized_keys with O_NOFOLLOW: a symlink, even to a
# safe file of the user's own, is not read (stricter than OpenSSH, which
# follows it), so no file elsewhere can be passed off as the user's.
mv "$MAK" "$MHOME/.ssh/keys.real"
ln -s keys.real "$MAK"
chown -h "$M:$(id -g "$M")" "$MAK"
refused "O_NOFOLLOW: authorized_keys a symlink to a safe file beside it" "$M" \
  "^Could not open user '$M' authorized keys '$MAK': Too many levels of symbolic links\$"
rm "$MAK"; mv "$MHOME/.ssh/keys.real" "$MAK"
works "control: authorized_keys a regular file again: key login works" "$M"

# ---------------------------------------------------------------- %h and %u
# The key only where %h/%u points: the default file is emptied, so the login
# works only if both expanded to this user's home and name.
install -d -m 700 -o "$M" -g "$(id -g "$M")" "$MHOME/.lpt-keys"
install -m 600 -o "$M" -g "$(id -g "$M")" "$MAK" "$MHOME/.lpt-keys/$M"
: >"$MAK"
stop_daemon
start_daemon "AuthorizedKeysFile %h/.lpt-keys/%u"
works "AuthorizedKeysFile %h/.lpt-keys/%u: the key in $MHOME/.lpt-keys/$M logs in" "$M"
refused "AuthorizedKeysFile %h/.lpt-keys/%u: $S (no such file in its home) is refused" "$S" \
  "Failed publickey for $S "
# Control for the line above: the same pattern, once the file exists, lets
# $S in too (so it was the expansion to $S's own home that failed, not $S).
install -d -m 700 -o "$S" -g "$SG" "$SHOME/.lpt-keys"
install -m 600 -o "$S" -g "$SG" "$SHOME/keys.d/authorized_keys" "$SHOME/.lpt-keys/$S"
works "AuthorizedKeysFile %h/.lpt-keys/%u: $S with its own file logs in" "$S"

# AuthorizedKeysFile outside home: every directory up to / is checked.
KD=$(mktemp -d /var/lib/lpt-akeys.XXXXXX) || fail "mktemp -d /var/lib"
trap 'rc=$?; rm -rf "$KD"; (exit $rc); lib_cleanup' EXIT
chmod 755 "$KD"
install -m 644 "$SHOME/keys.d/authorized_keys" "$KD/$S"
stop_daemon
start_daemon "AuthorizedKeysFile $KD/%u"
works "control: AuthorizedKeysFile in a root-owned directory outside home: key login works" "$S"
chmod 777 "$KD"
refused "StrictModes: AuthorizedKeysFile outside home in a world-writable directory" "$S" \
  "^Authentication refused: bad ownership or modes for directory $KD\$"
chmod 755 "$KD"

finish
