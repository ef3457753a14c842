#!/bin/sh
# http_undo.sh MIG SRC BUILD: reversible remote changes (docs/http.md,
# "Undo" and "Crashes") against the record store of the scripted endpoint
# (tests/http/endpoint.py, /records, with ETags): a rollback restores
# every record a PUT, a POST and a DELETE changed and verifies it; an
# undo refuses to overwrite a record changed behind mig's back; a crash
# in a request's flight is settled by its check: both ways (the change
# landed; it was never sent), by mig resume and by mig rollback; and the
# arguments refused.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-httpundo.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint

# records: the store's names (put and record: tests/http/lib.sh).
records() { OUT=$(curl -s "$BASE/records"); }

# ---- a rollback restores every record and verifies it -----------------------
put a '{"name": "a", "v": 1}'
put e '{"name": "e", "v": 1}'
cat > undo.mig <<PLAN
migration "undo" {
  stage s {
    checkpoint start
    step put = http.request(method: "PUT", url: "$BASE/records/a",
                            body: {name: "a", v: 2}, undo: {method: "PUT"})
    step make = http.request(method: "PUT", url: "$BASE/records/b",
                             body: {name: "b"}, undo: {method: "PUT"})
    step post = http.request(method: "POST", url: "$BASE/records",
                             body: {name: "b"}, undo: {method: "DELETE"})
    step made = http.request(method: "POST", url: "$BASE/records",
                             body: {name: "d"},
                             undo: {method: "DELETE", url: "$BASE/records/{json.id}"})
    step del = http.request(method: "DELETE", url: "$BASE/records/a",
                            undo: {method: "PUT"})
    step gone = http.request(method: "DELETE", url: "$BASE/records/e",
                             undo: {method: "POST", url: "$BASE/records"})
    verify len(post.json.id) < 0 else "stop here"
  }
}
PLAN
# An undo: argument makes the change undo itself: no warning.
expect 0 "$MIG" check undo.mig && holds 'undo.mig: ok'
case $OUT in *"cannot undo itself"*) bad "undo: is not seen: $OUT" ;; *) ok ;; esac
expect 3 "$MIG" run undo.mig
records && holds '["b", "d", "r5"]'
# What the journal keeps: the before-image (state, object, ETag), and the
# ETag each change's answer gave with the undo's URL.
OUT=$(sqlite3 .mig/state.db "select seq || ' ' || kind || ' ' || outcome from journal order by seq")
mask_ports
holds '1 self {"etag":"\"3\"","url":"http://127.0.0.1:PORT/records/a","after":"record:'
holds '3 self {"etag":"\"5\"","url":"http://127.0.0.1:PORT/records/r5","after":"record:'
holds '4 self {"etag":"\"6\"","url":"http://127.0.0.1:PORT/records/d","after":"record:'
holds '5 self {"url":"http://127.0.0.1:PORT/records/a","after":"absent"}'
OUT=$(sqlite3 .mig/state.db "select undo from journal where seq = 1")
mask_ports
holds '"before":{"url":"http://127.0.0.1:PORT/records/a","state":"record:'
holds '"type":"application/json","etag":"\"1\""}'
OUT=$(sqlite3 .mig/state.db "select resources from journal where seq = 2")
mask_ports
holds '{"remote:http://127.0.0.1:PORT/records/b":"absent"}'
: > endpoint.log
expect 0 "$MIG" rollback 1
mask_ports
holds 'undone  gone = http.request'
holds 'undone  del = http.request'
holds 'undone  made = http.request'
holds 'undone  put = http.request'
holds 'rolled back to the start: 6 undone; the managed resources match the checkpoint'
records && holds '["a", "e"]'
record a && holds '{"name": "a", "v": 1}'
record e && holds '{"name": "e", "v": 1}'
# Each undo as it was sent: the DELETE's by a PUT on condition that the
# record is still absent, the others with If-Match of the change's ETag;
# the record a PUT created is deleted, not put back; the record deleted
# from a collection is posted back to it (named by its body), without a
# condition. The PUT's undo is
# refused for the ETag the DELETE's undo renewed: the record read then is
# as the PUT left it, so the undo goes again with the new ETag.
OUT=$(cat endpoint.log)
holds 'DELETE /records/b'
holds 'DELETE /records/r5'
holds 'POST /records'
holds 'DELETE /records/d'
OUT=$(grep '/records/a' endpoint.log | sed 's/^[0-9]* //' | tr '\n' ' ')
holds 'PUT /records/a PUT /records/a GET /records/a PUT /records/a'

