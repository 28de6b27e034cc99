#!/bin/sh
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each on
# its seed corpus for SECONDS (default 60). A crash fails the script and
# leaves the input in build-fuzz/crashes/.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DLPSSHD_FUZZ=ON -DLPSSHD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLPSSHD_WERROR=ON >/dev/null
# The targets registered with lpsshd_fuzz() in fuzz/CMakeLists.txt. Only they
# and the libraries they link are built: the daemon binaries are not fuzzed,
# and the -Werror build of those is scripts/test.sh's job.
targets=$(sed -n 's/^lpsshd_fuzz(\([A-Za-z0-9_]*\)[ )].*/\1/p' fuzz/CMakeLists.txt)
# shellcheck disable=SC2086 # one word per target
cmake --build build-fuzz -j2 --target $targets
mkdir -p build-fuzz/crashes build-fuzz/work
for name in $targets; do
  target=build-fuzz/bin/$name
  work=build-fuzz/work/$name
  seeds=fuzz/corpus/$name
  # A target without seeds starts from nothing and may never reach the
  # parser it is for: that is a broken target, not a quiet one.
  if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
    echo "FAIL: $name has no seed corpus in $seeds" >&2
    exit 1
  fi
  mkdir -p "$work"
  echo "fuzzing $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix=build-fuzz/crashes/"$name"- "$work" "$seeds" \
    2>build-fuzz/work/"$name".log || { tail -40 build-fuzz/work/"$name".log; exit 1; }
  # A target that exits 0 having run nothing (no stats, or the corpus could
  # not be read) would otherwise pass.  libFuzzer counts the seeds it loads
  # (and an empty input) as executed, so "fuzzed at all" means more
  # executions than there are seeds; a working target makes thousands.
  units=$(sed -n 's/^stat::number_of_executed_units: *//p' build-fuzz/work/"$name".log | tail -n 1)
  nseeds=$(ls -A "$seeds" | wc -l)
  echo "stat::number_of_executed_units: ${units:-none} ($nseeds seeds)"
  if [ "${units:-0}" -le "$nseeds" ]; then
    tail -20 build-fuzz/work/"$name".log
    echo "FAIL: $name executed no inputs beyond its $nseeds seeds" >&2
    exit 1
  fi
done
