#!/bin/sh
# store.sh MIG: the promises of the lock and the state store, end to end
# (docs/state.md, docs/runtime.md "Signals"): a signal stops a run
# gracefully (exit 9) and a second one at once; one process acts for a run
# at a time; a store deleted during a run stops it (exit 8); a damaged or
# missing store exits 8 in every command that needs it.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# Waits (up to 60s, however loaded the machine) until FILE holds TEXT.
wait_for() {
  i=0
  while [ $i -lt 1200 ] && ! grep -qF "$2" "$1" 2>/dev/null; do
    sleep 0.05; i=$((i + 1))
  done
  grep -qF "$2" "$1" 2>/dev/null || bad "'$2' never appeared in $1"
}

# Starts `mig run` of the fixture's plan in D in the background ($pid),
# its output in D.out, and waits until its first nap is in flight: step a
# is reported done, and nap1 then waits for its gate, D.gate1 (outside D,
# so that the tree's digest leaves it out), which only `open D 1` opens.
# Nothing here depends on how fast the machine is. The shell starts
# background jobs with SIGINT ignored (and mig keeps an ignored signal
# ignored): env gives the stop signals their default back.
start_run() {
  env --default-signal=INT,TERM,HUP "$MIG" run "$1/plan.mig" \
    --param "gate=$1.gate" > "$1.out" 2>&1 &
  pid=$!
  wait_for "$1.out" "  ok      a = file.write"
}

# open D N: opens gate N of the run in D (its nap N ends).
open() { : > "$1.gate$2"; }

# 1. Each stop signal: the step in flight ends, nothing new starts, nothing
# is rolled back; exit 9, the run recorded interrupted, with what to do;
# `mig resume` then finishes it.
for sig in TERM INT HUP; do
  d=$(fresh "$HERE/store")
  start_run "$d"
  kill -$sig $pid
  # nap1 ends once the signal is taken (not before: it would go on).
  wait_for "$d.out" "interrupted by SIG$sig"
  open "$d" 1
  wait $pid; got=$?
  [ $got -eq 9 ] && ok || { bad "SIG$sig: exit $got, expected 9"; cat "$d.out" >&2; }
  OUT=$(cat "$d.out")
  holds "interrupted by SIG$sig: letting the steps in flight end, starting nothing new (a second signal stops at once)"
  holds "  ok      a = file.write"
  holds "run 1 ended: interrupted"
  holds 'finish it with `mig resume 1`, or undo it with `mig rollback 1`'
  case $OUT in *"stage two"*) bad "SIG$sig: stage two started after the signal" ;; *) ok ;; esac
  [ -f "$d/a.txt" ] && [ ! -e "$d/b.txt" ] && ok || bad "SIG$sig: rolled back or went on"
  expect 0 "$MIG" status --state "$d/.mig/state.db" 1 && ok
  holds "  state       interrupted"
  holds "  error       interrupted by SIG$sig"
  expect 0 "$MIG" log --brief --state "$d/.mig/state.db" 1 && ok
  holds "interrupted   {\"signal\":\"SIG$sig\"}"
  open "$d" 2
  expect 0 "$MIG" resume --state "$d/.mig/state.db" 1 && ok
  [ -f "$d/b.txt" ] && ok || bad "SIG$sig: the resume did not finish the run"
  rm -rf "$d" "$d".*
done

# 1b. A signal ignored when mig started (nohup) stays ignored.
d=$(fresh "$HERE/store")
(trap '' HUP; exec "$MIG" run "$d/plan.mig" --param "gate=$d.gate") \
  > "$d.out" 2>&1 &
pid=$!
wait_for "$d.out" "  ok      a = file.write"
kill -HUP $pid          # discarded when sent: it is ignored
open "$d" 1
open "$d" 2
wait $pid && ok || bad "an ignored SIGHUP stopped the run"
[ -f "$d/b.txt" ] && ok || bad "an ignored SIGHUP stopped the run"
rm -rf "$d" "$d".*

