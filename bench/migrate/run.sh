#!/bin/sh
# run.sh: the migration benchmark. `mig gen tools --kind mixed` writes N
# (default 100000) legacy tools of every family; plan.mig (scan, read,
# normalize, registry.put into SQLite, after a checkpoint) migrates them,
# then `mig rollback` undoes the run, its digest verified ("match").
# Against it, the floor (bench_migrate_floor: the same reader, normaliser
# and validator calls in a loop, the same descriptors inserted into
# SQLite in one transaction, nothing else). Targets: run / floor <= 1.5,
# rollback < 2 s. ROUNDS rounds (default 3) in each place of PLACES
# (default "tmpfs disk": /dev/shm, and BENCH_OUT on disk); the round of
# the median ratio and the median rollback are reported. GROWTH=1 adds
# one round on tmpfs at G/8, G/4, G/2 and G (tools per second at each),
# G being GROWTH_N (default N).
# The run's durability is DURABILITY (default grouped; full for
# --durability full).
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 when
# the benchmark could not run or a check failed (the registry does not
# hold what the floor stored, a rollback that does not say "match", or
# that leaves records behind).
#
# usage: sh bench/migrate/run.sh MIG_BINARY [N]
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-100000}
rounds=${ROUNDS:-3}
places=${PLACES:-tmpfs disk}
dur=${DURABILITY:-grouped}
build=$(cd "$(dirname "$mig")/.." && pwd)
floor=$build/bench/bench_migrate_floor
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$mig" ] || die "'$mig' is not an executable"
[ -x "$floor" ] || die "'$floor' is missing; build the bench targets of $build first"
command -v sqlite3 > /dev/null || die "the sqlite3 program is needed to count the registry"
out=${BENCH_OUT:-$here/../out/migrate}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$here/../lib.sh"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for the CPU times"
count() { sqlite3 "$1" "SELECT (SELECT count(*) FROM tools) + (SELECT count(*) FROM backends)"; }

# The folder of place $1 for $2 tools.
place_dir() {
  case $1 in
    tmpfs) [ -d /dev/shm ] || die "no /dev/shm here for tmpfs"
           echo "/dev/shm/mig-bench-migrate-$$/$2" ;;
    disk) echo "$out/disk/$2" ;;
    *) die "unknown place '$1' (tmpfs or disk)" ;;
  esac
}
cleanup() { rm -rf "/dev/shm/mig-bench-migrate-$$"; }
trap cleanup EXIT

# Generates $2 tools in $1 (once per place and size).
prepare() {
  rm -rf "$1"
  mkdir -p "$1"
  cp "$here/plan.mig" "$1/plan.mig"
  "$mig" gen tools --kind mixed --count "$2" --seed 1 --out "$1/legacy" \
    > "$1/gen.log" || die "mig gen failed: $(cat "$1/gen.log")"
}

