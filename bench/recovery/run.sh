#!/bin/sh
# run.sh: the recovery benchmark. N (default 1000) legacy tool definitions,
# written by bench_recovery_gen, are migrated to a simulated V2 endpoint
# (test.api, test.config, test.register) that takes none of the broken
# ones as they are: renamed methods, parameters under old names of the
# generator's own vocabulary (vocab.h: synonyms, abbreviations, plurals,
# British spellings, ...), old enum values, lists of one, nesting and
# flattening, removed parameters, parameters by position or as text,
# old tools merged into one V2 tool behind a discriminator (translated up
# front by adapt.translate from the old and the V2 interface),
# configurations with missing, mistyped and unknown keys, dependencies
# later in the list, and some that cannot be repaired.
# Transient failures and timeouts are injected on top (seeded). The
# strategies repair what they can; bench_recovery_check then judges each
# tool by its result, not by the absence of an error. The floor is the
# same plan over the same tools written as V2 wants them, with no
# injection: the time ratio is what recovery costs.
#
# usage: sh bench/recovery/run.sh MIG_BINARY [N]
#   BENCH_OUT is where the work goes (default bench/out/recovery).
#   SEED (default 7) seeds the injected faults; RATE_TRANSIENT (0.03) and
#   RATE_TIMEOUT (0.01) are their shares of all calls. TOOLS_SEED (the
#   generator's default) picks other tools and mismatches.
# ROUNDS (default 3): rounds timed, the median reported: wall and CPU
# (user + sys, GNU time), each round's, and the load average.
# WITHOUT_AFTER=1 takes the plan's `after tool.requires` out (to show the
# race it prevents: the journals of two rounds then differ).
# Exit status: 0 when the aims are met (90% of the repairable tools
# recovered, no wrong repair (every other one failed), the same events
# in the first and the last round, every one judged), 1 when not, 2 when
# it could not run.
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-1000}
build=$(cd "$(dirname "$mig")/.." && pwd)
gen=$build/bench/bench_recovery_gen
check=$build/bench/bench_recovery_check
[ -x "$mig" ] || die "'$mig' is not an executable"
[ -x "$gen" ] && [ -x "$check" ] || die "build the bench targets of $build first"
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/recovery}
seed=${SEED:-7}
transient=${RATE_TRANSIENT:-0.03}
timeout=${RATE_TIMEOUT:-0.01}
rm -rf "$out"
mkdir -p "$out/run" "$out/floor"
out=$(cd "$out" && pwd)
. "$here/../lib.sh"

"$gen" "$out/run" -n "$n" ${TOOLS_SEED:+-s "$TOOLS_SEED"}
if [ -n "${WITHOUT_AFTER:-}" ]; then
  sed 's/ after tool\.requires / /' "$out/run/plan.mig" > "$out/run/plan.tmp"
  mv "$out/run/plan.tmp" "$out/run/plan.mig"
  grep -q 'after tool' "$out/run/plan.mig" && die "the plan still has its 'after'"
fi
for f in plan.mig api.json legacy.json config.schema.json old.json new.json \
         retired.json; do
  cp "$out/run/$f" "$out/floor/$f"
done
cp "$out/run/tools.clean.json" "$out/floor/tools.json"

# ROUNDS (default 3) rounds of the floor (nothing to repair, nothing
# injected: every tool must pass) and of the run (exit 0: the loop
# tolerates the tools that cannot be repaired); the median of each. The
# journals of the first and the last round are compared (journal.py:
# times, process ids and sequence numbers left out, sorted, since 16
# items run at once and their events interleave in another order from
# run to run). Every event is judged: a difference fails the run (exit
# 1). A tool that requires another of the list starts once that one has
# ended (the plan's `after tool.requires`), so no timing decides whether
# it meets it registered.
rounds=${ROUNDS:-3}
journal() { (cd "$1" && "$mig" log last --json) \
              | python3 "$here/journal.py" > "$out/journal.$2" \
              || die "the journal of round $2 cannot be read"; }
: > "$out/floor.times"; : > "$out/run.times"
: > "$out/floor.cpu"; : > "$out/run.cpu"; cpu_file=$out/cpu.raw; : > "$cpu_file"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
r=1
while [ "$r" -le "$rounds" ]; do
  rm -rf "$out/floor/.mig" "$out/floor/out" "$out/run/.mig" "$out/run/out"
  t0=$(now)
  (cd "$out/floor" && timed "$mig" run plan.mig > run.out) || die "the floor run failed: see $out/floor/run.out"
  t1=$(now)
  elapsed "$t0" "$t1" >> "$out/floor.times"; echo >> "$out/floor.times"
  cpu_of >> "$out/floor.cpu"; echo >> "$out/floor.cpu"
  t0=$(now)
  rc=0
  (cd "$out/run" && timed "$mig" run --seed "$seed" \
      --inject-rate "$transient:Transient" --inject-rate "$timeout:Timeout" \
      plan.mig > run.out) || rc=$?
  t1=$(now)
  elapsed "$t0" "$t1" >> "$out/run.times"; echo >> "$out/run.times"
  cpu_of >> "$out/run.cpu"; echo >> "$out/run.cpu"
  [ "$rc" -eq 0 ] || die "mig run exited with $rc: see $out/run/run.out"
  journal "$out/run" "$r"
  r=$((r + 1))
done
(cd "$out/run" && "$mig" log last --json > log.jsonl) || die "mig log failed"

echo "recovery benchmark: $n tools, seed $seed, injected $transient Transient and $timeout Timeout"
echo
rc=0
"$check" "$out/run" "$out/run/log.jsonl" || rc=$?
[ "$rc" -le 1 ] || exit 2
echo
if cmp -s "$out/journal.1" "$out/journal.$rounds"; then
  echo "journals of rounds 1 and $rounds (seed $seed): the same events, all $(wc -l < "$out/journal.1") judged"
else
  echo "journals of rounds 1 and $rounds (seed $seed): $(diff "$out/journal.1" "$out/journal.$rounds" | grep -c '^[<>]') of $(wc -l < "$out/journal.1") events differ (diff $out/journal.1 $out/journal.$rounds)"
  rc=1
fi
echo
time_table "$out" "$rounds" "$load0" \
  "floor: the same plan, tools already fit, nothing injected" \
  "recovery: repairs, injected faults, retries" recovery
exit "$rc"
