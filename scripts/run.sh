#!/bin/sh
# Installs what is missing, builds, creates what the daemon needs (host key,
# the unprivileged preauth user, its empty chroot directory) and starts
# lpsshd in the foreground on port 2222 with its built-in defaults.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
build/bin/lpsshd -A
exec build/bin/lpsshd -D -e -p 2222
