#!/bin/sh
# remote_crash.sh MIG [SHARE]: the crash test of a remote registry
# (docs/registry.md, "After a crash"), as crash.sh is for files. A plan
# puts two new records, replaces one and deletes another in the registry
# of `mig serve` (started here on loopback, one server per case on a
# fresh copy of the registry). An uninterrupted run counts its crash
# points (T); then for EVERY point P in 1..T and each way to finish it
# (resume, rollback), `mig run` is killed with SIGKILL at P and finished:
# the registry must then hold exactly the records of the uninterrupted
# run (resume) or exactly those from before (rollback), compared without
# digest, created and updated, which the server sets. Then the finishing
# commands are killed too and finished again by the same command: with
# SHARE 100 (`make crash-remote`), each pair's finisher at every one of
# its own points in turn; with SHARE below 100 (CI: 25), a share of the
# pairs drawn with a fixed seed, each at one point Q drawn from 1..4.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SHARE=${2:-100}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
SEED=7
NESTED_MAX=4
ZERO=blake2b:0000000000000000000000000000000000000000000000000000000000000000

W=$(mktemp -d "${TMPDIR:-/tmp}/mig-rcrash.XXXXXX")
SPID=
stop_server() { [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null; SPID=; }
trap 'stop_server; rm -rf "$W"' EXIT
trap 'exit 1' INT TERM

# The registry before: x (replaced by the plan) and z (deleted by it).
mkdir -p "$W/seed"
cat > "$W/seed/seed.mig" <<PLAN
migration "seed" {
  stage s {
    foreach n in ["x", "z"] {
      step p = registry.put(db: "reg0.db", record: {kind: "tool", name: n,
        description: "\${n} before", inputSchema: {type: "object"},
        provenance: {file: "seed.json", pointer: "/\${n}", format: "openai.tools", digest: "$ZERO"}})
    }
  }
}
PLAN
OUT=$("$MIG" run "$W/seed/seed.mig" 2>&1) || { echo "$OUT"; bad "seeding failed"; summary; exit 1; }

cat > "$W/plan.mig" <<PLAN
migration "remote-crash" {
  param reg = "http://127.0.0.1:1"
  stage put {
    checkpoint start
    foreach n in ["a", "b", "x"] {
      step p = registry.put(db: reg, replace: true, record: {kind: "tool",
        name: n, description: "\${n} after", inputSchema: {type: "object"},
        provenance: {file: "new.json", pointer: "/\${n}", format: "openai.tools", digest: "$ZERO"}})
    }
    step d = registry.delete(db: reg, name: "z")
  }
}
PLAN

# serve: a server on a fresh copy of the registry; its URL in $URL.
serve() {
  cp "$W/seed/reg0.db" "$W/reg.db"
  rm -f "$W/reg.db-wal" "$W/reg.db-shm"
  : > "$W/serve.out"
  "$MIG" serve --registry "$W/reg.db" --listen 127.0.0.1:0 > "$W/serve.out" 2> "$W/serve.err" &
  SPID=$!
  URL= i=0
  while [ $i -lt 200 ] && [ -z "$URL" ]; do
    URL=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$W/serve.out")
    [ -n "$URL" ] || sleep 0.05
    i=$((i + 1))
  done
  [ -n "$URL" ] || { bad "the server did not listen: $(cat "$W/serve.err")"; return 1; }
}
# The records, without what the server sets, one a line by name: read
# from the server's database (sqlite3 starts faster than a JSON client).
dump() {
  sqlite3 "$W/reg.db" "SELECT name, json_remove(json, '\$.digest', '\$.created', '\$.updated') FROM tools ORDER BY name"
}
# A fresh folder $d with the plan.
folder() { d=$(mktemp -d "$W/case.XXXXXX"); cp "$W/plan.mig" "$d/"; }

serve || { summary; exit 1; }
start=$(dump)
folder
OUT=$(MIG_CRASH_COUNT=1 "$MIG" run "$d/plan.mig" --param reg="$URL" 2>&1) \
  || { echo "$OUT"; bad "the reference run failed"; }
final=$(dump)
stop_server
total=$(printf '%s\n' "$OUT" | sed -n 's/^mig: crash points: //p')
[ -n "$total" ] && [ "$total" -gt 8 ] || { bad "no crash points counted ($total)"; summary; exit 1; }
[ "$start" != "$final" ] && ok || bad "the plan changed nothing"

# finish MODE WHAT: `mig MODE last` in $d; its status and the records.
finish() {
  OUT=$(cd "$d" && "$MIG" "$1" last 2>&1); st=$?
  want=$([ "$1" = resume ] && echo "$final" || echo "$start")
  case $OUT in
    *"no runs in this state store yet"*|*"no state store here"*) want=$start; st=0 ;;
  esac
  if [ $st -ne 0 ]; then
    bad "$2: mig $1 exited $st"; printf '%s\n' "$OUT" >&2; return 1
  elif [ "$(dump)" != "$want" ]; then
    bad "$2: after mig $1 the registry is not as expected"
    printf '%s\n' "$OUT" >&2; dump >&2; return 1
  fi
  ok
}

# killed P: a server on a fresh registry and a run in $d killed at P.
killed() {
  serve || return 1
  folder
  (MIG_CRASH_AT=$1 "$MIG" run "$d/plan.mig" --param reg="$URL" > "$d.out" 2>&1; exit $?) 2> /dev/null
  st=$?
  [ $st -eq 137 ] && return 0
  bad "point $1: expected a kill (137), got $st"; cat "$d.out" >&2
  stop_server
  return 1
}

draws=$(awk -v s="$SEED" -v n="$((total * 2))" -v m="$NESTED_MAX" \
  'BEGIN { srand(s); for (i = 0; i < n; i++) print 1 + int(rand() * m), int(rand() * 100) }')
pairs=0 nested=0 i=0
for p in $(seq 1 "$total"); do
  for mode in resume rollback; do
    i=$((i + 1))
    killed "$p" || continue
    finish $mode "point $p, $mode" && pairs=$((pairs + 1))
    stop_server
    draw=$(printf '%s\n' "$draws" | sed -n "${i}p")
    if [ "$SHARE" -ge 100 ]; then qs=$(seq 1 1000)
    elif [ "${draw#* }" -lt "$SHARE" ]; then qs=${draw% *}
    else continue; fi
    for q in $qs; do
      killed "$p" || break
      (cd "$d" && MIG_CRASH_AT=$q "$MIG" $mode last > /dev/null 2>&1; exit $?) 2> /dev/null
      if [ $? -ne 137 ]; then stop_server; break; fi  # it has fewer points
      nested=$((nested + 1))
      finish $mode "point $p, $mode killed at its point $q, then $mode again"
      stop_server
    done
  done
done
echo "crash points in a run: $total; pairs (point, resume|rollback) covered: $pairs of $((total * 2)); finishing commands killed: $nested"
[ $pairs -eq $((total * 2)) ] && ok || bad "not every (point, mode) pair was covered"
summary
