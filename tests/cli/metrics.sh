#!/bin/sh
# metrics.sh MIG SRC BUILD: `mig metrics` (docs/metrics.md). No store is
# exit 8; then runs that retry behind a circuit breaker, recover with a
# strategy and roll back give exact counts; a run in progress in the
# background shows its items in flight and its queue depth, and once it
# is killed it counts as interrupted and its gauges are gone. Every output
# is checked against the text format's rules (metrics/promcheck.py).
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
export NO_COLOR=1
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-metrics.XXXXXX")
bg=
trap '[ -n "$bg" ] && kill -9 "$bg" 2>/dev/null; rm -rf "$d"' EXIT
cd "$d" || exit 1

# Prints the metrics of the store here into m.txt and checks the format.
scrape() {
  expect 0 "$MIG" metrics || return 1
  printf '%s\n' "$OUT" > m.txt
  check=$(python3 "$SRC/tests/cli/metrics/promcheck.py" m.txt) \
    && ok || { bad "not the text format: $check"; }
}
# has LINE: m.txt holds the line exactly.
has() { grep -qxF "$1" m.txt && ok || { bad "no line '$1'"; grep "${1%%[{ ]*}" m.txt >&2; }; }

expect 8 "$MIG" metrics
holds "no state store"

cp "$SRC/tests/cases/run/breaker.mig" "$SRC/tests/cases/run/recovery.mig" .
expect 0 "$MIG" run -q breaker.mig --inject 'test.sleep:Unavailable:3'
expect 0 "$MIG" run -q recovery.mig
cat > rb.mig <<'PLAN'
migration "rolls-back" {
  stage s {
    checkpoint before
    step w = file.write(path: "out.txt", content: "new\n")
    step boom = test.fail(class: "Conflict")
    recover Conflict {
      rollback to before
    }
  }
}
PLAN
expect 4 "$MIG" run -q rb.mig
scrape
has 'mig_runs{state="succeeded"} 2'
has 'mig_runs{state="rolled-back"} 1'
has 'mig_runs{state="running"} 0'
has 'mig_retries_total{class="Unavailable"} 5'
has 'mig_breaker_transitions_total{state="open"} 2'
has 'mig_breaker_transitions_total{state="half-open"} 2'
has 'mig_breaker_transitions_total{state="closed"} 1'
has 'mig_recoveries_total{class="ParamMismatch",strategy="adapt.params"} 4'
has 'mig_recoveries_total{class="Conflict",strategy="block"} 1'
has 'mig_recovery_decisions_total{decision="rollback"} 1'
has 'mig_rollbacks_total{matched="true"} 1'
has 'mig_rollback_duration_seconds_count 1'
has 'mig_rollback_duration_seconds_bucket{le="+Inf"} 1'
has 'mig_breakers{state="open"} 0'
# Every run wrote its gauges at its end: its commits are counted.
commits=$(sed -n 's/^mig_journal_commit_seconds_count //p' m.txt)
[ "${commits:-0}" -ge 3 ] && ok || bad "journal commits counted: '$commits'"
grep -q '^mig_items_in_flight' m.txt && bad "items in flight with no run running" || ok

# A run in progress: 6 items, 2 at a time, each sleeping 30 s.
cat > slow.mig <<'PLAN'
migration "slow" {
  stage work {
    foreach i in range(6) parallel 2 {
      step nap = test.sleep(duration: 30s)
    }
  }
}
PLAN
"$MIG" run -q slow.mig > slow.out 2>&1 &
bg=$!
i=0
while [ $i -lt 100 ]; do
  "$MIG" metrics > m.txt 2>/dev/null
  grep -qxF 'mig_items_in_flight{run="4"} 2' m.txt && break
  sleep 0.1
  i=$((i + 1))
done
scrape
has 'mig_runs{state="running"} 1'
has 'mig_items_in_flight{run="4"} 2'
has 'mig_queue_depth{run="4"} 4'
kill -9 "$bg"
wait "$bg" 2>/dev/null
bg=
scrape
has 'mig_runs{state="running"} 0'
has 'mig_runs{state="interrupted"} 1'
grep -q '^mig_items_in_flight{' m.txt && bad "a dead run's items still in flight" || ok

# A store that is not one.
mkdir other && printf 'not a store' > other/state.db
expect 8 "$MIG" metrics --state other/state.db
summary
