#!/bin/sh
# Installs the Debian 12 packages lpsshd builds and tests with.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  cmake g++ make pkg-config libsodium-dev libpam0g-dev libseccomp-dev zlib1g-dev nettle-dev libgmp-dev \
  libgtest-dev clang libclang-rt-14-dev \
  openssh-client openssh-sftp-server rsync sshpass tmux procps python3 iproute2 util-linux curl \
  python3-paramiko python3-asyncssh putty-tools dropbear-bin ssh-audit >/dev/null
# The other clients of tests/integration/clients_test.sh. dropbear-bin holds
# the binaries only (dbclient, dropbearconvert, dropbear): no service and no
# maintainer scripts, so nothing listens after installing it (the `dropbear`
# package would start a server).
