#!/bin/sh
# registry.sh MIG: the V2 registry end to end (docs/registry.md): puts
# rolled back leave the registry exactly as before, verified (both
# stores); a record
# changed behind mig's back (by a run of another state store) is refused
# on rollback and overwritten with --force; a run killed at every crash
# point is resumed to the records of an uninterrupted run or rolled back
# to an empty registry. A changing action's registry must lie in the
# plan's write roots, and two runs sharing one take turns under the lock
# of the roots; a checkpoint's digest covers the registry's records, and
# one edited behind mig's back during a rollback is said to differ; a
# rollback killed at each of its crash points, run again, empties the
# registry, verified (its registry undos are committed a stretch at a
# time, before they are marked undone). A record changed by plain SQL
# (its text, its state hash, both, deleted, inserted) is refused as well
# (2b), and a registry of version 2 is upgraded on a rollback.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
export NO_COLOR=1

# A new folder holding plan.mig (three tools put, one aliased, one
# deprecated, one deleted) and dump.mig (logs the registry's tools).
reg_dir() {
  d=$(mktemp -d "${TMPDIR:-/tmp}/mig-registry.XXXXXX")
  cat > "$d/plan.mig" <<'PLAN'
migration "registry" {
  stage go {
    checkpoint start
    foreach t in ["echo", "say", "shout"] {
      step p = registry.put(db: "reg.db", record: {kind: "tool", name: t,
        description: "Says ${t}", inputSchema: {type: "object"},
        provenance: {file: "tools.json", pointer: "/${t}",
          format: "openai.tools", digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
    }
    step a = registry.alias(db: "reg.db", name: "echo", alias: "Echo Tool")
    step d = registry.deprecate(db: "reg.db", name: "say")
    step x = registry.delete(db: "reg.db", name: "shout")
  }
}
PLAN
  cat > "$d/dump.mig" <<'PLAN'
migration "dump" {
  stage s {
    step l = registry.list(db: "reg.db")
    step p = log.info(message: "${l}")
  }
}
PLAN
  printf '%s\n' "$d"
}

# The tools of folder $1's registry, one line of JSON, read by a run of a
# state store of its own; with $2 "notimes", created/updated left out.
dump() {
  out=$("$MIG" run --state "$1/dump-state.db" "$1/dump.mig" 2>&1 \
        | sed -n 's/^  info    p = log.info: //p')
  rm -rf "$1/dump-state.db" "$1/dump-state.db-"* "$1/.mig/dump-state"* 2>/dev/null
  if [ "$2" = notimes ]; then
    printf '%s\n' "$out" | sed 's/"created":"[^"]*",//g; s/,"updated":"[^"]*"//g'
  else
    printf '%s\n' "$out"
  fi
}

# 1. Put, then rollback: the registry is exactly empty again, verified;
#    in a SQLite database (reg.db) and in a folder (reg).
for store in reg.db reg; do
  d=$(reg_dir)
  sed -i "s/\"reg.db\"/\"$store\"/" "$d/plan.mig" "$d/dump.mig"
  expect 0 "$MIG" run "$d/plan.mig" && ok
  after=$(dump "$d" notimes)
  case $after in
    *'"name":"echo"'*'"status":"active"'*'"name":"say"'*'"status":"deprecated"'*) ok ;;
    *) bad "$store: after the run the registry holds $after" ;;
  esac
  case $after in *shout*) bad "$store: shout was not deleted" ;; *) ok ;; esac
  expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  holds "rolled back to the start: 6 undone; the managed resources match the checkpoint"
  [ "$(dump "$d")" = "[]" ] && ok || bad "$store: after the rollback the registry holds $(dump "$d")"
  rm -rf "$d"
done

