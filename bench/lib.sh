# lib.sh: the clock, the CPU meter and the median that the benchmark
# runners share (sourced: `. "$here/../lib.sh"`). POSIX sh; GNU date and
# GNU time (/usr/bin/time) are needed, as each runner checks.

# The wall clock in seconds, to the nanosecond.
now() { date +%s.%N; }
# The seconds from A to B (two readings of now), to 0.1 ms.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
# Runs "$@" and appends its CPU seconds (user + system, one line) to the
# file $cpu_file: on a shared machine the wall time also holds the waits
# for a core.
cpu_file=
timed() { /usr/bin/time -f "%U %S" -a -o "$cpu_file" "$@"; }
# The CPU seconds of the last command timed into $cpu_file.
cpu_of() { awk 'END { printf "%.2f", $1 + $2 }' "$cpu_file"; }
# The median line of standard input, ordered by its first number: the
# middle one of an odd count, the lower middle one of an even count (a
# line, not a mean, so that a round's other columns come with it).
median() { sort -n | awk '{ v[NR] = $0 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