# ---- an undo refuses to overwrite a record changed behind mig's back ---------------
rm -rf .mig
cat > one.mig <<PLAN
migration "one" {
  stage s {
    step put = http.request(method: "PUT", url: "$BASE/records/a",
                            body: {name: "a", v: 3}, undo: {method: "PUT"})
  }
}
PLAN
expect 0 "$MIG" run one.mig
put a '{"name": "a", "v": 99}'
expect 6 "$MIG" rollback 1
mask_ports
holds 'remote:http://127.0.0.1:PORT/records/a'
record a && holds '{"name": "a", "v": 99}'
# Forced past that check, the endpoint still refuses the undo's If-Match:
# a Conflict naming the record, which is left as someone else wrote it.
expect 5 "$MIG" rollback 1 --force
mask_ports
holds 'Conflict: http.request: the undo PUT http://127.0.0.1:PORT/records/a was refused (412 Precondition Failed): http://127.0.0.1:PORT/records/a changed since mig changed it, and is not overwritten'
record a && holds '{"name": "a", "v": 99}'

# ---- a credential an undo sends is a secret: journaled as its recipe -------------
rm -rf .mig
cat > secret.mig <<PLAN
migration "secret" {
  param tok = secret_env("UNDO_TOKEN")
  stage s {
    step put = http.request(method: "PUT", url: "$BASE/records/s", body: {v: 1},
                            headers: {Authorization: "Bearer \${tok}"},
                            undo: {method: "PUT"})
  }
}
PLAN
export UNDO_TOKEN=tok-4bd1e7
expect 0 "$MIG" run secret.mig
# The rollback fetches the secret's bytes again: without them, the undo
# cannot be sent.
unset UNDO_TOKEN
expect 5 "$MIG" rollback 1
holds 'UNDO_TOKEN'
export UNDO_TOKEN=tok-4bd1e7
expect 0 "$MIG" rollback 1
unset UNDO_TOKEN
holds 'rolled back to the start: 1 undone; the managed resources match the checkpoint'
records && case $OUT in *'"s"'*) bad "s was not deleted: $OUT" ;; *) ok ;; esac
sqlite3 .mig/state.db .dump | grep -q tok-4bd1e7 && bad "the token is in the store" || ok
grep -rq tok-4bd1e7 .mig && bad "the token is under .mig" || ok
OUT=$(sqlite3 .mig/state.db "select undo from journal where seq = 1")
holds '"headers":{"Authorization":{"$secret":'

# ---- a crash in a request's flight, settled by its check ------------------------
put a '{"name": "a", "v": 1}'
cat > crash.mig <<PLAN
migration "crash" {
  stage s {
    step put = http.request(method: "PUT", url: "$BASE/records/a?delay_ms=30000",
                            before: "$BASE/records/a", body: {name: "a", v: 2},
                            timeout: 40s,
                            undo: {method: "PUT", url: "$BASE/records/a"},
                            check: {url: "$BASE/records/a", holds: {v: 2}})
  }
}
PLAN
# Killed with the change made and its answer not yet come: the check
# says it is in place, so the resume does not send it again.
rm -rf .mig
: > endpoint.log
"$MIG" run crash.mig >crash.out 2>&1 &
pid=$!
i=0
while ! grep -q "PUT /records/a" endpoint.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -9 $pid
wait $pid 2>/dev/null
record a && holds '{"name":"a","v":2}'
expect 0 "$MIG" resume 1
holds 'in flight at the crash: put = http.request: done: its check says its effect is in place'
[ "$(grep -c 'PUT /records/a' endpoint.log)" = 1 ] && ok ||
  bad "the PUT was sent again: $(cat endpoint.log)"
# Its undo, without the ETag the lost answer had, reads the record first.
expect 0 "$MIG" rollback 1
holds 'rolled back to the start: 1 undone; the managed resources match the checkpoint'
record a && holds '{"name": "a", "v": 1}'
# Killed once the request was journaled as begun, before it was sent: the
# check says it is not in place, so a rollback has nothing to undo, and a
# resume sends it.
for how in rollback resume; do
  rm -rf .mig
  : > endpoint.log
  MIG_CRASH_AT=process-running "$MIG" run crash.mig >crash.out 2>&1
  [ $? -eq 137 ] && ok || bad "mig was not killed at process-running"
  grep -q "PUT /records" endpoint.log && bad "the PUT was sent before the crash" || ok
  if [ $how = rollback ]; then
    expect 0 "$MIG" rollback 1
    holds 'rolled back to the start: 0 undone'
    grep -q "PUT /records" endpoint.log && bad "the rollback sent a PUT" || ok
  else
    sed -i 's/?delay_ms=30000//' crash.mig
    expect 0 "$MIG" resume 1 --allow-changed-plan
    holds 'not run: its check says its effect is not in place; it runs again'
    [ "$(grep -c 'PUT /records/a' endpoint.log)" = 1 ] && ok ||
      bad "the PUT was not sent once: $(cat endpoint.log)"
    record a && holds '{"name":"a","v":2}'
  fi
  record a
