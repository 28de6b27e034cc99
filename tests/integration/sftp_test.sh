#!/bin/bash
# SFTP, scp and rsync over a real lpsshd with the real OpenSSH clients, and
# the confinements around them (issue 10). Each refusal after its positive
# control:
#   1. sftp -b: 100 MB and 1000 small files both ways (sha256), file
#      operations, the operation log behind "user NAME:", and a file name
#      that tries to forge a log line of the daemon's own;
#   2. scp (SFTP mode and -O legacy) both ways, recursive, -p; rsync -e ssh;
#   3. an unknown subsystem fails; an external Subsystem sftp-server works;
#   4. ChrootDirectory + ForceCommand internal-sftp in a chroot without
#      /lib /bin /etc: no way out, no shell; the unsafe chroots refused;
#   5. SftpRoot read-write / read-only / upload-only (Landlock jail): what
#      each mode refuses, no shell, no forwarding, no PTY, NoNewPrivs;
#      command="internal-sftp -R";
#   6. 1000 channel opens in one connection; SFTP handles released when
#      their channel goes away.
# Needs root. Usage: sftp_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
for b in sftp scp rsync; do command -v "$b" >/dev/null || fail "$b not installed (scripts/deps.sh)"; done
EXT_SFTP=/usr/lib/openssh/sftp-server
[ -x "$EXT_SFTP" ] || fail "$EXT_SFTP missing (openssh-sftp-server, scripts/deps.sh)"
need_raw_client
HOLD=$HERE/sftp_hold_handles.py

# Chroot and jail directories live outside /tmp (a chroot chain must be
# root-owned and writable by nobody else all the way up: /tmp is 1777).
SRV=/srv/lpt-sftp-test.$$
sftp_test_cleanup() {
  local rc=$?
  rm -rf "$SRV"
  (exit "$rc")
  lib_cleanup
}
trap sftp_test_cleanup EXIT
install -d -m 755 "$SRV"

U=lpt_sftpe1
add_user "$U"
H=$(home_of "$U")
W=$TMP/work
mkdir -p "$W"

