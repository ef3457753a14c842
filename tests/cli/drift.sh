#!/bin/sh
# drift.sh MIG SRC BUILD: `mig drift` end to end (docs/drift.md). The
# synapse workflow migrates its example into a SQLite registry; then the
# registry is changed behind mig's back with sqlite3 (one record added,
# one removed, one field of a third edited) and drift reports exactly
# those three (goldens drift/three.txt and three.json), exit 10; a failed
# and a rolled-back run after it do not move the baseline; --fix writes a
# plan that mig check accepts and that, run, leaves no drift. Also: no
# drift (0), no successful run (6), profiles, a folder registry, what
# cannot be read (1), and the usage errors. UPDATE=1 rewrites the
# goldens.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-drift.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
gold=$SRC/tests/cli/drift


d=$tmp/sqlite
mkdir -p "$d"
cp "$SRC/workflows/synapse.mig" "$d/plan.mig"
cp -R "$SRC/examples/synapse/legacy" "$d/"
cd "$d" || exit 2

# Before any run: nothing to compare with.
expect 6 "$MIG" drift plan.mig
golden "$gold" no_store.txt

# A run that fails before it writes anything is no baseline either.
mkdir empty
expect 3 "$MIG" run -q plan.mig --param source=empty --param db=registry.db && ok
expect 6 "$MIG" drift plan.mig
golden "$gold" no_success.txt

expect 0 "$MIG" run -q plan.mig --param db=registry.db && ok
expect 0 "$MIG" drift plan.mig
golden "$gold" none.txt
expect 0 "$MIG" drift plan.mig --json && ok
holds '"drift": false'
# From another folder: the registries are the plan's folder's.
cd "$tmp" || exit 2
expect 0 "$MIG" drift sqlite/plan.mig
holds "registry.db: unchanged (5 records)"
cd "$d" || exit 2
expect 0 "$MIG" drift plan.mig --fix
holds "plan.mig: no drift since run 2: nothing to fix"
[ ! -e fix.mig ] && ok || bad "a fix was written with no drift"

# The profile picks the runs: none was made with production; an unknown
# profile is a usage error, as for run.
expect 6 "$MIG" drift plan.mig --profile production
holds "plan.mig has no successful run with the profile 'production' yet"
expect 2 "$MIG" drift plan.mig --profile nightly && ok

# Behind mig's back: balance edited, refund removed, extra added.
sqlite3 registry.db "UPDATE tools SET json = json_set(json, '\$.description', 'Edited behind mig''s back.') WHERE name = 'balance'; DELETE FROM tools WHERE name = 'refund'; INSERT INTO tools(name, json, digest, status) SELECT 'extra', json_set(json, '\$.name', 'extra'), digest, status FROM tools WHERE name = 'list_overdue';"
expect 10 "$MIG" drift plan.mig
golden "$gold" three.txt
expect 10 "$MIG" drift plan.mig --json
golden "$gold" three.json

# A failed run, then a rolled-back one, do not move the baseline: the
# same three changes since run 2.
expect 3 "$MIG" run -q plan.mig --param source=empty --param db=registry.db && ok
expect 4 "$MIG" run -q --inject 'registry.put:ValidationFailed:1' plan.mig \
  --param db=registry.db && ok
expect 10 "$MIG" drift plan.mig
golden "$gold" three.txt

# The fix: written beside the plan, never run by drift.
before=$(sqlite3 registry.db "SELECT name, json FROM tools ORDER BY name" | sha256sum)
expect 10 "$MIG" drift plan.mig --fix -o fix.mig
holds "wrote fix.mig: review it, then \`mig run fix.mig\` brings the registry back"
after=$(sqlite3 registry.db "SELECT name, json FROM tools ORDER BY name" | sha256sum)
[ "$before" = "$after" ] && ok || bad "drift --fix changed the registry"
expect 0 "$MIG" check --strict fix.mig && ok
expect 0 "$MIG" plan fix.mig && ok
holds "would delete registry:registry.db#tool/extra: delete"
holds "would create registry:registry.db#tool/refund: add"
expect 10 "$MIG" drift plan.mig --fix
holds 'migration "drift-fix" {'
expect 0 "$MIG" run -q fix.mig && ok
expect 0 "$MIG" drift plan.mig
holds "registry.db: unchanged (5 records)"
[ "$(sqlite3 registry.db "SELECT json_extract(json, '\$.description') FROM tools WHERE name = 'balance'")" \
  = "The balance of an account on a day (today when left out)." ] && ok \
  || bad "the fix did not put balance back"

