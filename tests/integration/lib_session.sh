# shellcheck shell=bash
# Helpers for the interactive-session and PAM integration tests, on top of
# lib.sh (source lib.sh, call lib_init, then source this file and call
# lps_init).
#
#   at_exit CMD...          runs CMD at exit (last registered first), before
#                           lib.sh's clean-up; for restoring system files
#   save_file PATH          keeps a copy of PATH (or notes that it is
#                           absent) and puts it back exactly at exit
#   shadow_save_line USER / shadow_restore_line USER
#                           the exact /etc/shadow line of USER, put back under
#                           the shadow lock (lckpwdf) at exit
#   tmux: tmx ARGS...       the test's private tmux server (-L), killed at exit
#         ssh_script FILE [SSH OPTIONS...] USER [CMD...]
#                           writes an executable script that runs ssh like
#                           ssh_to (pinned host key, the user's key) and
#                           records ssh's exit status in FILE.rc
#         pane_text S       the whole pane history, wrapped lines joined,
#                           without trailing blanks or CRs
#         wait_pane S ERE [SECONDS]
#         pane_run S CMD [SECONDS]   types CMD into the shell in S; its
#                           output in PANE_OUT, its exit status in PANE_RC
#         pane_status S     prints $? of the last command typed into S
#         pane_ssh_pid S    the ssh client in S (the child of the script)
#   askpass_script FILE LOG 'ERE=ANSWER'...
#                           an SSH_ASKPASS program: logs each prompt to LOG and
#                           prints the ANSWER of the first ERE that matches
#   pam_service NAME LINE...   a test-only /etc/pam.d/NAME, removed at exit
#   pw_ssh PASSWORD [SSH OPTIONS...] USER [CMD...]   one password try (sshpass)
#   kbd_ssh ASKPASS [SSH OPTIONS...] USER [CMD...]   keyboard-interactive,
#                           prompts answered by ASKPASS, no terminal
#   now_us; elapsed_ms T0   microseconds now; milliseconds since T0 (now_us)

LPS_AT_EXIT=()
LPS_TMUX=
LPS_TMUX_CONF=
LPS_PANE_N=0
PANE_RC=
PANE_OUT=

lps_init() {
  LPS_TMUX=lpt_$(basename "$0" .sh)_$$
  trap lps_cleanup EXIT
}

at_exit() { LPS_AT_EXIT+=("$(printf '%q ' "$@")"); }

