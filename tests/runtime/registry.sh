#!/bin/sh
# registry.sh MIG: the V2 registry end to end (docs/registry.md): puts
# rolled back leave the registry exactly as before, verified (both
# stores); a record
# changed behind mig's back (by a run of another state store) is refused
# on rollback and overwritten with --force; a run killed at every crash
# point is resumed to the records of an uninterrupted run or rolled back
# to an empty registry.
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

# 3. Killed at every crash point of the run: resume gives the records of
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
summary
