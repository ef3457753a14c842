#!/bin/sh
# seed.sh MIG: `mig run --seed N` repeats a run (docs/runtime.md, "Seeds").
# A parallel foreach whose items are retried with full jitter while
# --inject-rate fails 40% of the calls is run five times with --seed 42:
# every item's events (its failed calls, its waits, how it ended) must be
# the same each time, though parallel items may interleave differently.
# Each item draws its own waits, and another seed fails other calls.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# The brief log of the last run in $1, each item's events together (a
# stable sort on the item in brackets keeps each item's own order).
by_item() {
  (cd "$1" && "$MIG" log --brief last) | grep '\[' | LC_ALL=C sort -s -t'[' -k2,2
}

# Runs the plan in a fresh folder with SEED; prints the folder.
seeded_run() {
  d=$(fresh "$HERE/seed")
  (cd "$d" && "$MIG" run --seed "$1" --inject-rate 0.4 plan.mig) \
    > "$d/out" 2>&1 || { bad "seed $1: the run failed"; cat "$d/out" >&2; }
  printf '%s\n' "$d"
}

d=$(seeded_run 42)
first=$(by_item "$d")
rm -rf "$d"
case $first in
  *retry-wait*) ok ;;
  *) bad "no item was retried: the test proves nothing" ;;
esac
# Each item draws its own waits: the first waits of the items differ.
waits=$(printf '%s\n' "$first" | grep '^retry-wait .*{"attempt":1,' \
          | sed 's/.*"delay_ms":\([0-9]*\).*/\1/' | sort -u | wc -l)
[ "$waits" -gt 1 ] && ok || bad "every item waited the same after its first attempt"
for i in 2 3 4 5; do
  d=$(seeded_run 42)
  again=$(by_item "$d")
  if [ "$again" = "$first" ]; then ok; else
    bad "run $i with --seed 42 differs from the first"
    printf '%s\n' "$first" > "$d/first"
    printf '%s\n' "$again" | diff "$d/first" - >&2
  fi
  rm -rf "$d"
done
d=$(seeded_run 43)
[ "$(by_item "$d")" != "$first" ] && ok || bad "--seed 43 repeats --seed 42"
rm -rf "$d"
summary