# 2. A record changed behind mig's back: refused (6) without --force,
#    naming it; overwritten with --force, and the registry empty again.
d=$(reg_dir)
expect 0 "$MIG" run "$d/plan.mig" && ok
cat > "$d/edit.mig" <<'PLAN'
migration "edit" {
  stage s {
    step e = registry.put(db: "reg.db", replace: true, record: {kind: "tool",
      name: "echo", description: "Edited", inputSchema: {type: "object"},
      provenance: {file: "by-hand.json", pointer: "",
      format: "openai.tools", digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
  }
}
PLAN
expect 0 "$MIG" run --state "$d/other.db" "$d/edit.mig" && ok
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "registry:reg.db#tool/echo was changed outside mig after run 1 changed it"
case $(dump "$d") in *Edited*) ok ;; *) bad "the refused rollback changed the registry" ;; esac
expect 0 "$MIG" rollback --force --state "$d/.mig/state.db" last && ok
holds "overwritten: registry:reg.db#tool/echo, changed since outside mig"
[ "$(dump "$d")" = "[]" ] && ok || bad "after the forced rollback the registry holds $(dump "$d")"
rm -rf "$d"

# 2b. The state hash (docs/registry.md, "The state hash"): mig's put
#     keeps the BLAKE2b-256 of each record's text beside it, and a
#     rollback compares that rather than hashing the text again. Any
#     other program's write clears it, so a record changed by plain SQL
#     is still refused, with the same message, however it was changed
#     (its text, with or without its hash, a row inserted over it with
#     mig's hash, a name inserted that mig deleted).
d=$(reg_dir)
expect 0 "$MIG" run "$d/plan.mig" && ok
sqlite3 "$d/reg.db" "SELECT writefile('$d/echo.json', json) FROM tools WHERE name = 'echo'" > /dev/null
[ "$(sqlite3 "$d/reg.db" "SELECT state_hash FROM tools WHERE name = 'echo'")" \
  = "$(b2sum -l 256 "$d/echo.json" | cut -c1-64)" ] && ok \
  || bad "the state hash is not the BLAKE2b-256 of the record's text"
[ "$(sqlite3 "$d/reg.db" "SELECT count(*) FROM tools WHERE state_hash IS NULL")" = 0 ] && ok \
  || bad "a record mig put has no state hash"
cp -R "$d" "$d.clean"
# Each way of changing a record behind mig's back, on a fresh copy: the
# SQL, the record it changes, what the refusal says it is now.
EDIT="replace(json, 'Says echo', 'Edited')"
while IFS='|' read -r what name now sql; do
  rm -rf "$d" && cp -R "$d.clean" "$d"
  sqlite3 "$d/reg.db" "$sql" || bad "$what: sqlite3 failed"
  expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
  holds "registry:reg.db#tool/$name was changed outside mig after run 1 changed it (mig left "
  holds ", it is now $now"
  [ "$(sqlite3 "$d/reg.db" "SELECT count(*) FROM tools WHERE state_hash IS NOT NULL AND name = '$name'")" = 0 ] \
    && ok || bad "$what: the state hash of $name was left standing"
done <<CASES
the text|echo|record:|UPDATE tools SET json = $EDIT WHERE name = 'echo'
the text and the hash|echo|record:|UPDATE tools SET json = $EDIT, state_hash = state_hash WHERE name = 'echo'
the text, then the hash put back|echo|record:|CREATE TEMP TABLE h AS SELECT state_hash FROM tools WHERE name = 'echo'; UPDATE tools SET json = $EDIT WHERE name = 'echo'; UPDATE tools SET state_hash = (SELECT state_hash FROM h) WHERE name = 'echo'
a row inserted over it with its hash|echo|record:|INSERT OR REPLACE INTO tools(name, json, digest, status, state_hash) SELECT name, $EDIT, digest, status, state_hash FROM tools WHERE name = 'echo'
an insert of a name mig deleted|shout|record:|INSERT INTO tools(name, json, digest, status) SELECT 'shout', json, digest, status FROM tools WHERE name = 'say'
CASES
# A record the run put, deleted: what a rollback cut short leaves (the
# state before its put), not refused, as before the state hash; the
# rollback ends with the registry empty, verified.
rm -rf "$d" && cp -R "$d.clean" "$d"
sqlite3 "$d/reg.db" "DELETE FROM tools WHERE name = 'say'"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "the managed resources match the checkpoint"
[ "$(dump "$d")" = "[]" ] && ok || bad "after the rollback the registry holds $(dump "$d")"
# The hash alone changed: the record is not, so it is read and hashed
# (the trigger cleared the hash), found as mig left it, and rolled back.
rm -rf "$d" && cp -R "$d.clean" "$d"
sqlite3 "$d/reg.db" "UPDATE tools SET state_hash = '0000000000000000000000000000000000000000000000000000000000000000' WHERE name = 'echo'"
[ -z "$(sqlite3 "$d/reg.db" "SELECT state_hash FROM tools WHERE name = 'echo'")" ] && ok \
  || bad "an update of the state hash alone left it standing"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "the managed resources match the checkpoint"
[ "$(dump "$d")" = "[]" ] && ok || bad "after the rollback the registry holds $(dump "$d")"
# A registry whose triggers were dropped is not vouched for: the texts
# are read and hashed, and an edit is still refused.
rm -rf "$d" && cp -R "$d.clean" "$d"
sqlite3 "$d/reg.db" "DROP TRIGGER tools_state_update; UPDATE tools SET json = $EDIT WHERE name = 'echo'"
expect 6 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "registry:reg.db#tool/echo was changed outside mig after run 1 changed it"
# A registry of version 2 (no state hash): read as it is, upgraded on
# the rollback's first write, its records hashed from their text; rolled
# back, verified.
rm -rf "$d" && cp -R "$d.clean" "$d"
sqlite3 "$d/reg.db" "DROP TRIGGER tools_state_insert; DROP TRIGGER tools_state_update; DROP TRIGGER servers_state_insert; DROP TRIGGER servers_state_update; DROP TRIGGER backends_state_insert; DROP TRIGGER backends_state_update; ALTER TABLE tools DROP COLUMN state_hash; ALTER TABLE servers DROP COLUMN state_hash; ALTER TABLE backends DROP COLUMN state_hash; UPDATE meta SET value = '2' WHERE key = 'schema_version'"
expect 0 "$MIG" rollback --state "$d/.mig/state.db" last && ok
holds "the managed resources match the checkpoint"
[ "$(sqlite3 "$d/reg.db" "SELECT value FROM meta WHERE key = 'schema_version'")" = 3 ] && ok \
  || bad "the rollback did not upgrade the registry to version 3"
[ "$(dump "$d")" = "[]" ] && ok || bad "after the rollback the registry holds $(dump "$d")"
rm -rf "$d" "$d.clean"

# A descriptor's provenance, valid (docs/registry.md).
PROV='provenance: {file: "t.json", pointer: "", format: "openai.tools",
  digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}'

