#!/bin/sh
# run.sh: the parse benchmark. Generates a plan of SIZE bytes (default 5 MB)
# with bench_parse_gen (which writes the plan's Lua modules beside it, in
# lib/, for the static checks to find), then times the floor
# (bench_parse_floor: read the file, count its lines) and each measured mig
# command on it, RUNS times each (default 5), pinned to CPU 0. Prints best
# and median wall time, MB/s (MB = 10^6 bytes), the ratio to the floor, peak
# RSS, and PASS/FAIL against the targets. Exit status: 0 when every target
# is met, 1 when one is not, 2 when the benchmark could not run. Results are
# kept in bench/RESULTS.md. Then the growth of "check+graph" from SIZE/8 to
# SIZE, doubling (not judged).
#
# usage: sh bench/parse/run.sh MIG_BINARY [SIZE_BYTES]
#   MIG_BINARY is BUILD/cli/mig; the helpers are taken from BUILD/bench/ of
#   the same build, which this script does not build. Environment: RUNS
#   (runs per command), BENCH_OUT (where the plan is written; default
#   bench/out/parse, which git ignores).
set -eu

die() {
    echo "run.sh: $*" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    die "usage: run.sh MIG_BINARY [SIZE_BYTES]"
fi
mig=$1
size=${2:-5000000}
runs=${RUNS:-5}
[ -x "$mig" ] || die "'$mig' is not an executable"
build=$(cd "$(dirname "$mig")/.." && pwd)
gen=$build/bench/bench_parse_gen
floor=$build/bench/bench_parse_floor
for p in "$gen" "$floor"; do
    [ -x "$p" ] || die "'$p' is missing; build the bench targets of $build first"
done
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/parse}
mkdir -p "$out"
out=$(cd "$out" && pwd)
plan=$out/plan.mig

# ---- tools: the clock, the pinning, the memory meter --------------------

case $(date +%N) in
    *[!0-9]*|'') die "date +%N does not give nanoseconds here (GNU date is needed)" ;;
esac
now() {
    date +%s.%N
}

pin=
if command -v taskset >/dev/null 2>&1; then
    pin="taskset -c 0"
fi

# Peak RSS comes from GNU time's %M (KiB); without it the memory figure and
# its target are skipped, and the report says so.
timer=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$out/rss" true 2>/dev/null &&
   grep -q '^[0-9][0-9]*$' "$out/rss"; then
    timer=/usr/bin/time
fi

# ---- the machine and the build -----------------------------------------

cache_var() {
    sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt" 2>/dev/null
}
build_type=$(cache_var CMAKE_BUILD_TYPE)
cc=$(cache_var CMAKE_C_COMPILER)
src=$(cache_var CMAKE_HOME_DIRECTORY)
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)
commit=$(git -C "${src:-$here}" describe --always --dirty 2>/dev/null || echo unknown)

echo "parse benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine:  ${model:-unknown CPU}, $(nproc 2>/dev/null || echo '?') CPUs, ${mem:-? GiB} RAM, $(uname -sm)"
echo "  compiler: $("${cc:-cc}" --version 2>/dev/null | head -n 1)"
echo "  build:    $build (${build_type:-no build type}), source at $commit"
if [ "$build_type" != Release ]; then
    echo "  warning:  not a Release build; the figures do not count against the targets"
fi

# ---- the input -----------------------------------------------------------

"$gen" -o "$plan" "$size" || die "bench_parse_gen failed"
bytes=$(wc -c < "$plan" | tr -d ' ')
if ! summary=$("$mig" check "$plan" 2> "$out/check.err"); then
    head -n 20 "$out/check.err" >&2
    die "mig check does not accept the generated plan (first errors above)"
fi
warnings=$(grep -c ': warning: ' "$out/check.err" || true)
rm -f "$out/check.err"
echo "  input:    $plan, $bytes bytes"
echo "            ${summary#*: ok: }, $warnings warnings"
pinning="not pinned (no taskset)"
[ -z "$pin" ] || pinning="pinned with \"$pin\""
echo "  method:   $runs runs per command, $pinning; wall time from"
echo "            \"date +%s.%N\" around each run; MB = 10^6 bytes; peak RSS from"
if [ -n "$timer" ]; then
    echo "            \"/usr/bin/time -f %M\" in one more run"
else
    echo "            nothing: /usr/bin/time -f %M is not available, so it is NOT measured"
fi
echo

# ---- measuring -----------------------------------------------------------

failed=0
base=

# Prints the median of the numbers on standard input, one a line.
median() {
    sort -n | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]
              else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_runs NAME CMD...: runs CMD $runs times, pinned, and sets best and med
# to the fastest and the median wall time in seconds.
time_runs() {
    name=$1
    shift
    : > "$out/times"
    i=0
    while [ "$i" -lt "$runs" ]; do
        t0=$(now)
        # $pin is empty or "taskset -c 0": split on purpose.
        # shellcheck disable=SC2086
        $pin "$@" > /dev/null || die "$name exited with status $? (run $i)"
        t1=$(now)
        echo "$t0 $t1" | awk '{ printf "%.6f\n", $2 - $1 }' >> "$out/times"
        i=$((i + 1))
    done
    best=$(sort -n "$out/times" | head -n 1)
    med=$(median < "$out/times")
}

