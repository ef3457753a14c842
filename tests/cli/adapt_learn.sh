#!/bin/sh
# adapt_learn.sh MIG SRC BUILD: `mig adapt learn` (docs/recovery.md,
# "Learning from a run"): a run whose calls the recover blocks repair,
# the mapping learned from its journal (golden), then the next run with
# that mapping given to adapt.translate(map: ...): every call is
# translated up front, the endpoint takes it at once, no recover block
# runs (its journal has no recover, adapted or step-failed event) and
# the results are the first run's. Repairs two items made two ways are
# left out and said (exit 10); a run without repairs writes nothing
# (exit 6); bad operands, a missing run and a mapping of the wrong shape
# fail with their message.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(fresh "$2/tests/data/adapt_learn")
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 2

expect 0 "$MIG" run repair.mig && holds "run 1 ended: succeeded"
expect 0 "$MIG" adapt learn last -o mapping.yaml &&
  holds "10 repairs of run 1 kept in mapping.yaml" &&
  holds "2 defaults filled from the schema not kept"
head -1 mapping.yaml | grep -q '^# mig adapt learn 1: the repairs run 1 made' && ok ||
  bad "the mapping has no header line"
if tail -n +2 mapping.yaml | diff -u mapping.expected - >&2; then ok
else bad "the learned mapping differs from mapping.expected"; fi
# The first run's journal holds what was learned, as structures.
expect 0 "$MIG" log --json last &&
  holds '"repairs":[{"kind":"tool","from":"listIssues","to":"issues.list"}]'
mkdir first && cp out/*.json first/ && rm -rf out

# The next run: translated up front, nothing to recover.
expect 0 "$MIG" run translate.mig && holds "run 2 ended: succeeded"
expect 0 "$MIG" log last
case $OUT in
  *recover*|*adapted*|*step-failed*) bad "a recover block ran in the run with the learned mapping"
    printf '%s\n' "$OUT" >&2 ;;
  *) ok ;;
esac
[ "$(printf '%s\n' "$OUT" | grep -c 'step-done .*call/foreach.c/got\[')" -eq 4 ] && ok ||
  bad "test.api did not take each of the 4 calls at the first attempt"
for f in a b c; do
  cmp -s "first/$f.json" "out/$f.json" && ok ||
    bad "out/$f.json differs from the first run's"
done

# No repairs in run 2: nothing written, exit 6.
expect 6 "$MIG" adapt learn 2 -o none.yaml &&
  holds "mig adapt learn: run 2 made no repairs to keep"
[ ! -e none.yaml ] && ok || bad "a run without repairs wrote a mapping"

# Two items repaired one parameter two ways, and one value: left out.
expect 0 "$MIG" run conflict.mig
expect 10 "$MIG" adapt learn last -o conflict.yaml &&
  holds "left out: issues.list: parameter 'find' became 'query' (item 0) and 'state' (item 1): a person must choose" &&
  holds "left out: issues.list: value 'open' of parameter 'status' became 'OPEN' (item 0) and 'CLOSED' (item 2): a person must choose" &&
  holds "1 repair of run 3 kept in conflict.yaml"
grep -q "^# left out: issues.list: parameter 'find'" conflict.yaml &&
  grep -q "^      status: state$" conflict.yaml &&
  ! grep -q "find:\|values" conflict.yaml && ok ||
  bad "conflict.yaml does not hold just what no item disagreed on"

# --json, and to stdout without -o.
expect 0 "$MIG" adapt learn --json -o json.yaml 1 &&
  { printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["kept"] == 10 and d["left_out"] == [] and d["defaults"] == 2, d
assert d["mapping"]["tools"]["weather.get"] == {"to": "weather.get",
  "map": {"Location": "location", "num_days": "days"}}, d
' && ok || bad "--json is not {mapping, kept, left_out, defaults}"; }
tail -n +2 json.yaml | cmp -s - mapping.expected && ok ||
  bad "--json -o did not write the mapping too"
expect 0 "$MIG" adapt learn 1 && holds "  listIssues:
    to: issues.list"

# Bad input.
expect 2 "$MIG" adapt learn 9 && holds "no run 9"
expect 2 "$MIG" adapt learn && holds "missing diff OLD NEW | learn RUN"
expect 2 "$MIG" adapt learn 1 2 && holds "expected 'diff OLD NEW' or 'learn RUN', found 'learn' and 2 operands"
expect 8 "$MIG" adapt learn --state "$d/nothing/state.db" last
expect 2 "$MIG" adapt learn 1 -o "$d/no/such/dir/m.yaml"
[ ! -e "$d/no" ] && ok || bad "a failed write left something behind"
printf 'tools:\n  listIssues:\n    to: 3\n' > mapping.yaml
expect 3 "$MIG" run translate.mig &&
  holds "adapt.translate: map.tools.listIssues: expected {to: NEW, set: {NAME: VALUE}, map: {...}} (set and map optional)"
summary
