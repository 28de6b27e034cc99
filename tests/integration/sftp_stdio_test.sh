#!/bin/bash
# The in-process SFTP server driven by the real OpenSSH client, without ssh:
# `sftp -D sftp_stdio` runs SftpServer (postauth/sftp_server.h) on a pipe,
# as a test user. Checks:
#   1. put and get of a 100 MB file and of 1000 small files, sha256-checked
#      (sftp, and scp -D in SFTP mode);
#   2. mkdir, rename, rm, ln -s, chmod, df (statvfs), reget, hardlink;
#   3. the same batches against OpenSSH's /usr/lib/openssh/sftp-server give
#      the same client output (listings) and the same log lines;
#   4. -R refuses writes, -P refuses the listed requests, -d starts there;
#   5. a MB/s line for both servers (information, not a check).
# Needs root (a user of its own). Usage: sftp_stdio_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
[ -x "$BINDIR/sftp_stdio" ] || fail "$BINDIR/sftp_stdio missing; build the sftp_stdio target"
OPENSSH_SERVER=/usr/lib/openssh/sftp-server
command -v sftp >/dev/null || fail "sftp client not installed"

U=lpt_sftp1
add_user "$U"
H=$(home_of "$U")
# The server runs as the user: give it a copy the user can execute.
install -m 755 "$BINDIR/sftp_stdio" "$TMP/sftp_stdio"
SERVER=$TMP/sftp_stdio
W=$TMP/work
install -d -m 755 -o "$U" "$W"

as_user() { runuser -u "$U" -- "$@"; }
# run_sftp SERVER_COMMAND BATCHFILE: client output on stdout, the server's
# log (stderr) in $W/server.log.
run_sftp() { (cd "$W" && as_user timeout 300 sftp -q -D "$1" -b "$2" 2>"$W/server.log"); }
sum_of() { sha256sum <"$1" | cut -d' ' -f1; }
batch() { printf '%s\n' "$@" >"$W/batch"; chmod 644 "$W/batch"; echo "$W/batch"; }

# --- 1. bulk: 100 MB both ways, 1000 small files both ways -------------------
as_user head -c 100000000 /dev/urandom >"$W/big" 2>/dev/null || head -c 100000000 /dev/urandom >"$W/big"
chown "$U" "$W/big"
want=$(sum_of "$W/big")
run_sftp "$SERVER" "$(batch "put $W/big $H/big.up")" >/dev/null
expect_eq "100 MB put arrives intact" "$want" "$(sum_of "$H/big.up")"
run_sftp "$SERVER" "$(batch "get $H/big.up $W/big.down")" >/dev/null
expect_eq "100 MB get arrives intact" "$want" "$(sum_of "$W/big.down")"
# -B 262144: the client asks for 256 KiB per READ; the reply must stay within
# the 256 KiB packet the client accepts (limits@openssh.com clamps it).
(cd "$W" && as_user timeout 300 sftp -q -B 262144 -D "$SERVER" -b "$(batch "get $H/big.up $W/big.B")" >/dev/null 2>&1)
expect_eq "100 MB get with 256 KiB requests intact" "$want" "$(sum_of "$W/big.B")"
expect_match "close logged with the byte counts" \
  "^close \"$H/big.up\" bytes read 100000000 written 0$" "$(cat "$W/server.log")"

mkdir -p "$W/many"
for i in $(seq 1 1000); do head -c $((i * 37 % 5000 + 1)) /dev/urandom >"$W/many/f$i"; done
chown -R "$U" "$W/many"
(cd "$W/many" && sha256sum f* | sort) >"$W/many.sums"
run_sftp "$SERVER" "$(batch "put -r $W/many $H/many")" >/dev/null
expect_eq "1000 small files put intact" "$(cat "$W/many.sums")" "$(cd "$H/many" && sha256sum f* | sort)"
run_sftp "$SERVER" "$(batch "get -r $H/many $W/many.back")" >/dev/null
expect_eq "1000 small files got back intact" "$(cat "$W/many.sums")" \
  "$(cd "$W/many.back" 2>/dev/null && sha256sum f* | sort)"

# scp in SFTP mode (-D: straight to a local server program).
if (cd "$W" && as_user timeout 120 scp -q -D "$SERVER" "$W/big" "x:$H/big.scp" 2>/dev/null); then
  expect_eq "scp -D put intact" "$want" "$(sum_of "$H/big.scp")"
  (cd "$W" && as_user timeout 120 scp -q -D "$SERVER" "x:$H/big.scp" "$W/big.scpback" 2>/dev/null)
  expect_eq "scp -D get intact" "$want" "$(sum_of "$W/big.scpback")"
else
  skip "scp -D put and get" "this scp has no -D"
fi

# --- 2. file operations --------------------------------------------------------
head -c 300000 /dev/urandom >"$W/partial.src"
chown "$U" "$W/partial.src"
cp "$W/partial.src" "$H/partial"
head -c 100000 "$W/partial.src" >"$W/partial.dst"
chown "$U" "$W/partial.dst" "$H/partial"
out=$(run_sftp "$SERVER" "$(batch \
  "cd $H" "mkdir d1" "rename big.up d1/moved" "ln -s d1/moved sym" \
  "chmod 640 d1/moved" "df ." "reget partial $W/partial.dst" "ln d1/moved hard" "rm hard" \
  "-rmdir d1" "rm sym" "rm d1/moved" "rmdir d1" "ls -l")" 2>&1)
