#!/bin/sh
# status_watch.sh MIG SRC BUILD: `mig status --watch` (docs/cli.md)
# follows a run that runs in the background: plain lines for each stage
# begun and ended, progress with items in flight and queued, the errors
# as they come, and the end with the exit status of the run's command (0
# succeeded, 3 failed, 9 for a run whose process was killed); on a
# terminal (MIG_PROGRESS=live) the block is redrawn in place. Usage
# errors: --json with --watch, no such run, no store.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
export NO_COLOR=1
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-watch.XXXXXX")
bg=
trap '[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null; rm -rf "$d"' EXIT
cd "$d" || exit 1

expect 8 "$MIG" status --watch
holds "no state store here"

cat > slow.mig <<'PLAN'
migration "slow" {
  stage work {
    foreach i in range(4) parallel 1 {
      retry 3 backoff fixed(delay: 10ms) on Transient {
        step nap = test.sleep(duration: 400ms)
      }
    }
  }
  stage finish after work {
    step last = test.sleep(duration: 10ms)
  }
}
PLAN
cat > fails.mig <<'PLAN'
migration "fails" {
  stage s {
    step nap = test.sleep(duration: 600ms)
    step boom = test.fail(class: "Conflict")
  }
}
PLAN

# Runs PLAN... in the background ($bg) as run N; waits until it is
# recorded.
start_bg() {
  n=$1; shift
  "$MIG" run -q "$@" > /dev/null 2>&1 &
  bg=$!
  i=0
  until "$MIG" status "$n" > /dev/null 2>&1 || [ $i -ge 100 ]; do
    sleep 0.05; i=$((i + 1))
  done
}

# Runs PLAN... as run N (start_bg) and watches it in MODE (plain or live)
# with ARGS: its output in $OUT, and its exit status must be WANT.
watch_run() {
  n=$1 want=$2 mode=$3 args=$4; shift 4
  start_bg "$n" "$@"
  OUT=$(MIG_PROGRESS=$mode "$MIG" status $args 2>&1); rc=$?
  wait "$bg"; bg=
  [ $rc -eq "$want" ] && ok || bad "watching run $n ($mode): exit $rc, not $want"
}

watch_run 1 0 plain "--watch 1" slow.mig --inject 'test.sleep:Transient:1'
holds 'run 1 of "slow": running'
holds 'stage work: started'
holds 'error: step-failed work/foreach.i/retry/nap[0]: Transient: injected fault (test.sleep:Transient:1)'
holds ' in flight, '
holds 'stage work: done'
holds 'stage finish: started'
holds 'stage finish: done'
holds 'run 1 ended: succeeded'
case $OUT in *"$(printf '\033')"*) bad "plain lines hold escapes" ;; *) ok ;; esac

watch_run 2 3 plain "--watch last" fails.mig
holds 'error: step-failed s/boom: Conflict: '
holds 'stage s: failed'
holds 'run 2 ended: failed'

# On a terminal: redrawn in place, the stages as a table, recent errors.
watch_run 3 0 live "-w 3" slow.mig --inject 'test.sleep:Transient:1'
holds "$(printf '\033[')"
holds '  stage work             done     4 done, 1 failed'
holds 'recent errors:'
holds 'run 3 ended: succeeded'

# A run whose process is killed ends the watch as interrupted.
start_bg 4 slow.mig
MIG_PROGRESS=plain "$MIG" status --watch 4 > watch.out 2>&1 &
w=$!
sleep 0.3
kill -9 "$bg"; wait "$bg" 2>/dev/null; bg=
wait "$w"; rc=$?
OUT=$(cat watch.out)
[ $rc -eq 9 ] && ok || bad "watching a run that was killed: exit $rc"
holds 'run 4 ended: interrupted'

# A run that ended already: its end at once.
expect 0 "$MIG" status --watch 1
holds 'run 1 ended: succeeded'
expect 2 "$MIG" status --watch --json 1
holds "--watch draws the run as it goes; it has no --json"
expect 2 "$MIG" status --watch 9
holds "no run 9"
summary