lps_cleanup() {
  local rc=$? i
  trap - EXIT
  [ -n "$LPS_TMUX_CONF" ] && tmux -L "$LPS_TMUX" kill-server >/dev/null 2>&1
  for ((i = ${#LPS_AT_EXIT[@]} - 1; i >= 0; i--)); do
    eval "${LPS_AT_EXIT[$i]}"
  done
  # lib.sh's clean-up reads the exit status from $?.
  (exit "$rc")
  lib_cleanup
}

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }
elapsed_ms() { echo $(( ($(now_us) - $1) / 1000 )); }

# ---------------------------------------------------------------- system files

# save_file PATH: PATH is put back as it is now (content, mode, owner), or
# removed at exit if it does not exist now.
save_file() {
  local path=$1 copy
  copy=$TMP/saved.$(echo "$path" | tr / _)
  if [ -e "$path" ]; then
    cp -a "$path" "$copy" || fail "cannot save $path"
    at_exit lps_put_back "$path" "$copy"
  else
    at_exit rm -f "$path"
  fi
}
lps_put_back() {
  cmp -s "$1" "$2" && return 0
  cp -a "$2" "$1.lpt.$$" && mv -f "$1.lpt.$$" "$1"
}

# The /etc/shadow line of USER now; shadow_restore_line puts it back exactly
# while holding the shadow lock, so concurrent useradd/userdel are not lost.
shadow_save_line() {
  local line
  line=$(grep "^$1:" /etc/shadow) || fail "no /etc/shadow line for $1"
  printf '%s\n' "$line" >"$TMP/shadow.$1"
  chmod 600 "$TMP/shadow.$1"
}
shadow_restore_line() {
  [ -f "$TMP/shadow.$1" ] || return 0
  "$PY" - "$1" "$TMP/shadow.$1" <<'EOF'
import ctypes, os, sys, time
user, saved = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
libc = ctypes.CDLL("libc.so.6")
for _ in range(50):
    if libc.lckpwdf() == 0:
        break
    time.sleep(0.1)
else:
    sys.exit("cannot lock the shadow file")
try:
    path = "/etc/shadow"
    lines = open(path).read().split("\n")
    out = [saved if l.split(":", 1)[0] == user else l for l in lines]
    if out != lines:
        st = os.stat(path)
        tmp = path + ".lpt-restore"
        with open(tmp, "w") as f:
            f.write("\n".join(out))
        os.chown(tmp, st.st_uid, st.st_gid)
        os.chmod(tmp, st.st_mode & 0o7777)
        os.rename(tmp, path)
finally:
    libc.ulckpwdf()
EOF
}

# ---------------------------------------------------------------- tmux

tmx() {
  if [ -z "$LPS_TMUX_CONF" ]; then
    LPS_TMUX_CONF=$TMP/tmux.conf
    # No status line (the pane is the whole window), panes stay after their
    # command ends so that its last output can still be read.
    printf '%s\n' 'set -g status off' 'set -g remain-on-exit on' 'set -g history-limit 10000' \
      'set -g default-terminal screen' 'set -g exit-empty off' >"$LPS_TMUX_CONF"
  fi
  tmux -L "$LPS_TMUX" -f "$LPS_TMUX_CONF" "$@"
}

# ssh_script FILE [SSH OPTIONS...] USER [CMD...]: see the header.  Before ssh
# the script runs $SSH_SCRIPT_PRE (shell text, e.g. stty settings).
ssh_script() {
  local file=$1; shift
  local opts=() have_identity=
  while [ $# -gt 0 ]; do
    case $1 in
      -i) have_identity=1; opts+=("$1" "$2"); shift 2 ;;
      -[oFEJLRDWSOclmpbBw]) opts+=("$1" "$2"); shift 2 ;;
      -*) opts+=("$1"); shift ;;
      *) break ;;
    esac
  done
  local user=$1; shift
  [ -n "$have_identity" ] || opts+=(-i "$(key_of "$user")")
  opts+=(-p "$PORT" -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes
         -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no
         -o LogLevel=ERROR -o ConnectTimeout=10 "$user@127.0.0.1" "$@")
  rm -f "$file.rc"
  {
    echo '#!/bin/bash'
    echo "${SSH_SCRIPT_PRE:-}"
    printf 'ssh -F /dev/null'
    printf ' %q' "${opts[@]}"
    echo
    printf 'echo $? >%q\n' "$file.rc"
  } >"$file"
  chmod 755 "$file"
}

# pane_text SESSION: everything the pane showed (history included).
pane_text() {
  tmx capture-pane -p -J -S - -t "$1" 2>/dev/null | tr -d '\r' | sed 's/[[:space:]]*$//'
}
lps_pane_has() { pane_text "$1" | grep -qE -- "$2"; }
# wait_pane SESSION ERE [SECONDS]
wait_pane() { wait_for "${3:-10}" lps_pane_has "$1" "$2"; }

# A marker no earlier command in this pane used (functions here may run in
# command substitutions, so no counter in a variable).
lps_marker() { LPS_PANE_N=$(( $(cat "$TMP/pane.n" 2>/dev/null || echo 0) + 1 )); echo "$LPS_PANE_N" >"$TMP/pane.n"; }

# pane_run SESSION CMD [SECONDS]: types CMD into the shell running in
# SESSION and waits for it to finish; PANE_OUT is its output, PANE_RC its
# exit status ("timeout" if it did not finish).  Returns 1 on timeout.  The
# typed markers are quoted ('') so that only the shell's output matches them.
# shellcheck disable=SC2034 # PANE_OUT and PANE_RC are for the caller
pane_run() {
  local s=$1 cmd=$2 limit=${3:-10} n text
  lps_marker; n=$LPS_PANE_N
  PANE_RC=timeout
  PANE_OUT=
  tmx send-keys -t "$s" -l "echo LPB$n''; $cmd; echo LPE$n'' \$?"
  tmx send-keys -t "$s" Enter
  wait_pane "$s" "^LPE$n [0-9]+\$" "$limit" || return 1
  text=$(pane_text "$s")
  PANE_RC=$(grep -E "^LPE$n [0-9]+\$" <<<"$text" | tail -n 1 | cut -d' ' -f2)
  PANE_OUT=$(awk -v b="LPB$n" -v e="^LPE$n [0-9]+\$" '$0 == b {on = 1; next} $0 ~ e {on = 0} on' <<<"$text")
  return 0
}

