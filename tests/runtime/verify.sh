#!/bin/sh
# verify.sh MIG: what a rollback verifies (docs/runtime.md, "What a
# rollback verifies"), end to end. A plan-undo step is verified only when
# it declares what it manages, and is otherwise reported unverified, never
# "match"; a forced rollback names what it did not restore; a resource
# changed since mig wrote it (by a person or a later run) is refused
# without --force, and run states stay true; a run that fails before the
# checkpoint its rollback names has nothing to roll back.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
export NO_COLOR=1

# A new empty folder holding plan.mig with the text on stdin.
plan_dir() {
  d=$(mktemp -d "${TMPDIR:-/tmp}/mig-verify.XXXXXX")
  cat > "$d/plan.mig"
  printf '%s\n' "$d"
}

# The state of run $2 in folder $1, as `mig status` shows it.
state_of() {
  "$MIG" status --state "$1/.mig/state.db" "$2" | sed -n 's/^  state *//p'
}

# 1. A step undone by the plan's own undo call. Without manages it cannot
#    be verified: exit 7, never "match" (data.txt still says "changed").
d=$(plan_dir <<'PLAN'
migration "undo-call" {
  stage go {
    step w = exec.run(cmd: "echo changed > data.txt")
      undo exec.run(cmd: "true")
  }
}
PLAN
)
echo orig > "$d/data.txt"
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --dry-run last && ok
holds "1 of them could not be verified afterwards:
  w = exec.run (exec.run): its undo call declares nothing it manages"
expect 7 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "1 undone; NOT VERIFIED: 1 step could not be checked"
holds "unverified: w = exec.run (exec.run): its undo call declares nothing it manages"
case $OUT in *"match the checkpoint"*) bad "an unverified rollback said match" ;; *) ok ;; esac
[ "$(state_of "$d" 1)" = rolled-back-unverified ] && ok \
  || bad "run 1 is $(state_of "$d" 1), not rolled-back-unverified"
rm -rf "$d"

#    With manages, the undo call that restores nothing is found out:
#    matched false, data.txt named, exit 5.
d=$(plan_dir <<'PLAN'
migration "undo-call" {
  stage go {
    checkpoint start
    step w = exec.run(cmd: "echo changed > data.txt", manages: ["data.txt"])
      undo exec.run(cmd: "true")
  }
}
PLAN
)
echo orig > "$d/data.txt"
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 5 "$MIG" rollback --state "$d/.mig/state.db" --json --to start last && ok
holds '"matched": false'
holds '"path": "data.txt"'
holds "after the rollback, 1 managed resource differs from the checkpoint"
rm -rf "$d"

#    And an undo call that does restore it matches.
d=$(plan_dir <<'PLAN'
migration "undo-call" {
  stage go {
    checkpoint start
    step w = exec.run(cmd: "echo changed > data.txt", manages: ["data.txt"])
      undo exec.run(cmd: "echo orig > data.txt")
  }
}
PLAN
)
echo orig > "$d/data.txt"
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --to start last && ok
holds "1 undone; the managed resources match the checkpoint"
[ "$(cat "$d/data.txt")" = orig ] && ok || bad "data.txt was not put back"
rm -rf "$d"

#    manages takes ids (strings): anything else fails the step before it
#    runs.
d=$(plan_dir <<'PLAN'
migration "undo-call" {
  stage go {
    step w = exec.run(cmd: "echo changed > data.txt", manages: ["a", 3])
      undo exec.run(cmd: "true")
  }
}
PLAN
)
expect 3 "$MIG" run "$d/plan.mig" && ok
holds "ParamMismatch: manages: item 1 is not a string (a path, or a resource's id)"
[ ! -e "$d/data.txt" ] && ok || bad "the command ran"
rm -rf "$d"

