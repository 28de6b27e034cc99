#!/bin/bash
# Start-up refusals (sshd/preflight.cpp), one by one: each setting that would
# leave lpsshd unable to sandbox, authenticate or serve as configured stops
# `lpsshd -t` (which runs the same preflight as a real start) with exit 1 and
# a message naming the problem.  Controls: the test defaults pass, and each
# fixed-up variant (a good PreauthChroot, an existing PAM service, ...) passes
# too, so a refusal is for the reason named, not a config that never worked.
# No daemon is started.  Needs root.
# Usage: preflight_test.sh BINDIR
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
lib_init "${1:-}"
ensure_host_key

# run_t NAME LINE...: `lpsshd -t` on the test defaults plus LINEs; sets T_RC
# and T_OUT.
N=0
run_t() {
  N=$((N + 1))
  local cfg=$TMP/pf.$N.cfg
  write_config "$cfg" "$@"
  T_OUT=$(timeout -k 2 20 "${LPSSHD:-$BINDIR/lpsshd}" -t -f "$cfg" 2>&1)
  T_RC=$?
}
# passes NAME LINE...: -t accepts the configuration.
passes() {
  local name=$1; shift
  run_t "$@"
  expect_eq "control: $name: lpsshd -t exits 0" "0/" "$T_RC/$T_OUT"
}
# refuses NAME ERE LINE...: -t exits 1 with one message matching ERE.
refuses() {
  local name=$1 re=$2; shift 2
  run_t "$@"
  expect_eq "$name: lpsshd -t exits 1" 1 "$T_RC"
  expect_match "$name: says why" "^lpsshd: $re" "$T_OUT"
}

# refuses_key NAME ERE LINE...: as refuses, for what the short-lived monitor
# finds when it loads the keys (its log line has no "lpsshd: " prefix).
refuses_key() {
  local name=$1 re=$2; shift 2
  run_t "$@"
  expect_eq "$name: lpsshd -t exits 1" 1 "$T_RC"
  expect_match "$name: says why" "^host key $re" "$T_OUT"
}

passes "the test defaults"

# ---------------------------------------------------------------- helpers
# lpsshd alone in a directory: the helpers are looked for beside it, then in
# the install directory, which must not hold them for this check to mean much.
mkdir "$TMP/alone"
cp "$BINDIR/lpsshd" "$TMP/alone/lpsshd"
LPSSHD=$TMP/alone/lpsshd run_t
if grep -q "cannot find helper" <<<"$T_OUT" || [ "$T_RC" -ne 0 ]; then
  expect_eq "helpers missing: lpsshd -t exits 1" 1 "$T_RC"
  expect_match "helpers missing: says which" "^lpsshd: cannot find helper /.*/lpsshd-monitor: " "$T_OUT"
else
  skip "helpers missing: lpsshd -t refuses" "lpsshd is installed here: the copy found its helpers"
fi

# ---------------------------------------------------------------- PreauthUser
refuses "PreauthUser that does not exist" "Privilege separation user lpt-no-such-user does not exist" \
  "PreauthUser lpt-no-such-user"
refuses "PreauthUser root (uid 0)" "Privilege separation user root must not have uid or gid 0" \
  "PreauthUser root"

# ---------------------------------------------------------------- PreauthChroot
install -d -m 755 -o root -g root "$TMP/goodroot"
passes "PreauthChroot an empty root-owned 755 directory" "PreauthChroot $TMP/goodroot"
refuses "PreauthChroot missing" "Missing privilege separation directory: $TMP/noroot " \
  "PreauthChroot $TMP/noroot"
: >"$TMP/fileroot"
refuses "PreauthChroot a file" "$TMP/fileroot is not a directory" "PreauthChroot $TMP/fileroot"
install -d -m 775 -o root -g root "$TMP/gwroot"
refuses "PreauthChroot group-writable" "$TMP/gwroot must be owned by root and not group or world-writable" \
  "PreauthChroot $TMP/gwroot"
