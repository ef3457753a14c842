#!/bin/sh
# serve_runs.sh MIG SRC BUILD: the HTTP API of `mig serve --state`
# (docs/api.md) against a running server, every route with every status
# it documents: the runs (limit at 1, 500 and past them), a run, its
# checkpoints, its events (a finished run's, then a running run's followed
# live to its end, and from Last-Event-ID on), rollback and resume run as
# the CLI's commands (200, 409 refused, 400, 422, 404, and 401/403 without
# the token or with another), health (200, 503 with an interrupted run),
# metrics (the text format checked by rule), 404 and 405 outside the
# routes, and 500 for each once the store is gone. Every request that
# changes something is in the audit trail as its token's holder at the
# peer's address, a registry write through the server too, and the trail
# verifies. Then every exchange is checked against docs/api.openapi.json,
# and every path, method and status of it must have been exercised.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
unset MIG_AUDIT_KEY
export XDG_CONFIG_HOME="$W/cfg"
use_token s3cret-token
S=$W/p/.mig/state.db

# ---- the runs to serve: one with a checkpoint, one failed ---------------------
mkdir -p "$W/p"
cat > "$W/p/cp.mig" <<'PLAN'
migration "checkpointed" {
  stage s {
    checkpoint before
    step w = file.write(path: "out.txt", content: "new\n")
  }
}
PLAN
cat > "$W/p/fails.mig" <<'PLAN'
migration "fails" {
  stage s {
    step w = file.write(path: "f.txt", content: "f\n")
    step boom = test.fail(class: "Conflict")
  }
}
PLAN
cat > "$W/p/slow.mig" <<'PLAN'
migration "slow" {
  stage work {
    foreach i in range(3) parallel 1 {
      step nap = test.sleep(duration: 700ms)
    }
  }
}
PLAN
expect 0 "$MIG" run -q "$W/p/cp.mig"
expect 3 "$MIG" run -q "$W/p/fails.mig"

start_server api --state "$S" --token-file "$W/token" || { summary; exit 1; }
main=$PID

# ---- GET /v1/runs ----------------------------------------------------------------
req GET /v1/runs
status_is 200 "the runs"
body_holds '"id":2,"plan":"fails"'
body_holds '"id":1,"plan":"checkpointed"'
req GET '/v1/runs?limit=1'
status_is 200 "limit 1"
case $BODY in *'"id":1,'*) bad "limit=1 gave two runs" ;; *) ok ;; esac
req GET '/v1/runs?limit=500'
status_is 200 "limit 500"
for l in 0 501 x; do
  req GET "/v1/runs?limit=$l"
  status_is 400 "limit $l"
  body_holds "limit takes a whole number from 1 to 500, not '$l'"
done

# ---- GET /v1/runs/{id}, checkpoints ---------------------------------------------
req GET /v1/runs/1
status_is 200 "run 1"
body_holds '"checkpoints":[{"name":"before"'
req GET /v1/runs/last
status_is 200 "the last run"
body_holds '"id":2,'
req GET /v1/runs/9
status_is 404 "run 9"
body_holds '"type":"not_found"'
req GET /v1/runs/1/checkpoints
status_is 200 "run 1's checkpoints"
body_holds '{"run":1,"items":[{"name":"before","node":"s/checkpoint.before","item":"","seq":0,'
req GET /v1/runs/9/checkpoints
status_is 404 "run 9's checkpoints"

# ---- events: a finished run's -----------------------------------------------------
req GET /v1/runs/1/events --max-time 20
status_is 200 "run 1's events"
body_holds 'event: run-start'
body_holds 'event: end
data: {"run":1,"state":"succeeded"}'
[ "$(header Content-Type)" = "text/event-stream" ] && ok \
  || bad "events' Content-Type: $(header Content-Type)"
all=$(printf "%s\n" "$BODY" | grep -c "^id: ")
req GET /v1/runs/1/events --max-time 20 -H 'Last-Event-ID: 2'
status_is 200 "run 1's events after 2"
m=$(printf '%s\n' "$BODY" | grep -c '^id: ')
[ "$m" -eq $((all - 2)) ] && ok || bad "after Last-Event-ID 2: $m events of $all"
case $BODY in *'id: 2
'*) bad "event 2 sent again" ;; *) ok ;; esac
req GET '/v1/runs/1/events?after=x'
status_is 400 "after=x"
req GET /v1/runs/9/events
status_is 404 "run 9's events"