# 1c. mig rollback stops gracefully too: between two undos, each
# journaled, exit 9, nothing compared; run again, it finishes and matches.
# A second signal stops it at once, maybe with an undo in flight: its
# check: settles it when the rollback is run again (without one, that
# rollback would rightly refuse and ask, whatever the machine's load).
# The first undo runs at once; each other waits for the file D/gate, so
# that the second is in flight when the signal comes, however loaded the
# machine, and ends when the test opens the gate.
# (--verbose: a line as each item is undone, which the test waits for.)
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-store-rb.XXXXXX")
cat > "$d/plan.mig" <<'PLAN'
migration "slow-undo" {
  stage s {
    foreach i in [1, 2, 3, 4, 5, 6] {
      step w = exec.run(cmd: "echo ${i} > f${i}.txt", manages: ["f${i}.txt"])
        undo exec.run(cmd: "mkdir first 2>/dev/null || while [ ! -e gate ]; do sleep 0.02; done; rm -f f${i}.txt",
                      manages: ["f${i}.txt"], check: "test ! -e f${i}.txt")
    }
  }
}
PLAN
expect 0 "$MIG" run "$d/plan.mig" && ok
env --default-signal=INT,TERM,HUP "$MIG" rollback --verbose --state "$d/.mig/state.db" 1 > "$d.out" 2>&1 &
pid=$!
wait_for "$d.out" "undone"
kill -TERM $pid
# The signal's handler runs before mig runs on, and the rollback asks its
# flag between two undos: the gate may open at once.
: > "$d/gate"
wait $pid; got=$?
OUT=$(cat "$d.out")
[ $got -eq 9 ] && ok || { bad "a rollback stopped by SIGTERM: exit $got, expected 9"; printf '%s\n' "$OUT" >&2; }
holds "mig: error: the rollback of run 1 was stopped by SIGTERM after "
holds 'hint: nothing was compared yet: `mig rollback 1` finishes it'
case $OUT in *"match the checkpoint"*|*DIFFER*) bad "a stopped rollback compared" ;; *) ok ;; esac
left=$(ls "$d"/f*.txt 2>/dev/null | wc -l)
[ "$left" -eq 4 ] && ok || bad "the stopped rollback undid $((6 - left)) of 6, not 2 (the first, and the one in flight)"
expect 0 "$MIG" log --brief --state "$d/.mig/state.db" 1 && ok
holds 'interrupted   {"signal":"SIGTERM"}'
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "the managed resources match the checkpoint"
[ -z "$(ls "$d"/f*.txt 2>/dev/null)" ] && ok || bad "the finished rollback left files"
# A second signal: killed by it at once.
rm -rf "$d/.mig" "$d/first" "$d/gate"
expect 0 "$MIG" run "$d/plan.mig" && ok
env --default-signal=INT,TERM,HUP "$MIG" rollback --verbose --state "$d/.mig/state.db" 1 > "$d.out" 2>&1 &
pid=$!
wait_for "$d.out" "undone"
kill -TERM $pid; kill -TERM $pid
# Two signals sent at once may arrive as one (then it stops gracefully,
# once the undo in flight ends): the gate opens either way.
: > "$d/gate"
wait $pid; got=$?
[ $got -eq 143 ] || [ $got -eq 9 ] && ok || bad "a rollback given two SIGTERMs: exit $got"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "the managed resources match the checkpoint"
rm -rf "$d" "$d.out"

# 2. An interrupted run rolls back to its start.
d=$(fresh "$HERE/store")
before=$(tree_sum "$d")
start_run "$d"
kill -INT $pid
wait_for "$d.out" "interrupted by SIGINT"
open "$d" 1
wait $pid
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
[ "$(tree_sum "$d")" = "$before" ] && ok || bad "the rollback of an interrupted run left differences"
rm -rf "$d" "$d".*

# 3. A second signal stops at once: killed by it (nap1 still in flight,
# its gate shut), the run left running with its process gone
# (interrupted), resumed as after a crash.
d=$(fresh "$HERE/store")
start_run "$d"
kill -TERM $pid
wait_for "$d.out" "interrupted by SIGTERM"
kill -TERM $pid
wait $pid; got=$?
[ $got -eq 143 ] && ok || bad "a second SIGTERM: exit $got, expected 143 (killed)"
expect 0 "$MIG" status --state "$d/.mig/state.db" 1 && ok
holds "  state       interrupted"
open "$d" 1
open "$d" 2
expect 0 "$MIG" resume --state "$d/.mig/state.db" 1 && ok
[ -f "$d/b.txt" ] && ok || bad "the resume after a second signal did not finish"
rm -rf "$d" "$d".*