# ---------------------------------------------------------------- clients
# The options ssh_to uses (lib.sh), for sftp, scp and rsync's ssh.
# copts USER: sets CO for the current daemon and USER's key.
copts() {
  CO=(-F /dev/null -o Port="$PORT" -o BatchMode=yes -o IdentitiesOnly=yes -i "$(key_of "$1")"
      -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS"
      -o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no -o LogLevel=ERROR -o ConnectTimeout=10)
}
# batch LINE...: a batch file; prints its path.
batch() { printf '%s\n' "$@" >"$W/batch"; echo "$W/batch"; }
# sftp_b USER LINE...: the lines as one sftp -b batch (stops at the first
# failing line, as sftp -b does); client output on stdout.
sftp_b() {
  local user=$1; shift
  copts "$user"
  (cd "$W" && timeout -k 5 120 sftp -q "${CO[@]}" -b "$(batch "$@")" "$user@127.0.0.1" 2>&1)
}
# sftp_out USER LINE...: what the batch printed, without the echoed commands.
sftp_out() { sftp_b "$@" | grep -v '^sftp> '; }
scp_to() { local user=$1; shift; copts "$user"; timeout -k 5 120 scp -q "${CO[@]}" "$@" 2>&1; }
# rsh USER: an ssh command line for rsync -e (a file: rsync splits -e on spaces).
rsh() {
  copts "$1"
  printf '#!/bin/sh\nexec ssh' >"$TMP/rsh.$1"
  printf ' %q' "${CO[@]}" >>"$TMP/rsh.$1"
  printf ' "$@"\n' >>"$TMP/rsh.$1"
  chmod 755 "$TMP/rsh.$1"
  echo "$TMP/rsh.$1"
}
sum_of() { sha256sum <"$1" | cut -d' ' -f1; }
sums_in() { (cd "$1" 2>/dev/null && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
# postauth_of USER: the pid of USER's postauth child under the current daemon.
postauth_of() {
  local p
  for p in $(find_desc "$DPID" lpsshd-postauth); do
    [ "$(stat -c %U "/proc/$p" 2>/dev/null)" == "$1" ] && { echo "$p"; return 0; }
  done
  return 1
}
has_postauth() { postauth_of "$1" >/dev/null; }
# hold_login USER: a login without a session (ssh -N) in the background;
# sets HOLD_PID (the client) and PA (its postauth child).
hold_login() {
  ssh_bg "$TMP/hold.$1.out" -N "$1" </dev/null
  HOLD_PID=$BG_PID
  wait_for 10 has_postauth "$1" || { not_ok "$1: login held" "$(cat "$TMP/hold.$1.out")"; PA=; return 1; }
  PA=$(postauth_of "$1")
}
end_hold() { kill -TERM "$HOLD_PID" 2>/dev/null; wait "$HOLD_PID" 2>/dev/null; }

# The test data: 100 MB, 1000 small files, one file with a mode and a time.
head -c 100000000 /dev/urandom >"$W/big"
BIG_SUM=$(sum_of "$W/big")
mkdir -p "$W/many/sub"
for i in $(seq 1 1000); do
  d=$W/many; [ $((i % 10)) -eq 0 ] && d=$W/many/sub
  head -c $((i * 37 % 3000 + 1)) /dev/urandom >"$d/f$i"
done
MANY_SUMS=$(sums_in "$W/many")
head -c 12345 /dev/urandom >"$W/stamped"
chmod 640 "$W/stamped"
touch -d '2001-02-03 04:05:06' "$W/stamped"
STAMP="12345 640 $(stat -c %Y "$W/stamped")"
stamp_of() { stat -c '%s %a %Y' "$1" 2>/dev/null; }

start_daemon
echo "# lpsshd pid $DPID on 127.0.0.1 port $PORT"

# ============================================================ 1. sftp -b
T1=$SECONDS
m=$(log_mark)
sftp_b "$U" "put $W/big $H/big" >/dev/null
expect_eq "sftp put: 100 MB arrive intact" "$BIG_SUM" "$(sum_of "$H/big")"
rm -f "$W/big.down"
sftp_b "$U" "get $H/big $W/big.down" >/dev/null
expect_eq "sftp get: 100 MB come back intact" "$BIG_SUM" "$(sum_of "$W/big.down")"
sftp_b "$U" "put -r $W/many $H/many" >/dev/null
expect_eq "sftp put -r: 1000 small files intact" "$MANY_SUMS" "$(sums_in "$H/many")"
sftp_b "$U" "get -r $H/many $W/many.back" >/dev/null
expect_eq "sftp get -r: 1000 small files back intact" "$MANY_SUMS" "$(sums_in "$W/many.back")"
echo "# bulk sftp: $((SECONDS - T1))s"

# The operation log: INFO lines behind the monitor's "user NAME:" prefix.
wait_log "$m" "user $U: close \"$H/big\" bytes read 100000000 written 0"
expect_match "log: open of the upload, with its flags" \
  "user $U: open \"$H/big\" flags WRITE,CREATE,TRUNCATE mode 0[0-7]+$" "$(log_since "$m")"
expect_match "log: close of the upload with the bytes written" \
  "user $U: close \"$H/big\" bytes read 0 written 100000000$" "$(log_since "$m")"
expect_match "log: close of the download with the bytes read" \
  "user $U: close \"$H/big\" bytes read 100000000 written 0$" "$(log_since "$m")"
# 1000 files up and down: an open and a close line each (4000), except what
# the postauth side's rate bound (postauth/user_log.h) dropped and counted.
since=$(log_since "$m")
logged=$(grep -cE "user $U: (open|close) \"$H/many/" <<<"$since")
dropped=$(grep -oE "user $U: [0-9]+ log lines dropped" <<<"$since" | awk '{s += $3} END {print s + 0}')
if [ $((logged + dropped)) -ge 4000 ]; then ok "log: every open and close of the 1000 files logged or counted ($logged + $dropped dropped)"
else not_ok "log: every open and close of the 1000 files logged or counted" "$logged logged, $dropped dropped"; fi

# File operations.
head -c 300000 /dev/urandom >"$W/partial.src"
install -m 644 -o "$U" "$W/partial.src" "$H/partial"
head -c 100000 "$W/partial.src" >"$W/partial.dst"
install -m 644 -o "$U" "$W/partial.src" "$H/tomove"
m=$(log_mark)
out=$(sftp_b "$U" "cd $H" "mkdir d1" "rename tomove d1/moved" "ln -s d1/moved sym" \
  "chmod 640 d1/moved" "df ." "reget partial $W/partial.dst"); rc=$?
expect_eq "file operations batch: exit 0" 0 "$rc"
check "mkdir made the directory" test -d "$H/d1"
check "rename moved the file" test -f "$H/d1/moved" -a ! -e "$H/tomove"
expect_eq "ln -s made the symlink" "d1/moved" "$(readlink "$H/sym")"
expect_eq "chmod set the mode" 640 "$(stat -c %a "$H/d1/moved" 2>/dev/null)"
expect_match "df printed the file system's figures" "Size +Used +Avail" "$out"
expect_eq "reget completed the partial download" "$(sum_of "$W/partial.src")" "$(sum_of "$W/partial.dst")"
out=$(sftp_b "$U" "cd $H" "rm sym" "rm d1/moved" "rmdir d1"); rc=$?
expect_eq "rm, rmdir batch: exit 0" 0 "$rc"
check "rm and rmdir removed them" test ! -e "$H/sym" -a ! -e "$H/d1"
wait_log "$m" "user $U: rmdir name \"$H/d1\""
for re in "(posix-)?rename old \"$H/tomove\" new \"$H/d1/moved\"" "symlink old \"d1/moved\" new \"$H/sym\"" \
          "set \"$H/d1/moved\" mode 0?640" "remove name \"$H/sym\"" "rmdir name \"$H/d1\"" \
          "mkdir name \"$H/d1\""; do
  expect_match "log: $re" "user $U: $re" "$(log_since "$m")"
done

# A file name with a newline and a line the daemon itself writes (as
# fail2ban reads it) after it: the log gets one line, behind the prefix.
EVIL=$'evil\nFailed password for root from 1.2.3.4 port 1 ssh2'
printf 'x' >"$H/$EVIL"
chown "$U" "$H/$EVIL"
m=$(log_mark)
mkdir -p "$W/evil"
sftp_b "$U" "get $H/evil* $W/evil/" >/dev/null
check "positive control: the file with the newline was served" test -f "$W/evil/$EVIL"
wait_log "$m" "user $U: close \"$H/evil"
since=$(log_since "$m")
expect_match "the name is logged, escaped, behind the prefix" \
  "user $U: open \"$H/evil.*Failed password for root from 1\.2\.3\.4" "$since"
expect_no_match "no log line starts with the forged text" \
  "^([^ ]+ )?(lpsshd[^ ]*: )?Failed password" "$since"
expect_eq "every line with the forged text carries the user prefix" "" \
  "$(grep 'Failed password' <<<"$since" | grep -v "user $U: ")"
# Also the daemon's whole log: no forged line anywhere.
expect_eq "no forged line in the whole log" "" "$(grep -E '(^|: )Failed password for root from 1\.2\.3\.4' "$LOG")"

# ============================================================ 2. scp, rsync
T2=$SECONDS
# scp_round MODE_FLAGS NAME: up and down, recursive, -p.
scp_round() {
  local name=$1; shift
  rm -rf "$H/$name.big" "$H/$name.dir" "$H/$name.st" "$W/$name.big" "$W/$name.dir" "$W/$name.st"
  scp_to "$U" "$@" "$W/big" "$U@127.0.0.1:$name.big" >/dev/null
  expect_eq "$name: put 100 MB intact" "$BIG_SUM" "$(sum_of "$H/$name.big")"
  scp_to "$U" "$@" "$U@127.0.0.1:$name.big" "$W/$name.big" >/dev/null
  expect_eq "$name: get 100 MB intact" "$BIG_SUM" "$(sum_of "$W/$name.big")"
  scp_to "$U" "$@" -r "$W/many" "$U@127.0.0.1:$name.dir" >/dev/null
  expect_eq "$name -r: 1000 files up intact" "$MANY_SUMS" "$(sums_in "$H/$name.dir")"
  scp_to "$U" "$@" -r "$U@127.0.0.1:$name.dir" "$W/$name.dir" >/dev/null
  expect_eq "$name -r: 1000 files down intact" "$MANY_SUMS" "$(sums_in "$W/$name.dir")"
  scp_to "$U" "$@" -p "$W/stamped" "$U@127.0.0.1:$name.st" >/dev/null
  expect_eq "$name -p up: size, mode, mtime kept" "$STAMP" "$(stamp_of "$H/$name.st")"
  scp_to "$U" "$@" -p "$U@127.0.0.1:$name.st" "$W/$name.st" >/dev/null
  expect_eq "$name -p down: size, mode, mtime kept" "$STAMP" "$(stamp_of "$W/$name.st")"
}
m=$(log_mark)
scp_round scp
expect_match "scp (default) went through SFTP" "user $U: open \"scp.st\"" "$(log_since "$m")"
m=$(log_mark)
scp_round scp-O -O
expect_no_match "scp -O went through scp -t/-f, not SFTP" "user $U: open \"$H/scp-O" "$(log_since "$m")"
# rsync -e ssh, both ways; -a keeps times and modes.
RSH=$(rsh "$U")
timeout 120 rsync -a -e "$RSH" "$W/many/" "$U@127.0.0.1:rs/" >"$TMP/rs.out" 2>&1
expect_eq "rsync up: 1000 files intact" "$MANY_SUMS" "$(sums_in "$H/rs")"
timeout 120 rsync -a -e "$RSH" "$W/stamped" "$U@127.0.0.1:rs/stamped" >>"$TMP/rs.out" 2>&1
expect_eq "rsync -a up: size, mode, mtime kept" "$STAMP" "$(stamp_of "$H/rs/stamped")"
timeout 120 rsync -a -e "$RSH" "$U@127.0.0.1:rs/" "$W/rs.back/" >>"$TMP/rs.out" 2>&1
rm -f "$W/rs.back/stamped.cmp"
expect_eq "rsync -a down: size, mode, mtime kept" "$STAMP" "$(stamp_of "$W/rs.back/stamped")"
rm -f "$W/rs.back/stamped"
expect_eq "rsync down: 1000 files intact" "$MANY_SUMS" "$(sums_in "$W/rs.back")"
echo "# scp and rsync: $((SECONDS - T2))s"

# ============================================================ 3. subsystems
m=$(log_mark)
out=$(ssh_to -s "$U" sftp </dev/null 2>&1); rc=$?
expect_eq "positive control: ssh -s sftp starts (EOF ends it with 0)" 0 "$rc"
out=$(ssh_to -s "$U" nosuch </dev/null 2>&1); rc=$?
expect_eq "unknown subsystem: ssh -s nosuch fails" 255 "$rc"
expect_match "unknown subsystem: the client was refused" "subsystem request failed" "$out"
wait_log "$m" "subsystem request for nosuch failed"
expect_match "unknown subsystem: logged" "user $U: subsystem request for nosuch failed, subsystem not found" "$(log_since "$m")"

# ============================================================ 6. bad input
# (on this daemon: MaxSessions 10)
raw_flood() {
  RAW_SSH_USER=$U RAW_SSH_KEY=$(key_of "$U") timeout -k 2 60 "$RAW" 127.0.0.1 "$PORT" open-flood 1000 2>&1
}
out=$(raw_flood); rc=$?
expect_eq "1000 channel opens in one connection: every one answered" 0 "$rc"
expect_match "MaxSessions 10: ten confirmed" "^REPLY_TYPE 91 10$" "$out"
expect_match "MaxSessions 10: 990 refused" "^REPLY_TYPE 92 990$" "$out"
check "the daemon still runs" pid_alive "$DPID"
expect_eq "a login works afterwards" "still-here" "$(ssh_to "$U" echo still-here 2>&1)"

# Handles held by a channel that goes away without a CLOSE request.
CM=$TMP/cm.$U
ssh_bg "$TMP/cm.out" -o ControlMaster=yes -o ControlPath="$CM" -N "$U" </dev/null
CM_PID=$BG_PID
track_control "$CM"
wait_for 10 test -S "$CM" || fail "ControlMaster did not start: $(cat "$TMP/cm.out")"
wait_for 10 has_postauth "$U"
PA=$(postauth_of "$U")
nfd() { find "/proc/$PA/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fd0=$(nfd)
copts "$U"
m=$(log_mark)
"$PY" "$HOLD" 100 "$H/big" ssh "${CO[@]}" -o ControlPath="$CM" -s "$U@127.0.0.1" sftp >"$TMP/hold.out" 2>&1 &
HPID=$!
track_bg "$HPID"
wait_for 20 file_has "$TMP/hold.out" '^(HELD|ERROR)'
expect_eq "100 handles held through the ControlMaster" "HELD 100" "$(head -n 1 "$TMP/hold.out")"
fd1=$(nfd)
if [ "$fd1" -ge $((fd0 + 100)) ]; then ok "the postauth process holds them ($fd0 -> $fd1 descriptors)"
else not_ok "the postauth process holds them" "descriptors $fd0 -> $fd1"; fi
kill -USR1 "$HPID"
wait "$HPID"
# The master ends a session whose mux client died (EOF, then CLOSE once the
# server closes) only on its next wake-up: a control request gives it one.
timeout 5 ssh -F /dev/null -o ControlPath="$CM" -O check x >/dev/null 2>&1
fd_back() { [ "$(nfd)" -le "$fd0" ]; }
if wait_for 10 fd_back; then ok "channel gone: the 100 handles are released ($(nfd) descriptors)"
else not_ok "channel gone: the 100 handles are released" "descriptors $fd0 -> $fd1 -> $(nfd)"; fi
check "the connection itself stays (postauth process alive)" pid_alive "$PA"
expect_eq "the log says which handles were forced closed" 100 \
  "$(log_since "$m" | grep -c "user $U: forced close \"$H/big\" bytes read 0 written 0")"
timeout 5 ssh -F /dev/null -o ControlPath="$CM" -O exit x >/dev/null 2>&1
wait "$CM_PID" 2>/dev/null

# command="internal-sftp -R": read-only SFTP from the key.
PUB=$(cut -d' ' -f1,2 "$(key_of "$U").pub")
echo "restrict,command=\"internal-sftp -R\" $PUB" >"$H/.ssh/authorized_keys"
rm -f "$W/ro.got"
out=$(sftp_b "$U" "get $H/partial $W/ro.got"); rc=$?
expect_eq "command=internal-sftp -R: get works (positive control)" "0 $(sum_of "$W/partial.src")" "$rc $(sum_of "$W/ro.got")"
out=$(sftp_b "$U" "put $W/stamped $H/ro.put"); rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$H/ro.put" ]; then ok "command=internal-sftp -R: put refused"
else not_ok "command=internal-sftp -R: put refused" "rc $rc: $out"; fi
out=$(sftp_b "$U" "rm $H/partial"); rc=$?
if [ "$rc" -ne 0 ] && [ -e "$H/partial" ]; then ok "command=internal-sftp -R: rm refused"
else not_ok "command=internal-sftp -R: rm refused" "rc $rc: $out"; fi
out=$(ssh_to "$U" id 2>&1)
expect_no_match "command=internal-sftp -R: ssh U id runs no shell" "uid=" "$out"
echo "$PUB" >"$H/.ssh/authorized_keys"

# ----------------------------------------- external sftp-server, MaxSessions 1000
stop_daemon
start_daemon "Subsystem sftp $EXT_SFTP" "MaxSessions 1000"
m=$(log_mark)
rm -f "$W/ext.got" "$H/ext.put"
sftp_b "$U" "put $W/partial.src $H/ext.put" "get $H/ext.put $W/ext.got" >/dev/null
expect_eq "external sftp-server: put and get intact" "$(sum_of "$W/partial.src")" "$(sum_of "$W/ext.got")"
expect_no_match "external sftp-server: not the in-process one" "user $U: session opened" "$(log_since "$m")"
out=$(raw_flood); rc=$?
expect_eq "MaxSessions 1000: 1000 opens answered" 0 "$rc"
expect_match "MaxSessions 1000: the core's 256 channels confirmed, no more" "^REPLY_TYPE 91 256$" "$out"
expect_match "MaxSessions 1000: 744 refused" "^REPLY_TYPE 92 744$" "$out"
expect_eq "a login works afterwards" "still-here" "$(ssh_to "$U" echo still-here 2>&1)"


# ============================================================ 4. ChrootDirectory
# A chroot with nothing in it but the user's files: no /lib, /bin, /etc.
UC=lpt_sftpc1   # a good chroot
UG=lpt_sftpc2   # its own directory group-writable
UO=lpt_sftpc3   # its own directory owned by the user
UL=lpt_sftpc4   # its own directory a symlink to UC's
for u in "$UC" "$UG" "$UO" "$UL"; do add_user "$u"; done
CH=$SRV/chroot
install -d -m 755 "$CH" "$CH/$UC" "$CH/$UC/pub" "$CH/$UG" "$CH/$UO"
install -d -m 755 -o "$UC" "$CH/$UC/up"
echo "public" >"$CH/$UC/pub/hello"
ln -s /etc/passwd "$CH/$UC/pub/etc-link"
ln -s ../../../../../../etc/passwd "$CH/$UC/pub/up-link"
chmod 775 "$CH/$UG"
chown "$UO" "$CH/$UO"
ln -s "$CH/$UC" "$CH/$UL"
stop_daemon
start_daemon "ChrootDirectory $CH/%u" "ForceCommand internal-sftp"
m=$(log_mark)
out=$(sftp_out "$UC" "ls -1a /"); rc=$?
expect_eq "chroot: sftp works (positive control)" 0 "$rc"
expect_eq "chroot: ls / shows only the chroot's content" "$(printf '/.\n/..\n/pub\n/up')" "$(grep -v '^$' <<<"$out" | sort)"
out=$(sftp_out "$UC" "cd /pub" "cd .." "cd .." "cd ../../.." "pwd" "ls -1")
expect_match "chroot: cd .. stops at the chroot's /" "^Remote working directory: /$" "$out"
expect_eq "chroot: and / there is the chroot" "$(printf 'pub\nup')" "$(grep -v 'Remote working' <<<"$out" | grep -v '^$' | sort)"
rm -rf "$W/ch"; mkdir -p "$W/ch"
sftp_b "$UC" "get /pub/hello $W/ch/hello" >/dev/null
expect_eq "chroot: get inside works" "public" "$(cat "$W/ch/hello" 2>/dev/null)"
sftp_b "$UC" "put $W/stamped /up/st" >/dev/null
expect_eq "chroot: put inside works" "$(sum_of "$W/stamped")" "$(sum_of "$CH/$UC/up/st")"
for p in /../../etc/passwd /etc/passwd ../../../etc/passwd /pub/etc-link /pub/up-link; do
  out=$(sftp_b "$UC" "get $p $W/ch/got"); rc=$?
  if [ "$rc" -ne 0 ] && [ ! -e "$W/ch/got" ]; then ok "chroot: get $p fails"
  else not_ok "chroot: get $p fails" "rc $rc: $out"; rm -f "$W/ch/got"; fi
done
out=$(sftp_b "$UC" "ln -s /etc/passwd /up/mine" "get /up/mine $W/ch/got"); rc=$?
if [ "$rc" -ne 0 ] && [ ! -e "$W/ch/got" ] && [ -L "$CH/$UC/up/mine" ]; then
  ok "chroot: a symlink the user makes to /etc/passwd resolves inside"
else not_ok "chroot: a symlink the user makes to /etc/passwd resolves inside" "rc $rc: $out"; fi
out=$(ssh_to "$UC" id 2>&1)
expect_no_match "chroot + ForceCommand internal-sftp: ssh U id runs no shell" "uid=" "$out"
if hold_login "$UC"; then
  expect_eq "chroot: the postauth process's root is the chroot" "$CH/$UC" "$(readlink "/proc/$PA/root")"
  expect_eq "chroot: and it runs as the user" "$(id -u "$UC")" "$(stat -c %u "/proc/$PA")"
  end_hold
fi
# The unsafe chroots: the login is refused with sshd's line, no session.
refused_chroot() {
  local user=$1 what=$2 re=$3 m rc out
  m=$(log_mark)
  out=$(sftp_b "$user" "ls /"); rc=$?
  wait_log "$m" "$re"
  if [ "$rc" -ne 0 ]; then ok "chroot $what: the login is refused"
  else not_ok "chroot $what: the login is refused" "$out"; fi
  expect_match "chroot $what: logged as sshd does" "$re" "$(log_since "$m")"
  expect_no_match "chroot $what: no session" "user $user: session opened" "$(log_since "$m")"
}
refused_chroot "$UG" "group-writable" "bad ownership or modes for chroot directory component \"$CH/$UG\""
refused_chroot "$UO" "owned by the user" "bad ownership or modes for chroot directory component \"$CH/$UO\""
refused_chroot "$UL" "a symlink" "chroot path \"$CH/$UL\" is not a directory"
# A group-writable level above the users' directories refuses every one.
chmod 775 "$CH"
refused_chroot "$UC" "with a group-writable parent" "bad ownership or modes for chroot directory component \"$CH/\""
chmod 755 "$CH"

# ChrootDirectory without ForceCommand: commands are exec'd inside the
# chroot, where there is no shell.
stop_daemon
start_daemon "ChrootDirectory $CH/%u"
out=$(sftp_out "$UC" "ls -1 /pub"); rc=$?
expect_eq "chroot without ForceCommand: sftp (internal) still works" "0 /pub/etc-link /pub/hello /pub/up-link" \
  "$rc $(grep -v '^$' <<<"$out" | sort | tr '\n' ' ' | sed 's/ $//')"
out=$(ssh_to "$UC" id 2>&1); rc=$?
if [ "$rc" -ne 0 ] && ! grep -q "uid=" <<<"$out"; then ok "chroot without ForceCommand: ssh U id fails (no /bin/sh inside)"
else not_ok "chroot without ForceCommand: ssh U id fails (no /bin/sh inside)" "rc $rc: $out"; fi
out=$(ssh_to "$UC" 'echo escaped >/up/escaped' 2>&1)
check "chroot without ForceCommand: nothing ran" test ! -e "$CH/$UC/up/escaped"

# ============================================================ 5. SftpRoot
UJ=lpt_sftpj1
add_user "$UJ"
JH=$(home_of "$UJ")
JR=$SRV/jail/$UJ
install -d -m 755 "$SRV/jail"
install -d -m 755 -o "$UJ" "$JR"
outside_file=$JH/outside
echo "outside" >"$outside_file"
chown "$UJ" "$outside_file"
# jail_common MODE: what every mode refuses.
jail_common() {
  local mode=$1 out rc
  out=$(ssh_to "$UJ" id 2>&1)
  expect_no_match "SftpRoot $mode: ssh U id runs no shell" "uid=" "$out"
  out=$(ssh_to -o ExitOnForwardFailure=yes -W "127.0.0.1:$PORT" "$UJ" </dev/null 2>&1); rc=$?
  if [ "$rc" -ne 0 ] && ! grep -q "^SSH-2.0" <<<"$out"; then ok "SftpRoot $mode: ssh -W / -L (direct-tcpip) refused"
  else not_ok "SftpRoot $mode: ssh -W / -L (direct-tcpip) refused" "rc $rc: $out"; fi
  out=$(ssh_to -N -o ExitOnForwardFailure=yes -R 0:127.0.0.1:22 "$UJ" </dev/null 2>&1); rc=$?
  if [ "$rc" -ne 0 ]; then ok "SftpRoot $mode: ssh -R refused"
  else not_ok "SftpRoot $mode: ssh -R refused" "rc $rc: $out"; fi
  out=$(ssh_to -tt "$UJ" </dev/null 2>&1)
  expect_match "SftpRoot $mode: ssh -tt gets no PTY" "PTY allocation request failed" "$out"
  if hold_login "$UJ"; then
    expect_eq "SftpRoot $mode: the postauth process has NoNewPrivs" 1 "$(status_field "$PA" NoNewPrivs)"
    end_hold
  fi
  rm -f "$W/jail.got"
  out=$(sftp_b "$UJ" "get /etc/passwd $W/jail.got"); rc=$?
  if [ "$rc" -ne 0 ] && [ ! -e "$W/jail.got" ]; then ok "SftpRoot $mode: get /etc/passwd fails"
  else not_ok "SftpRoot $mode: get /etc/passwd fails" "rc $rc: $out"; fi
  out=$(sftp_b "$UJ" "get $outside_file $W/jail.got"); rc=$?
  if [ "$rc" -ne 0 ] && [ ! -e "$W/jail.got" ]; then ok "SftpRoot $mode: get of the user's own file outside fails"
  else not_ok "SftpRoot $mode: get of the user's own file outside fails" "rc $rc: $out"; fi
  rm -f "$JH/put-outside"
  out=$(sftp_b "$UJ" "put $W/stamped $JH/put-outside"); rc=$?
  if [ "$rc" -ne 0 ] && [ ! -e "$JH/put-outside" ]; then ok "SftpRoot $mode: put outside (the user's home) fails"
  else not_ok "SftpRoot $mode: put outside (the user's home) fails" "rc $rc: $out"; fi
}
# refuses NAME LINE...: the batch fails.
refuses() {
  local name=$1 out rc; shift
  out=$(sftp_b "$UJ" "$@"); rc=$?
  if [ "$rc" -ne 0 ]; then ok "$name"; else not_ok "$name" "$out"; fi
}

stop_daemon
start_daemon "SftpRoot $SRV/jail/%u" "SftpRootMode read-write"
sftp_b "$UJ" "put $W/partial.src $JR/rw" >/dev/null
expect_eq "SftpRoot read-write: put inside works" "$(sum_of "$W/partial.src")" "$(sum_of "$JR/rw")"
rm -f "$W/rw.got"
sftp_b "$UJ" "get rw $W/rw.got" >/dev/null
expect_eq "SftpRoot read-write: get inside works (relative: starts in the root)" \
  "$(sum_of "$W/partial.src")" "$(sum_of "$W/rw.got")"
out=$(sftp_b "$UJ" "mkdir $JR/d" "rename $JR/rw $JR/d/rw" "rm $JR/d/rw" "rmdir $JR/d"); rc=$?
expect_eq "SftpRoot read-write: mkdir, rename, rm, rmdir inside" "0" "$rc"
jail_common read-write

stop_daemon
start_daemon "SftpRoot $SRV/jail/%u" "SftpRootMode read-only"
echo "seeded" >"$JR/seed"
chown "$UJ" "$JR/seed"
rm -f "$W/ro.got"
sftp_b "$UJ" "get $JR/seed $W/ro.got" >/dev/null
expect_eq "SftpRoot read-only: get works (positive control)" "seeded" "$(cat "$W/ro.got" 2>/dev/null)"
refuses "SftpRoot read-only: put fails" "put $W/stamped $JR/new"
check "SftpRoot read-only: nothing was written" test ! -e "$JR/new"
refuses "SftpRoot read-only: rm fails" "rm $JR/seed"
refuses "SftpRoot read-only: mkdir fails" "mkdir $JR/newdir"
check "SftpRoot read-only: the file and no new directory" test -e "$JR/seed" -a ! -e "$JR/newdir"
jail_common read-only

stop_daemon
start_daemon "SftpRoot $SRV/jail/%u" "SftpRootMode upload-only"
sftp_b "$UJ" "put $W/partial.src $JR/upl" >/dev/null
expect_eq "SftpRoot upload-only: put works (positive control)" "$(sum_of "$W/partial.src")" "$(sum_of "$JR/upl")"
rm -f "$W/uo.got"
refuses "SftpRoot upload-only: get fails" "get $JR/upl $W/uo.got"
check "SftpRoot upload-only: nothing came back" test ! -s "$W/uo.got"
refuses "SftpRoot upload-only: rm fails" "rm $JR/upl"
check "SftpRoot upload-only: the upload is still there" test -e "$JR/upl"
jail_common upload-only

echo "# $((SECONDS - LPT_START))s so far"
expect_no_crash "no crash" "$TMP"/lpsshd.*.log
finish