# ---- events: a running run's, followed to its end ---------------------------------
"$MIG" run -q "$W/p/slow.mig" > "$W/slow.out" 2>&1 &
slow=$!
i=0
until "$MIG" status 3 --state "$S" > /dev/null 2>&1 || [ $i -ge 100 ]; do
  sleep 0.05; i=$((i + 1))
done
req GET /v1/runs/3/events --max-time 30
wait $slow
status_is 200 "run 3's events, live"
c=$(printf '%s\n' "$BODY" | grep -c '^event: step-done')
[ "$c" -eq 3 ] && ok || bad "the live stream had $c step-done events, not 3"
body_holds 'event: run-done'
body_holds 'data: {"run":3,"state":"succeeded"}'

# ---- events: more than one chunk (256 events a chunk) -----------------------------
cat > "$W/p/many.mig" <<'PLAN'
migration "many" {
  stage s {
    foreach i in range(300) {
      step nap = test.sleep(duration: 1ms)
    }
  }
}
PLAN
expect 0 "$MIG" run -q "$W/p/many.mig"
req GET /v1/runs/4/events --max-time 30
status_is 200 "run 4's events"
sent=$(printf '%s\n' "$BODY" | grep -c '^id: ')
logged=$("$MIG" log 4 --json --state "$S" | wc -l)
[ "$sent" -eq "$logged" ] && [ "$sent" -gt 256 ] && ok \
  || bad "run 4: $sent events sent of $logged"
req GET /v1/runs/4/events --max-time 30 -H "Last-Event-ID: $((logged - 1))"
status_is 200 "run 4's last event"
body_holds "id: $logged"
body_holds 'event: end'

# ---- rollback and resume --------------------------------------------------------
# What each refuses before it runs anything: no token, another token, a
# body that is no JSON, not an object, an option it does not take, no
# such run.
for cmd in rollback resume; do
  req POST "/v1/runs/1/$cmd"
  status_is 401 "$cmd without the token"
  [ "$(header WWW-Authenticate)" = "Bearer" ] && ok || bad "no WWW-Authenticate"
  req POST "/v1/runs/1/$cmd" -H 'Authorization: Bearer nope'
  status_is 403 "$cmd with another token"
  req POST "/v1/runs/1/$cmd" -H "$AUTH" -d '{"to":'
  status_is 400 "$cmd: a body that is not JSON"
  body_holds "the body is not JSON: 1:7"
  req POST "/v1/runs/1/$cmd" -H "$AUTH" -d '[]'
  status_is 422 "$cmd: a body that is no object"
  req POST "/v1/runs/1/$cmd" -H "$AUTH" -d '{"dry": true}'
  status_is 422 "$cmd: an option it does not take"
  body_holds "'dry' is not an option here"
  req POST "/v1/runs/9/$cmd" -H "$AUTH"
  status_is 404 "$cmd of run 9"
done
[ "$(cat "$W/p/out.txt")" = "new" ] && ok || bad "a refused request changed out.txt"
req POST /v1/runs/1/rollback -H "$AUTH" -d '{"to": "nowhere"}'
status_is 409 "rollback to a checkpoint the run never passed"
body_holds "run 1 has no checkpoint 'nowhere'"
body_holds '"exit_status":6,"outcome":"refused"'
req POST /v1/runs/1/rollback -H "$AUTH" -d '{"to": 5}'
status_is 422 "to: a number"
body_holds "'to' takes a string"
req POST /v1/runs/1/rollback -H "$AUTH" -d '{"to": "before"}'
status_is 200 "rollback run 1 to before"
body_holds '"run":1,"command":"rollback","exit_status":0,"outcome":"succeeded","result":{"to":"before"'
[ ! -e "$W/p/out.txt" ] && ok || bad "the rollback left out.txt"
expect 0 "$MIG" status 1 --state "$S"
holds "rolled-back"
req POST /v1/runs/1/resume -H "$AUTH"
status_is 409 "resume a rolled-back run"
body_holds "is not interrupted"
req POST /v1/runs/2/resume -H "$AUTH" -d '{"failed_only": "yes"}'
status_is 422 "failed_only: a string"
req POST /v1/runs/2/resume -H "$AUTH" -d '{"failed_only": true}'
status_is 200 "resume the failed run"
body_holds '"command":"resume","exit_status":3,"outcome":"failed"'

