#!/bin/sh
# run.sh: the export benchmark (issue 16 item 9). For each shape of plan
# bench_export_gen writes (chained stages, stages after nothing, a wide
# stage, deep nests of foreach and retry, checkpoints, ifs, handlers) and
# for the parse benchmark's own plan (bench_parse_gen, which no shape was
# written for), at 1x, 2x, 4x and 8x a base size, it times each export
# format (json, dot, mermaid, bpmn), `mig graph --json` and `mig plan`,
# ROUNDS times each (default 5), pinned to CPU 0, and the floor of the
# parse benchmark (bench_parse_floor: read the plan, count its lines) on
# the same plan. Prints per shape, size and command the median wall time
# and the median CPU time, the CPU time's ratio to the floor's, peak RSS,
# and the growth: the CPU time at 8x over the CPU time at 1x. Linear is
# 8x, quadratic 64x; the target is at most 12x (n^1.2, above what n log n
# gives at these sizes).
#
# usage: sh bench/export/run.sh MIG_BINARY [BASE]
#   BASE (default 2500) is the count of the shapes at 1x (8x: 20,000
#   chained stages, the size of issue 16); the parse plan is BASE * 100
#   bytes at 1x. The helpers come from BUILD/bench/ of the same build,
#   which this script does not build. Environment: ROUNDS, SHAPES (a
#   space-separated subset, "parse" for the parse plan), BENCH_OUT (where
#   the plans go; default bench/out/export, which git ignores). Exit
#   status: 0 when every growth meets the target, 1 when one does not, 2
#   when the benchmark could not run. Results: bench/RESULTS.md.
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [BASE]"
[ -x "$1" ] || die "'$1' is not an executable"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
base=${2:-2500}
rounds=${ROUNDS:-5}
build=$(cd "$(dirname "$mig")/.." && pwd)
gen=$build/bench/bench_export_gen
pgen=$build/bench/bench_parse_gen
floor=$build/bench/bench_parse_floor
for p in "$gen" "$pgen" "$floor"; do
    [ -x "$p" ] || die "'$p' is missing; build the bench targets of $build first"
done
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/export}
mkdir -p "$out"
out=$(cd "$out" && pwd)
shapes=${SHAPES:-"$("$gen" --list | cut -f 1 | tr '\n' ' ')parse"}
pin=
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"
case $(date +%N) in
    *[!0-9]*|'') die "date +%N does not give nanoseconds here (GNU date is needed)" ;;
esac
# CPU time from perf when it can count this process's task clock: on a
# loaded machine (several builds on two CPUs) the wall time measures the
# load; the CPU time does not.
perf=
if command -v perf >/dev/null 2>&1 &&
   perf stat -x, -e task-clock -o "$out/perf" true 2>/dev/null &&
   grep -q task-clock "$out/perf"; then
    perf="perf stat -x, -e task-clock -o $out/perf"
fi
timer=
[ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$out/rss" true 2>/dev/null &&
    timer=/usr/bin/time

src=$(sed -n 's/^CMAKE_HOME_DIRECTORY:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null)
echo "export benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "  machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(nproc) CPUs, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "  build:   $build ($(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")), source at $(git -C "${src:-$here}" describe --always --dirty 2>/dev/null || echo unknown)"
echo "  method:  $rounds rounds per command, median wall time (date +%s.%N) and"
how="perf stat -e task-clock"
[ -n "$perf" ] || how="no perf here: the wall time again"
echo "           median CPU time ($how), ${pin:-not pinned}; base $base"
echo "           x floor and growth are of the CPU time"
echo

# median: the median of the numbers on standard input, one a line.
median() {
    sort -n | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]
        else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ran STATUS CMD...: whether CMD ran through: exit 0, or for `mig plan`
# exit 1 (it foresees a failure: the parse plan reads files it has not).
ran() {
    [ "$1" -eq 0 ] || { [ "$1" -eq 1 ] && [ "$3" = plan ]; }
}