check "mkdir, rename, rm, rmdir leave no trace" test ! -e "$H/d1" -a ! -e "$H/big.up" -a ! -L "$H/sym"
expect_eq "reget completes a partial download" "$(sum_of "$W/partial.src")" "$(sum_of "$W/partial.dst")"
log=$(cat "$W/server.log")
for line in "mkdir name \"$H/d1\" mode 0777" "rename old \"$H/big.up\" new \"$H/d1/moved\"" \
            "symlink old \"d1/moved\" new \"$H/sym\"" "set \"$H/d1/moved\" mode 0640" \
            "statvfs \"$H/.\"" "hardlink old \"$H/d1/moved\" new \"$H/hard\"" \
            "remove name \"$H/sym\"" "rmdir name \"$H/d1\"" "posix-rename old" \
            "session opened for local user $U from" "session closed for local user $U from"; do
  if grep -qF -- "$line" <<<"$log" || { [ "$line" = "posix-rename old" ] && grep -q '^rename old' <<<"$log"; }; then
    ok "logged: $line"
  else
    not_ok "logged: $line" "$(head -c 2000 "$W/server.log")"
  fi
done
expect_match "df shows the statvfs numbers" "Size +Used +Avail" "$out"

# --- 3. the same batch against OpenSSH's sftp-server -----------------------------
if [ -x "$OPENSSH_SERVER" ]; then
  mkdir -p "$H/cmp/sub"
  echo one >"$H/cmp/a"; echo two >"$H/cmp/sub/b"; ln -sf a "$H/cmp/link"
  touch -d '2001-02-03 04:05' "$H/cmp/sub/b"
  chown -R "$U" "$H/cmp"; chown -h "$U" "$H/cmp/link"; chmod 4755 "$H/cmp/a"
  # The same operations twice: each server's log and the client's view must
  # match, once the session's address ([stdio] vs [UNKNOWN]) is set aside.
  cmp_batch() {
    batch "cd $H/cmp" "ls -l" "ls -ln" "ls -la sub" "mkdir newdir" "chmod 700 newdir" \
      "rename newdir newdir2" "ln -s a sym2" "rm sym2" "rmdir newdir2" "-rm nosuch" \
      "put $W/partial.src up" "get up $W/cmp.down" "rm up" "ls -l"
  }
  ours=$(run_sftp "$SERVER" "$(cmp_batch)" 2>&1); ours_log=$(sed 's/from \[.*\]/from [X]/; s/\r$//' "$W/server.log")
  theirs=$(run_sftp "$OPENSSH_SERVER -e -l INFO" "$(cmp_batch)" 2>&1)
  # sftp-server -e ends its lines with CR LF.
  theirs_log=$(sed 's/from \[.*\]/from [X]/; s/\r$//' "$W/server.log")
  expect_eq "listings and client output as with sftp-server" "$theirs" "$ours"
  if [ "$theirs_log" == "$ours_log" ]; then ok "log lines as sftp-server -l INFO writes them"
  else not_ok "log lines as sftp-server -l INFO writes them" "$(diff <(echo "$theirs_log") <(echo "$ours_log"))"; fi
else
  skip "compare with OpenSSH's sftp-server" "$OPENSSH_SERVER not installed"
fi

# --- 4. options ----------------------------------------------------------------------
echo keep >"$H/keep"; chown "$U" "$H/keep"
out=$(run_sftp "$SERVER -R" "$(batch "cd $H" "-put $W/partial.src ro-up" "-rm keep" "-mkdir ro-dir" "get keep $W/keep.ro")" 2>&1)
check "-R: nothing written" test ! -e "$H/ro-up" -a -e "$H/keep" -a ! -e "$H/ro-dir"
check "-R: reading still works" test "$(cat "$W/keep.ro" 2>/dev/null)" = keep
# The client reports the refusal on stderr, which run_sftp puts in the log.
expect_match "-R: the client hears Permission denied" "Permission denied" "$(cat "$W/server.log")"
run_sftp "$SERVER -P remove" "$(batch "cd $H" "-rm keep")" >/dev/null 2>&1
check "-P remove: the file stays" test -e "$H/keep"
expect_match "-P remove: logged as refused" "Refusing remove request" "$(cat "$W/server.log")"
install -d -o "$U" "$H/start"
out=$(run_sftp "$SERVER -d %d/start" "$(batch pwd)" 2>&1)
expect_match "-d %d/start: the session starts there" "Remote working directory: $H/start\$" "$out"

# --- 5. speed, for information: the same put and get with each server --------
mbps() { echo "$((100000000 / (($2 - $1) / 1000 + 1)))"; }
for server in "$SERVER" "$OPENSSH_SERVER"; do
  [ -x "${server%% *}" ] || continue
  rm -f "$H/big.speed" "$W/big.speed"
  t0=${EPOCHREALTIME//[.,]/}
  run_sftp "$server" "$(batch "put $W/big $H/big.speed")" >/dev/null
  t1=${EPOCHREALTIME//[.,]/}
  run_sftp "$server" "$(batch "get $H/big.speed $W/big.speed")" >/dev/null
  t2=${EPOCHREALTIME//[.,]/}
  echo "# $(basename "$server"): put $(mbps "$t0" "$t1") kB/s, get $(mbps "$t1" "$t2") kB/s (100 MB over a pipe)"
done
finish