install -d -m 757 -o root -g root "$TMP/owroot"
refuses "PreauthChroot world-writable" "$TMP/owroot must be owned by root and not group or world-writable" \
  "PreauthChroot $TMP/owroot"
install -d -m 755 -o lpsshd -g root "$TMP/userroot"
refuses "PreauthChroot owned by the lpsshd user" "$TMP/userroot must be owned by root" \
  "PreauthChroot $TMP/userroot"
install -d -m 755 -o root -g root "$TMP/fullroot"
: >"$TMP/fullroot/x"
refuses "PreauthChroot not empty" "$TMP/fullroot must be empty" "PreauthChroot $TMP/fullroot"

# ---------------------------------------------------------------- HostKey
refuses "HostKey file missing" ".*$TMP/no_such_key.*\\(fix: lpsshd -A creates it\\)" \
  "HostKey $TMP/no_such_key"
# `lpsshd -A` creates each missing HostKey file, the type from its name
# (ecdsa, else rsa, else ed25519), private 0600 and .pub 0644, files OpenSSH
# reads.
AK=$TMP/ak
AKCFG=$TMP/ak.cfg
write_config "$AKCFG" "HostKey $AK/ssh_host_ed25519_key" "HostKey $AK/ssh_host_rsa_key" \
  "HostKey $AK/ssh_host_ecdsa_key"
