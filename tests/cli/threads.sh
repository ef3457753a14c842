#!/bin/sh
# threads.sh MIG SRC BUILD: mig run --threads (docs/runtime.md,
# "Threads"): a generated mixed inventory migrated with worker threads
# gives the registry (every record's content digest and status), the
# journal (`mig log --json` judged as bench/recovery/journal.py judges
# it: times, process ids and sequence numbers left out, events sorted)
# and the per-file report (`mig report --json`) of the same run without
# them; its rollback matches the checkpoint and
# leaves the registry empty; mig resume takes --threads too.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-threads.XXXXXX")
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 2
cp "$SRC/bench/migrate/plan.mig" .
"$MIG" gen tools --kind mixed --count 300 --seed 5 --out legacy > /dev/null \
  || exit 2
records() {
  sqlite3 registry.db "SELECT 'tool', name, digest, status FROM tools
                       UNION ALL SELECT 'rag', name, digest, status
                       FROM backends ORDER BY 1, 2"
}
journal() { "$MIG" log last --json | python3 "$SRC/bench/recovery/journal.py"; }
# The per-file report (the results of tools.read, tools.normalize and
# registry.put), the run's own times and process left out.
report() {
  "$MIG" report last --json | python3 -c '
import json, sys
r = json.load(sys.stdin)
r.pop("run")
print(json.dumps(r, sort_keys=True, indent=1))'
}
# Each way twice in the same folder, so that paths are alike.
for way in "" --threads; do
  rm -rf .mig registry.db
  expect 0 "$MIG" run plan.mig --quiet --seed 9 $way && ok
  records > "records$way"
  journal > "journal$way"
  report > "report$way"
done
[ "$(wc -l < records)" -ge 290 ] && ok || bad "too few records: $(wc -l < records)"
cmp -s records records--threads && ok \
  || { bad "the registries differ"; diff records records--threads | head >&2; }
cmp -s journal journal--threads && ok \
  || { bad "the journals differ"; diff journal journal--threads | head >&2; }
cmp -s report report--threads && ok \
  || { bad "the reports differ"; diff report report--threads | head >&2; }
grep -q '"kind": "step-done"' journal--threads && ok || bad "no step-done events"
expect 0 "$MIG" rollback last && ok
holds "the managed resources match the checkpoint"
[ "$(sqlite3 registry.db 'SELECT count(*) FROM tools')" = 0 ] && ok \
  || bad "the rollback left records"
# A resume with --threads: a run failed on purpose, its failed items
# run again.
rm -rf .mig registry.db
expect 3 "$MIG" run plan.mig --quiet --threads --inject registry.put:Permanent:1 && ok
expect 0 "$MIG" resume --failed-only 1 --quiet --threads && ok
records > records-resumed
cmp -s records records-resumed && ok \
  || { bad "the resumed registry differs"; diff records records-resumed | head >&2; }
summary