# 3. The registry is a write like any other: a path outside the write
#    roots is refused by mig check where the plan spells it out, and by
#    the run (PolicyDenied, nothing written) where it is known only then.
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-registry.XXXXXX")
mkdir "$d/plan" "$d/shared"
cat > "$d/plan/static.mig" <<PLAN
migration "outside" {
  stage s {
    step p = registry.put(db: "../shared/reg.db", record: {kind: "tool",
      name: "echo", description: "", inputSchema: {type: "object"}, $PROV})
  }
}
PLAN
expect 1 "$MIG" check "$d/plan/static.mig" && ok
holds "static.mig:3:31: error: registry.put would change '../shared/reg.db', outside the plan's write roots (the plan's folder)"
sed 's|"../shared/reg.db"|"${dir}/reg.db"|; s|stage s|param dir = "../shared"\n  stage s|' \
  "$d/plan/static.mig" > "$d/plan/dynamic.mig"
expect 0 "$MIG" check "$d/plan/dynamic.mig" && ok
expect 1 "$MIG" plan "$d/plan/dynamic.mig" && ok
holds "would fail: PolicyDenied: registry.put: db '../shared/reg.db' is outside the plan's write roots"
expect 3 "$MIG" run "$d/plan/dynamic.mig" && ok
holds "PolicyDenied: registry.put: db '../shared/reg.db' is outside the plan's write roots (the plan's folder)"
[ -z "$(ls -A "$d/shared")" ] && ok || bad "a refused put wrote $(ls "$d/shared")"
for a in 'delete(db: "${dir}/reg.db", name: "echo")' \
         'deprecate(db: "${dir}/reg.db", name: "echo")' \
         'alias(db: "${dir}/reg.db", name: "echo", alias: "e")'; do
  printf 'migration "outside" {\n  param dir = "../shared"\n  stage s {\n    step c = registry.%s\n  }\n}\n' "$a" > "$d/plan/change.mig"
  expect 3 "$MIG" run "$d/plan/change.mig" && ok
  holds "is outside the plan's write roots"
