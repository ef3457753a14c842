#!/bin/sh
# http_retry.sh MIG SRC BUILD: retries, breakers and recovery acting on a
# real endpoint (docs/http.md, "Retries and breakers"), scripted on
# 127.0.0.1 (tests/http/endpoint.py): Retry-After in seconds and as a date
# becomes the journaled wait within the policy's bounds; a breaker opens
# on a dead host and closes after its cooldown once the host answers; a
# 409 reaches a recover block with its detail; a 400 carrying the schema
# is repaired by adapt.params; a changing request in flight when mig was
# killed is not sent again on a guess.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-http.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint
DEAD=$(dead_port)

# The data of the events KIND of run RUN, one a line.
events() {
  "$MIG" log "$1" --json --brief | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["kind"] == sys.argv[1]:
        print(json.dumps(e["data"], sort_keys=True))' "$2"
}

# ---- Retry-After ---------------------------------------------------------------
cat > after.mig <<PLAN
migration "after" {
  stage s {
    retry 4 backoff fixed(delay: 10ms) on Transient {
      step a = http.request(url: "$BASE/flaky/2?key=a&status=429&retry_after=1")
    }
    retry 3 backoff fixed(delay: 10ms) on Transient {
      step b = http.request(url: "$BASE/flaky/1?key=b&status=503&retry_after=0")
    }
    retry 3 backoff exponential(base: 10ms, max: 300ms) on Transient {
      step c = http.request(url: "$BASE/flaky/1?key=c&status=503&retry_after=5")
    }
    retry 3 backoff fixed(delay: 10ms) on Transient {
      step e = http.request(url: "$BASE/flaky/1?key=e&status=503&retry_after=soon")
    }
    retry 3 backoff fixed(delay: 10ms) on Transient {
      step f = http.request(url: "$BASE/flaky/1?key=f&status=503&retry_after=%2B2")
    }
  }
}
PLAN
expect 0 "$MIG" run after.mig
mask_ports
holds 'failed  a = http.request: Transient: http.request: GET http://127.0.0.1:PORT/flaky/2?key=a&status=429&retry_after=1 answered 429 Too Many Requests; Retry-After asks for 1s'
holds 'retry   retry 4: attempt 1 failed (status 429), next in 1000ms'
holds 'retry   retry 4: attempt 2 failed (status 429), next in 1000ms'
holds 'retry   retry 3: attempt 1 failed (status 503), next in 10ms'
# Within the policy's bounds: max 300ms caps a Retry-After of 5s.
holds 'retry   retry 3: attempt 1 failed (status 503), next in 300ms'
OUT=$(events 1 retry-wait | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    print(d["attempt"], d["delay_ms"], d["status"], d["class"])')
holds '1 1000 429 Transient
2 1000 429 Transient
1 10 503 Transient
1 300 503 Transient
1 10 503 Transient
1 '
# An HTTP-date 2s ahead, read against the clock: 1s or 2s.
case $OUT in *"1 1000 503 Transient"|*"1 2000 503 Transient") ok ;;
  *) bad "a Retry-After date: $OUT" ;; esac
# The waits happened: the endpoint saw the attempts of a 1s apart at least.
OUT=$(grep "key=a&" endpoint.log | awk 'NR > 1 { print ($1 - prev >= 1000) ? "apart" : "close" } { prev = $1 }' | tr '\n' ' ')
holds 'apart apart'