done
# A check whose answer says neither: mig cannot tell, and asks.
rm -rf .mig
put a '{"name": "a", "v": 1}'
sed -e 's/?delay_ms=30000//' -e "s|check: {url: \"$BASE/records/a\"|check: {url: \"$BASE/status/500\"|" \
  crash.mig > ask.mig
MIG_CRASH_AT=process-running "$MIG" run ask.mig >crash.out 2>&1
expect 6 "$MIG" rollback 1
mask_ports
holds 'mig cannot tell whether it finished: http.request: GET http://127.0.0.1:PORT/status/500 answered 500 Internal Server Error'
holds 'mig rollback 1 --settle 1=done'

# ---- what is refused ----------------------------------------------------------------
refused() {
  cat > bad.mig <<PLAN
migration "bad" {
  stage s {
    step x = http.request(method: "PUT", url: "$BASE/records/z", body: {a: 1}, $1)
  }
}
PLAN
  rm -rf .mig
  expect 3 "$MIG" run bad.mig
  mask_ports
  holds "$2"
  grep -q "PUT /records/z" endpoint.log && bad "a refused call sent its PUT" || ok
}
: > endpoint.log
refused 'undo: {url: "x"}' 'InvalidConfig: http.request: undo: method must be "PUT", "POST", "PATCH" or "DELETE"'
refused 'undo: {method: "GET"}' 'undo: method must be "PUT", "POST", "PATCH" or "DELETE"'
refused 'undo: {method: "PUT", when: 1}' "http.request: undo: 'when' is not a key of an undo (method, url, headers, body)"
refused 'undo: {method: "PUT", url: 7}' 'http.request: undo: url must be a string and headers a map'
refused "before: \"$BASE/records/y\"" 'InvalidConfig: http.request: before: names the record an undo restores: give undo: too'
refused 'undo: {method: "PUT"}, headers: {Authorization: "Bearer t0k"}' "http.request: undo: the header 'Authorization' is journaled, to be sent after a restart, and a credential is never journaled as text: give it as a secret (secret_env)"
refused 'undo: {method: "PUT"}, before: "http://u:p@127.0.0.1:1/r"' 'http.request: with undo, a URL names no user or password'
refused 'check: {method: "GET"}' 'InvalidConfig: http.request: check: url is required'
refused "check: {url: \"$BASE/records/z\", method: \"POST\"}" 'http.request: check: method must be "GET" or "HEAD" (a check changes nothing)'
refused "check: {url: \"$BASE/records/z\", done: [99]}" 'http.request: check: done and not_done must be lists of statuses (100 to 599)'
refused "check: {url: \"$BASE/records/z\", not_done: [600]}" 'check: done and not_done must be lists of statuses (100 to 599)'
refused "check: {url: \"$BASE/records/z\", seen: 1}" "http.request: check: 'seen' is not a key of a check"
refused "check: {url: \"$BASE/records/z\", headers: {Cookie: \"c=1\"}}" "http.request: check: the header 'Cookie' is journaled"
cat > get.mig <<PLAN
migration "get" {
  stage s {
    step x = http.request(url: "$BASE/records/z", check: {url: "$BASE/records/z"})
  }
}
PLAN
expect 3 "$MIG" run get.mig
holds 'InvalidConfig: http.request: a GET changes nothing: undo:, before: and check: are for POST, PUT, PATCH and DELETE'
# The before-image cannot be read: the change is not sent.
refused "undo: {method: \"PUT\"}, before: \"$BASE/status/503\"" 'Transient: http.request: GET http://127.0.0.1:PORT/status/503 answered 503 Service Unavailable'
# The bounds of a status, kept.
cat > edge.mig <<PLAN
migration "edge" {
  stage s {
    step x = http.request(method: "PUT", url: "$BASE/records/e", body: {a: 1},
                          check: {url: "$BASE/records/e", done: [100, 599], not_done: [404]})
      undo http.request(method: "DELETE", url: "$BASE/records/e")
  }
}
PLAN
expect 0 "$MIG" run edge.mig

# A POST whose answer names nothing it created: its undo cannot be sent,
# which the run says and the rollback fails on.
rm -rf .mig
cat > loc.mig <<PLAN
migration "loc" {
  stage s {
    step p = http.request(method: "POST", url: "$BASE/echo", body: {a: 1},
                          undo: {method: "DELETE"})
  }
}
PLAN
expect 0 "$MIG" run loc.mig
mask_ports
holds 'http.request: POST http://127.0.0.1:PORT/echo: the URL of its undo ({location}) could not be filled from the answer, so a rollback cannot undo it'
expect 5 "$MIG" rollback 1
mask_ports
holds 'http.request: the undo of POST http://127.0.0.1:PORT/echo cannot be sent: its URL ({location}) needs what the change'"'"'s answer said, which mig never saw'

summary
