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
# Prints the times of a benchmark against its floor: the Markdown table
# of the medians of wall and CPU seconds, then each round's and the load
# average before (LOAD0) and now. DIR holds floor.times, run.times,
# floor.cpu and run.cpu (a round a line); ROUNDS rounds; FLOOR and RUN
# label the table's rows, WORD the run's rounds.
# usage: time_table DIR ROUNDS LOAD0 FLOOR RUN WORD
time_table() {
  tf=$(median < "$1/floor.times"); tr_=$(median < "$1/run.times")
  cf=$(median < "$1/floor.cpu"); cr=$(median < "$1/run.cpu")
  echo "| run (median of $2 rounds) | wall s | x floor | CPU s (user + sys) | x floor |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "| $4 | $tf | 1.00 | $cf | 1.00 |"
  awk -v l="$5" -v a="$tr_" -v b="$tf" -v c="$cr" -v d="$cf" 'BEGIN { printf "| %s | %s | %.2f | %s | %.2f |\n", l, a, a / b, c, (d > 0 ? c / d : 0) }'
  echo
  echo "rounds, wall s: floor $(tr '\n' ' ' < "$1/floor.times"); $6 $(tr '\n' ' ' < "$1/run.times")"
  echo "rounds, CPU s: floor $(tr '\n' ' ' < "$1/floor.cpu"); $6 $(tr '\n' ' ' < "$1/run.cpu")"
  echo "load average (1, 5, 15 min): $3 before, $(cut -d' ' -f1-3 /proc/loadavg) after; $(nproc) cores"
}
