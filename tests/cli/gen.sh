#!/bin/sh
# gen.sh MIG SRC BUILD: `mig gen tools` (docs/gen.md): its bounds and
# refusals (exit status and message), byte-identical output for a seed,
# --force, and a generated inventory migrated by a plan that checks.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-gen.XXXXXX")
cd "$d" || exit 2
# Bounds: --count from 1 to 1000000, --files-per from 1 to 1000.
expect 2 "$MIG" gen tools --count 0 && ok
holds "mig gen: error: --count takes a whole number from 1 to 1000000, not '0'"
expect 2 "$MIG" gen tools --count 1000001 && ok
holds "not '1000001'"
expect 2 "$MIG" gen tools && ok
holds "mig gen: error: --count N is required (from 1 to 1000000)"
expect 0 "$MIG" gen tools --count 1 --out one && ok
holds "mig gen: 1 records in 1 files under one (kind mixed, seed 0):"
expect 2 "$MIG" gen tools --count 5 --files-per 1001 --out x && ok
holds "--files-per takes a whole number from 1 to 1000, not '1001'"
expect 0 "$MIG" gen tools --count 5 --files-per 1000 --kind synapse --out per && ok
holds "5 records in 1 files under per (kind synapse, seed 0): synapse 5"
expect 2 "$MIG" gen tools --count 5 --kind langchain --out x && ok
holds "error: unknown kind 'langchain'"
holds "hint: the kinds are openai, mcp, plugin, synapse, rag, sk and mixed"
expect 2 "$MIG" gen tools --count 5 --mismatches typos:0.1 --out x && ok
holds "error: --mismatches: unknown kind of mismatch in 'typos:0.1'"
expect 2 "$MIG" gen tools --count 5 --mismatches names:0.6,quirks:0.5 --out x && ok
holds "error: the shares of mismatches add up to more than 1"
expect 2 "$MIG" gen things --count 5 && ok
holds "mig gen: error: mig generates 'tools' only, not 'things'"
[ ! -e x ] && ok || bad "a refused generation left x/"
# The same seed writes the same bytes; another seed other bytes.
expect 0 "$MIG" gen tools --count 300 --seed 9 --mismatches names:0.2,malformed:0.05 --out a && ok
holds "malformed:"
expect 0 "$MIG" gen tools --count 300 --seed 9 --mismatches names:0.2,malformed:0.05 --out b && ok
diff -r a b > /dev/null && ok || bad "the same seed wrote different files"
expect 0 "$MIG" gen tools --count 300 --seed 10 --out c && ok
diff -r a c > /dev/null && bad "another seed wrote the same files" || ok
# A folder that is not empty is refused, and left as it was; --force
# replaces what it holds.
mkdir full && echo keep > full/mine.txt
expect 6 "$MIG" gen tools --count 10 --out full && ok
holds "mig gen: error: 'full' is not empty: nothing written"
[ "$(ls -A full)" = mine.txt ] && ok || bad "the refused folder changed"
expect 0 "$MIG" gen tools --count 10 --out full --force && ok
[ ! -e full/mine.txt ] && [ -f full/.gen.tsv ] && ok || bad "--force did not replace full/"
mkdir empty
expect 0 "$MIG" gen tools --count 10 --out empty/ && ok
holds "under empty (kind mixed"
[ -f empty/.gen.tsv ] && ok || bad "empty/ was not filled"
echo notadir > file
expect 2 "$MIG" gen tools --count 10 --out file && ok
holds "'file' is there and is not a folder"
ls -d ./*.gen-* 2>/dev/null && bad "a temporary folder was left" || ok
# A generated inventory migrates: every record in the registry, then
# rolled back to nothing, verified.
cp "$2/bench/migrate/plan.mig" plan.mig
rm -rf legacy
expect 0 "$MIG" gen tools --count 120 --seed 4 --out legacy && ok
expect 0 "$MIG" check plan.mig && ok
expect 0 "$MIG" run plan.mig && ok
expect 0 "$MIG" rollback last && ok
holds "the managed resources match the checkpoint"
cd / && rm -rf "$d"
summary
