#!/bin/sh
# serve_snapshots.sh MIG SRC BUILD: the snapshots of the HTTP API of `mig
# serve --state` (docs/api.md, "Snapshots") against a running server: the
# list (none, then as `mig snapshot list --json` gives it), create,
# restore (with the files' bytes checked, a dry run changing nothing, an
# unknown snapshot 404 and one not complete 409), prune (dry run, keep_last,
# older_than and its bad value), each refused without the token (401) and
# with another (403), with a body that is not JSON (400) or not taken
# (422), refused as the CLI refuses while a run holds the roots (409), and
# 500 once the store is gone. Every request that changes something leaves
# exactly one audit entry: the command's, asked by the token's holder.
# Then every exchange is checked against docs/api.openapi.json, and every
# snapshot path, method and status of it must have been exercised.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
unset MIG_AUDIT_KEY MIG_SNAPSHOT_NOW_MS MIG_AUDIT_PARENT
export XDG_CONFIG_HOME="$W/cfg"
use_token snap-token
S=$W/p/.mig/state.db

# A plan whose run records its write roots (the plan's folder).
mkdir -p "$W/p"
cat > "$W/p/w.mig" <<'PLAN'
migration "writes" {
  stage s {
    step w = file.write(path: "a.txt", content: "new a\n")
  }
}
PLAN
printf 'old a\n' > "$W/p/a.txt"
printf 'kept\n' > "$W/p/b.txt"

start_server api --state "$S" --token-file "$W/token" || { summary; exit 1; }
main=$PID

# ---- none yet (the server made the store for its audit trail) ----------------------
req GET /v1/snapshots
status_is 200 "no snapshots"
[ "$BODY" = '{"items":[]}' ] && ok || bad "no snapshots: $BODY"
req POST /v1/snapshots -H "$AUTH"
status_is 200 "create before any run: the command's usage error"
body_holds '"command":"snapshot create","exit_status":2,"outcome":"usage-error","result":null,"stderr":"'
expect 0 "$MIG" run -q "$W/p/w.mig"
req GET /v1/snapshots
status_is 200 "still no snapshots"
[ "$BODY" = '{"items":[]}' ] && ok || bad "no snapshots: $BODY"

# ---- what every POST refuses before it runs anything -------------------------------
for path in /v1/snapshots /v1/snapshots/prune /v1/snapshots/1/restore; do
  req POST "$path"
  status_is 401 "$path without the token"
  [ "$(header WWW-Authenticate)" = "Bearer" ] && ok || bad "no WWW-Authenticate"
  req POST "$path" -H 'Authorization: Bearer nope'
  status_is 403 "$path with another token"
done
req POST /v1/snapshots -H "$AUTH" -d '{"name":'
status_is 400 "create: a body that is not JSON"
body_holds "the body is not JSON: 1:9"
req POST /v1/snapshots -H "$AUTH" -d '["x"]'
status_is 422 "create: a body that is no object"
body_holds "the body must be a JSON object"
req POST /v1/snapshots -H "$AUTH" -d '{"name": 5}'
status_is 422 "create: a name that is a number"
body_holds "'name' takes a string"
req POST /v1/snapshots -H "$AUTH" -d '{"plan": "/etc/x.mig"}'
status_is 422 "create: an option it does not take"
body_holds "'plan' is not an option here"
expect 0 "$MIG" snapshot list --json --state "$S"
[ "$OUT" = "[]" ] && ok || bad "a refused request took a snapshot: $OUT"

# ---- create, then the list as the CLI gives it -------------------------------------
req POST /v1/snapshots -H "$AUTH" -d '{"name": "before", "note": "ticket 7"}'
status_is 200 "create"
body_holds '"command":"snapshot create","exit_status":0,"outcome":"succeeded","result":{"id":1,"name":"before","note":"ticket 7",'
req GET /v1/snapshots
status_is 200 "one snapshot"
LIST=$("$MIG" snapshot list --json --state "$S" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin), separators=(",", ":")))')
[ "$BODY" = "{\"items\":$LIST}" ] && ok \
  || bad "GET /v1/snapshots is not mig snapshot list --json: $BODY vs $LIST"