# One round in $1: the floor, the run, the rollback. Appends
# "RATIO RUN FLOOR ROLLBACK RECORDS CPU-RATIO RUN-CPU FLOOR-CPU ROLLBACK-CPU"
# to $1/rounds.
round() {
  w=$1
  rm -rf "$w/.mig" "$w/registry.db" "$w/floor.db"
  sync
  cpu_file=$w/floor.cpu; : > "$cpu_file"
  t0=$(now); timed "$floor" "$w" legacy floor.db > "$w/floor.log"; t1=$(now)
  floor_s=$(elapsed "$t0" "$t1")
  floor_c=$(cpu_of)
  recs=$(awk '{ print $1 }' "$w/floor.log")
  sync
  cpu_file=$w/run.cpu; : > "$cpu_file"
  t0=$(now)
  (cd "$w" && timed "$mig" run plan.mig --durability "$dur" --quiet > "$w/run.log" 2>&1) \
    || die "mig run failed in $w: $(tail -5 "$w/run.log")"
  t1=$(now)
  run_s=$(elapsed "$t0" "$t1")
  run_c=$(cpu_of)
  got=$(count "$w/registry.db")
  [ "$got" = "$recs" ] || die "the registry holds $got records, the floor $recs"
  sync
  cpu_file=$w/rollback.cpu; : > "$cpu_file"
  t0=$(now); (cd "$w" && timed "$mig" rollback last > "$w/rollback.log" 2>&1) || true; t1=$(now)
  rb_s=$(elapsed "$t0" "$t1")
  rb_c=$(cpu_of)
  grep -q "the managed resources match the checkpoint" "$w/rollback.log" \
    || die "the rollback did not verify: $(tail -3 "$w/rollback.log")"
  left=$(count "$w/registry.db")
  [ "$left" = 0 ] || die "the rollback left $left records"
  awk -v r="$run_s" -v f="$floor_s" -v b="$rb_s" -v n="$recs" \
      -v rc="$run_c" -v fc="$floor_c" -v bc="$rb_c" \
    'BEGIN { printf "%.3f %.4f %.4f %.4f %d %.3f %.2f %.2f %.2f\n", r / f, r, f, b, n,
             rc / (fc > 0 ? fc : 0.01), rc, fc, bc }' >> "$w/rounds"
}

status=0
printf '%-6s %9s %9s %10s %9s %8s %11s %8s\n' place records "run s" "tools/s" "floor s" ratio "rollback s" verdict
for p in $places; do
  w=$(place_dir "$p" "$n")
  prepare "$w" "$n"
  : > "$w/rounds"
  i=0
  while [ "$i" -lt "$rounds" ]; do round "$w"; i=$((i + 1)); done
  set -- $(median < "$w/rounds")
  ratio=$1 run_s=$2 floor_s=$3 recs=$5
  rb_s=$(awk '{ print $4 }' "$w/rounds" | median)
  tps=$(awk -v n="$recs" -v r="$run_s" 'BEGIN { printf "%.0f", n / r }')
  printf '%-6s %9s %9s %10s %9s %8s %11s %8s\n' "$p" "$recs" "$run_s" "$tps" "$floor_s" "$ratio" "$rb_s" match
  cr=$(awk '{ print $6 }' "$w/rounds" | median)
  rbc=$(awk '{ print $9 }' "$w/rounds" | median)
  echo "  CPU (user + system): run / floor $cr (median), rollback $rbc s (median)"
  echo "  rounds (ratio run floor rollback records; CPU: ratio run floor rollback):"
  sed 's/^/    /' "$w/rounds"
  awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' && v=PASS || { v=FAIL; status=1; }
  echo "  run / floor <= 1.5: $v"
  awk -v r="$rb_s" 'BEGIN { exit !(r < 2) }' && v=PASS || { v=FAIL; status=1; }
  echo "  rollback < 2 s: $v"
  rm -rf "$w"
done
echo "durability: $dur (mig run --durability $dur); rounds: $rounds"

if [ "${GROWTH:-0}" = 1 ]; then
  echo "growth (tmpfs, one round each):"
  printf '  %9s %9s %10s %9s %8s %11s %10s %8s %8s\n' records "run s" "tools/s" "floor s" ratio "rollback s" "CPU ratio" "run CPU" "rb CPU"
  for k in 8 4 2 1; do
    m=$((${GROWTH_N:-$n} / k))
    w=$(place_dir tmpfs "$m")
    prepare "$w" "$m"
    : > "$w/rounds"
    round "$w"
    set -- $(cat "$w/rounds")
    tps=$(awk -v n="$5" -v r="$2" 'BEGIN { printf "%.0f", n / r }')
    printf '  %9s %9s %10s %9s %8s %11s %10s %8s %8s\n' "$5" "$2" "$tps" "$3" "$1" "$4" "$6" "$7" "$9"
    rm -rf "$w"
  done
fi
exit "$status"