# ---- a breaker per host: opens on a dead one, closes after its cooldown --------
cat > breaker.mig <<PLAN
migration "breaker" {
  breaker "http.request" { failures: 2, cooldown: 1s }
  stage s {
    foreach i in [1, 2, 3] {
      step d = http.request(url: "http://127.0.0.1:$DEAD/x?i=\${i}")
      recover * { skip "\${err.class}" }
    }
    step other = http.request(url: "$BASE/status/200")
    step up = exec.run(cmd: ["sh", "-c", "python3 '$SRC/tests/http/endpoint.py' port2 log2 $DEAD >/dev/null 2>&1 & echo \$! > extra.pid; while [ ! -s port2 ]; do sleep 0.05; done; sleep 1.1"])
      undo exec.run(cmd: "true")
    step probe = http.request(url: "http://127.0.0.1:$DEAD/status/200")
  }
}
PLAN
expect 0 "$MIG" run breaker.mig
EXTRA_PID=$(cat extra.pid 2>/dev/null)
mask_ports
holds 'skipped item [1]: Unavailable'
holds 'skipped item [2]: Unavailable'
holds 'skipped item [3]: Unavailable'
holds 'ok      other = http.request'
holds 'ok      probe = http.request'
expect 0 "$MIG" log 2 --brief
mask_ports
holds 'breaker-open  s/foreach.i/d[1]  {"breaker":"http.request http://127.0.0.1:DEAD"}'
holds 'step-failed   s/foreach.i/d[2]  {"action":"http.request","class":"Unavailable","message":"the circuit breaker of http.request http://127.0.0.1:DEAD is open'
holds 'breaker-half-open  s/probe  {"breaker":"http.request http://127.0.0.1:DEAD"}'
holds 'breaker-closed  s/probe  {"breaker":"http.request http://127.0.0.1:DEAD"}'
# The third call never reached the host.
OUT=$(grep -c "i=3" log2 2>/dev/null || true)
[ "${OUT:-0}" = 0 ] && ok || bad "the open breaker let a call through"
kill $EXTRA_PID 2>/dev/null
# per: "action" keeps one breaker for the action; per: "url" one per URL.
sed -e 's/cooldown: 1s }/cooldown: 1s, per: "action" }/' breaker.mig > whole.mig
sed -i -e '/step up/,/step probe/d' whole.mig
expect 3 "$MIG" run whole.mig &&
  holds 'failed  other = http.request: Unavailable: the circuit breaker of http.request is open'
expect 0 "$MIG" log 3 --brief && holds 'breaker-open  s/foreach.i/d[1]  {"breaker":"http.request"}'
sed -e 's/per: "action"/per: "url"/' whole.mig > url.mig
expect 0 "$MIG" run url.mig
expect 0 "$MIG" log 4 --brief
case $OUT in *breaker-open*) bad "a breaker per URL opened: $OUT" ;; *) ok ;; esac

# ---- the answer reaches a recover block, adapt.params repairs a 400 -----------
cat > recover.mig <<PLAN
migration "recover" {
  stage s {
    foreach t in ["a"] {
      step put = http.request(method: "PUT", url: "$BASE/conflict", body: {name: t})
        undo http.request(method: "DELETE", url: "$BASE/echo")
      recover Conflict {
        step seen = log.info(message: "\${err.class} \${err.detail.status} \${err.detail.json.error.message} etag \${err.detail.headers.etag} \${err.detail.url}")
        skip "changed behind our back"
      }
    }
    step call = http.request(method: "POST", url: "$BASE/params", body: ["Paris"],
                             schema: {type: "object", properties: {location: {type: "string"}},
                                      required: ["location"]})
      undo http.request(method: "DELETE", url: "$BASE/echo")
    recover ParamMismatch with adapt.params
    step said = log.info(message: "\${call.json.weather}")
  }
}
PLAN
expect 0 "$MIG" run recover.mig
holds 'info    said = log.info: sunny in Paris'
holds 'skipped item [a]: changed behind our back'
holds 'failed  call = http.request: ParamMismatch: '
holds 'decided retry'
expect 0 "$MIG" log 5 --brief
mask_ports
holds '"message":"Conflict 409 version 7 is newer etag \"v7\" http://127.0.0.1:PORT/conflict"}'
holds 'adapted'
holds 'positional to named (location)'

# ---- a changing request in flight when mig dies: asked, never guessed ---------
cat > crash.mig <<PLAN
migration "crash" {
  stage s {
    step slow = http.request(method: "PUT", url: "$BASE/sleep?ms=30000", body: {a: 1})
      undo http.request(method: "DELETE", url: "$BASE/echo")
  }
}
PLAN
: > endpoint.log
"$MIG" run crash.mig >crash.out 2>&1 &
pid=$!
i=0
while ! grep -q "PUT /sleep" endpoint.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid
wait $pid 2>/dev/null
expect 6 "$MIG" resume 6
holds 'step s/slow (http.request) was in flight when mig stopped: mig cannot tell whether it finished: http.request cannot tell'
holds 'mig resume 6 --settle 1=done'
OUT=$(grep -c "PUT /sleep" endpoint.log)
[ "$OUT" = 1 ] && ok || bad "the PUT was sent again: $OUT times"
expect 0 "$MIG" resume 6 --settle 1=done
holds 'in flight at the crash: slow = http.request: done: you said its effect is in place'
OUT=$(grep -c "PUT /sleep" endpoint.log)
[ "$OUT" = 1 ] && ok || bad "the PUT was sent again: $OUT times"

summary
