#!/bin/sh
# state_store.sh MIG SRC BUILD: where a run keeps its state (docs/cli.md,
# docs/state.md). --state PATH moves the object store with the database;
# a later rollback keeps the run's duration; `mig run -` is refused,
# since resume and rollback read the plan again.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
mkdir -p "$d/plan" "$d/elsewhere"
cat > "$d/plan/p.mig" <<'PLAN'
migration "state-where" {
  stage write {
    step put = file.write(path: "old.txt", content: "new\n")
  }
}
PLAN
printf 'old\n' > "$d/plan/old.txt"

# 1. --state elsewhere/state.db: the before-image goes to elsewhere/objects,
#    nothing is written beside the plan, and rollback finds it there.
expect 0 "$MIG" run --state "$d/elsewhere/state.db" "$d/plan/p.mig" && ok
[ ! -e "$d/plan/.mig" ] && ok || bad "--state left a .mig beside the plan"
[ -n "$(find "$d/elsewhere/objects" -type f 2>/dev/null)" ] && ok \
  || bad "--state: no before-image under elsewhere/objects"
# mig log shows the journal records under each step's event, with the
# paths they touched; rollback --dry-run lists the same paths.
expect 0 "$MIG" log --state "$d/elsewhere/state.db" 1 && ok
printf '%s\n' "$OUT" | grep -qx '    journal 1  file.write (self, done): old.txt' && ok \
  || { bad "mig log lacks the journal line"; printf '%s\n' "$OUT" >&2; }
expect 0 "$MIG" log --json --state "$d/elsewhere/state.db" 1 && ok
holds '"journal":[{"seq":1,"action":"file.write","kind":"self","state":"done","paths":["old.txt"]}]'
expect 0 "$MIG" log --brief --state "$d/elsewhere/state.db" 1 && ok
case $OUT in *journal*) bad "--brief shows journal lines" ;; *) ok ;; esac
expect 0 "$MIG" rollback --dry-run --state "$d/elsewhere/state.db" 1 && ok
holds "  1  put = file.write (file.write, self): old.txt"
# The run's duration, before the rollback.
ended() { "$MIG" status --json --state "$d/elsewhere/state.db" 1 \
          | sed -n 's/.*"duration_ms": \([0-9]*\).*/\1/p'; }
before=$(ended)
[ -n "$before" ] && ok || bad "no duration_ms in mig status --json"
sleep 1
expect 0 "$MIG" rollback --state "$d/elsewhere/state.db" 1 && ok
holds "match the checkpoint"
[ "$(cat "$d/plan/old.txt")" = old ] && ok || bad "rollback did not restore old.txt"
# 2. The rollback changed the state, not the run's end time.
after=$(ended)
[ "$after" = "$before" ] && ok || bad "rollback rewrote the duration: $before -> $after"
expect 0 "$MIG" status --state "$d/elsewhere/state.db" 1 && ok
holds "rolled-back"

# 3. mig run - : refused before anything is recorded.
cd "$d/plan" || exit 2
expect 2 sh -c "\"$MIG\" run - < p.mig" && ok
holds "mig run: error: the plan must be a file, not standard input"
[ ! -e "$d/plan/.mig" ] && ok || bad "mig run - left a state store"

# 4. A plan run from another folder: the paths its actions give are the
#    plan folder's, in the run as in its rollback (a folder registry named
#    "reg" is plan/reg, created there and emptied by the rollback).
cat > "$d/plan/reg.mig" <<'PLAN'
migration "registry-elsewhere" {
  stage s {
    step put = registry.put(db: "reg", record: {kind: "tool", name: "echo",
      description: "Echoes", inputSchema: {type: "object"},
      provenance: {file: "tools.json", pointer: "/0", format: "openai.tools",
        digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
  }
}
PLAN
cd "$d" || exit 2
expect 0 "$MIG" run --state "$d/elsewhere/reg.db" plan/reg.mig && ok
[ -f "$d/plan/reg/tools/echo.json" ] && ok || bad "the record is not in plan/reg"
[ ! -e "$d/reg" ] && ok || bad "the run wrote reg into the current folder"
# Its preview from here sees the record the run made there.
expect 0 "$MIG" plan plan/reg.mig && ok
holds "would keep registry:reg#tool/echo: keep, the same content"
cd "$d/elsewhere" || exit 2
expect 0 "$MIG" rollback --state reg.db last && ok
holds "match the checkpoint"
[ ! -e "$d/plan/reg/tools/echo.json" ] && ok || bad "rollback left the record"

# 5. --state naming the store's folder, not its file: said so, with the
#    file to name, and nothing written (no audit warning either).
cd "$d" || exit 2
expect 8 "$MIG" status --state "$d/elsewhere" && ok
holds "mig: error: cannot open the state store '$d/elsewhere': it is a folder, and a state store is a file"
holds "hint: name the store's file, such as '$d/elsewhere/state.db'"
expect 8 "$MIG" run --state "$d/elsewhere" plan/p.mig && ok
case $OUT in *audit*) bad "a warning about the audit trail: $OUT" ;; *) ok ;; esac

rm -rf "$d"
summary