done
#    Declared with writes, the same plan runs.
sed 's|stage s|writes "../shared"\n  stage s|' "$d/plan/dynamic.mig" > "$d/plan/declared.mig"
expect 0 "$MIG" run "$d/plan/declared.mig" && ok
[ -f "$d/shared/reg.db" ] && ok || bad "the declared put wrote no registry"
rm -rf "$d"

# 4. Two runs from different plan folders writing the same registry: the
#    second is refused (6) while the first holds the lock of the shared
#    write root, and runs once the first has ended.
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-registry.XXXXXX")
export MIG_LOCK_DIR="$d/locks"
mkdir "$d/a" "$d/b" "$d/shared"
cat > "$d/a/plan.mig" <<PLAN
migration "first" {
  writes "../shared"
  stage s {
    step p = registry.put(db: "../shared/reg.db", record: {kind: "tool",
      name: "echo", description: "", inputSchema: {type: "object"}, $PROV})
    step hold = exec.run(cmd: "touch started; while [ ! -e go ]; do sleep 0.05; done")
      undo exec.run(cmd: "true")
  }
}
PLAN
sed 's/"first"/"second"/; s/"echo"/"say"/; /step hold/,/undo/d' "$d/a/plan.mig" > "$d/b/plan.mig"
"$MIG" run "$d/a/plan.mig" > "$d/a.out" 2>&1 &
first=$!
i=0
while [ ! -e "$d/a/started" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
[ -e "$d/a/started" ] && ok || bad "the first run never reached its hold"
expect 6 "$MIG" run "$d/b/plan.mig" && ok
holds "the write root '$d/shared' is in use by another mig run"
touch "$d/a/go"
wait $first && ok || { bad "the first run failed"; cat "$d/a.out" >&2; }
expect 0 "$MIG" run "$d/b/plan.mig" && ok
mkdir "$d/c"
printf 'migration "count" {\n  stage s {\n    step n = registry.count(db: "../shared/reg.db")\n    step l = log.info(message: "${n} tools")\n  }\n}\n' > "$d/c/count.mig"
expect 0 "$MIG" run "$d/c/count.mig" && ok
holds "l = log.info: 2 tools"
unset MIG_LOCK_DIR
rm -rf "$d"

# 5. A checkpoint's digest covers the registry records the plan manages:
#    the checkpoint event counts them; rolled back to it, they match; a
#    record the checkpoint holds that no undone step touched, edited
#    behind mig's back while the rollback runs (by an undo the plan
#    wrote, in a folder store edited by hand), is named as differing, and
#    so is a record an undone step put back, edited after. Exit 5.
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-registry.XXXXXX")
cat > "$d/plan.mig" <<PLAN
migration "digest" {
  param edit = "rm -f side.txt"
  stage one {
    step e = registry.put(db: "reg", record: {kind: "tool", name: "echo",
      description: "one", inputSchema: {type: "object"}, $PROV})
    step s = registry.put(db: "reg", record: {kind: "tool", name: "say",
      description: "one", inputSchema: {type: "object"}, $PROV})
  }
  stage two after one {
    checkpoint mid
    step w = exec.run(cmd: "echo w > side.txt", manages: ["side.txt"])
      undo exec.run(cmd: "\${edit}", manages: ["side.txt"])
    step e2 = registry.put(db: "reg", replace: true, record: {kind: "tool",
      name: "echo", description: "two", inputSchema: {type: "object"}, $PROV})
  }
}
PLAN
expect 0 "$MIG" run "$d/plan.mig" && ok
expect 0 "$MIG" log --json --state "$d/.mig/state.db" last && ok
holds '"kind":"checkpoint","node":"two/checkpoint.mid","item":"","data":{"name":"mid","digest":'
holds '"resources":2}'
expect 0 "$MIG" rollback --json --state "$d/.mig/state.db" --to mid last && ok
holds '"matched": true'
grep -q '"description": "one"' "$d/reg/tools/echo.json" && ok \
  || bad "rolled back to mid, echo is $(cat "$d/reg/tools/echo.json")"
#    The record $1 edited by the undo of w, so after the undo of e2.
edited_behind() {
  rm -rf "$d/.mig" "$d/reg" "$d/side.txt"
  rec="{\"kind\": \"tool\", \"name\": \"$1\", \"description\": \"by hand\"}"
  expect 0 "$MIG" run --param "edit=rm -f side.txt; printf '%s' '$rec' > reg/tools/$1.json" "$d/plan.mig" && ok
  expect 5 "$MIG" rollback --state "$d/.mig/state.db" --to mid last && ok
  holds "after the rollback, 1 managed resource differs from the checkpoint"
  holds "differs: registry:reg#tool/$1 (expected record:"
}
#    say: in the checkpoint, touched by no undone step.
edited_behind say
#    echo: put back by the undo of e2.
edited_behind echo
rm -rf "$d"

# 5b. Durability: under --durability full every registry commit is synced
# (synchronous FULL: the WAL is synced at each commit), as the run's files
# are; grouped (the default), the WAL is synced only when SQLite writes it
# back. Counted with strace: the syncs of reg.db-wal, plan.mig's 3 puts,
# alias, deprecate and delete being 6 commits. (LeakSanitizer cannot run
# under ptrace: the sanitizer build's leak check is off for these runs.)
wal_syncs() {
  d=$(reg_dir)
  if (cd "$d" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      strace -f -y -e trace=fsync,fdatasync -o "$d.trace" \
      "$MIG" run $1 plan.mig > "$d.out" 2>&1); then
    ok
    syncs=$(grep -c 'reg.db-wal>' "$d.trace")
  else
    bad "run $1 under strace failed"; cat "$d.out" >&2
    syncs=
  fi
  rm -rf "$d" "$d.out" "$d.trace"
}
wal_syncs "--durability full"
[ -n "$syncs" ] && [ "$syncs" -ge 6 ] && ok \
  || bad "--durability full synced the registry's WAL ${syncs:-?} times, not at each of 6 commits"
wal_syncs ""
[ -n "$syncs" ] && [ "$syncs" -lt 6 ] && ok \
  || bad "grouped durability synced the registry's WAL ${syncs:-?} times, at every commit"

# 6. Killed at every crash point of the run: resume gives the records of
#    an uninterrupted run, rollback an empty registry (alternately).
d=$(reg_dir)
OUT=$(MIG_CRASH_COUNT=1 "$MIG" run "$d/plan.mig" 2>&1) || bad "the reference run failed: $OUT"
final=$(dump "$d" notimes)
total=$(printf '%s\n' "$OUT" | sed -n 's/^mig: crash points: //p')
rm -rf "$d"
[ -n "$total" ] && [ "$total" -gt 5 ] || { bad "no crash points counted ($total)"; summary; exit 1; }
p=0
while [ $p -lt "$total" ]; do
  p=$((p + 1))
  d=$(reg_dir)
  MIG_CRASH_AT=$p "$MIG" run "$d/plan.mig" > "$d.out" 2>&1
  status=$?
  if [ $status -ne 137 ]; then
    bad "point $p: expected a kill (137), got $status"; cat "$d.out" >&2
    rm -rf "$d" "$d.out"; continue
  fi
  if [ $((p % 2)) -eq 0 ]; then how=resume want=$final; else how=rollback want="[]"; fi
  OUT=$(cd "$d" && "$MIG" $how last 2>&1); status=$?
  case $OUT in
    *"no runs in this state store yet"*|*"no state store here"*) want="[]"; status=0 ;;
  esac
  got=$(dump "$d" notimes)
  [ "$got" = "" ] && got="[]"
  if [ $status -ne 0 ]; then
    bad "point $p: mig $how exited $status"; printf '%s\n' "$OUT" >&2
  elif [ "$got" != "$want" ]; then
    bad "point $p: after mig $how the registry holds $got, not $want"
  else
    ok
  fi
  rm -rf "$d" "$d.out"
