#!/bin/sh
# analyze.sh MIG SRC BUILD: `mig analyze` end to end (docs/analytics.md,
# "Prediction"). bench/analytics/plan.mig migrates the fixture
# inventory analyze/legacy, whose outcomes are known: three tools stored
# clean, a bundle's tool that waits for its server (recovered) while its
# second tool and the server go clean, a truncated file and a conflicting
# tool (each needs a human). --train labels exactly those 8 rows and,
# below 50, keeps the fallback, which `mig analyze DIR` names; the usage
# errors, a missing store, model and folder, a damaged model, and an
# evaluation of one inventory are refused. Then the small deterministic
# version of the benchmark (three generated inventories, no corpus):
# evaluated twice, the same figures, every labelled row held out once.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-analyze.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

d=$tmp/fixture
mkdir -p "$d"
cp -R "$SRC/tests/cli/analyze/legacy" "$d/"
cp "$SRC/bench/analytics/plan.mig" "$d/plan.mig"
cd "$d" || exit 2

# Usage errors and what is missing.
expect 2 "$MIG" analyze && ok
holds "analyze: give the folder of a legacy inventory, or --train, or --evaluate"
expect 2 "$MIG" analyze --train legacy && ok
holds "analyze: --train reads the history, not a folder: leave out 'legacy'"
expect 2 "$MIG" analyze --train --evaluate && ok
holds "analyze: --train and --evaluate go alone, one at a time"
expect 8 "$MIG" analyze --train && ok
holds "mig: error: no state store here: no .mig/state.db in"
expect 8 "$MIG" analyze --evaluate --state "$d/none/state.db" && ok
expect 2 "$MIG" analyze legacy --model "$d/none.json" && ok
holds "mig: error: no model at '$d/none.json': No such file or directory"
holds "hint: train one from the history of runs with \`mig analyze --train\`"

expect 0 "$MIG" run -q plan.mig && ok
expect 0 "$MIG" analyze --train --json && ok
holds '"kind": "fallback"'
holds '"rows": 8,'
holds '"runs": 1,'
holds '"clean": 5,'
holds '"recovered": 1,'
holds '"human": 2'
[ -f .mig/analyze-model.json ] && ok || bad "no model beside the store"
# Every feature the model knows is a row of docs/analytics.md's table.
for f in $(sed -n '/"features": \[/,/\]/s/^ *"\([a-z_]*\)",*$/\1/p' \
             .mig/analyze-model.json); do
  grep -q "^| \`$f\` |" "$SRC/docs/analytics.md" && ok \
    || bad "feature $f is not in docs/analytics.md"
done
expect 0 "$MIG" analyze --train && ok
holds "trained on 8 labelled tools from 1 runs (clean 5, recovered 1, human 2): fewer than 50, so the model is the fallback, the majority class 'clean'"

expect 0 "$MIG" analyze legacy && ok
holds "legacy/a.json (openai.functions): clean, under 100ms"
holds "  get_weather #/0: clean (0.62), under 100ms; because fallback: majority class of 8 labelled rows (fewer than 50 to train on)"
holds "legacy/b.json (no format): clean"
holds "4 files, 8 predictions: 8 clean, 0 recovered, 0 human"
expect 0 "$MIG" analyze legacy --json && ok
holds '"feature": "fallback"'
expect 2 "$MIG" analyze missing && ok
holds "tools.scan: cannot list 'missing'"

# A damaged model: refused, not half read.
printf '{"mig_analyze_model": 1, "features": ["format"]}' > bad.json
expect 2 "$MIG" analyze legacy --model bad.json && ok
holds "mig: error: 'bad.json' is not a model of this mig: its features are not this mig's (train it again with mig analyze --train)"
printf 'not json' > bad.json
expect 2 "$MIG" analyze legacy --model bad.json && ok
holds "mig: error: 'bad.json' is not a model of this mig: 1:1: unknown word 'not'"

expect 2 "$MIG" analyze --evaluate && ok
holds "the history has 1 inventory: an evaluation needs runs of 2 or more"

# The small deterministic benchmark: three inventories of mixed tools.
out=$tmp/bench
BENCH_OUT=$out KINDS=mixed COUNT=40 SEEDS="1 2 3" CORPUS=none \
  sh "$SRC/bench/analytics/run.sh" "$MIG" "$SRC" > "$tmp/bench.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ] && ok || { bad "run.sh exited $rc"; cat "$tmp/bench.txt" >&2; }
expect 0 "$MIG" analyze --evaluate --json --state "$out/state.db" && ok
[ "$OUT" = "$(cat "$out/evaluation.json")" ] && ok \
  || bad "a second evaluation gave other figures"
holds '"folds": 3,'
holds '"groups": 3,'
rows=$(printf '%s\n' "$OUT" | sed -n 's/^  "rows": \([0-9]*\),$/\1/p')
expect 0 "$MIG" analyze --train --json --state "$out/state.db" \
  --model "$tmp/m.json" && ok
holds '"kind": "xgboost"'
holds "\"rows\": $rows,"
expect 0 "$MIG" analyze "$out/inv/gen-mixed-1/legacy" --model "$tmp/m.json" && ok
holds "model: xgboost, trained"
holds "because "

summary
