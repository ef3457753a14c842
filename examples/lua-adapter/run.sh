#!/bin/sh
# Runs the lua-adapter example in a scratch copy of this folder: checks the
# plan (which loads the Lua module), runs it (the adapter converts three
# cards, the hook skips the retired one and retries the one with a blob
# parameter), checks the registry it made, then rolls the run back and
# checks that the copy is byte for byte as it was.
# Usage: run.sh PATH/TO/mig
set -eu
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
sum() { (cd "$1" && find . -path ./.mig -prune -o -type f -print | LC_ALL=C sort | xargs cat | cksum); }
work=$(mktemp -d "${TMPDIR:-/tmp}/mig-lua-adapter.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$here/plan.mig" "$here/adapters" "$here/legacy" "$work/"
start=$(sum "$work")
"$mig" check --strict "$work/plan.mig"
# The dry run calls the adapter too (pure Lua functions): the two cards it
# cannot convert go to the recover block, as in the run; nothing changed.
"$mig" plan "$work/plan.mig" > "$work.plan"
grep -q "3 changes would be made, 2 foreseen failures go to a recover block. Nothing was changed." "$work.plan" \
    || { echo "run.sh: the dry run did not foresee the two recovered cards" >&2; exit 1; }
rm -f "$work.plan"
"$mig" run "$work/plan.mig" | tee "$work.out"
trap 'rm -rf "$work" "$work.out"' EXIT
ls "$work/registry"
for tool in docs_search text_translate weather_lookup; do
    [ -f "$work/registry/$tool.json" ] || { echo "run.sh: registry/$tool.json is missing" >&2; exit 1; }
done
grep -q "skipped item \[legacy/pager.tcard\]: legacy/pager.tcard is retired" "$work.out" \
    || { echo "run.sh: the retired card was not skipped by the hook" >&2; exit 1; }
grep -q "decided retry \[legacy/translate.tcard\]" "$work.out" \
    || { echo "run.sh: the hook did not retry the card with a blob" >&2; exit 1; }
grep -q "warn    recover \* \[legacy/translate.tcard\]: retrying legacy/translate.tcard with lenient types" "$work.out" \
    || { echo "run.sh: the hook's mig.log.warn line is missing" >&2; exit 1; }
"$mig" rollback --state "$work/.mig/state.db" last
[ "$start" = "$(sum "$work")" ] || { echo "run.sh: the rollback did not restore the folder" >&2; exit 1; }
echo "rolled back: the folder is as it was before the run"