# 4. One process per run: `mig resume` and `mig rollback` of the same
# interrupted run started together: exactly one acts, the other is
# refused (6). A resume that wins holds the run at nap2 (its gate shut)
# until the rollback has answered. Five trials.
for t in 1 2 3 4 5; do
  d=$(fresh "$HERE/store")
  start_run "$d"
  kill -TERM $pid
  wait_for "$d.out" "interrupted by SIGTERM"
  open "$d" 1
  wait $pid
  "$MIG" resume --state "$d/.mig/state.db" 1 > "$d.resume" 2>&1 &
  r1=$!
  "$MIG" rollback --state "$d/.mig/state.db" 1 > "$d.rollback" 2>&1 &
  r2=$!
  wait $r2; c2=$?
  open "$d" 2
  wait $r1; c1=$?
  case "$c1 $c2" in
    "0 6"|"6 0") ok ;;
    *) bad "trial $t: resume exited $c1, rollback $c2: expected one 0, one 6"
       cat "$d.resume" "$d.rollback" >&2 ;;
  esac
  rm -rf "$d" "$d".*
done

# 5. While a resume is in flight, a rollback of its run is refused.
d=$(fresh "$HERE/store")
start_run "$d"
kill -TERM $pid
wait_for "$d.out" "interrupted by SIGTERM"
open "$d" 1
wait $pid
"$MIG" resume --state "$d/.mig/state.db" 1 > "$d.resume" 2>&1 &
r1=$!
wait_for "$d.resume" "stage two"
# nap2 waits for its gate: the resume stays at work until it opens.
expect 6 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "run 1 is still running (pid $r1 on "
open "$d" 2
wait $r1 && ok || bad "the resume failed"
rm -rf "$d" "$d".*

# 5b. A run whose process is stopped: a second run is refused, and told
# that the holder is stopped and what to do.
d=$(fresh "$HERE/store")
start_run "$d"
kill -STOP $pid
# The signal takes effect a moment later: until /proc says stopped (T).
i=0
while [ $i -lt 100 ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat")" != T ]; do
  sleep 0.02; i=$((i + 1))
done
expect 6 "$MIG" run "$d/quick.mig" && ok
holds "is locked by run 1 (pid $pid on "
holds "hint: its process is stopped (kill -STOP, Ctrl-Z, a debugger): continue it with \`kill -CONT $pid\`, or end it with \`kill $pid\`; a lock expires 30s after its holder's last heartbeat, then --break-lock takes it over"
kill -CONT $pid
open "$d" 1
open "$d" 2
wait $pid && ok || bad "the run continued after SIGCONT failed"
rm -rf "$d" "$d".*

# 6. The state store deleted during a run: the run stops at its next
# commit with a clear error and exit 8; nothing more is changed.
d=$(fresh "$HERE/store")
start_run "$d"
rm -f "$d/.mig/state.db" "$d/.mig/state.db-wal" "$d/.mig/state.db-shm"
open "$d" 1             # the naps end: a commit before b finds no store
open "$d" 2
wait $pid; got=$?
[ $got -eq 8 ] && ok || { bad "a deleted store: exit $got, expected 8"; cat "$d.out" >&2; }
OUT=$(cat "$d.out")
holds "mig: error: the state store '$d/.mig/state.db' was deleted while in use (No such file or directory): its journal is lost"
case $OUT in *"ended: succeeded"*) bad "a run without its store said it succeeded" ;; *) ok ;; esac
[ ! -e "$d/b.txt" ] && ok || bad "the run went on without its store"
rm -rf "$d" "$d".*

# 7. A store that cannot be used exits 8 in every command: missing,
# damaged.
d=$(fresh "$HERE/store")
for cmd in status history "log 1" "resume 1" "rollback 1"; do
  OUT=$(cd "$d" && "$MIG" $cmd 2>&1); got=$?
  [ $got -eq 8 ] && ok || bad "mig $cmd without a store: exit $got, expected 8"
  holds "no state store here: no .mig/state.db in"
