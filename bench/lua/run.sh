#!/bin/sh
# run.sh: the Lua bridge benchmark. Runs bench_lua_runner (runner.c): CALLS
# calls (default 100,000) of bench/lua/adapter.lua's to_v2 on a legacy tool
# of ten fields through the bridge, as the runtime makes them (a mig map
# in, a map out, under the sandbox's limits), against a floor in the same
# process that calls the same function through the plain Lua C API with
# the table built by hand; ROUNDS rounds of each, interleaved, pinned to
# CPU 0. Prints the machine, calls per second, and the ratio of the
# bridge's time to the floor's, PASS or FAIL against the target (at most
# 2). Exit status: 0 when the target is met, 1 when not, 2 when the
# benchmark could not run. Results are kept in bench/RESULTS.md.
#
# usage: sh bench/lua/run.sh MIG_BINARY [CALLS]
#   MIG_BINARY is BUILD/cli/mig; the runner is taken from BUILD/bench/ of
#   the same build, which this script does not build. Environment: ROUNDS
#   (default 5).
set -eu

die() {
    echo "run.sh: $*" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    die "usage: run.sh MIG_BINARY [CALLS]"
fi
mig=$1
calls=${2:-100000}
rounds=${ROUNDS:-5}
[ -x "$mig" ] || die "'$mig' is not an executable"
build=$(cd "$(dirname "$mig")/.." && pwd)
runner=$build/bench/bench_lua_runner
[ -x "$runner" ] || die "'$runner' is missing; build the bench targets of $build first"
here=$(cd "$(dirname "$0")" && pwd)

cache_var() {
    sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null
}
build_type=$(cache_var CMAKE_BUILD_TYPE)
cc=$(cache_var CMAKE_C_COMPILER)
src=$(cache_var CMAKE_HOME_DIRECTORY)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
commit=$(git -C "${src:-$here}" describe --always --dirty 2>/dev/null || echo unknown)
lua=$(pkg-config --modversion lua5.4 2>/dev/null || echo '?')

echo "lua benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine:  ${model:-unknown CPU}, $(nproc 2>/dev/null || echo '?') CPUs, $(uname -sm)"
echo "  compiler: $("${cc:-cc}" --version 2>/dev/null | head -n 1); Lua $lua"
echo "  build:    $build (${build_type:-no build type}), source at $commit"
if [ "$build_type" != Release ]; then
    echo "  warning:  not a Release build; the figures do not count against the target"
fi
pin=
if command -v taskset >/dev/null 2>&1; then
    pin="taskset -c 0"
fi
echo "  method:   $rounds rounds of $calls calls each way, interleaved, ${pin:-not pinned}"
echo

# $pin is empty or "taskset -c 0": split on purpose.
# shellcheck disable=SC2086
$pin "$runner" -n "$calls" -r "$rounds" --target 2 "$here/adapter.lua"
