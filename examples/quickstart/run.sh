#!/bin/sh
# Runs the quickstart: check the plan, show its execution graph and the dry
# run of what running it would change (the script checks that the dry run
# changed nothing); then, in a scratch copy of this folder:
#   1. run it with two faults injected into the registry: the retry block
#      recovers both, the note in legacy/ is skipped with its reason;
#   2. add a second, different definition of get_weather (incoming/) and
#      run it again: a Conflict, and the run is rolled back to its
#      checkpoint, the registry's digest verified; the registry is as
#      run 1 left it;
#   3. take the file out again and roll run 1 back: the copy is byte for
#      byte as it was.
# Usage: run.sh PATH/TO/mig
set -eu
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
sum() { (cd "$1" && find . -path ./.mig -prune -o -type f -print | LC_ALL=C sort | xargs cat | cksum); }
fail() { echo "run.sh: $*" >&2; exit 1; }
before=$(sum "$here")
"$mig" check --strict "$here/plan.mig"
echo
"$mig" graph "$here/plan.mig"
echo
"$mig" plan "$here/plan.mig"
echo
"$mig" plan --profile production --show-params "$here/plan.mig"
[ "$before" = "$(sum "$here")" ] || fail "the dry run changed files under $here"

work=$(mktemp -d "${TMPDIR:-/tmp}/mig-quickstart.XXXXXX")
trap 'rm -rf "$work" "$work.out"' EXIT
cp -R "$here/plan.mig" "$here/legacy" "$here/incoming" "$work/"
cd "$work"
start=$(sum .)

echo
echo "== 1. mig run, the registry failing twice (Unavailable: a transient error)"
"$mig" run --seed 1 --inject 'registry.put:Unavailable:2' plan.mig > "$work.out" \
    || { cat "$work.out"; fail "run 1 did not succeed"; }
cat "$work.out"
grep -q "skipped item \[legacy/README.txt\]: legacy/README.txt: plain text that no reader recognises" "$work.out" \
    || fail "the note in legacy/ was not skipped with its reason"
"$mig" log 1 | grep retry-wait | cut -c 27- > "$work.out"
[ "$(wc -l < "$work.out")" -eq 2 ] || fail "run 1 did not wait and retry twice"
echo "-- retried, from mig log 1:"
cat "$work.out"
echo "-- the registry:"
ls registry/tools
[ "$(ls registry/tools | wc -l)" -eq 4 ] || fail "run 1 did not put the 4 tools"
after1=$(sum .)

echo
echo "== 2. a second get_weather arrives; mig run again"
cp incoming/weather.json legacy/weather-forecast.json
status=0
"$mig" run --seed 1 plan.mig > "$work.out" 2>&1 || status=$?
cat "$work.out"
[ "$status" -eq 4 ] || fail "run 2 ended with status $status, not 4 (rolled back)"
grep -q "the managed resources match the checkpoint" "$work.out" \
    || fail "run 2's rollback did not verify its checkpoint"
rm legacy/weather-forecast.json
[ "$after1" = "$(sum .)" ] || fail "the rolled-back run 2 changed the registry run 1 left"
echo "-- the registry is as run 1 left it"

echo
echo "== 3. mig rollback 1"
"$mig" rollback 1
[ "$start" = "$(sum .)" ] || fail "the rollback did not bring $work back to its start"
echo "rolled back: the folder is as it was before the runs"
