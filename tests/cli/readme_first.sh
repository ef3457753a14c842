#!/bin/sh
# readme_first.sh MIG SRC BUILD: the plan of README.md's "Your first
# plan" and the commands shown under it work as the README says; the
# opening plan is workflows/synapse.mig, byte for byte, and runs as the
# README says on the Synapse samples of tests/data/legacy.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
sed -n '/^## Your first plan/,/^## /p' "$2/README.md" \
  | sed -n '/^   ```mig$/,/^   ```$/p' | sed '1d;$d' | sed 's/^   //' > "$d/plan.mig"
[ -s "$d/plan.mig" ] && ok || bad "no plan under 'Your first plan' in README.md"
cd "$d" || exit 2
expect 0 "$MIG" check plan.mig && ok
holds 'plan.mig: ok: migration "first"'
expect 0 "$MIG" plan plan.mig --param name=you && ok
[ ! -e out ] && ok || bad "mig plan changed something"
expect 0 "$MIG" run plan.mig --param name=you && ok
[ "$(cat out/hello.txt)" = "hello you" ] && ok || bad "out/hello.txt is not 'hello you'"
expect 0 "$MIG" log last && ok
holds "file.write (self, done): out/hello.txt"
expect 0 "$MIG" rollback last && ok
[ ! -e out ] && ok || bad "mig rollback left out/"
cd / && rm -rf "$d"
# The opening plan: workflows/synapse.mig as it is; checked, run on two
# versions of one Synapse agent (their tools differ: a Conflict, rolled
# back and verified).
o=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
sed -n '/^```mig$/,/^```$/p' "$2/README.md" | sed -n '1,/^```$/p' \
  | sed '1d;$d' > "$o/plan.mig"
grep -q 'migration "synapse-to-v2"' "$o/plan.mig" && ok || bad "no opening plan in README.md"
cmp -s "$o/plan.mig" "$2/workflows/synapse.mig" && ok \
  || bad "README.md's opening plan is not workflows/synapse.mig"
mkdir -p "$o/legacy/synapse"
cp "$2"/tests/data/legacy/synapse/*.yaml "$o/legacy/synapse/"
cd "$o" || exit 2
expect 0 "$MIG" check --strict plan.mig && ok
expect 4 "$MIG" run plan.mig && ok
holds "Conflict: registry.put: tool '"
holds "in registry, from legacy/synapse/billing.v"
holds "the managed resources match the checkpoint"
[ -z "$(find registry -type f 2>/dev/null)" ] && ok || bad "the rolled-back run left records"
cd / && rm -rf "$o"
summary