done
expect 8 "$MIG" export --run 1 --state "$d/none.db" "$d/plan.mig" && ok
holds "no state store at '$d/none.db'"
expect 0 "$MIG" run "$d/quick.mig" && ok
# Every byte past the first page garbled.
size=$(stat -c %s "$d/.mig/state.db")
head -c 4096 "$d/.mig/state.db" > "$d/damaged"
head -c $((size - 4096)) /dev/zero | tr '\0' 'Z' >> "$d/damaged"
mv "$d/damaged" "$d/.mig/state.db"
rm -f "$d/.mig/state.db-wal" "$d/.mig/state.db-shm"
for cmd in status history "log 1" "resume 1" "rollback 1"; do
  OUT=$(cd "$d" && "$MIG" $cmd 2>&1); got=$?
  [ $got -eq 8 ] && ok || bad "mig $cmd of a damaged store: exit $got, expected 8"
  holds "is damaged: cannot"
  holds 'hint: copy the file aside before anything else touches it'
done
expect 8 "$MIG" run "$d/plan.mig" && ok
holds "is damaged: cannot"
rm -rf "$d"

# 8. The store's disk fills during a run (test builds cap the store's
# pages with MIG_STORE_MAX_PAGES, as a full disk would): the run stops
# going forward, its `on failure` rollback runs on the reserve and is
# journaled: exit 4, the files as they were, one outcome. The first cap
# that lets the store be set up is the one used.
found=
# (Each table the schema adds takes a page or two: the range is wide.)
for cap in $(seq 14 40); do
  d=$(fresh "$HERE/work")
  before=$(tree_sum "$d")
  OUT=$(MIG_STORE_MAX_PAGES=$cap "$MIG" run "$d/plan.mig" --param n=40 2>&1); got=$?
  case $OUT in *"cannot set up the state store"*) rm -rf "$d"; continue ;; esac
  found=$cap
  [ $got -eq 4 ] && ok || { bad "a full disk: exit $got, expected 4"; printf '%s\n' "$OUT" >&2; }
  holds "database or disk is full"
  holds "hint: free some disk space, then see \`mig status\`"
  holds "  on failure"
  holds "the managed resources match the checkpoint"
  holds "run 1 ended: rolled-back"
  case $OUT in *DIFFER*) bad "a full disk: the report says DIFFER" ;; *) ok ;; esac
  [ "$(tree_sum "$d")" = "$before" ] && ok || bad "a full disk: the files differ after the rollback"
  [ ! -e "$d/.mig/state.db-reserve" ] && ok || bad "the reserve was not used"
  expect 0 "$MIG" status --state "$d/.mig/state.db" 1 && ok
  holds "  state       rolled-back"
  holds "  error       Unavailable: the disk of the state store is full"
  # The next run keeps a reserve again.
  expect 0 "$MIG" run "$d/plan.mig" && ok
  [ -f "$d/.mig/state.db-reserve" ] && ok || bad "no reserve kept after a run"
  rm -rf "$d"
  break
done
[ -n "$found" ] && ok || bad "no page cap between 14 and 40 let the store be set up"

# 9. A rollback that fills the disk stops with one outcome: exit 8, how
# far it got and how to finish; never "DIFFER". Run again, it finishes.
d=$(fresh "$HERE/work")
before=$(tree_sum "$d")
expect 0 "$MIG" run "$d/plan.mig" --param n=300 && ok
# The first commit of the rollback finds the disk full (the test builds'
# MIG_STORE_FULL_AFTER): whatever room the store's pages have left, the
# rollback cannot journal what it undid.
OUT=$(MIG_STORE_FULL_AFTER=1 "$MIG" rollback --state "$d/.mig/state.db" 1 2>&1); got=$?
[ $got -eq 8 ] && ok || { bad "a rollback on a full disk: exit $got, expected 8"; printf '%s\n' "$OUT" >&2; }
holds "mig: error: the rollback of run 1 stopped after "
holds 'hint: fix what the store'"'"'s error says, then `mig rollback 1` finishes it'
holds "database or disk is full"
case $OUT in *DIFFER*|*"rolled back to"*) bad "a stopped rollback reported a comparison" ;; *) ok ;; esac
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "the managed resources match the checkpoint"
[ "$(tree_sum "$d")" = "$before" ] && ok || bad "the finished rollback left differences"
rm -rf "$d"

summary
