#!/bin/sh
# state_values.sh MIG SRC BUILD: values kept once in the state store
# (docs/state.md, "value_objects"). A step's content map over 256 bytes of
# JSON is kept once and named by the journal; `mig report` reads the
# journal back whole; a kept value deleted by hand makes the store
# damaged, said with the column and the id (exit 8), while a rollback,
# which does not read the arguments, still undoes the run.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
cat > "$d/p.mig" <<'PLAN'
migration "kept-values" {
  param note = "A description long enough that the content map a step writes takes more than two hundred and fifty-six bytes of JSON, so that the journal names it in value_objects instead of holding it in its own row, and every reader of the journal's arguments must put it back where it was."
  stage write {
    foreach i in range(3) {
      step put = file.write(path: "t${i}.json", content: { id: i, note: note })
    }
  }
}
PLAN
cd "$d" || exit 1

# 1. The run keeps each content once; the journal names it.
expect 0 "$MIG" run p.mig && ok
[ "$(sqlite3 .mig/state.db "SELECT count(*) FROM value_objects")" = 3 ] && ok \
  || bad "value_objects does not hold the 3 contents"
named="SELECT count(*) FROM journal WHERE instr(args, '\"content\":null') > 0 AND args_refs LIKE '{\"content\":%'"
[ "$(sqlite3 .mig/state.db "$named")" = 3 ] && ok \
  || bad "the journal does not name the contents"

# 2. The report reads the journal's arguments back.
expect 0 "$MIG" report last && ok

# 3. A kept value deleted by hand: the readers of the arguments say the
#    store is damaged, naming the column and the id; exit 8.
id=$(sqlite3 .mig/state.db "SELECT min(id) FROM value_objects")
sqlite3 .mig/state.db "DELETE FROM value_objects WHERE id = $id"
expect 8 "$MIG" report last && ok
holds "is damaged: args_refs names the kept value $id, which it does not hold"
holds "hint: copy the file aside before anything else touches it"

# 4. The rollback does not read the arguments: it undoes the run.
expect 0 "$MIG" rollback last && ok
holds "the managed resources match the checkpoint"
[ ! -e t0.json ] && [ ! -e t2.json ] && ok || bad "the rollback left files"

cd / && rm -rf "$d"
summary
