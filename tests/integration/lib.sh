# shellcheck shell=bash
# Shared helpers for the lpsshd integration tests.  Source this file, then
# call `lib_init BINDIR` (BINDIR holds lpsshd and its three helpers).
#
# What a test gets:
#   TMP              private temp dir, removed at exit
#   PORT, LOG, DPID  port, log file and pid of the running test daemon
#   add_user NAME    real user (useradd -m, password field "*": no password
#                    but not locked) with an ed25519 key in authorized_keys;
#                    key_of NAME prints the private key path
#   start_daemon [CONFIG LINE...]   private config + own host key, waits
#                    until it listens; stop_daemon stops it
#   ssh_to [SSH OPTIONS...] USER [CMD...]   BatchMode, pinned host key
#   check / expect_eq / expect_match / ok / not_ok   counted checks
#   skip NAME REASON  a check this machine cannot run: counted and printed
#                    as a skip, never as a pass
#   fail MSG         fatal: prints the daemon log tail and exits 1
#   finish           prints the summary, exits non-zero if a check failed
# Everything created (users, groups, daemons, background processes, the temp
# dir) is removed at exit, also when a check fails or the script is killed.

LPT_PASS=0
LPT_FAIL=0
LPT_SKIP=0
LPT_N=0
LPT_USERS=()
LPT_GROUPS=()
LPT_BG=()        # background pids to end at exit (ssh clients, raw sockets)
LPT_DAEMONS=()   # every listener pid we started
LPT_CONTROL=()   # ControlPath sockets whose masters must be told to exit
LPT_START=$SECONDS
LPT_T0=${EPOCHREALTIME//[.,]/}
LPT_NDAEMON=0
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
TMP=
PORT=
LOG=
DPID=
HOSTKEY=
KNOWN_HOSTS=

# need_raw_client: sets RAW to the raw test client (tests/tools/raw_ssh_client.cpp),
# or fails when it was not built.
need_raw_client() {
  RAW=$BINDIR/raw_ssh_client
  [ -x "$RAW" ] || fail "$RAW missing; build the raw_ssh_client target"
}

lib_init() {
  if [ $# -lt 1 ] || [ ! -d "$1" ]; then
    echo "usage: $0 BINDIR (the directory holding lpsshd and its helpers)" >&2
    exit 2
  fi
  BINDIR=$(cd "$1" && pwd)
  if [ "$(id -u)" != 0 ]; then
    echo "FATAL: integration tests need root (they create users and start lpsshd)" >&2
    exit 1
  fi
  local b
  for b in lpsshd lpsshd-monitor lpsshd-preauth lpsshd-postauth; do
    [ -x "$BINDIR/$b" ] || { echo "FATAL: $BINDIR/$b missing; build it first" >&2; exit 1; }
  done
  for b in ssh ssh-keygen useradd userdel groupadd timeout sha256sum ps flock; do
    command -v "$b" >/dev/null || { echo "FATAL: $b not installed" >&2; exit 1; }
  done
  # Two runs of the same script would share its user names: one at a time.
  exec 9>"/tmp/lpsshd-it.$(basename "$0").lock"
  flock -w 170 9 || { echo "FATAL: another $(basename "$0") is still running" >&2; exit 1; }
  TMP=$(mktemp -d /tmp/lpsshd-it.XXXXXX) || exit 1
  chmod 755 "$TMP"
  trap lib_cleanup EXIT
  trap 'echo "interrupted" >&2; exit 130' INT
  trap 'echo "terminated" >&2; exit 143' TERM
  # Nothing may read the caller's terminal; tests give ssh stdin explicitly.
  exec </dev/null
  unset SSH_AUTH_SOCK SSH_AGENT_PID
  HOSTKEY=$TMP/host_ed25519_key
  KNOWN_HOSTS=$TMP/known_hosts
  lpt_sanitizer_reports_init
  echo "# binaries: $BINDIR; temp dir: $TMP"
}

# ---------------------------------------------------------------- checks

ok() {
  LPT_N=$((LPT_N + 1)); LPT_PASS=$((LPT_PASS + 1))
  echo "ok $LPT_N - $1"
}

# not_ok NAME [DETAIL...]: a failed check; the script goes on.
not_ok() {
  local name=$1; shift
  LPT_N=$((LPT_N + 1)); LPT_FAIL=$((LPT_FAIL + 1))
  echo "FAIL $LPT_N - $name"
  local d
  for d in "$@"; do printf '    %s\n' "$d"; done
  log_tail 15 | sed 's/^/    | /'
}

# skip NAME REASON: a check that did not run here.  Counted apart, so that
# "all passed" never hides checks that were not made.
skip() {
  LPT_N=$((LPT_N + 1)); LPT_SKIP=$((LPT_SKIP + 1))
  echo "skip $LPT_N - $1 # SKIP $2"
}

# check NAME CMD...: passes when CMD exits 0.
check() {
  local name=$1; shift
  if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# Shows a value short enough for one line.
lpt_show() {
  local v=$1
  if [ ${#v} -gt 300 ]; then v="${v:0:300}... (${#1} bytes)"; fi
  printf '%q' "$v"
}

expect_eq() {
  local name=$1 want=$2 got=$3
  if [ "$want" == "$got" ]; then ok "$name"
  else not_ok "$name" "expected: $(lpt_show "$want")" "     got: $(lpt_show "$got")"; fi
}

# expect_match NAME ERE TEXT
expect_match() {
  local name=$1 re=$2 text=$3
  if grep -qE -- "$re" <<<"$text"; then ok "$name"
  else not_ok "$name" "expected to match: $re" "got: $(lpt_show "$text")"; fi
}

# expect_no_match NAME ERE TEXT
expect_no_match() {
  local name=$1 re=$2 text=$3
  if grep -qE -- "$re" <<<"$text"; then not_ok "$name" "must not match: $re" "got: $(lpt_show "$text")"
  else ok "$name"; fi
}

# What a crash looks like in a daemon log: the listener's line for a
# monitor killed by a signal or ended by something other than its own main()
# (sshd/monitor_end.h), the monitor's for a child that crashed or aborted,
# and any sanitizer report (an LPSSHD_SANITIZE build: reports go to the log
# and end the process by SIGABRT; sanitizer/daemon_options.cpp).
LPT_CRASH_RE='monitor for .*(killed by signal|exited with unexpected status)|child for .* killed by signal (6|11)( |$)|AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|runtime error:|fatal:'
# lpt_sanitized: BINDIR is an LPSSHD_SANITIZE build (ASan's shadow memory
# and quarantine make memory figures meaningless there).
lpt_sanitized() { ldd "$BINDIR/lpsshd-preauth" 2>/dev/null | grep -q libasan; }
# The postauth child's stderr is /dev/null: in an LPSSHD_SANITIZE build its
# reports go to BUILD/sanitizer-reports/postauth.PID instead, once it is the
# user (sanitizer/report_path.h). lib_init makes that directory root's with
# mode 1733 (users create files there, nobody lists, renames or removes
# another's) and marks the test's start; expect_no_crash prints and fails on
# every report written since. Root only reads there: regular files, opened
# with O_NOFOLLOW (a user's planted symlink is not followed).
LPT_SAN_DIR=
lpt_sanitizer_reports_init() {
  lpt_sanitized || return 0
  LPT_SAN_DIR=$(dirname "$BINDIR")/sanitizer-reports
  [ -L "$LPT_SAN_DIR" ] && { echo "FATAL: $LPT_SAN_DIR is a symlink" >&2; exit 1; }
  [ -d "$LPT_SAN_DIR" ] || mkdir -m 1733 "$LPT_SAN_DIR" || exit 1
  local have
  have=$(stat -c '%u %a %F' "$LPT_SAN_DIR")
  if [ "$have" != "0 1733 directory" ]; then
    echo "FATAL: $LPT_SAN_DIR: owner, mode, type '$have', want '0 1733 directory'" >&2
    exit 1
  fi
  touch "$TMP/sanitizer.start"
}
# lpt_sanitizer_reports: the reports written since the test started, each
# after a "== FILE" line.
lpt_sanitizer_reports() {
  [ -n "$LPT_SAN_DIR" ] || return 0
  local f
  for f in $(find "$LPT_SAN_DIR" -maxdepth 1 -type f -newer "$TMP/sanitizer.start" | sort); do
    echo "== $f"
    dd if="$f" iflag=nofollow status=none
  done
}
# expect_no_crash NAME LOGFILE...: no process of those daemons crashed, and
# no sanitizer report of a postauth child was written.
expect_no_crash() {
  local name=$1; shift
  local hits reports
  hits=$(cat "$@" | grep -E -- "$LPT_CRASH_RE")
  reports=$(lpt_sanitizer_reports)
  if [ -n "$reports" ]; then
    not_ok "$name" "sanitizer reports of postauth children:"
    sed 's/^/    # /' <<<"$reports"
  elif [ -z "$hits" ]; then ok "$name"
  else not_ok "$name" "$(wc -l <<<"$hits") crash lines, the first: $(head -n 3 <<<"$hits")"; fi
}

fail() {
  echo "FATAL: $*"
  log_tail 30 | sed 's/^/    | /'
  exit 1
}

finish() {
  echo "# $LPT_PASS passed, $LPT_FAIL failed, $LPT_SKIP skipped, $((SECONDS - LPT_START))s"
  [ "$LPT_FAIL" -eq 0 ] && exit 0
  exit 1
}

# ---------------------------------------------------------------- waiting

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds (whole seconds).
wait_for() {
  local limit=$1; shift
  local now=${EPOCHREALTIME//[.,]/}
  local deadline=$((now + limit * 1000000))
  while ! "$@"; do
    now=${EPOCHREALTIME//[.,]/}
    [ "$now" -ge "$deadline" ] && return 1
    sleep 0.05
  done
  return 0
}

# file_has FILE ERE: FILE exists and has a line matching ERE.
file_has() { grep -qE -- "$2" "$1" 2>/dev/null; }

pid_alive() { [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_gone() { ! pid_alive "$1"; }

# ---------------------------------------------------------------- daemon log

log_tail() { [ -n "$LOG" ] && [ -f "$LOG" ] && tail -n "${1:-20}" "$LOG"; }
# log_mark: prints the log's current size; log_since MARK prints what came after.
log_mark() { if [ -f "$LOG" ]; then stat -c %s "$LOG"; else echo 0; fi; }
log_since() { tail -c +$(($1 + 1)) "$LOG"; }
lpt_log_has() { log_since "$1" | grep -qE -- "$2"; }
# wait_log MARK ERE [TIMEOUT]: the monitor may log after the client is gone.
wait_log() { wait_for "${3:-5}" lpt_log_has "$1" "$2"; }

# ---------------------------------------------------------------- users

# Ends every process of UID, one pid at a time (a test user's leftovers).
lpt_kill_uid() {
  local uid=$1 sig p
  for sig in TERM KILL; do
    for p in $(ps -e -o pid= -o uid= -o stat= | awk -v u="$uid" '$2 == u && $3 !~ /^Z/ {print $1}'); do
      kill -s "$sig" "$p" 2>/dev/null
    done
    wait_for 2 lpt_uid_idle "$uid" && return 0
  done
}
# Zombies do not count: their parent (often init) reaps them in its own time.
lpt_uid_idle() { [ -z "$(ps -e -o uid= -o stat= | awk -v u="$1" '$1 == u && $2 !~ /^Z/')" ]; }

lpt_remove_user() {
  local name=$1 uid
  uid=$(id -u "$name" 2>/dev/null) || return 0
  lpt_kill_uid "$uid"
  userdel -r "$name" >/dev/null 2>&1 || userdel -f -r "$name" >/dev/null 2>&1
}

key_of() { echo "$TMP/keys/$1"; }

# add_user NAME: user with home, bash, no password ("*", not locked), an
# ed25519 key pair in $TMP/keys/NAME and its public key as the only line of
# ~/.ssh/authorized_keys.
add_user() {
  local name=$1
  # Left over from a run that was killed hard: start clean.
  id "$name" >/dev/null 2>&1 && lpt_remove_user "$name"
  LPT_USERS+=("$name")
  useradd -m -s /bin/bash "$name" || fail "useradd $name"
  # useradd leaves the password field "!" (locked), which refuses every
  # method without PAM, as OpenSSH does; "*" is no password, not a lock.
  usermod -p '*' "$name" || fail "usermod -p '*' $name"
  mkdir -p "$TMP/keys"
  ssh-keygen -q -t ed25519 -N '' -C "$name@lpsshd-test" -f "$TMP/keys/$name" || fail "ssh-keygen"
  local home
  home=$(getent passwd "$name" | cut -d: -f6)
  install -d -m 700 -o "$name" -g "$(id -g "$name")" "$home/.ssh"
  install -m 600 -o "$name" -g "$(id -g "$name")" "$TMP/keys/$name.pub" "$home/.ssh/authorized_keys"
}

home_of() { getent passwd "$1" | cut -d: -f6; }

# add_group NAME: a group removed at exit.
add_group() {
  getent group "$1" >/dev/null && groupdel "$1" 2>/dev/null
  LPT_GROUPS+=("$1")
  groupadd "$1" || fail "groupadd $1"
}

# new_key NAME: a key pair not in anyone's authorized_keys; prints its path.
new_key() {
  mkdir -p "$TMP/keys"
  [ -f "$TMP/keys/$1" ] || ssh-keygen -q -t ed25519 -N '' -C "$1" -f "$TMP/keys/$1" || fail "ssh-keygen"
  echo "$TMP/keys/$1"
}

# ---------------------------------------------------------------- daemon

pick_port() {
  "$PY" -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# write_config FILE [LINE...]: the extra lines, then the test defaults for
# every keyword the extra lines do not set (HostKey $HOSTKEY, ListenAddress
# 127.0.0.1, LogLevel VERBOSE, PreauthUser lpsshd, PreauthChroot /var/empty,
# PerSourcePenalties no).
write_config() {
  local file=$1; shift
  # Penalties are off unless a test sets them: most tests fail logins from
  # 127.0.0.1 on purpose, and admission_test.sh tests penalties itself.
  local base=("HostKey $HOSTKEY" "ListenAddress 127.0.0.1" "LogLevel VERBOSE"
              "PreauthUser lpsshd" "PreauthChroot /var/empty" "PerSourcePenalties no")
  local l b set_here
  {
    echo "# lpsshd integration test config"
    for l in "$@"; do echo "$l"; done
    for b in "${base[@]}"; do
      set_here=
      for l in "$@"; do
        shopt -s nocasematch
        [[ "${l%% *}" == "${b%% *}" ]] && set_here=1
        shopt -u nocasematch
      done
      [ -n "$set_here" ] || echo "$b"
    done
  } >"$file"
}

# The host key and the preauth user/chroot, via the daemon's own -A.
ensure_host_key() {
  [ -f "$HOSTKEY" ] && return 0
  local cfg=$TMP/setup.cfg
  write_config "$cfg"
  "$BINDIR/lpsshd" -A -f "$cfg" >"$TMP/setup.log" 2>&1 || { cat "$TMP/setup.log"; fail "lpsshd -A"; }
  [ -f "$HOSTKEY" ] && [ -f "$HOSTKEY.pub" ] || fail "lpsshd -A did not create $HOSTKEY(.pub)"
}

write_known_hosts() {
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$HOSTKEY.pub")" >"$KNOWN_HOSTS"
}

lpt_listening() { grep -q "Server listening on 127.0.0.1 port $PORT\." "$LOG" 2>/dev/null; }
lpt_daemon_ready() { lpt_listening || pid_gone "$DPID"; }

# start_daemon [CONFIG LINE...]: a fresh lpsshd -D -e on a free port (or on
# $FIXED_PORT when set), its log in $LOG.  Sets PORT, LOG, DPID, CONFIG and
# the pinned known_hosts file.
start_daemon() {
  ensure_host_key
  LPT_NDAEMON=$((LPT_NDAEMON + 1))
  CONFIG=$TMP/lpsshd.$LPT_NDAEMON.cfg
  write_config "$CONFIG" "$@"
  local attempt
  for attempt in 1 2 3 4 5; do
    PORT=${FIXED_PORT:-$(pick_port)}
    LOG=$TMP/lpsshd.$LPT_NDAEMON.$attempt.log
    "$BINDIR/lpsshd" -D -e -f "$CONFIG" -p "$PORT" >"$LOG" 2>&1 &
    DPID=$!
    LPT_DAEMONS+=("$DPID")
    wait_for 10 lpt_daemon_ready
    if lpt_listening && pid_alive "$DPID"; then
      write_known_hosts
      return 0
    fi
    wait "$DPID" 2>/dev/null
    # Someone took the port between pick_port and bind: try another.
    if [ -z "${FIXED_PORT:-}" ] && grep -q "Bind to port" "$LOG"; then continue; fi
    break
  done
  fail "lpsshd did not start (config $CONFIG)"
}

# Stops the daemon pid $1 (default: the current one): TERM, then KILL.
stop_daemon() {
  local pid=${1:-$DPID}
  [ -n "$pid" ] || return 0
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null
    wait_for 5 pid_gone "$pid" || kill -KILL "$pid" 2>/dev/null
  fi
  wait "$pid" 2>/dev/null
  return 0
}

# run_daemon_expect_exit OUTFILE ARGS...: runs lpsshd -D -e ARGS... which is
# expected to refuse to start; gives it 5 s, prints the exit code (124 if it
# was still running and had to be stopped).
run_daemon_expect_exit() {
  local out=$1; shift
  timeout -k 2 5 "$BINDIR/lpsshd" -D -e "$@" >"$out" 2>&1
  echo $?
}

# ---------------------------------------------------------------- ssh

# ssh_to [SSH OPTIONS...] USER [CMD...]: logs in to the test daemon as USER
# with USER's key (unless -i is given), BatchMode, the pinned host key and no
# config files.  Options given here win (ssh uses the first value it sees).
# Each call is limited to $SSH_TIMEOUT seconds (default 90).
ssh_to() {
  local opts=() have_identity=
  while [ $# -gt 0 ]; do
    case $1 in
      -i) have_identity=1; opts+=("$1" "$2"); shift 2 ;;
      -[oFEJLRDWSOclmpbBw]) opts+=("$1" "$2"); shift 2 ;;
      --) shift; break ;;
      -*) opts+=("$1"); shift ;;
      *) break ;;
    esac
  done
  local user=$1; shift
  [ -n "$have_identity" ] || opts+=(-i "$(key_of "$user")")
  ${LPT_EXEC:+exec} timeout -k 5 "${SSH_TIMEOUT:-90}" ssh -F /dev/null "${opts[@]}" \
    -p "$PORT" \
    -o BatchMode=yes -o IdentitiesOnly=yes \
    -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS" \
    -o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no \
    -o LogLevel=ERROR -o ConnectTimeout=10 \
    "$user@127.0.0.1" "$@"
}

# ssh_bg OUTFILE [SSH OPTIONS...] USER [CMD...]: ssh_to in the background,
# stdout and stderr to OUTFILE, stdin the caller's (redirect the call).  Sets
# BG_PID to a pid that ends the client when sent SIGTERM (timeout(1), which
# passes the signal on to ssh); the client is ended at exit if still running.
ssh_bg() {
  local out=$1; shift
  # <&0: a background job would otherwise get /dev/null, not our stdin.
  ( LPT_EXEC=1 ssh_to "$@" ) <&0 >"$out" 2>&1 &
  BG_PID=$!
  track_bg "$BG_PID"
}

# Remembers a background pid so that it is ended at exit.
track_bg() { LPT_BG+=("$1"); }
# Remembers a ControlPath so that its master is told to exit at exit.
track_control() { LPT_CONTROL+=("$1"); }

# ---------------------------------------------------------------- /proc

# children PID: the direct children of PID.
children() { ps -e -o pid= -o ppid= | awk -v p="$1" '$2 == p {print $1}'; }
# descendants PID: every process below PID.
descendants() {
  local c
  for c in $(children "$1"); do echo "$c"; descendants "$c"; done
}
exe_name() { basename "$(readlink "/proc/$1/exe" 2>/dev/null)" 2>/dev/null; }
# status_field PID FIELD: the value of FIELD in /proc/PID/status (tabs kept).
status_field() { sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null; }
# find_desc ROOTPID EXE: the descendants of ROOTPID running BINDIR/EXE.
find_desc() {
  local p
  for p in $(descendants "$1"); do
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" == "$BINDIR/$2" ] && echo "$p"
  done
}

# ---------------------------------------------------------------- cleanup

# With LPT_DEBUG=1: timestamps for the slow parts of clean-up.
lpt_stamp() {
  [ -n "${LPT_DEBUG:-}" ] || return 0
  local ms=$(( (${EPOCHREALTIME//[.,]/} - LPT_T0) / 1000 ))
  echo "# [$ms ms] $*"
}

lib_cleanup() {
  local rc=$? p u g
  trap - EXIT INT TERM
  lpt_stamp "clean-up starts"
  for p in "${LPT_CONTROL[@]}"; do
    [ -S "$p" ] && timeout 5 ssh -F /dev/null -o ControlPath="$p" -O exit x >/dev/null 2>&1
  done
  for p in "${LPT_BG[@]}"; do kill -TERM "$p" 2>/dev/null; done
  # Monitors of sessions still open run in their own sessions: note them
  # before the listeners go, so that none outlives the test.
  local monitors=()
  for p in "${LPT_DAEMONS[@]}"; do monitors+=($(children "$p")); done
  for p in "${LPT_DAEMONS[@]}"; do stop_daemon "$p"; done
  lpt_stamp "daemons stopped"
  for p in "${LPT_BG[@]}"; do
    wait_for 3 pid_gone "$p" || kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  for p in "${monitors[@]}"; do
    [ "$(exe_name "$p")" == lpsshd-monitor ] || continue
    wait_for 3 pid_gone "$p" || { kill -TERM "$p" 2>/dev/null; wait_for 2 pid_gone "$p" || kill -KILL "$p" 2>/dev/null; }
  done
  lpt_stamp "clients and monitors gone"
  for u in "${LPT_USERS[@]}"; do lpt_remove_user "$u"; done
  lpt_stamp "users removed"
  for g in "${LPT_GROUPS[@]}"; do groupdel "$g" >/dev/null 2>&1; done
  [ -n "$TMP" ] && [ -d "$TMP" ] && rm -rf "$TMP"
  local ms=$(( (${EPOCHREALTIME//[.,]/} - LPT_T0) / 1000 ))
  printf '# total %d.%03ds including clean-up, exit %d\n' $((ms / 1000)) $((ms % 1000)) "$rc"
  exit "$rc"
}