# timed CMD...: runs CMD ROUNDS times and sets wall and cpu to the median
# wall time and the median CPU time (user + system, "perf stat -e
# task-clock"; the wall time again without perf), in seconds.
timed() {
    : > "$out/times"
    i=0
    while [ "$i" -lt "$rounds" ]; do
        t0=$(date +%s.%N)
        rc=0
        # shellcheck disable=SC2086 # $pin and $perf are empty or words
        $pin $perf "$@" > /dev/null 2> "$out/err" || rc=$?
        ran "$rc" "$@" || { head -n 5 "$out/err" >&2; die "'$*' failed"; }
        t1=$(date +%s.%N)
        ms=$(awk -F, '$3 == "task-clock" { printf "%.6f", $1 / 1000 }' \
                 "$out/perf" 2>/dev/null)
        echo "$t0 $t1 ${ms:-x}" | awk '{ printf "%.6f %s\n", $2 - $1,
            $3 == "x" ? $2 - $1 : $3 }' >> "$out/times"
        i=$((i + 1))
    done
    wall=$(cut -d ' ' -f 1 "$out/times" | median)
    cpu=$(cut -d ' ' -f 2 "$out/times" | median)
}

# rss CMD...: the peak RSS of one run of CMD, in MiB ("n/a" without GNU time).
rss() {
    if [ -z "$timer" ]; then
        echo n/a
        return
    fi
    rc=0
    $timer -f %M -o "$out/rss" "$@" > /dev/null 2>&1 || rc=$?
    ran "$rc" "$@" || die "'$*' failed"
    tail -n 1 "$out/rss" | awk '{ printf "%.1f\n", $1 / 1024 }'
}

# plan SHAPE SCALE: writes the plan of SHAPE at SCALE, prints its path.
plan() {
    p=$out/$1-$2.mig
    if [ "$1" = parse ]; then
        "$pgen" -o "$p" $((base * 100 * $2)) || die "bench_parse_gen failed"
    else
        "$gen" "$1" $((base * $2)) > "$p" || die "bench_export_gen failed"
    fi
    "$mig" check --quiet "$p" 2> "$out/err" ||
        { head -n 5 "$out/err" >&2; die "mig check rejects $p"; }
    echo "$p"
}

commands="export:-f:json export:-f:dot export:-f:mermaid export:-f:bpmn graph:--json plan"
failed=0
printf '%-12s %6s %-17s %9s %9s %9s %9s %11s\n' shape count command \
       "wall s" "cpu s" "x floor" "peak MiB" growth
for shape in $shapes; do
    for scale in 1 2 4 8; do
        p=$(plan "$shape" "$scale")
        lines=$(wc -l < "$p" | tr -d ' ')
        timed "$floor" "$p"
        f=$cpu
        count=$((base * scale))
        [ "$shape" = parse ] && count="${lines}l"
        printf '%-12s %6s %-17s %9.4f %9.4f %9s %9s %11s\n' "$shape" \
               "$count" floor "$wall" "$cpu" 1.0x "" ""
        for c in $commands; do
            words=$(echo "$c" | tr ':' ' ')
            # shellcheck disable=SC2086 # the command's words
            timed "$mig" $words "$p"
            # shellcheck disable=SC2086
            m=$(rss "$mig" $words "$p")
            key=$(echo "$c" | tr ':' '_')
            growth=
            if [ "$scale" = 1 ]; then
                echo "$cpu" > "$out/first.$key"
            elif [ "$scale" = 8 ]; then
                first=$(cat "$out/first.$key")
                growth=$(awk -v a="$first" -v b="$cpu" \
                             'BEGIN { printf "%.1fx", b / a }')
                if awk -v a="$first" -v b="$cpu" 'BEGIN { exit !(b / a > 12) }'
                then
                    growth="$growth FAIL"
                    failed=1
                fi
            fi
            printf '%-12s %6s %-17s %9.4f %9.4f %8.1fx %9s %11s\n' "$shape" \
                   "$count" "$words" "$wall" "$cpu" "$(awk -v a="$cpu" \
                   -v b="$f" 'BEGIN { print a / b }')" "$m" "$growth"
        done
    done
done
rm -f "$out/times" "$out/err" "$out/rss" "$out/perf" "$out"/first.*
exit "$failed"
