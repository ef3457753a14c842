#!/bin/sh
# serve_knobs.sh MIG SRC BUILD: the rehearsal knobs of `mig serve`
# (docs/registry-api.md, "Rehearsal knobs"): --fail-rate answers the same
# requests with --fail-status and Retry-After for the same --seed (and
# others for another seed), and a failed request changes nothing;
# --rate-limit N/s lets a burst of N through and answers 429 with
# Retry-After past it, then lets requests through again; --latency
# delays every answer; and a signal lets a request in flight finish
# before the server stops, refusing new connections meanwhile.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1

# The statuses of N requests (GET PATH) sent one after another on one
# connection, one a line.
statuses() {
  n=$1; path=$2; set --
  i=0
  while [ $i -lt "$n" ]; do
    set -- "$@" -o /dev/null -w '%{http_code}\n' "$URL$path"
    i=$((i + 1))
  done
  curl -s "$@"
}

# ---- 1. a seeded share of failures, reproducible -----------------------------
for s in a b c; do
  seed=42
  [ $s = c ] && seed=43
  start_server "fail$s" --registry "$W/f$s.db" --fail-rate 0.3 --seed $seed \
    --retry-after 3 || { summary; exit 1; }
  statuses 60 /v2/tools > "$W/$s.st"
done
cmp -s "$W/a.st" "$W/b.st" && ok || bad "the same seed failed other requests"
cmp -s "$W/a.st" "$W/c.st" && bad "another seed failed the same requests" || ok
failed=$(grep -c '^503$' "$W/a.st")
passed=$(grep -c '^200$' "$W/a.st")
[ $((failed + passed)) -eq 60 ] && ok || bad "statuses other than 200 and 503: $(sort "$W/a.st" | uniq -c)"
[ "$failed" -ge 6 ] && [ "$failed" -le 30 ] && ok \
  || bad "$failed of 60 failed with --fail-rate 0.3"
# Its answers carry Retry-After: 3; a PUT drawn to fail stored nothing.
URL=$(sed -n 's/^mig serve: listening on //p' "$W/faila.out")
got503=0; got201=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  req PUT "/v2/tools/t$i" --data-binary "$(rec_json tool "t$i")"
  case $STATUS in
    503) got503=$((got503 + 1))
         [ "$(header Retry-After)" = 3 ] && ok || bad "Retry-After: $(header Retry-After)"
         body_holds '"type":"unavailable","message":"a failure drawn by --fail-rate (a rehearsal); retry after 3 seconds"'
         [ "$(sqlite3 "$W/fa.db" "select count(*) from tools where name = 't$i'" 2>/dev/null || echo 0)" = 0 ] \
           && ok || bad "a PUT answered 503 stored t$i" ;;
    201) got201=$((got201 + 1)) ;;
    *) bad "PUT t$i: $STATUS" ;;
  esac
done
[ $got503 -gt 0 ] && [ $got201 -gt 0 ] && ok || bad "20 puts: $got503 failed, $got201 stored"
[ "$(sqlite3 "$W/fa.db" 'select count(*) from tools')" = $got201 ] && ok \
  || bad "the registry does not hold the $got201 puts answered 201"

# ---- 2. the rate limit ---------------------------------------------------------
# 10 requests on one connection, each answer's headers and body kept: a
# burst of 3 passes, most of the rest are past the limit (3 a second
# comes back only as fast as time passes).
start_server rate --registry "$W/r.db" --rate-limit 3/s || { summary; exit 1; }
set --
for i in 0 1 2 3 4 5 6 7 8 9; do
  [ $i -gt 0 ] && set -- "$@" --next
  set -- "$@" -s -D "$W/rate$i.h" -o "$W/rate$i.b" -w '%{http_code}\n' "$URL/v2/tools"
done
curl "$@" > "$W/rate.st"
[ "$(head -3 "$W/rate.st" | tr '\n' ' ')" = "200 200 200 " ] && ok \
  || bad "a burst of 3 was not let through: $(tr '\n' ' ' < "$W/rate.st")"
limited=$(tail -7 "$W/rate.st" | grep -c '^429$')
[ "$limited" -ge 4 ] && ok || bad "only $limited of the 7 past the burst were limited"
[ "$(sed -n 4p "$W/rate.st")" = 429 ] && ok || bad "the 4th request was let through"
grep -qx 'Retry-After: 1.' "$W/rate3.h" && ok || bad "the 4th answer's headers: $(cat "$W/rate3.h")"
BODY=$(cat "$W/rate3.b")
body_holds '"type":"rate_limited","message":"more requests than --rate-limit allows; retry after 1 second"'
sleep 1.2
req GET /v2/tools
status_is 200 "after the Retry-After"

# ---- 3. latency ------------------------------------------------------------------
start_server slow --registry "$W/s.db" --latency 200ms || { summary; exit 1; }
t0=$(date +%s%N)
statuses 5 /v2/tools > "$W/slow.st"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 1000 ] && ok || bad "5 answers with --latency 200ms took $ms ms"
[ "$(grep -c '^200$' "$W/slow.st")" -eq 5 ] && ok || bad "slow answers: $(cat "$W/slow.st")"

# ---- 4. a signal lets the request in flight finish ------------------------------
start_server drain --registry "$W/d.db" --latency 1500ms || { summary; exit 1; }
curl -s -o "$W/late.body" -w '%{http_code}' -X PUT --data-binary "$(rec_json tool late)" \
  "$URL/v2/tools/late" > "$W/late.st" &
client=$!
sleep 0.5
kill -TERM "$PID"
sleep 0.3
curl -s -o /dev/null "$URL/v2/tools"
[ $? -eq 7 ] && ok || bad "a new connection was taken after the signal"
wait "$client"
[ "$(cat "$W/late.st")" = 201 ] && ok || bad "the request in flight got $(cat "$W/late.st")"
wait "$PID"
rc=$?
[ $rc -eq 0 ] && ok || bad "the drained server exited $rc"
[ "$(sqlite3 "$W/d.db" "select name from tools")" = late ] && ok \
  || bad "the put in flight did not last"

summary
