# shellcheck shell=bash
# The client tests' server: lpsshd, or with LPT_SERVER=openssh Debian's own
# sshd, so that the client checks themselves can be shown right against a
# server known to work (a check that fails there is wrong, not lpsshd).
# Source after lib.sh and lib_init.
#
#   start_server [CONFIG LINE...]   start_daemon, or /usr/sbin/sshd -D -e with
#                    the same lines minus lpsshd's own keywords; sets PORT,
#                    LOG, DPID and the pinned known_hosts file either way
#   on_lpsshd        true unless LPT_SERVER=openssh

on_lpsshd() { [ "${LPT_SERVER:-lpsshd}" != openssh ]; }

# Keywords OpenSSH 9.2 does not know: lib.sh's defaults and lpsshd's own.
LPR_LPSSHD_ONLY='^(PreauthUser|PreauthChroot|PreauthUidRange|PerSourcePenalties|PerSourcePenaltyExemptList|PAMServiceName|RekeyAfterAuth|SftpRoot|SftpRootMode) '

start_server() {
  if on_lpsshd; then start_daemon "$@"; return; fi
  [ -x /usr/sbin/sshd ] || fail "LPT_SERVER=openssh needs /usr/sbin/sshd (openssh-server)"
  ensure_host_key
  LPT_NDAEMON=$((LPT_NDAEMON + 1))
  CONFIG=$TMP/sshd.$LPT_NDAEMON.cfg
  write_config "$CONFIG.all" "$@"
  {
    grep -vE "$LPR_LPSSHD_ONLY" "$CONFIG.all"
    # lpsshd's built-in defaults that sshd does not have.
    echo "PidFile none"
    grep -qi '^UsePAM ' "$CONFIG.all" || echo "UsePAM no"
    grep -qi '^Subsystem ' "$CONFIG.all" || echo "Subsystem sftp internal-sftp"
    # lpsshd has no post-quantum hybrid; OpenSSH 9.2 prefers it, and its
    # key generation makes every rekey of a RekeyLimit=1M transfer slow.
    grep -qi '^KexAlgorithms ' "$CONFIG.all" || echo "KexAlgorithms -sntrup*"
  } >"$CONFIG"
  # sshd's privilege separation directory (a tmpfs path, made by its service).
  mkdir -p /run/sshd
  PORT=$(pick_port)
  LOG=$TMP/sshd.$LPT_NDAEMON.log
  /usr/sbin/sshd -D -e -f "$CONFIG" -p "$PORT" >"$LOG" 2>&1 &
  DPID=$!
  LPT_DAEMONS+=("$DPID")
  wait_for 10 lpt_daemon_ready
  { lpt_listening && pid_alive "$DPID"; } || fail "sshd did not start (config $CONFIG)"
  write_known_hosts
}
