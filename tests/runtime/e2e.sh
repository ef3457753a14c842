#!/bin/sh
# e2e.sh MIG: the runtime end to end (docs/state.md). A plan that fails at
# its K-th step is rolled back to exactly the files it started from; a
# rollback to a middle checkpoint; a second run on a locked folder is
# refused; a rollback past an irreversible step needs --force.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# 1. Fail at step K, for several K: rolled back, byte-identical.
for k in 2 4 6 7 8; do
  d=$(fresh "$HERE/work")
  before=$(tree_sum "$d")
  if expect 4 "$MIG" run "$d/plan.mig" --param "k=$k"; then ok; fi
  holds "match the checkpoint"
  [ "$(tree_sum "$d")" = "$before" ] && ok || bad "k=$k: the files differ after the rollback"
  rm -rf "$d"
done

# 2. A run that succeeds, then `mig rollback --to mid`, then to the start.
d=$(fresh "$HERE/work")
before=$(tree_sum "$d")
expect 0 "$MIG" run "$d/plan.mig" && ok
[ -f "$d/registry/deep/f4.txt" ] && [ ! -e "$d/keep/old.txt" ] && ok || bad "the run did not make its files"
# The run drawn on the graph (mig export --run).
expect 0 "$MIG" export --state "$d/.mig/state.db" --run last "$d/plan.mig" && ok
holds '"id": "write/foreach.i/put",'
holds '"run": {"status": "done", "items": 5, "attempts": 1,'
expect 0 "$MIG" export -f dot --state "$d/.mig/state.db" --run last "$d/plan.mig" && ok
holds '"write/over" [style=filled, fillcolor=palegreen, tooltip="done"];'
expect 2 "$MIG" export -f mermaid --state "$d/.mig/state.db" --run last "$d/plan.mig" && ok
# A checkpoint the run did not pass: refused, with "did you mean" (a
# misspelling, an abbreviation), else the run's checkpoints.
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to mids last && ok
holds "mig: error: run 1 has no checkpoint 'mids'"
holds "hint: did you mean 'mid'?"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to star last && ok
holds "hint: did you mean 'start'?"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to before_migrate last && ok
holds "hint: run 1 passed the checkpoints 'start', 'mid'"
[ -f "$d/registry/deep/f4.txt" ] && ok || bad "a refused rollback changed something"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --dry-run --to mid last && ok
holds "would undo 4 steps"
holds "Nothing was changed."
[ -f "$d/registry/deep/f4.txt" ] && ok || bad "rollback --dry-run changed something"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --to mid last && ok
holds "match the checkpoint"
[ -f "$d/out/deep/f4.txt" ] && [ -f "$d/keep/old.txt" ] && [ -f "$d/keep/a.txt" ] \
  && [ ! -e "$d/registry/deep" ] && grep -q '"v": 1' "$d/registry/existing.json" \
  && ok || bad "rollback --to mid did not restore the middle state"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
[ "$(tree_sum "$d")" = "$before" ] && ok || bad "rollback of the whole run left differences"
rm -rf "$d"

# 3. A second run while the first holds the lock is refused.
d=$(fresh "$HERE/work")
cat > "$d/slow.mig" <<'PLAN'
migration "slow" {
  stage wait {
    step nap = test.sleep(duration: 3s)
  }
}
PLAN
"$MIG" run "$d/slow.mig" > "$d/first.out" 2>&1 &
first=$!
i=0
while [ $i -lt 50 ] && ! grep -q "^stage wait" "$d/first.out" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
expect 6 "$MIG" run "$d/plan.mig" && ok
holds "is locked by run 1"
wait $first && ok || bad "the first run failed"
rm -rf "$d"

# 4. Rolling back past an irreversible step needs --force.
d=$(fresh "$HERE/work")
cat > "$d/irrev.mig" <<'PLAN'
migration "irreversible" {
  stage go {
    checkpoint start
    step made = file.write(path: "made.txt", content: "x")
    step ran = exec.run(cmd: "echo hello > ran.txt")
  }
}
PLAN
expect 0 "$MIG" run "$d/irrev.mig" && ok
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to begin last && ok
holds "hint: run 1 passed the checkpoint 'start'"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "cannot roll back past step go/ran"
[ -f "$d/made.txt" ] && ok || bad "a refused rollback changed something"
# Its effect stays and mig cannot know what it was: never "match".
expect 7 "$MIG" rollback --state "$d/.mig/state.db" --force last && ok
holds "NOT VERIFIED: 1 step could not be checked"
holds "unverified: ran = exec.run (exec.run): it cannot be undone"
[ ! -e "$d/made.txt" ] && [ -f "$d/ran.txt" ] && ok || bad "a forced rollback did not undo the rest"
rm -rf "$d"

# 5. log.info/warn/error lines are printed by mig run as the steps end.
d=$(fresh "$HERE/work")
cat > "$d/log.mig" <<'PLAN'
migration "log" {
  stage s {
    step hi = log.info(message: "hello")
    foreach i in range(2) { step w = log.warn(message: "item ${i}") }
    step bye = log.error(message: "done")
  }
}
PLAN
expect 0 "$MIG" run "$d/log.mig" && ok
holds "  info    hi = log.info: hello"
holds "  warn    w = log.warn [1]: item 1"
holds "  error   bye = log.error: done"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to start last && ok
holds "hint: run 1 passed no checkpoint: roll it back whole, without --to"
rm -rf "$d"

# 6. A run in a folder it may not write: refused before anything runs,
# with the hint to pass --state. (root may write anywhere: as root, the
# run is made as the user nobody.)
d=$(fresh "$HERE/work")
printf 'migration "ro" {\n  stage s { step hi = log.info(message: "hi") }\n}\n' > "$d/ro.mig"
chmod 755 "$d"
chmod 555 "$d"
if [ "$(id -u)" -eq 0 ]; then
  expect 8 runuser -u nobody -- "$MIG" run "$d/ro.mig" && ok
else
  expect 2 "$MIG" run "$d/ro.mig" && ok
fi
holds "mig: error: cannot create the directory of '$d/.mig/state.db': Permission denied"
holds "hint: the state store must be writable, and by default it is .mig/state.db beside the plan: run where you may write, or pass --state PATH to keep it elsewhere (docs/state.md)"
[ ! -e "$d/.mig" ] && ok || bad "a refused run left .mig behind"
chmod 755 "$d"
rm -rf "$d"

# 7. The hint of a rollback to a checkpoint the run did not pass lists at
# most eight: eight are listed whole, a ninth is counted.
for n in 8 9; do
  d=$(fresh "$HERE/work")
  { echo 'migration "many" {'; echo '  stage s {'
    i=1; while [ $i -le $n ]; do echo "    checkpoint c$i"; i=$((i + 1)); done
    echo '  }'; echo '}'; } > "$d/many.mig"
  expect 0 "$MIG" run "$d/many.mig" && ok
  expect 6 "$MIG" rollback --state "$d/.mig/state.db" --to zzz last && ok
  if [ $n -eq 8 ]; then
    holds "hint: run 1 passed the checkpoints 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'"
    case $OUT in *"more"*) bad "eight checkpoints: none is left out" ;; *) ok ;; esac
  else
    holds "hint: run 1 passed the checkpoints 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8' and 1 more"
  fi
  rm -rf "$d"
done

summary
