#!/bin/sh
# crash.sh MIG [SEED] [POINTS]: kills `mig run` with SIGKILL at POINTS
# (default 50) crash points drawn with SEED (default 1; the same seed
# draws the same points), then finishes the run with `mig resume` or
# undoes it with `mig rollback` (alternately), and checks that the files
# are exactly those of an uninterrupted run, or exactly those from before.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SEED=${2:-1}
POINTS=${3:-50}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

d=$(fresh "$HERE/crash")
start=$(tree_sum "$d")
OUT=$(MIG_CRASH_COUNT=1 "$MIG" run "$d/plan.mig" 2>&1) || { echo "$OUT"; bad "the reference run failed"; }
final=$(tree_sum "$d")
total=$(printf '%s\n' "$OUT" | sed -n 's/^mig: crash points: //p')
rm -rf "$d"
[ -n "$total" ] && [ "$total" -gt 10 ] || { bad "no crash points counted ($total)"; summary; exit 1; }
echo "crash points in a run: $total; seed $SEED; $POINTS points"

points=$(awk -v s="$SEED" -v n="$POINTS" -v t="$total" \
  'BEGIN { srand(s); for (i = 0; i < n; i++) print 1 + int(rand() * t) }')
i=0
for p in $points; do
  i=$((i + 1))
  d=$(fresh "$HERE/crash")
  MIG_CRASH_AT=$p "$MIG" run "$d/plan.mig" > "$d.out" 2>&1
  status=$?
  if [ $status -ne 137 ]; then
    bad "point $p: expected a kill (137), got $status"; cat "$d.out" >&2
    rm -rf "$d" "$d.out"; continue
  fi
  if [ $((i % 2)) -eq 0 ]; then how=resume want=$final; else how=rollback want=$start; fi
  OUT=$(cd "$d" && "$MIG" $how last 2>&1); status=$?
  case $OUT in
    *"no runs in this state store yet"*|*"no state store here"*) want=$start; status=0 ;;   # killed before the run was recorded
  esac
  if [ $status -ne 0 ]; then
    bad "point $p: mig $how exited $status"; printf '%s\n' "$OUT" >&2
  elif [ "$(tree_sum "$d")" != "$want" ]; then
    bad "point $p: after mig $how the files are not as expected"; printf '%s\n' "$OUT" >&2
  else
    ok
  fi
  rm -rf "$d" "$d.out"
done
summary
