#!/bin/sh
# run.sh: the real-change set of the recovery benchmark. Each case file
# (bench/recovery/real/*.json, sources in SOURCES.tsv) holds a tool list
# before and after a published change and old calls with the call a person
# would write for the new interface, or "cannot be repaired without a
# person". adapt.translate rewrites every old call; judge.py counts per
# kind: repaired correctly, wrong repairs, correctly refused, missed.
# Timing: ROUNDS (default 5) runs of the set and of its floor (the same
# plan over the expected calls, from the new interface to itself), median
# of each. Two rounds with the same seed must give the same journal.
#
# usage: sh bench/recovery/real/run.sh MIG_BINARY
# Exit status: 0 when no repair is wrong and the journals agree, 1 when
# not, 2 when it could not run.
set -eu
die() { echo "real/run.sh: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: run.sh MIG_BINARY"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../../out/recovery-real}
rounds=${ROUNDS:-5}
rm -rf "$out"
mkdir -p "$out/run" "$out/floor"
out=$(cd "$out" && pwd)
cp "$here/plan.mig" "$out/run/" && cp "$here/plan.mig" "$out/floor/"
python3 "$here/judge.py" "$here" "$out/run" - || die "judge.py could not write the items"
mv "$out/run/floor.json" "$out/floor/items.json"
. "$here/../../lib.sh"
journal() { (cd "$1" && "$mig" log last --json) | sed 's/"at":"[^"]*",//; s/"pid":[0-9]*,//'; }

: > "$out/run.times"; : > "$out/floor.times"
: > "$out/run.cpu"; : > "$out/floor.cpu"; cpu_file=$out/cpu.raw; : > "$cpu_file"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
r=1
while [ "$r" -le "$rounds" ]; do
  for w in floor run; do
    rm -rf "$out/$w/out" "$out/$w/.mig"; mkdir "$out/$w/out"
    t0=$(now)
    (cd "$out/$w" && timed "$mig" run --seed 7 plan.mig > run.out 2>&1) || die "the $w run failed: see $out/$w/run.out"
    t1=$(now)
    elapsed "$t0" "$t1" >> "$out/$w.times"; echo >> "$out/$w.times"
    cpu_of >> "$out/$w.cpu"; echo >> "$out/$w.cpu"
  done
  journal "$out/run" > "$out/journal.$r"
  r=$((r + 1))
done
(cd "$out/run" && "$mig" log last --json > log.jsonl)
rc=0
echo "recovery benchmark, real changes: $(ls "$here"/*.json | wc -l) sources, $(python3 -c "import json; print(len(json.load(open('$out/run/items.json'))))") calls"
echo
python3 "$here/judge.py" "$here" "$out/run" "$out/run/log.jsonl" || rc=1
if cmp -s "$out/journal.1" "$out/journal.$rounds"; then
  echo; echo "journals of rounds 1 and $rounds (seed 7): identical"
else
  echo; echo "journals of rounds 1 and $rounds differ"; rc=1
fi
echo
time_table "$out" "$rounds" "$load0" \
  "floor: the expected calls, the new interface to itself" \
  "translation of the old calls" translation
exit "$rc"