# ---- restore ------------------------------------------------------------------------------
printf 'changed\n' > "$W/p/a.txt"
rm "$W/p/b.txt"
printf 'extra\n' > "$W/p/c.txt"
req POST /v1/snapshots/before/restore -H "$AUTH" -d '{"dry_run": true}'
status_is 200 "a dry restore"
body_holds '"snapshot":1,"command":"snapshot restore","exit_status":0'
body_holds '{"change":"create","path":"b.txt"}'
body_holds '{"change":"delete","path":"c.txt"}'
[ "$(cat "$W/p/a.txt")" = "changed" ] && [ -e "$W/p/c.txt" ] && ok \
  || bad "a dry restore changed files"
req POST /v1/snapshots/before/restore -H "$AUTH" -d '{"dry_run": "yes"}'
status_is 422 "restore: dry_run a string"
body_holds "'dry_run' takes a boolean"
req POST /v1/snapshots/9/restore -H "$AUTH"
status_is 404 "restore of snapshot 9"
body_holds '"type":"not_found","message":"no snapshot '"'9'"' in this state store"'
req POST /v1/snapshots/nothing/restore -H "$AUTH"
status_is 404 "restore of a name no snapshot has"
req POST /v1/snapshots/1/restore -H "$AUTH" -d '{"dry_run":'
status_is 400 "restore: a body that is not JSON"
req POST /v1/snapshots/1/restore -H "$AUTH"
status_is 200 "restore snapshot 1"
body_holds '"snapshot":1,"command":"snapshot restore","exit_status":0,"outcome":"succeeded"'
body_holds '"matched":true'
[ "$(cat "$W/p/a.txt")" = "new a" ] && [ "$(cat "$W/p/b.txt")" = "kept" ] \
  && [ ! -e "$W/p/c.txt" ] && ok || bad "the restore did not bring the files back"
RESTORE_RUN=$(printf '%s' "$BODY" | python3 -c 'import json, sys; print(json.load(sys.stdin)["result"]["run"])')
expect 0 "$MIG" status "$RESTORE_RUN" --state "$S"
holds "succeeded"

# ---- what a run in progress refuses: create and restore ------------------------------
start_hanging_run "$W/p" "$S"
req POST /v1/snapshots -H "$AUTH"
status_is 409 "create while a run holds the roots"
body_holds '"type":"conflict","message":"mig snapshot create was refused: '
body_holds '"exit_status":6,"outcome":"refused"'
req POST /v1/snapshots/1/restore -H "$AUTH"
status_is 409 "restore while a run holds the roots"
body_holds '"message":"mig snapshot restore 1 was refused: '
kill -9 $HANG
wait $HANG 2>/dev/null
# A snapshot not complete (its taker died half way) is refused before any
# command runs.
python3 - "$S" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("insert into snapshots (name, plan_path, plan_name, state, host, pid, created_ms) select 'half', plan_path, plan_name, 'creating', host, 999999, created_ms from snapshots where id = 1")
db.commit()
PY
req POST /v1/snapshots/half/restore -H "$AUTH"
status_is 409 "restore of a snapshot not complete"
body_holds "is not complete"

