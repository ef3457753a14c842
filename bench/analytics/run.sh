#!/bin/sh
# run.sh: the prediction benchmark (docs/analytics.md, "Evaluation";
# figures in bench/RESULTS.md, "analytics"). Inventories of generated
# tools of each kind (`mig gen tools`, with its mismatches) and the real
# files of ../shared/corpus/ (one inventory per source repository, from
# its SOURCES.tsv) are each migrated by plan.mig into one state store,
# with seeded faults injected (--inject-rate: Transient on a share of all
# calls; the plan's retry blocks take those of the steps in them, a read
# that fails fails its file). The labels are what those runs journaled.
# Then `mig analyze --evaluate` predicts each inventory with a model
# trained on the others (folds split by run and inventory).
#
# usage: sh bench/analytics/run.sh MIG_BINARY [SOURCE_DIR]
#   COUNT (default 300): records of each generated inventory.
#   SEEDS (default "1 2"): a generated inventory of each kind per seed.
#   KINDS (default "openai mcp plugin synapse sk rag mixed").
#   RATE (default 0.01): the share of calls failed with Transient.
#   MISMATCHES: the generator's (default malformed:0.08,conflict:0.05,
#   names:0.1,quirks:0.1). CORPUS (default SOURCE_DIR/../shared/corpus;
#   "none" leaves it out). BENCH_OUT (default bench/out/analytics).
# Exit status: 0 when the accuracy is 85% or more and at least 10 points
# above the majority baseline, 1 when not, 2 when it could not run.
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [SOURCE_DIR]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$mig" ] || die "'$mig' is not an executable"
here=$(cd "$(dirname "$0")" && pwd)
src=${2:-$(cd "$here/../.." && pwd)}
count=${COUNT:-300}
seeds=${SEEDS:-"1 2"}
kinds=${KINDS:-"openai mcp plugin synapse sk rag mixed"}
rate=${RATE:-0.01}
mismatches=${MISMATCHES:-malformed:0.08,conflict:0.05,names:0.1,quirks:0.1}
corpus=${CORPUS:-$src/../shared/corpus}
out=${BENCH_OUT:-$here/../out/analytics}
rm -rf "$out"
mkdir -p "$out/inv"
out=$(cd "$out" && pwd)
state=$out/state.db

# One run of plan.mig over the inventory in folder $1, seeded with $2.
migrate() {
  cp "$here/plan.mig" "$1/plan.mig"
  (cd "$1" && "$mig" run --state "$state" --seed "$2" --inject-rate "$rate" \
     plan.mig > run.log 2>&1) || {
    rc=$?
    # 3: the run failed (an item beyond tolerate): its history counts
    [ $rc -eq 3 ] || die "the run in $1 ended with $rc (see $1/run.log)"
  }
}

start=$(date +%s)
n=0
for seed in $seeds; do
  for kind in $kinds; do
    d=$out/inv/gen-$kind-$seed
    mkdir -p "$d"
    "$mig" gen tools --kind "$kind" --count "$count" --seed "$seed" \
      --mismatches "$mismatches" --out "$d/legacy" > /dev/null
    migrate "$d" "$seed"
    n=$((n + 1))
  done
done

# The corpus, one inventory per repository (SOURCES.tsv: file, repo, ...).
if [ "$corpus" != none ]; then
  [ -f "$corpus/SOURCES.tsv" ] || die "no corpus at $corpus (CORPUS=none leaves it out)"
  tail -n +2 "$corpus/SOURCES.tsv" | while IFS='	' read -r file repo rest; do
    slug=$(echo "$repo" | tr '/' '_')
    mkdir -p "$out/inv/corpus-$slug/legacy/$(dirname "$file")"
    cp "$corpus/$file" "$out/inv/corpus-$slug/legacy/$file"
  done
  for d in "$out"/inv/corpus-*; do
    migrate "$d" 1
    n=$((n + 1))
  done
fi

"$mig" analyze --evaluate --json --state "$state" > "$out/evaluation.json"
"$mig" analyze --evaluate --state "$state" > "$out/evaluation.txt"
cat "$out/evaluation.txt"
echo "$n runs migrated and evaluated in $(( $(date +%s) - start ))s"
python3 - "$out/evaluation.json" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))
acc, base = e["accuracy"], e["baseline"]
ok = acc >= 0.85 and acc - base >= 0.10
for part in ("corpus-", "gen-"):
    rows = [g for g in e["inventories"] if "/inv/" + part in g["inventory"]]
    n = sum(g["rows"] for g in rows)
    right = sum(round(g["accuracy"] * g["rows"]) for g in rows)
    if n:
        print("%s inventories: %d, %d tools, accuracy %.1f%%"
              % (part.rstrip("-"), len(rows), n, 100.0 * right / n))
print("\nanalytics: %d held-out tools, accuracy %.1f%%, baseline %.1f%% "
      "(%+.1f points): %s" % (e["rows"], acc * 100, base * 100,
                              (acc - base) * 100,
                              "met" if ok else "NOT met (85%, +10 points)"))
sys.exit(0 if ok else 1)
EOF