#    A step that declares nothing made a file a later step declares: the
#    state before the later step is not the state before the run, so it
#    is not held against the rollback (the first step is unverified)...
d=$(plan_dir <<'PLAN'
migration "made-then-written" {
  stage go {
    step made = exec.run(cmd: "echo made > x.txt")
      undo file.delete(path: "x.txt")
    step over = file.write(path: "x.txt", content: "over")
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 7 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "2 undone; NOT VERIFIED: 1 step could not be checked"
[ ! -e "$d/x.txt" ] && ok || bad "x.txt was left"
rm -rf "$d"
#    ...and once it declares what it makes, all is verified.
d=$(plan_dir <<'PLAN'
migration "made-then-written" {
  stage go {
    step made = exec.run(cmd: "echo made > x.txt", manages: ["x.txt"])
      undo file.delete(path: "x.txt")
    step over = file.write(path: "x.txt", content: "over")
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "2 undone; the managed resources match the checkpoint"
rm -rf "$d"

#    The same in the run's own rollback (a failure after the step).
d=$(plan_dir <<'PLAN'
migration "undo-call" {
  stage go {
    checkpoint start
    step w = exec.run(cmd: "echo changed > data.txt")
      undo exec.run(cmd: "true")
    step f = test.fail(class: "Conflict")
  }
  on failure rollback to start
}
PLAN
)
echo orig > "$d/data.txt"
expect 7 "$MIG" run "$d/plan.mig" && ok
holds "NOT VERIFIED: 1 step could not be checked"
holds "run 1 ended: rolled-back-unverified"
rm -rf "$d"

# 2. A forced rollback past an irreversible step that declares what it
#    changes says exactly what was not restored (exit 5, not "match").
d=$(plan_dir <<'PLAN'
migration "forced" {
  stage go {
    checkpoint start
    step made = file.write(path: "made.txt", content: "x")
    step ran = exec.run(cmd: "echo hello > ran.txt", manages: ["ran.txt"])
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "cannot roll back past step go/ran (exec.run)"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --dry-run last && ok
holds "cannot roll back past step go/ran (exec.run)"
expect 5 "$MIG" rollback --state "$d/.mig/state.db" --force last && ok
holds "not restored: ran.txt (step ran = exec.run was forced past; expected absent, found file:"
[ ! -e "$d/made.txt" ] && [ -f "$d/ran.txt" ] && ok || bad "a forced rollback did not undo the rest"
rm -rf "$d"

# 3. A file edited after mig wrote it: refused, named, left as it is.
d=$(plan_dir <<'PLAN'
migration "write" {
  param text = "one"
  stage go {
    step w = file.write(path: "data.txt", content: text)
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
echo edited > "$d/data.txt"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" --dry-run last && ok
holds "data.txt was changed outside mig after run 1 changed it"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "data.txt was changed outside mig after run 1 changed it (mig left file:"
holds "hint: keep a copy of the change if it matters, then pass --force to overwrite it"
[ "$(cat "$d/data.txt")" = edited ] && ok || bad "a refused rollback changed data.txt"
[ "$(state_of "$d" 1)" = succeeded ] && ok || bad "a refused rollback changed run 1's state"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --force last && ok
holds "overwritten: data.txt, changed since outside mig"
[ ! -e "$d/data.txt" ] && ok || bad "the forced rollback left data.txt"
rm -rf "$d"

#    A resource that cannot be read (a symlink loop in its path) cannot
#    be said unchanged: refused too, nothing undone.
d=$(plan_dir <<'PLAN'
migration "loop" {
  stage go {
    step d = file.mkdir(path: "d")
    step w = file.write(path: "d/f.txt", content: "x")
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
rm -rf "$d/d" && ln -s d "$d/d"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "d/f.txt cannot be read, so whether it changed since run 1 changed it cannot be told"
holds "hint: make it readable, or pass --force to roll back without checking it"
[ -L "$d/d" ] && ok || bad "a refused rollback changed d"
rm -rf "$d"

#    At most 10 changed resources are named (the limit, RB_CHANGED_SHOWN):
#    10 are all named; with 11, the 11th is counted.
for n in 10 11; do
  d=$(plan_dir <<PLAN
migration "many" {
  stage go {
    foreach i in range($n) parallel 4 {
      step w = file.write(path: "f\${i}.txt", content: "x")
    }
  }
}
PLAN
)
  expect 0 "$MIG" run "$d/plan.mig" && ok
  i=0
  while [ $i -lt $n ]; do echo edited > "$d/f$i.txt"; i=$((i + 1)); done
  expect 6 "$MIG" rollback --state "$d/.mig/state.db" --json last && ok
  named=$(printf '%s\n' "$OUT" | grep -c "was changed outside mig after run 1 changed it")
  [ "$named" -eq 10 ] && ok || bad "$n changed: $named named, not 10"
  listed=$(printf '%s\n' "$OUT" | grep -c '"by": null')
  [ "$listed" -eq "$n" ] && ok || bad "$n changed: $listed in the report, not $n"
  if [ $n -eq 10 ]; then
    case $OUT in *"more resource"*) bad "10 changed: 'more' said" ;; *) ok ;; esac
  else
    holds "mig: error: and 1 more resource changed since run 1 changed it"
  fi
  rm -rf "$d"
done

#    Run 2 changed the same file: rolling back run 1 is refused, naming
#    run 2; both stay succeeded; after run 2 is rolled back, run 1 can be.
d=$(plan_dir <<'PLAN'
migration "write" {
  param text = "one"
  stage go {
    step w = file.write(path: "data.txt", content: text)
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" run --param text=two "$d/plan.mig" && ok
expect 6 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "data.txt was changed by run 2 after run 1 changed it: rolling back would undo run 2's change too"
holds "hint: roll back run 2 first, or pass --force to overwrite it"
[ "$(cat "$d/data.txt")" = two ] && ok || bad "a refused rollback changed data.txt"
[ "$(state_of "$d" 1)" = succeeded ] && [ "$(state_of "$d" 2)" = succeeded ] \
  && ok || bad "a refused rollback changed a run's state"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 2 && ok
[ "$(cat "$d/data.txt")" = one ] && ok || bad "rollback 2 did not restore run 1's text"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
[ ! -e "$d/data.txt" ] && ok || bad "rollback 1 left data.txt"
rm -rf "$d"

#    Forced over run 2's change: run 2's log says its change is gone.
d=$(plan_dir <<'PLAN'
migration "write" {
  param text = "one"
  stage go {
    step w = file.write(path: "data.txt", content: text)
  }
}
PLAN
)
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" run --param text=two "$d/plan.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --force 1 && ok
holds "overwritten: data.txt, changed since by run 2"
expect 0 "$MIG" log --state "$d/.mig/state.db" 2 && ok
holds 'resource-overwritten  {"path":"data.txt","rollback_of":1}'
rm -rf "$d"

#    The quickstart run twice: rolling back run 1 would delete registry/
#    under run 2; refused, and registry/ stays.
d=$(fresh "$HERE/../../examples/quickstart")
rm -rf "$d/.mig" "$d/registry"
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 6 "$MIG" rollback --state "$d/.mig/state.db" 1 && ok
holds "was changed by run 2 after run 1 changed it"
[ -d "$d/registry" ] && ok || bad "a refused rollback removed registry/"
[ "$(state_of "$d" 2)" = succeeded ] && ok || bad "run 2 is no longer succeeded"
rm -rf "$d"

# 4. A failure before the checkpoint that `on failure rollback to` names:
#    nothing to roll back; the run ends failed (3), not rollback-failed.
d=$(fresh "$HERE/../../examples/quickstart")
rm -rf "$d/.mig" "$d/registry"
expect 3 "$MIG" run --param source=legcy "$d/plan.mig" && ok
holds "no rollback to before_migrate: the run failed before it reached that checkpoint, so nothing was done after it"
holds "run 1 ended: failed"
case $OUT in *"has no checkpoint"*) bad "the message still says 'has no checkpoint'" ;; *) ok ;; esac
[ "$(state_of "$d" 1)" = failed ] && ok || bad "run 1 is $(state_of "$d" 1), not failed"
rm -rf "$d"

# 5. What the check must not refuse. A rollback killed part way (at each
#    of its crash points) leaves resources at their states before some of
#    the records it undid: running it again finishes it.
d=$(plan_dir <<'PLAN'
migration "three" {
  stage go {
    step a = file.write(path: "a.txt", content: "a")
    step b = file.write(path: "b.txt", content: "b")
    step c = file.write(path: "a.txt", content: "c")
  }
}
PLAN
)
k=1
while [ $k -le 20 ]; do
  rm -rf "$d/.mig" "$d/a.txt" "$d/b.txt"
  "$MIG" run "$d/plan.mig" > /dev/null 2>&1
  ( (MIG_CRASH_AT=$k exec "$MIG" rollback --state "$d/.mig/state.db" last) \
      > /dev/null 2>&1; exit $? ) 2> /dev/null
  killed=$?
  expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  holds "the managed resources match the checkpoint"
  [ ! -e "$d/a.txt" ] && [ ! -e "$d/b.txt" ] && ok \
    || bad "crash point $k: the rollback run again left files"
  [ "$killed" -eq 137 ] || break
  k=$((k + 1))
done
[ $k -gt 3 ] && [ $k -le 20 ] && ok || bad "the rollback passed $k crash points"
rm -rf "$d"

#    A run killed at each of its crash points and resumed: every record
#    has its after-image (a record in flight gets it when the resume
#    settles it), so an edit made after the resume is still caught.
d=$(plan_dir <<'PLAN'
migration "two" {
  stage go {
    step a = file.write(path: "a.txt", content: "a")
    step b = file.write(path: "b.txt", content: "b")
  }
}
PLAN
)
k=1
while [ $k -le 40 ]; do
  rm -rf "$d/.mig" "$d/a.txt" "$d/b.txt"
  ( (MIG_CRASH_AT=$k exec "$MIG" run "$d/plan.mig") > /dev/null 2>&1; \
      exit $? ) 2> /dev/null
  [ $? -eq 137 ] || break
  expect 0 "$MIG" resume --state "$d/.mig/state.db" last && ok
  echo edited > "$d/a.txt"
  expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  holds "a.txt was changed outside mig after run 1 changed it"
  k=$((k + 1))
done
[ $k -gt 3 ] && [ $k -le 40 ] && ok || bad "the run passed $k crash points"
rm -rf "$d"

#    A step of the same run that declares nothing (exec.run with undo,
#    without manages) changed a file a self-undo step wrote: that is no
#    change from outside, and the run's own rollback goes on (unverified).
d=$(plan_dir <<'PLAN'
migration "same-run" {
  stage go {
    checkpoint start
    step w = file.write(path: "data.txt", content: "one")
    step x = exec.run(cmd: "echo more >> data.txt")
      undo exec.run(cmd: "true")
    step f = test.fail(class: "Conflict")
  }
  on failure rollback to start
}
PLAN
)
expect 7 "$MIG" run "$d/plan.mig" && ok
holds "NOT VERIFIED: 1 step could not be checked"
[ ! -e "$d/data.txt" ] && ok || bad "the run's own rollback left data.txt"
rm -rf "$d"

summary
