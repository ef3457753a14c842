#!/bin/sh
# crash.sh MIG [full]: the crash test (docs/runtime.md, "The crash test").
# Counts the crash points of an uninterrupted run of crash/plan.mig (T of
# them), then for EVERY point P in 1..T and each way to finish it (resume,
# rollback) kills `mig run` with SIGKILL at P (MIG_CRASH_AT=P) and
# finishes the run: the files must then be exactly those of the
# uninterrupted run (resume) or exactly those from before (rollback).
# Each pair's finishing command is itself killed once, at a point Q drawn
# with a fixed seed from 1..8 (the same every run), and finished again,
# by the same command or the other one (a rollback killed is never
# resumed: the resume is refused and the rollback finished): kills during
# resume and during rollback. Last, the state store of a killed run is damaged in two ways
# at three points: resume and rollback refuse, changing no file.
# With `full`, each pair's finishing command is killed at every one of
# its points in turn instead of one drawn (make crash-full).
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
FULL=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SEED=1
NESTED_MAX=8

d=$(fresh "$HERE/crash")
start=$(tree_sum "$d")
OUT=$(MIG_CRASH_COUNT=1 "$MIG" run "$d/plan.mig" 2>&1) || { echo "$OUT"; bad "the reference run failed"; }
final=$(tree_sum "$d")
total=$(printf '%s\n' "$OUT" | sed -n 's/^mig: crash points: //p')
rm -rf "$d"
[ -n "$total" ] && [ "$total" -gt 10 ] || { bad "no crash points counted ($total)"; summary; exit 1; }
echo "crash points in a run: $total; pairs (point, resume|rollback): $((total * 2))"

# want_for MODE: the tree a finished MODE must leave.
want_for() { if [ "$1" = resume ]; then echo "$final"; else echo "$start"; fi; }

# finish D MODE WHAT: runs `mig MODE last` in D; checks its status and
# the files. A run killed before it was recorded has nothing to finish.
finish() {
  OUT=$(cd "$1" && "$MIG" "$2" last 2>&1); st=$?
  want=$(want_for "$2")
  case $OUT in
    *"no runs in this state store yet"*|*"no state store here"*) want=$start; st=0 ;;
  esac
  if [ $st -ne 0 ]; then
    bad "$3: mig $2 exited $st"; printf '%s\n' "$OUT" >&2; return 1
  elif [ "$(tree_sum "$1")" != "$want" ]; then
    bad "$3: after mig $2 the files are not as expected"; printf '%s\n' "$OUT" >&2; return 1
  fi
  ok
}

# killed_run P: a fresh folder (in $d) with a run killed at point P.
killed_run() {
  d=$(fresh "$HERE/crash")
  (MIG_CRASH_AT=$1 "$MIG" run "$d/plan.mig" > "$d.out" 2>&1; exit $?) 2> /dev/null
  st=$?
  if [ $st -ne 137 ]; then
    bad "point $1: expected a kill (137), got $st"; cat "$d.out" >&2
    rm -f "$d.out"; return 1
  fi
  rm -f "$d.out"
}

# The nested kills drawn for each pair: Q in 1..NESTED_MAX and whether the
# second finish is the other command.
draws=$(awk -v s="$SEED" -v n="$((total * 2))" -v m="$NESTED_MAX" \
  'BEGIN { srand(s); for (i = 0; i < n; i++) print 1 + int(rand() * m), int(rand() * 2) }')

pairs=0 nested=0 i=0
for p in $(seq 1 "$total"); do
  for mode in resume rollback; do
    i=$((i + 1))
    other=$([ $mode = resume ] && echo rollback || echo resume)
    # The pair itself.
    killed_run "$p" || continue
    finish "$d" $mode "point $p, $mode" && pairs=$((pairs + 1))
    rm -rf "$d"
    # Its finishing command killed at Q, then finished again.
    draw=$(printf '%s\n' "$draws" | sed -n "${i}p")
    if [ "$FULL" = full ]; then qs=$(seq 1 1000); else qs=${draw% *}; fi
    flip=${draw#* }
    for q in $qs; do
      killed_run "$p" || break
      (cd "$d" && MIG_CRASH_AT=$q "$MIG" $mode last > /dev/null 2>&1; exit $?) 2> /dev/null
      st=$?
      if [ $st -ne 137 ]; then rm -rf "$d"; break; fi    # it has fewer points
      nested=$((nested + 1))
      again=$mode
      [ "$flip" = 1 ] && again=$other
      what="point $p, $mode killed at its point $q, then $again"
      if [ $mode = rollback ] && [ $again = resume ]; then
        # A run that began rolling back is not resumed; the rollback is
        # finished instead.
        OUT=$(cd "$d" && "$MIG" resume last 2>&1); st=$?
        case $st:$OUT in
          6:*"was being rolled back when it stopped: it cannot be resumed"*) ok ;;
          *) bad "$what: expected a refusal (6), got $st"; printf '%s\n' "$OUT" >&2 ;;
        esac
        again=rollback
      fi
      finish "$d" $again "$what"
      rm -rf "$d"
    done
  done
done
echo "pairs covered: $pairs of $((total * 2)); finishing commands killed: $nested"
[ $pairs -eq $((total * 2)) ] && ok || bad "not every (point, mode) pair was covered"

# A damaged state store: resume and rollback refuse and change no file.
for p in 3 $((total / 2)) $((total - 2)); do
  for damage in header truncate; do
    for mode in resume rollback; do
      killed_run "$p" || continue
      db="$d/.mig/state.db"
      [ -f "$db" ] || { rm -rf "$d"; continue; }
      # What the WAL held is put in the database first, as a checkpoint
      # would, so that the damage is to the store itself.
      sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null 2>&1
      before=$(tree_sum "$d")
      size=$(stat -c %s "$db")
      case $damage in
        header) printf 'this is not a database, nor a mig store...' \
                  | dd of="$db" bs=1 seek=0 conv=notrunc 2>/dev/null ;;
        truncate) truncate -s $((size / 2)) "$db" ;;
      esac
      OUT=$(cd "$d" && "$MIG" $mode last 2>&1); st=$?
      if [ $st -eq 0 ] || [ $st -ge 128 ]; then
        bad "point $p, store damaged ($damage): mig $mode exited $st"; printf '%s\n' "$OUT" >&2
      elif [ "$(tree_sum "$d")" != "$before" ]; then
        bad "point $p, store damaged ($damage): mig $mode changed files"; printf '%s\n' "$OUT" >&2
      else
        case $OUT in
          *state.db*) ok ;;
          *) bad "point $p, store damaged ($damage): mig $mode does not name the store"; printf '%s\n' "$OUT" >&2 ;;
        esac
      fi
      rm -rf "$d"
    done
  done
done
summary
