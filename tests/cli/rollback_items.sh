#!/bin/sh
# rollback_items.sh MIG SRC BUILD: what `mig rollback` prints of the
# records it undoes (docs/cli.md, "mig rollback"): a step outside a loop a
# line each; the undone items of a loop counted, a line per step, each
# said before the next line of another kind; --verbose a line per item;
# --json every record. And a store of the schema before the undone marks
# (docs/state.md, "Versions"): `mig rollback` brings it up to date and
# undoes its run, where before it refused to open it.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-rbitems.XXXXXX")
cd "$d" || exit 2
cat > plan.mig <<'PLAN'
migration "items" {
  stage s {
    step one = file.write(path: "one.txt", content: "1")
    foreach i in [1, 2, 3] {
      step w = file.write(path: "w${i}.txt", content: "${i}")
      step m = file.mkdir(path: "m${i}")
    }
    step two = file.write(path: "two.txt", content: "2")
  }
}
PLAN

# The default: the loop's items counted, a line per step.
expect 0 "$MIG" run plan.mig && ok
expect 0 "$MIG" rollback last && ok
want='rolling back to the start
  undone  two = file.write (file.write)
  undone  m = file.mkdir (file.mkdir): 3 items
  undone  w = file.write (file.write): 3 items
  undone  one = file.write (file.write)
rolled back to the start: 8 undone; the managed resources match the checkpoint'
[ "$OUT" = "$want" ] && ok || { bad "the default lines"; printf '%s\n' "$OUT" >&2; }
[ -z "$(ls)" ] || [ "$(ls)" = "plan.mig" ] && ok || bad "the rollback left $(ls)"

# --verbose: a line per item, newest first.
expect 0 "$MIG" run plan.mig && ok
expect 0 "$MIG" rollback --verbose last && ok
want='rolling back to the start
  undone  two = file.write (file.write)
  undone  m = file.mkdir (file.mkdir) [2]
  undone  w = file.write (file.write) [2]
  undone  m = file.mkdir (file.mkdir) [1]
  undone  w = file.write (file.write) [1]
  undone  m = file.mkdir (file.mkdir) [0]
  undone  w = file.write (file.write) [0]
  undone  one = file.write (file.write)
rolled back to the start: 8 undone; the managed resources match the checkpoint'
[ "$OUT" = "$want" ] && ok || { bad "the --verbose lines"; printf '%s\n' "$OUT" >&2; }

# --json: every record, and no line.
expect 0 "$MIG" run plan.mig && ok
expect 0 "$MIG" rollback --json last && ok
n=$(printf '%s\n' "$OUT" | grep -c '"seq":')
[ "$n" -eq 8 ] && ok || { bad "--json listed $n records, not 8"; printf '%s\n' "$OUT" >&2; }
case $OUT in *"undone  "*) bad "--json printed lines" ;; *) ok ;; esac

# `mig log` lists each record undone (the marks of journal_undone).
expect 0 "$MIG" log --json last && ok
n=$(printf '%s\n' "$OUT" | grep -o '"state":"undone"' | wc -l)
[ "$n" -eq 8 ] && ok || { bad "mig log shows $n records undone, not 8"; printf '%s\n' "$OUT" >&2; }

# A store of the schema before the undone marks, with a run to undo:
# taken back to version 5 by the SQL the unit tests use for it
# (tests/unit/store_versions.h, STORE_UNDO_FROM_6), as an older mig left
# it. Readers refuse it (they never upgrade); a rollback upgrades it.
expect 0 "$MIG" run plan.mig && ok
undo=$(sed -n '/^#define STORE_UNDO_FROM_6/,/^$/p' \
         "$SRC/tests/unit/store_versions.h" | grep -o '"[^"]*"' | tr -d '"')
case $undo in *journal_undone*) ok ;; *) bad "no undoing of the marks in store_versions.h" ;; esac
sqlite3 .mig/state.db "$undo PRAGMA user_version = 5;
  UPDATE meta SET value = '5' WHERE key = 'schema_version'" || bad "sqlite3"
expect 8 "$MIG" status && ok
holds "has an older state schema"
expect 0 "$MIG" rollback last && ok
holds "rolled back to the start: 8 undone; the managed resources match the checkpoint"
[ "$(sqlite3 .mig/state.db "SELECT count(*) FROM journal_undone")" -ge 1 ] \
  && ok || bad "the upgraded store has no undone marks"
expect 0 "$MIG" status && ok

cd /
rm -rf "$d"
summary