# The fix can be rolled back: its checkpoint comes first.
expect 0 "$MIG" rollback last && ok
expect 10 "$MIG" drift plan.mig
golden "$gold" three.txt

# A rollback of the successful run itself: no baseline is left.
expect 0 "$MIG" run -q fix.mig && ok
expect 0 "$MIG" rollback 2 --force && ok
expect 6 "$MIG" drift plan.mig && ok

# The usage errors.
expect 2 "$MIG" drift plan.mig -o fix2.mig
holds "mig drift: error: --output names the file of --fix"
expect 2 "$MIG" drift plan.mig --fix -o "$tmp/fix.mig"
holds "the fix must be written beside the plan"
expect 2 "$MIG" drift plan.mig --fix --json
holds "give the fix a file with -o FILE"
expect 2 "$MIG" drift - && ok
printf 'migration "bad" {\n  stage {\n}\n' > bad.mig
expect 1 "$MIG" drift bad.mig
holds "bad.mig:2:9: error:"

# A folder registry: one JSON file a record, edited with sed.
d=$tmp/folder
mkdir -p "$d"
cp "$SRC/workflows/synapse.mig" "$d/plan.mig"
cp -R "$SRC/examples/synapse/legacy" "$d/"
cd "$d" || exit 2
expect 0 "$MIG" run -q plan.mig && ok
expect 0 "$MIG" drift plan.mig && ok
sed -i 's/"POST"/"PUT"/' registry/tools/refund.json
rm registry/tools/post_entry.json
expect 10 "$MIG" drift plan.mig
golden "$gold" folder.txt
expect 10 "$MIG" drift plan.mig --fix -o fix.mig && ok
expect 0 "$MIG" run -q fix.mig && ok
expect 0 "$MIG" drift plan.mig && ok

# A run with a profile is the baseline of that profile only.
expect 0 "$MIG" run -q plan.mig --profile production && ok
expect 0 "$MIG" drift plan.mig --profile production
holds "plan.mig: no drift since run 3, its last successful run"
expect 0 "$MIG" drift plan.mig
holds "plan.mig: no drift since run 1, its last successful run"

# The baseline's contents are in the state store: the object store is
# not needed. One recorded before state schema 12 kept them as files of
# .mig/objects: moved there out of the store, they read alike.
sed -i 's/"POST"/"GET"/' registry/tools/refund.json
rm -rf .mig/objects
expect 10 "$MIG" drift plan.mig --json && ok
kept=$OUT
for h in $(sqlite3 .mig/state.db "SELECT DISTINCT substr(digest, 1, 2) FROM baseline_objects"); do
  mkdir -p ".mig/objects/$h"
done
sqlite3 .mig/state.db "SELECT writefile('.mig/objects/' || substr(digest, 1, 2) || '/' || substr(digest, 3), content) FROM baseline_objects; DELETE FROM baseline_objects" > /dev/null
[ "$(sqlite3 .mig/state.db "SELECT count(*) FROM baseline_objects")" = 0 ] && ok || bad "the contents are still in the store"
expect 10 "$MIG" drift plan.mig --json
[ "$OUT" = "$kept" ] && ok || bad "a baseline kept in .mig/objects reads otherwise: $OUT"
# What cannot be read: a kept record in neither place, a record file
# that is not JSON (exit 1, saying which).
rm -rf .mig/objects
expect 1 "$MIG" drift plan.mig
holds "registry: drift: the content tool refund had is kept neither in the state store nor in the object store as "
echo '{ not json' > registry/tools/balance.json
expect 1 "$MIG" drift plan.mig
holds "registry: registry: the record 'balance.json' is damaged: '$d/registry/tools/balance.json' is not JSON"

# A failed run that `mig resume --failed-only` finishes becomes the
# baseline once it succeeds.
d=$tmp/resumed
mkdir -p "$d"
cp "$SRC/workflows/synapse.mig" "$d/plan.mig"
cp -R "$SRC/examples/synapse/legacy" "$d/"
cd "$d" || exit 2
expect 3 "$MIG" run -q --inject 'tools.scan:Permanent:1' plan.mig && ok
expect 6 "$MIG" drift plan.mig && ok
expect 0 "$MIG" resume -q --failed-only 1 && ok
expect 0 "$MIG" drift plan.mig
holds "plan.mig: no drift since run 1, its last successful run"

cd / && summary
