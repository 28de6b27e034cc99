#!/bin/sh
# Installs the Debian 12 packages lpsshd builds and tests with.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  cmake g++ make pkg-config libsodium-dev libpam0g-dev libseccomp-dev zlib1g-dev nettle-dev libgmp-dev \
  libgtest-dev clang libclang-rt-14-dev \
  openssh-client openssh-sftp-server rsync sshpass tmux procps python3 iproute2 util-linux curl \
  python3-paramiko python3-asyncssh putty-tools dropbear-bin ssh-audit valgrind strace >/dev/null
# The other clients of tests/integration/clients_test.sh. dropbear-bin holds
# the binaries only (dbclient, dropbearconvert, dropbear): no service and no
# maintainer scripts, so nothing listens after installing it (the `dropbear`
# package would start a server).
# valgrind (on the list above): tests/ctgrind_*.cpp, the constant-time
# checks, include its header and run under it. strace: escape_test.sh holds
# the monitor's first message back with it (a child dead before its HELLO).
# An independent ML-KEM-768 (and X25519) for the known-answer comparison and
# the hybrid key-exchange test client: @noble/post-quantum and @noble/curves
# at the exact versions of tests/tools/noble/package-lock.json. node >= 20.19;
# Debian's nodejs only where no node is installed (Debian 12's is 18, older
# than noble's engines field asks: npm warns, and mlkem768_noble_test is
# where a real incompatibility would show).
if ! command -v node >/dev/null 2>&1; then
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
npm ci --prefix "$(dirname "$0")/../tests/tools/noble" --no-audit --no-fund --loglevel=error >/dev/null
