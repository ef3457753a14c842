#!/bin/sh
# Hostile inputs as data: each folder tests/hostile/NAME/ is one case, a plan,
# Lua modules or data files written to hang mig, exhaust its memory or read
# outside its folder, with the outcome mig must give instead.
#
#   NAME/cmd       one line of mig arguments, run inside a scratch copy of the
#                  folder (e.g. "check plan.mig"); the word STDIN_ZERO at its
#                  end means standard input is /dev/zero (else /dev/null)
#   NAME/expected  first line "exit N", the exact status; then lines that must
#                  each appear verbatim somewhere in stdout+stderr; optionally
#                  "seconds S" and "rss_mb M", the case's limits on wall-clock
#                  time and on the peak resident memory of mig's process tree
#                  (defaults 10 s and 256 MB)
#
#   run.sh MIG DIR [SCALE]
#
# SCALE (default 1) multiplies both limits; the sanitizer build passes 4, as
# ASan keeps freed memory in quarantine and runs slower. Memory is measured as
# resident memory (an address-space limit would break the sanitizer build):
# the sum over the process group, sampled every 50 ms, with the group killed
# as soon as it passes the limit, and the largest process's own peak as
# reported by wait4 (/usr/bin/time), which catches what a sample misses.
# Prints one line per failure (with the start of the output) and ends with
# "N passed, N failed"; exits 1 when any case failed.
set -u
mig=$1
dir=$2
scale=${3:-1}
case $mig in /*) ;; *) mig=$(pwd)/$mig ;; esac
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
gnutime=/usr/bin/time
[ -x "$gnutime" ] || gnutime=
work=$(mktemp -d "${TMPDIR:-/tmp}/mig-hostile.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# watch PGID LIMIT_KB FILE: samples the group's resident memory until it is
# gone, keeps the peak in FILE, kills the group past LIMIT_KB (FILE.over).
watch() {
    peak=0
    while kill -0 "$1" 2>/dev/null; do
        kb=$(ps -eo pgid=,rss= | awk -v g="$1" '$1 == g { s += $2 } END { print s + 0 }')
        if [ "$kb" -gt "$peak" ]; then
            peak=$kb
            echo "$peak" >"$3"
        fi
        if [ "$kb" -gt "$2" ]; then
            kill -KILL "-$1" 2>/dev/null
            : >"$3.over"
            break
        fi
        sleep 0.05
    done
}

# fail NAME WHY: counts a failure and prints it with the start of the output.
fail() {
    failed=$((failed + 1))
    echo "FAIL: $1: $2"
    head -c 2000 "$work/out" | head -n 20 | sed 's/^/    /'
}

for case_dir in "$dir"/*/; do
    case_dir=${case_dir%/}
    name=${case_dir##*/}
    [ -f "$case_dir/cmd" ] || continue
    if [ ! -f "$case_dir/expected" ]; then
        : >"$work/out"
        fail "$name" "no expected file"
        continue
    fi
    args=$(head -n 1 "$case_dir/cmd")
    input=/dev/null
    case $args in
        *" STDIN_ZERO") args=${args% STDIN_ZERO}; input=/dev/zero ;;
    esac
    want=$(sed -n '1s/^exit \([0-9][0-9]*\)$/\1/p' "$case_dir/expected")
    seconds=$(sed -n 's/^seconds \([0-9.][0-9.]*\)$/\1/p' "$case_dir/expected")
    rss_mb=$(sed -n 's/^rss_mb \([0-9][0-9]*\)$/\1/p' "$case_dir/expected")
    seconds=$(awk -v s="${seconds:-10}" -v f="$scale" 'BEGIN { print s * f }')
    limit_kb=$(awk -v m="${rss_mb:-256}" -v f="$scale" 'BEGIN { printf "%d", m * f * 1024 }')
    if [ -z "$want" ]; then
        : >"$work/out"
        fail "$name" "the first line of expected is not 'exit N'"
        continue
    fi
    scratch=$work/$name
    mkdir "$scratch" && cp -R "$case_dir/." "$scratch/" || exit 2
    rm -f "$work/peak" "$work/peak.over" "$work/maxrss"
    start=$(date +%s%N)
    # timeout makes itself the leader of a new process group, which it kills
    # whole when the time is up; the watcher samples and kills that group.
    # shellcheck disable=SC2086 # the arguments are words on purpose
    (cd "$scratch" && HOME=$scratch NO_COLOR=1 exec timeout -s KILL "$seconds" \
        ${gnutime:+"$gnutime" -q -f %M -o "$work/maxrss"} "$mig" $args \
        <"$input" >"$work/out" 2>&1) &
    pid=$!
    # The subshell execs timeout, so the group's id is its pid.
    watch "$pid" "$limit_kb" "$work/peak" &
    watcher=$!
    wait "$pid"
    got=$?
    wait "$watcher"
    ms=$((($(date +%s%N) - start) / 1000000))
    peak_kb=$(cat "$work/peak" 2>/dev/null || echo 0)
    own_kb=$(sed -n 's/^\([0-9][0-9]*\)$/\1/p' "$work/maxrss" 2>/dev/null | tail -n 1)
    [ "${own_kb:-0}" -gt "$peak_kb" ] && peak_kb=$own_kb
    rm -rf "$scratch"
    if [ -e "$work/peak.over" ] || [ "$peak_kb" -gt "$limit_kb" ]; then
        fail "$name" "peak resident memory $((peak_kb / 1024)) MB, over the limit of $((limit_kb / 1024)) MB"
        continue
    fi
    if [ "$got" -eq 124 ] || [ "$got" -eq 137 ]; then
        fail "$name" "still running after $seconds s: killed (exit $got)"
        continue
    fi
    if [ "$got" -ne "$want" ]; then
        fail "$name" "exit $got, expected exit $want ($ms ms)"
        continue
    fi
    missing=
    n=0
    while IFS= read -r line; do
        n=$((n + 1))
        [ "$n" -eq 1 ] && continue
        case $line in
            "") continue ;;
            "seconds "* | "rss_mb "*)
                printf '%s\n' "$line" | grep -q -E '^(seconds [0-9.]+|rss_mb [0-9]+)$' && continue ;;
        esac
        grep -F -q -e "$line" "$work/out" || { missing=$line; break; }
    done <"$case_dir/expected"
    if [ -n "$missing" ]; then
        fail "$name" "the output lacks: $missing"
        continue
    fi
    passed=$((passed + 1))
done
if [ $((passed + failed)) -eq 0 ]; then
    echo "run.sh: no cases in $dir" >&2
    failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