# ---- prune -----------------------------------------------------------------------------------
req POST /v1/snapshots -H "$AUTH" -d '{"name": "second"}'
status_is 200 "a second snapshot"
req POST /v1/snapshots/prune -H "$AUTH" -d '{"older_than": "30x"}'
status_is 422 "prune: an age it does not take"
body_holds "'older_than' takes an age, a whole number and s, m, h or d (30d), not '30x'"
req POST /v1/snapshots/prune -H "$AUTH" -d '{"keep_last": -1}'
status_is 422 "prune: keep_last below 0"
body_holds "'keep_last' takes a whole number"
req POST /v1/snapshots/prune -H "$AUTH" -d '{"keep_last": 1.5}'
status_is 422 "prune: keep_last not whole"
req POST /v1/snapshots/prune -H "$AUTH" -d 'x'
status_is 400 "prune: a body that is not JSON"
req POST /v1/snapshots/prune -H "$AUTH" -d '{"older_than": "0s", "keep_last": 1, "dry_run": true}'
status_is 200 "a dry prune"
body_holds '"command":"snapshot prune","exit_status":0'
expect 0 "$MIG" snapshot list --state "$S"
holds "before"
req POST /v1/snapshots/prune -H "$AUTH" -d '{"older_than": "0s", "keep_last": 1}'
status_is 200 "prune all but the newest"
body_holds '"outcome":"succeeded","result":{"snapshots":["before"'
expect 0 "$MIG" snapshot list --state "$S"
case $OUT in *before*) bad "prune kept 'before'" ;; *second*) ok ;; *) bad "prune removed 'second': $OUT" ;; esac

# ---- outside the routes ------------------------------------------------------------------------
req GET /v1/snapshots/1/restore
status_is 405 "GET of a restore"
[ "$(header Allow)" = "POST" ] && ok || bad "Allow: $(header Allow)"
req GET /v1/snapshots/1
status_is 404 "no route for one snapshot"

# ---- the audit trail: one entry a request --------------------------------------------------------
one_entry_per_post "$S" 'snapshot-create\|snapshot-restore\|snapshot-prune'
holds "\"user\":\"bearer:$FP\",\"host\":\"127.0.0.1\",\"pid\":$main,\"action\":\"snapshot-restore\",\"run\":$RESTORE_RUN,"
holds '"route":"POST /v1/snapshots/{id}/restore","status":200,'
holds '"operand":"1"},"outcome":"succeeded"'
holds '"action":"snapshot-create","run":null,'
holds '"name":"before","note":"ticket 7"},"outcome":"succeeded"'
holds '"action":"snapshot-prune",'
holds '"older-than":"0s","keep-last":1},"outcome":"succeeded"'
holds '"action":"snapshot-create","run":null,'
grep '"action":"snapshot-create"' "$W/audit.jsonl" | grep -q '"status":409,.*"outcome":"refused"' \
  && ok || bad "the refused create's entry is not 'refused'"
holds '"user":"anonymous","host":"127.0.0.1"'
holds '"action":"http","run":null,'
expect 0 "$MIG" audit verify --state "$S"

# ---- 500 once the store is gone ----------------------------------------------------------------
rm -rf "$W/p/.mig"
req GET /v1/snapshots
status_is 500 "GET /v1/snapshots with no store"
req POST /v1/snapshots/1/restore -H "$AUTH"
status_is 500 "restore with no store"
# Create and prune run their command, which says what is wrong with the
# store itself; 500 is when that command cannot be started: a server
# whose own binary is gone.
cp "$MIG" "$W/mig-copy"
real_mig=$MIG
MIG=$W/mig-copy
start_server gone --state "$S" --token-file "$W/token" || { summary; exit 1; }
MIG=$real_mig
rm "$W/mig-copy"
req POST /v1/snapshots -H "$AUTH"
status_is 500 "create when mig cannot be started"
body_holds "cannot start"
req POST /v1/snapshots/prune -H "$AUTH"
status_is 500 "prune when mig cannot be started"
# What could not be started ran nothing: its entry is the request's own.
expect 0 "$MIG" audit export --json --state "$S"
holds '"action":"http","run":null,"plan_digest":null,"config_digest":null,"detail":{"request":"POST /v1/snapshots/prune","route":"POST /v1/snapshots/prune","status":500,'

# ---- the OpenAPI document ------------------------------------------------------------------------
OUT=$(python3 "$SRC/tests/cli/serve/openapi_check.py" \
        "$SRC/docs/api.openapi.json" "$W/exchanges.tsv" "$W/x" \
        '^/v1/snapshots' 2>&1) \
  && ok || { bad "the server does not match docs/api.openapi.json"; printf '%s\n' "$OUT" >&2; }
holds "0 problems"
summary