# measure NAME MIN_MBPS MAX_RSS_X CMD...: times CMD and prints a row of the
# table; the first command measured is the floor, and every later one is
# compared with it. MIN_MBPS and MAX_RSS_X are the targets, "-" for none,
# judged on the median time; the verdicts are printed after the table.
targets=
measure() {
    name=$1 min=$2 max_rss=$3
    shift 3
    time_runs "$name" "$@"
    rss_kib=
    if [ -n "$timer" ]; then
        # shellcheck disable=SC2086
        $timer -f %M -o "$out/rss" $pin "$@" > /dev/null || die "$name failed under $timer"
        rss_kib=$(tail -n 1 "$out/rss")
    fi
    [ -n "$base" ] || base=$med
    row=$(awk -v b="$bytes" -v best="$best" -v med="$med" -v base="$base" \
              -v rss="$rss_kib" -v name="$name" 'BEGIN {
        if (rss != "")
            mem = sprintf("%8.1f MiB %8.2fx", rss / 1024, rss * 1024 / b)
        else
            mem = sprintf("%12s %9s", "n/a", "n/a")
        printf "%-12s %9.4f %9.4f %9.1f %9.1f %8.1fx %s\n", name, best, med,
               b / best / 1e6, b / med / 1e6, med / base, mem }')
    echo "$row"
    if [ "$min" != - ]; then
        mbps=$(awk -v b="$bytes" -v t="$med" 'BEGIN { printf "%.1f", b / t / 1e6 }')
        ok=$(awk -v v="$mbps" -v m="$min" 'BEGIN { print (v >= m) ? "PASS" : "FAIL" }')
        targets="$targets
$name|>= $min MB/s (median)|$ok|$mbps MB/s"
    fi
    if [ "$max_rss" != - ]; then
        if [ -n "$rss_kib" ]; then
            x=$(awk -v r="$rss_kib" -v b="$bytes" 'BEGIN { printf "%.2f", r * 1024 / b }')
            ok=$(awk -v v="$x" -v m="$max_rss" 'BEGIN { print (v < m) ? "PASS" : "FAIL" }')
            targets="$targets
$name|peak RSS < ${max_rss}x input|$ok|${x}x, $rss_kib KiB"
        else
            targets="$targets
$name|peak RSS < ${max_rss}x input|SKIP|not measured: no /usr/bin/time -f %M"
        fi
    fi
    case $targets in
        *FAIL*) failed=1 ;;
    esac
}

printf '%-12s %9s %9s %9s %9s %9s %12s %9s\n' command "best s" "median s" \
       "MB/s best" "MB/s med" "x floor" "peak RSS" "RSS/input"

# The measured commands: NAME, minimum MB/s, maximum peak RSS as a multiple
# of the input ("-": no target), then the command. The floor comes first.
# "front end" is the parser with its context rules (mig check
# --syntax-only); "check+graph" is all of mig check: the front end, then
# the static checks (names, calls, types, constant folding, undo,
# rollbacks, retry policies: interpreter/check*.c), then compiling the
# execution graph with its whole-plan checks.
measure floor - - "$floor" "$plan"
measure "front end" 20 10 "$mig" check --syntax-only --quiet "$plan"
measure "check+graph" 15 - "$mig" check --quiet "$plan"

# How much of every row is starting a process and reading the clock.
if [ -x /bin/true ]; then
    time_runs /bin/true /bin/true
    awk -v best="$best" -v med="$med" 'BEGIN { printf "(every row includes " \
        "starting a process and reading the clock: /bin/true takes %.4f s " \
        "best, %.4f s median)\n", best, med }'
fi

# Growth: "check+graph" again on the generator's plans of SIZE/8, SIZE/4
# and SIZE/2 bytes (same seed, same shapes in the same shares), so that a
# cost that grows faster than the input shows as a ratio above 2 between
# one size and the next. Not judged; RUNS runs each, the median.
echo
echo "growth of check+graph (median of $runs runs; x prev: over the size before):"
printf '  %-10s %9s %9s %9s\n' bytes "median s" "MB/s" "x prev"
prev=
for div in 8 4 2 1; do
    gsize=$((size / div))
    [ "$gsize" -ge 4096 ] || continue       # the generator's least size
    gplan=$out/growth.mig
    if [ "$div" -eq 1 ]; then
        gplan=$plan
    else
        "$gen" -o "$gplan" "$gsize" || die "bench_parse_gen failed at $gsize bytes"
    fi
    gbytes=$(wc -c < "$gplan" | tr -d ' ')
    time_runs "check+graph" "$mig" check --quiet "$gplan"
    awk -v b="$gbytes" -v t="$med" -v p="$prev" 'BEGIN {
        printf "  %-10d %9.4f %9.1f %9s\n", b, t, b / t / 1e6,
               p == "" ? "-" : sprintf("%.2fx", t / p) }'
    prev=$med
done
rm -f "$out/growth.mig"

echo
echo "targets, on the median run (x floor: median time over the floor's median):"
printf '%s\n' "$targets" | while IFS='|' read -r name what verdict value; do
    [ -z "$name" ] || printf '  %-12s %-30s %s (%s)\n' "$name" "$what" "$verdict" "$value"
done
rm -f "$out/times" "$out/rss"
exit "$failed"
