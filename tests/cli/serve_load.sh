#!/bin/sh
# serve_load.sh MIG SRC BUILD: `mig serve` under load and against the
# engine (docs/registry-api.md): 8 writers putting 50 records each at
# once all land, each answered 201; the registry then holds exactly what
# `mig run` of a plan putting the same 400 records with registry.put
# holds (every record's name, digest, status and content but its times);
# and the limits on connections: 64 held open are kept, the request of a
# 65th waits unanswered until one closes, and silent ones (a slow client
# among them) are closed after 10 s, after which requests are answered
# again.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1

start_server load --registry "$W/http.db" || { summary; exit 1; }

# ---- 1. 8 writers x 50 puts at once ---------------------------------------------
names=
for w in 1 2 3 4 5 6 7 8; do
  set --
  i=1
  while [ $i -le 50 ]; do
    n=w${w}_$i
    names="$names \"$n\","
    rec_json tool "$n" > "$W/$n.json"
    [ $i -gt 1 ] && set -- "$@" --next
    set -- "$@" -s -o /dev/null -w '%{http_code}\n' -X PUT \
      --data-binary @"$W/$n.json" "$URL/v2/tools/$n"
    i=$((i + 1))
  done
  curl "$@" > "$W/writer$w.st" &
  echo $! > "$W/writer$w.pid"
done
for w in 1 2 3 4 5 6 7 8; do wait "$(cat "$W/writer$w.pid")"; done
all=$(cat "$W"/writer*.st | grep -c '^201$')
[ "$all" -eq 400 ] && ok || bad "$all of 400 concurrent puts answered 201: $(cat "$W"/writer*.st | sort | uniq -c)"
[ "$(sqlite3 "$W/http.db" 'select count(*) from tools')" = 400 ] && ok \
  || bad "the registry holds $(sqlite3 "$W/http.db" 'select count(*) from tools') records, not 400"
req GET '/v2/tools?limit=500'
status_is 200 "a list of the 400"
[ "$(printf '%s' "$BODY" | grep -o '"kind":"tool"' | wc -l)" -eq 400 ] && ok \
  || bad "the list does not hold 400 records"

# ---- 2. the same puts by mig run -------------------------------------------------
mkdir "$W/plan"
cat > "$W/plan/put.mig" <<PLAN
migration "parity" {
  stage s {
    foreach t in [${names%,} ] parallel 8 {
      step p = registry.put(db: "run.db", record: {kind: "tool", name: t,
        description: "Says \${t}", inputSchema: {type: "object"},
        provenance: {file: "tools.json", pointer: "/\${t}",
          format: "openai.tools", digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
    }
  }
}
PLAN
expect 0 "$MIG" run --quiet "$W/plan/put.mig" && ok
dump() {
  sqlite3 "$1" "select name, digest, status, json_remove(json, '\$.created', '\$.updated') from tools order by name"
}
dump "$W/http.db" > "$W/http.dump"
dump "$W/plan/run.db" > "$W/run.dump"
[ "$(wc -l < "$W/run.dump")" -eq 400 ] && ok || bad "mig run stored $(wc -l < "$W/run.dump") records"
cmp -s "$W/http.dump" "$W/run.dump" && ok \
  || { bad "the served registry differs from mig run's"; diff "$W/http.dump" "$W/run.dump" | head -5 >&2; }

# ---- 3. connections: the limit and the timeout -----------------------------------
port=${URL##*:}
OUT=$(python3 "$SRC/tests/cli/serve/conns.py" 127.0.0.1 "$port" 64 10 2>&1) && ok \
  || { bad "the connection limit or timeout"; printf '%s\n' "$OUT" >&2; }
holds "64 connections held"

summary