done
echo "crash points in a registry run: $total, each resumed or rolled back"

# 7. A rollback killed at every one of its crash points, then run again:
#    the registry is empty and verified. Its registry undos are written a
#    stretch at a time in one transaction, committed before the stretch
#    is marked undone (docs/runtime.md); the plan's undo call between the
#    two pairs of puts ends the first stretch, so a kill in the second
#    finds the first marked, and so committed.
rb_dir() {
  d=$(mktemp -d "${TMPDIR:-/tmp}/mig-registry.XXXXXX")
  {
    echo 'migration "stretches" {'
    echo '  stage go {'
    echo '    checkpoint start'
    for t in a1 a2 mid b1 b2; do
      if [ $t = mid ]; then
        echo '    step mid = exec.run(cmd: "true", manages: ["side.txt"]) undo exec.run(cmd: "true", manages: ["side.txt"], check: "true")'
        continue
      fi
      echo "    step $t = registry.put(db: \"reg.db\", record: {kind: \"tool\", name: \"$t\","
      echo '      description: "", inputSchema: {type: "object"}, provenance: {file: "t.json",'
      echo '      pointer: "/0", format: "openai.tools", digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})'
    done
    echo '  }'
    echo '}'
  } > "$d/plan.mig"
  printf '%s\n' "$d"
}
# Point P until the rollback has fewer points (it ends unkilled); the
# five undos give it two points each (before-undo, after-undo).
p=0 killed=0
while [ $p -lt 100 ]; do
  p=$((p + 1))
  d=$(rb_dir)
  "$MIG" run "$d/plan.mig" > "$d.out" 2>&1 || bad "point $p: the run failed"
  (cd "$d" && MIG_CRASH_AT=$p "$MIG" rollback last) > "$d.out" 2>&1
  status=$?
  if [ $status -ne 137 ]; then rm -rf "$d" "$d.out"; break; fi
  killed=$((killed + 1))
  OUT=$(cd "$d" && "$MIG" rollback last 2>&1); status=$?
  left=$(sqlite3 "$d/reg.db" "SELECT group_concat(name) FROM tools")
  if [ $status -ne 0 ]; then
    bad "point $p: the second rollback exited $status"; printf '%s\n' "$OUT" >&2
  elif [ -n "$left" ]; then
    bad "point $p: after the second rollback the registry holds $left"
  else
    case $OUT in
      *"the managed resources match the checkpoint"*) ok ;;
      *) bad "point $p: the second rollback did not verify: $OUT" ;;
    esac
  fi
  rm -rf "$d" "$d.out"
done
[ $killed -ge 10 ] && ok || bad "the rollback was killed at $killed points, not at least 10"
total=$killed
echo "crash points in a registry rollback: $total, each rolled back again"
summary
