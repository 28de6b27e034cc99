#!/bin/sh
# Installs what is missing, builds with warnings as errors, and runs every
# test: unit and integration tests (ctest, as root, real users and the real
# OpenSSH client), then each libFuzzer target for a short bounded time.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLPSSHD_WERROR=ON >/dev/null
cmake --build build -j2
(cd build && ctest --output-on-failure -j2)
scripts/fuzz.sh 20
echo "all tests passed"