# ---- health and metrics -------------------------------------------------------------
req GET /v1/health
status_is 200 "health"
body_holds '"healthy":true'
req GET /metrics
status_is 200 "metrics"
printf '%s\n' "$BODY" > "$W/m.txt"
OUT=$(python3 "$SRC/tests/cli/metrics/promcheck.py" "$W/m.txt") && ok \
  || bad "/metrics is not the text format: $OUT"
body_holds 'mig_runs{state="rolled-back"} 1'
body_holds 'mig_serve_requests_total{code="200"}'
body_holds 'mig_serve_requests_total{code="401"} 2'
# An interrupted run needs attention: 503.
start_hanging_run "$W/p" "$S"
kill -9 $HANG
wait $HANG 2>/dev/null
req GET /v1/health
status_is 503 "health with an interrupted run"
body_holds '"healthy":false'
body_holds 'mig resume 5'

# ---- outside the routes ---------------------------------------------------------------
req GET /v1/nothing
status_is 404 "no such route"
req DELETE /v1/runs/1
status_is 405 "DELETE of a run"
[ "$(header Allow)" = "GET" ] && ok || bad "Allow: $(header Allow)"

# ---- the audit trail ------------------------------------------------------------------
# One entry a request: a rollback or resume the server ran is that
# command's entry (its action and outcome), asked by the token's holder,
# with the options given; the child appends none of its own.
one_entry_per_post "$S" 'rollback\|resume'
holds "\"user\":\"bearer:$FP\",\"host\":\"127.0.0.1\""
holds '"action":"http","run":1,'
holds '"detail":{"request":"POST /v1/runs/1/rollback","route":"POST /v1/runs/{id}/rollback","status":200,'
holds '"user":"anonymous","host":"127.0.0.1"'
holds '"status":401,'
holds '"status":403,'
holds '"outcome":"refused"'
holds "\"user\":\"bearer:$FP\",\"host\":\"127.0.0.1\",\"pid\":$main,\"action\":\"rollback\",\"run\":1,"
holds '"route":"POST /v1/runs/{id}/rollback","status":200,"port":'
holds '"to":"before"},"outcome":"succeeded"'
holds '"action":"resume","run":2,'
grep -q '"status":200,"port":[0-9]*,"failed-only":true},"outcome":"failed"' \
  "$W/audit.jsonl" && ok || bad "the resume's entry lacks failed-only or its outcome"
gets=$(grep -c '"request":"GET' "$W/audit.jsonl")
[ "$gets" -eq 0 ] && ok || bad "a GET was audited"
expect 0 "$MIG" audit verify --state "$S"

# A registry write through a server with --registry and --state.
start_server reg --registry "$W/reg.db" --state "$S" || { summary; exit 1; }
api=$URL
req PUT /v2/tools/a --data-binary "$(rec_json tool a)"
status_is 201 "a registry put"
expect 0 "$MIG" audit export --json --state "$S"
holds '"detail":{"request":"PUT /v2/tools/a","route":"PUT /v2/tools/{name}","status":201,'
# A registry alone audits into the store found here, made when none.
start_server regonly --registry "$W/reg.db" || { summary; exit 1; }
req DELETE /v2/tools/a
status_is 204 "a registry delete"
expect 0 "$MIG" audit export --json --state "$W/.mig/state.db"
holds '"request":"DELETE /v2/tools/a"'

# ---- 500 once the store is gone ---------------------------------------------------------
rm -rf "$W/p/.mig"
URL=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$W/api.out")
for path in /v1/runs /v1/runs/1 /v1/runs/1/events /v1/runs/1/checkpoints \
            /v1/health /metrics; do
  req GET "$path"
  status_is 500 "GET $path with no store"
done
for cmd in rollback resume; do
  req POST "/v1/runs/1/$cmd" -H "$AUTH"
  status_is 500 "POST $cmd with no store"
done

# ---- the OpenAPI document -----------------------------------------------------------------
grep -v '^[A-Z]*	/v2/' "$W/exchanges.tsv" > "$W/v1.tsv"
OUT=$(python3 "$SRC/tests/cli/serve/openapi_check.py" \
        "$SRC/docs/api.openapi.json" "$W/v1.tsv" "$W/x" \
        '^/(v1/runs|v1/health|metrics)' 2>&1) \
  && ok || { bad "the server does not match docs/api.openapi.json"; printf '%s\n' "$OUT" >&2; }
holds "0 problems"
summary
