#!/bin/sh
# Installs what is missing, builds with warnings as errors, and runs every
# test: unit and integration tests (ctest, as root, real users and the real
# OpenSSH client), the unit suite again under ASan+UBSan, the integration
# tests that take the hostile-child and raw-client attacks (hostile, escape,
# attacks) against the daemon built with ASan+UBSan (a report there is fatal
# and in the daemon log, where those tests look for it:
# sanitizer/daemon_options.cpp), then each libFuzzer target for a short
# bounded time.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLPSSHD_WERROR=ON >/dev/null
cmake --build build -j2
(cd build && ctest --output-on-failure)
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLPSSHD_SANITIZE=ON -DLPSSHD_WERROR=ON >/dev/null
cmake --build build-asan -j2
(cd build-asan && ctest -L unit --output-on-failure -j2)
(cd build-asan && ctest -R '^integration_(hostile|escape|attacks)_test$' --output-on-failure)
scripts/fuzz.sh 20
echo "all tests passed"
