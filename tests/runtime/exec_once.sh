#!/bin/sh
# exec_once.sh MIG: exec.run runs at most once, and so does its undo
# (docs/actions.md, "Run at most once"). mig is killed at the points
# around a command's spawn, its exit and its undo (MIG_CRASH_AT=NAME),
# then resumed or rolled back: the line the command appends is there
# exactly once (or not at all after a rollback), the undo runs only for a
# command that began and at most once, and a command left running is
# stopped before the rollback says it matched. Resumes are killed too.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

# Lines of FILE in folder $d (0 when it is not there).
lines() { if [ -f "$d/$1" ]; then wc -l < "$d/$1" | tr -d ' '; else echo 0; fi; }

# want FILE N WHAT: FILE of $d has N lines.
want() {
  n=$(lines "$1")
  [ "$n" -eq "$2" ] && ok || bad "$3: $1 has $n lines, expected $2"
}

# crash POINT [ARGS...]: a run of plan.mig killed at POINT; $d its folder.
crash() {
  p=$1; shift
  d=$(fresh "$HERE/once")
  MIG_CRASH_AT=$p "$MIG" run "$d/plan.mig" "$@" > "$d.out" 2>&1
  st=$?
  [ $st -eq 137 ] && ok || { bad "$p: expected a kill (137), got $st"; cat "$d.out" >&2; }
  rm -f "$d.out"
}

# 1. Killed before the command, while it waits behind its gate, while it
#    runs, after it exited: resume leaves the line once, ran once.
for p in before-effect process-journaled process-running after-effect; do
  crash $p
  expect 0 "$MIG" resume --state "$d/.mig/state.db" last && ok
  want f.txt 1 "resume after $p"
  # Left running, the command may be stopped between its two lines.
  if [ $p = process-running ]; then
    [ "$(lines run.log)" -le 1 ] && ok || bad "resume after $p: it ran twice"
  else
    want run.log 1 "resume after $p"
  fi
  rm -rf "$d"
done

# 2. The same points, rolled back: the undo runs only when the command
#    began (its check says the line is there), never twice.
for p in before-effect process-journaled process-running after-effect; do
  crash $p
  expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  holds "match the checkpoint"
  want f.txt 0 "rollback after $p"
  case $p in
    before-effect|process-journaled) want undo.log 0 "rollback after $p (never began)" ;;
    *) [ "$(lines undo.log)" -le 1 ] && ok || bad "rollback after $p: the undo ran twice" ;;
  esac
  rm -rf "$d"
done

# 3. A slow command left running by the crash is stopped before the
#    rollback settles it; it never finishes after the rollback matched.
crash process-running --param slow=2
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "its check says its effect is not in place"
sleep 3
want f.txt 0 "a command left running finished after the rollback"
want run.log 0 "a command left running finished after the rollback"
want undo.log 0 "the undo of a command that was stopped ran"
rm -rf "$d"
# ... and on resume it is stopped, then run again once.
crash process-running --param slow=2
expect 0 "$MIG" resume --state "$d/.mig/state.db" last && ok
sleep 3
want f.txt 1 "a command left running, then resumed"
rm -rf "$d"

# 4. An undo killed while it runs, or after it ended, runs once: the
#    second rollback settles it by its check.
for p in before-undo process-journaled process-running after-undo; do
  d=$(fresh "$HERE/once")
  expect 0 "$MIG" run "$d/plan.mig" && ok
  MIG_CRASH_AT=$p "$MIG" rollback --state "$d/.mig/state.db" last > /dev/null 2>&1
  st=$?
  [ $st -eq 137 ] && ok || bad "rollback killed at $p: got $st, expected 137"
  expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  want f.txt 0 "rollback killed at $p, then again"
  case $p in
    before-undo|process-journaled) want undo.log 1 "rollback killed at $p (undo not begun)" ;;
    after-undo) want undo.log 1 "rollback killed at $p: the undo ran twice" ;;
    # Left running, the undo may be stopped before it logs: at most once.
    *) [ "$(lines undo.log)" -le 1 ] && ok || bad "rollback killed at $p: the undo ran twice" ;;
  esac
  rm -rf "$d"
done

# 5. A command failed on purpose (an injected fault) never ran: nothing
#    of it is undone.
d=$(fresh "$HERE/once")
expect 3 "$MIG" run "$d/plan.mig" --inject a/app:Permanent && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
want undo.log 0 "the undo of a command failed by an injected fault"
rm -rf "$d"

# 6. Without check:, mig stops and asks, with the commands that answer;
#    the run stays interrupted until the user says.
d=$(fresh "$HERE/once")
MIG_CRASH_AT=process-running "$MIG" run "$d/nocheck.mig" > /dev/null 2>&1
expect 6 "$MIG" resume --state "$d/.mig/state.db" last && ok
holds "error: step a/app (exec.run) was in flight when mig stopped: mig cannot tell whether it finished: it has no check: argument that would tell"
holds "hint: see whether its effect is in place, then say so: \`mig resume 1 --settle 1=done\` if it is, \`mig resume 1 --settle 1=not-run\` if it left nothing"
expect 0 "$MIG" status --state "$d/.mig/state.db" last && ok
holds "interrupted"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "\`mig rollback 1 --settle 1=done\`"
expect 2 "$MIG" resume --state "$d/.mig/state.db" --settle 1=maybe last && ok
holds "--settle takes SEQ=done or SEQ=not-run (SEQ a journal record's number), not '1=maybe'"
expect 2 "$MIG" resume --state "$d/.mig/state.db" --settle x=done last && ok
expect 0 "$MIG" resume --state "$d/.mig/state.db" --settle 1=not-run last && ok
holds "not run: you said its effect is not in place; it runs again"
want f.txt 1 "resume --settle 1=not-run"
rm -rf "$d"
d=$(fresh "$HERE/once")
MIG_CRASH_AT=after-effect "$MIG" run "$d/nocheck.mig" > /dev/null 2>&1
expect 0 "$MIG" resume --state "$d/.mig/state.db" --settle 1=done last && ok
holds "done: you said its effect is in place"
want f.txt 1 "resume --settle 1=done"
rm -rf "$d"

# 7. A resume killed while the command it started again runs (or after it
#    ended), then resumed again or rolled back: still once, or none.
for p in process-running after-effect; do
  for how in resume rollback; do
    crash before-effect
    MIG_CRASH_AT=$p "$MIG" resume --state "$d/.mig/state.db" last > /dev/null 2>&1
    st=$?
    [ $st -eq 137 ] && ok || bad "resume killed at $p: got $st, expected 137"
    expect 0 "$MIG" $how --state "$d/.mig/state.db" last && ok
    if [ $how = resume ]; then
      want f.txt 1 "resume killed at $p, then resumed"
    else
      want f.txt 0 "resume killed at $p, then rolled back"
    fi
    [ "$(lines run.log)" -le 1 ] && ok || bad "resume killed at $p, then $how: it ran twice"
    rm -rf "$d"
  done
done

summary