# pane_status SESSION [SECONDS]: prints the exit status of the command typed
# before ("timeout" if the shell does not answer).
pane_status() {
  local s=$1 n
  lps_marker; n=$LPS_PANE_N
  tmx send-keys -t "$s" -l "echo LPS$n'' \$?"
  tmx send-keys -t "$s" Enter
  wait_pane "$s" "^LPS$n [0-9]+\$" "${2:-10}" || { echo timeout; return 1; }
  pane_text "$s" | grep -E "^LPS$n [0-9]+\$" | tail -n 1 | cut -d' ' -f2
}

pane_pid() { tmx display-message -p -t "$1" '#{pane_pid}' 2>/dev/null; }
pane_dead() { [ "$(tmx display-message -p -t "$1" '#{pane_dead}' 2>/dev/null)" == 1 ]; }
# The ssh client started by the pane's script.
pane_ssh_pid() {
  local p
  for p in $(children "$(pane_pid "$1")"); do
    [ "$(exe_name "$p")" == ssh ] && echo "$p"
  done
}

# ---------------------------------------------------------------- askpass

# askpass_script FILE LOG 'ERE=ANSWER'...: see the header.  Unmatched prompts
# are answered with an empty line.
askpass_script() {
  local file=$1 log=$2; shift 2
  local rule
  {
    echo '#!/bin/bash'
    printf 'printf "%%s\\n" "$1" >>%q\n' "$log"
    for rule in "$@"; do
      printf 're=%q; if [[ "$1" =~ $re ]]; then printf "%%s\\n" %q; exit 0; fi\n' "${rule%%=*}" "${rule#*=}"
    done
    echo 'echo'
  } >"$file"
  chmod 755 "$file"
  : >"$log"
}

# ---------------------------------------------------------------- PAM, ssh

# pam_service NAME LINE...: a test-only /etc/pam.d/NAME (which must not exist
# yet), removed at exit.
pam_service() {
  local name=$1; shift
  [ -e "/etc/pam.d/$name" ] && fail "/etc/pam.d/$name exists already"
  at_exit rm -f "/etc/pam.d/$name"
  printf '%s\n' "# lpsshd integration test ($(basename "$0") pid $$); removed at exit" "$@" \
    >"/etc/pam.d/$name" || fail "cannot write /etc/pam.d/$name"
}

# ssh_argv [SSH OPTIONS...] USER [CMD...]: sets LPS_ARGV to the ssh command
# line ssh_to would run (pinned host key, no config files), for running ssh
# under another program (sshpass, setsid).  Unlike ssh_to it adds no -i and
# no BatchMode: with IdentitiesOnly=yes and no -i, no key is offered.
ssh_argv() {
  local opts=()
  while [ $# -gt 0 ]; do
    case $1 in
      -[oFEJLRDWSOclmpbBwi]) opts+=("$1" "$2"); shift 2 ;;
      --) shift; break ;;
      -*) opts+=("$1"); shift ;;
      *) break ;;
    esac
  done
  local user=$1; shift
  LPS_ARGV=(ssh -F /dev/null "${opts[@]}" -p "$PORT" -o IdentitiesOnly=yes
            -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS"
            -o GlobalKnownHostsFile=/dev/null -o CheckHostIP=no
            -o LogLevel=ERROR -o ConnectTimeout=10 "$user@127.0.0.1" "$@")
}

# pw_ssh PASSWORD [SSH OPTIONS...] USER [CMD...]: one password attempt with
# sshpass; at most $SSH_TIMEOUT (default 60) seconds.
pw_ssh() {
  local pw=$1; shift
  ssh_argv -o PreferredAuthentications=password -o PubkeyAuthentication=no \
    -o NumberOfPasswordPrompts=1 "$@"
  timeout -k 5 "${SSH_TIMEOUT:-60}" sshpass -p "$pw" "${LPS_ARGV[@]}" </dev/null
}

# kbd_ssh ASKPASS [SSH OPTIONS...] USER [CMD...]: keyboard-interactive, every
# prompt answered by the program ASKPASS (see askpass_script), no terminal.
kbd_ssh() {
  local ap=$1; shift
  ssh_argv -o PreferredAuthentications=keyboard-interactive -o PubkeyAuthentication=no \
    -o NumberOfPasswordPrompts=1 "$@"
  SSH_ASKPASS=$ap SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
    timeout -k 5 "${SSH_TIMEOUT:-60}" setsid -w "${LPS_ARGV[@]}" </dev/null
}