A_OUT=$("$BINDIR/lpsshd" -A -f "$AKCFG" 2>&1)
expect_eq "lpsshd -A with three HostKey files exits 0" "0/" "$?/$A_OUT"
for t in ed25519:ED25519:256 rsa:RSA:3072 ecdsa:ECDSA:256; do
  name=${t%%:*}; rest=${t#*:}; label=${rest%%:*}; bits=${rest#*:}
  f=$AK/ssh_host_${name}_key
  expect_eq "-A: $name key mode 600 root" "600 root regular file" "$(stat -c '%a %U %F' "$f" 2>&1)"
  expect_eq "-A: $name .pub mode 644" "644" "$(stat -c '%a' "$f.pub" 2>&1)"
  expect_match "-A: ssh-keygen -l reads the $name key" "^$bits SHA256:.* \\($label\\)\$" \
    "$(ssh-keygen -l -f "$f" 2>&1)"
  expect_eq "-A: ssh-keygen -y derives the $name .pub" "$(cut -d' ' -f1,2 "$f.pub")" \
    "$(ssh-keygen -y -f "$f" 2>&1 | cut -d' ' -f1,2)"
done
# A second run leaves existing keys alone.
before=$(md5sum "$AK"/ssh_host_*_key)
"$BINDIR/lpsshd" -A -f "$AKCFG" >/dev/null 2>&1
expect_eq "-A again keeps the keys" "$before" "$(md5sum "$AK"/ssh_host_*_key)"

passes "three HostKeys of three types" "HostKey $AK/ssh_host_ed25519_key" \
  "HostKey $AK/ssh_host_rsa_key" "HostKey $AK/ssh_host_ecdsa_key"
refuses_key "the same HostKey twice" "$HOSTKEY: a key of the same type is already loaded from $HOSTKEY" \
  "HostKey $HOSTKEY" "HostKey $HOSTKEY"
refuses_key "two ed25519 HostKeys" \
  "$AK/ssh_host_ed25519_key: a key of the same type is already loaded from $HOSTKEY" \
  "HostKey $HOSTKEY" "HostKey $AK/ssh_host_ed25519_key"
# The file checks hold for every HostKey, not only the first.
install -m 644 "$AK/ssh_host_rsa_key" "$TMP/rsa_0644"
refuses "second HostKey readable by others" ".*$TMP/rsa_0644 is accessible by group or others" \
  "HostKey $HOSTKEY" "HostKey $TMP/rsa_0644"
ln -s "$AK/ssh_host_rsa_key" "$TMP/rsa_link"
refuses "second HostKey a symlink" ".*$TMP/rsa_link is not a regular file" \
  "HostKey $HOSTKEY" "HostKey $TMP/rsa_link"
install -m 600 -o lpsshd "$AK/ssh_host_rsa_key" "$TMP/rsa_notroot"
refuses "second HostKey not owned by root" ".*$TMP/rsa_notroot is not owned by root" \
  "HostKey $HOSTKEY" "HostKey $TMP/rsa_notroot"
refuses "second HostKey missing" ".*$TMP/no_such_rsa.*\\(fix: lpsshd -A creates it\\)" \
  "HostKey $HOSTKEY" "HostKey $TMP/no_such_rsa"
# The built-in HostKey list (/etc/lpsshd/ssh_host_ed25519_key and
# ssh_host_rsa_key), seen through an overlay of /etc in a private mount
# namespace: the real /etc is never written. A missing default key is skipped
# with a line saying so; none at all refuses; -A creates both.
OV=$TMP/etc-overlay
mkdir -p "$OV/up" "$OV/work"
DEFCFG=$TMP/defaults.cfg
printf '%s\n' "ListenAddress 127.0.0.1" "PreauthUser lpsshd" "PreauthChroot /var/empty" \
  "PerSourcePenalties no" >"$DEFCFG"
# in_etc_overlay CMD...: CMD with /etc the overlay (upper layer $OV/up).
in_etc_overlay() {
  unshare -m --propagation private bash -c \
    'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" /etc && shift && exec "$@"' \
    _ "$OV" "$@"
}
if in_etc_overlay rm -rf /etc/lpsshd 2>/dev/null; then
  D_OUT=$(in_etc_overlay "$BINDIR/lpsshd" -t -f "$DEFCFG" 2>&1)
  expect_eq "default HostKeys, none exists: lpsshd -t exits 1" 1 "$?"
  expect_match "default HostKeys, none exists: says ed25519 skipped" \
    "Unable to load host key /etc/lpsshd/ssh_host_ed25519_key: No such file or directory \\(skipped" "$D_OUT"
  expect_match "default HostKeys, none exists: says rsa skipped" \
    "Unable to load host key /etc/lpsshd/ssh_host_rsa_key: No such file or directory \\(skipped" "$D_OUT"
  expect_match "default HostKeys, none exists: refuses, says how to fix" \
    "lpsshd: no host key available: .*\\(fix: lpsshd -A creates them" "$D_OUT"

  D_OUT=$(in_etc_overlay "$BINDIR/lpsshd" -A -f "$DEFCFG" 2>&1)
  expect_eq "default HostKeys: lpsshd -A exits 0" "0/" "$?/$D_OUT"
  for t in ed25519:ED25519:256 rsa:RSA:3072; do
    name=${t%%:*}; rest=${t#*:}; label=${rest%%:*}; bits=${rest#*:}
    f=$OV/up/lpsshd/ssh_host_${name}_key
    expect_eq "default -A: /etc/lpsshd/ssh_host_${name}_key mode 600 root" "600 root regular file" \
      "$(stat -c '%a %U %F' "$f" 2>&1)"
    expect_eq "default -A: ssh_host_${name}_key.pub mode 644" "644" "$(stat -c '%a' "$f.pub" 2>&1)"
    expect_match "default -A: ssh-keygen -l reads the $name key" "^$bits SHA256:.* \\($label\\)\$" \
      "$(ssh-keygen -l -f "$f" 2>&1)"
  done
  D_OUT=$(in_etc_overlay "$BINDIR/lpsshd" -t -f "$DEFCFG" 2>&1)
  expect_eq "default HostKeys, both exist: lpsshd -t exits 0 silently" "0/" "$?/$D_OUT"
  rm -f "$OV/up/lpsshd/ssh_host_rsa_key" "$OV/up/lpsshd/ssh_host_rsa_key.pub"
  D_OUT=$(in_etc_overlay "$BINDIR/lpsshd" -t -f "$DEFCFG" 2>&1)
  expect_eq "default HostKeys, rsa missing: lpsshd -t exits 0" 0 "$?"
  expect_eq "default HostKeys, rsa missing: one line says it is skipped" \
    "lpsshd: Unable to load host key /etc/lpsshd/ssh_host_rsa_key: No such file or directory (skipped; lpsshd -A creates it)" \
    "$D_OUT"
else
  skip "default HostKeys" "no overlay mount of /etc in a private mount namespace here"
fi

# RSA below 2048 bits is refused when the key is loaded, naming the file.
ssh-keygen -q -t rsa -b 1024 -N '' -f "$TMP/rsa1024" >/dev/null
refuses_key "RSA 1024 HostKey" "$TMP/rsa1024: RSA key of 1024 bits is too small" \
  "HostKey $HOSTKEY" "HostKey $TMP/rsa1024"
# HostKeyAlgorithms naming only algorithms of keys not loaded would leave
# every client with "no matching host key type": the monitor that loads the
# keys refuses it at start-up. (The test HostKey is ed25519.)
passes "HostKeyAlgorithms naming the loaded key among others" \
  "HostKeyAlgorithms rsa-sha2-512,ssh-ed25519"
run_t "HostKeyAlgorithms rsa-sha2-512,rsa-sha2-256"
expect_eq "HostKeyAlgorithms matching no loaded key: lpsshd -t exits 1" 1 "$T_RC"
expect_match "HostKeyAlgorithms matching no loaded key: says why" \
  "^HostKeyAlgorithms rsa-sha2-512,rsa-sha2-256 matches none of the host keys loaded, which sign with ssh-ed25519; no client could connect" \
  "$T_OUT"
# "no HostKey configured" cannot be reached from a file: HostKey has a
# built-in default and takes at least one path.

# ---------------------------------------------------------------- PAM
passes "UsePAM yes with the lpsshd service" "UsePAM yes"
refuses "UsePAM yes, PAMServiceName without /etc/pam.d file" \
  "UsePAM yes but /etc/pam.d/lpt-no-such-service is missing" "UsePAM yes" "PAMServiceName lpt-no-such-service"
passes "PasswordAuthentication yes with UsePAM yes" "UsePAM yes" "PasswordAuthentication yes"
refuses "PasswordAuthentication yes, UsePAM no" \
  "PasswordAuthentication and KbdInteractiveAuthentication need UsePAM yes" \
  "UsePAM no" "PasswordAuthentication yes" "KbdInteractiveAuthentication no"
refuses "KbdInteractiveAuthentication yes, UsePAM no" \
  "PasswordAuthentication and KbdInteractiveAuthentication need UsePAM yes" \
  "UsePAM no" "PasswordAuthentication no" "KbdInteractiveAuthentication yes"

# ---------------------------------------------------------------- not yet supported
passes "an external Subsystem" "Subsystem sftp /usr/lib/openssh/sftp-server"
passes "Subsystem internal-sftp with options" "Subsystem sftp internal-sftp -u 022 -l INFO -R"
refuses "internal-sftp with a bad option" "Subsystem sftp: " "Subsystem sftp internal-sftp -x"
refuses "internal-sftp with a bad umask" "Subsystem sftp: " "Subsystem sftp internal-sftp -u 999"
refuses "ForceCommand internal-sftp with a bad option" "ForceCommand: " "ForceCommand internal-sftp -Q"
passes "SftpRoot where Landlock exists" "SftpRoot /srv" "SftpRootMode read-only"
passes "ClientAliveInterval 0" "ClientAliveInterval 0"
refuses "ClientAliveInterval 30" "ClientAliveInterval is not supported" "ClientAliveInterval 30"

finish
