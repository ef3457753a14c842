#!/bin/sh
# run.sh: the runtime benchmark. (a) N (default 100000) journaled
# file.write steps, against the floor (bench_runtime_floor: the same
# writes, temporary file and rename, nothing else): target ratio <= 2.
# (b) a foreach of 10000 items, parallel 10000, each with three
# test.sleep(50ms) steps: target under 1 s. (c) `mig rollback` of (a):
# target under 2 s. (a) and (c) run ROUNDS times (default 3), each round
# with its own floor; the round of the median ratio, and the median
# rollback, are reported, with every round below the table. Prints a
# table and PASS/FAIL per target; exit status 0 when every target is met,
# 1 when one is not, 2 when it could not run.
#
# usage: sh bench/runtime/run.sh MIG_BINARY [N]
#   The floor is taken from BUILD/bench/ of the same build. BENCH_OUT is
#   where the work goes (default bench/out/runtime, which git ignores).
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-100000}
rounds=${ROUNDS:-3}
build=$(cd "$(dirname "$mig")/.." && pwd)
floor=$build/bench/bench_runtime_floor
[ -x "$mig" ] || die "'$mig' is not an executable"
[ -x "$floor" ] || die "'$floor' is missing; build the bench targets of $build first"
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/runtime}
rm -rf "$out"
# The kernel goes on freeing a previous run's 300,000 files for a while
# after rm returns (deferred dentry and inode frees), on both cores: let
# it finish before anything is timed.
sync
sleep 3
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$here/../lib.sh"

# (a) journaled writes.
mkdir -p "$out/a"
cat > "$out/a/plan.mig" <<PLAN
migration "bench-writes" {
  param n = $n
  stage write {
    checkpoint start
    step dir = file.mkdir(path: "out")
    foreach i in range(n) parallel 64 {
      step put = file.write(path: "out/t\${i}.json", content: { id: i, name: "tool \${i}" })
    }
  }
}
PLAN
# One round of (a) and (c). The file system's cost of creating a file
# drifts as it fills and empties (ext4 scans for recently freed inodes),
# so the floor is measured just before and just after mig, and their mean
# is the floor. Appends "RATIO RUN FLOOR FLOOR1 FLOOR2 ROLLBACK RM" to
# $out/rounds.
round() {
  rm -rf "$out/a/.mig" "$out/a/out" "$out/floor1" "$out/floor2"
  sync
  t0=$(now); "$floor" "$out/floor1" "$n"; t1=$(now)
  floor1=$(elapsed "$t0" "$t1")
  sync
  t0=$(now); "$mig" run "$out/a/plan.mig" > "$out/a.log"; t1=$(now)
  run_s=$(elapsed "$t0" "$t1")
  sync
  t0=$(now); "$floor" "$out/floor2" "$n"; t1=$(now)
  floor2=$(elapsed "$t0" "$t1")
  cmp -s "$out/floor1/t7.json" "$out/a/out/t7.json" || die "mig and the floor wrote different bytes"
  # (c) rolling (a) back; beside it, the floor of deleting the same files.
  sync
  t0=$(now); (cd "$out/a" && "$mig" rollback last > "$out/c.log"); t1=$(now)
  rb_s=$(elapsed "$t0" "$t1")
  [ ! -e "$out/a/out" ] || die "the rollback left out/ behind"
  t0=$(now); rm -rf "$out/floor1"; t1=$(now)
  rm_s=$(elapsed "$t0" "$t1")
  rm -rf "$out/floor2"
  awk -v r="$run_s" -v a="$floor1" -v b="$floor2" -v c="$rb_s" -v m="$rm_s" \
    'BEGIN { f = (a + b) / 2; printf "%.3f %.4f %.4f %.4f %.4f %.4f %.4f\n", r / f, r, f, a, b, c, m }' \
    >> "$out/rounds"
  # The kernel frees the removed files in the background: let it.
  sync
  sleep 2
}
: > "$out/rounds"
i=0
while [ "$i" -lt "$rounds" ]; do
  round
  i=$((i + 1))
done
# The round of the median ratio gives (a)'s figures; (c) is the median of
# the rollbacks.
med=$(sort -n "$out/rounds" | awk -v k="$rounds" 'NR == int((k + 1) / 2)')
set -- $med
ratio=$1 run_s=$2 floor_s=$3 floor1=$4 floor2=$5
rb_s=$(awk '{ print $6 }' "$out/rounds" | sort -n | awk -v k="$rounds" 'NR == int((k + 1) / 2)')
rm_s=$(awk '{ print $7 }' "$out/rounds" | sort -n | awk -v k="$rounds" 'NR == int((k + 1) / 2)')

# (b) 10000 items in flight, three 50 ms sleeps each.
mkdir -p "$out/b"
cat > "$out/b/plan.mig" <<'PLAN'
migration "bench-sleeps" {
  stage wait {
    foreach i in range(10000) parallel 10000 {
      step a = test.sleep(duration: 50ms)
      step b = test.sleep(duration: 50ms)
      step c = test.sleep(duration: 50ms)
    }
  }
}
PLAN
rss=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o "$out/rss" true 2>/dev/null; then
    t0=$(now); /usr/bin/time -f %M -o "$out/rss" "$mig" run "$out/b/plan.mig" > "$out/b.log"; t1=$(now)
    rss=$(awk '{ printf "%.1f MiB", $1 / 1024 }' "$out/rss")
else
    t0=$(now); "$mig" run "$out/b/plan.mig" > "$out/b.log"; t1=$(now)
fi
sleep_s=$(elapsed "$t0" "$t1")

pass() { awk -v x="$1" -v t="$2" 'BEGIN { print (x + 0 <= t + 0) ? "PASS" : "FAIL" }'; }
pa=$(pass "$ratio" 2); pb=$(pass "$sleep_s" 1); pc=$(pass "$rb_s" 2)
printf '| measure | seconds | target | result |\n| --- | ---: | --- | --- |\n'
printf '| floor: %s plain writes (before; after) | %.3f (%.3f; %.3f) | | |\n' "$n" "$floor_s" "$floor1" "$floor2"
printf '| (a) %s journaled file.write | %.3f (%.2fx floor, %.0f steps/s) | <= 2x floor | %s |\n' "$n" "$run_s" "$ratio" "$(awk -v n="$n" -v t="$run_s" 'BEGIN { print n / t }')" "$pa"
printf '| (b) 10000 items x 3 test.sleep(50ms), parallel 10000 | %.3f (peak RSS %s) | < 1 s | %s |\n' "$sleep_s" "${rss:-not measured: no GNU time}" "$pb"
printf '| (c) rollback of (a) | %.3f (rm -rf of as many files: %.3f) | < 2 s | %s |\n' "$rb_s" "$rm_s" "$pc"
echo
echo "every round of (a) and (c), by ratio; the middle one is in the table (ratio, mig s, floor s, floor before, floor after, rollback s, rm -rf s):"
sort -n "$out/rounds" | sed 's/^/  /'
[ "$pa$pb$pc" = PASSPASSPASS ]
