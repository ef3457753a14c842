#!/bin/sh
# http_malformed.sh MIG SRC BUILD: the malformed answers of docs/http.md
# ("Answers that are not what HTTP or JSON allow") that tests/cli/http.sh
# does not send: a body that drips a byte a second after whole headers
# (slow-loris in the body), a chunked body cut inside a chunk, a 200 whose
# body holds an error that names no validation, and 10 MB of headers in
# many lines (past the 256 KiB bound by far). Each ends in a classed
# error within the call's timeout, never a hang or a crash.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-httpbad.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint

cat > odd.mig <<PLAN
migration "odd" {
  stage s {
    foreach p in ["slowbody", "chunkcut", "errorplain", "headers?total=10485760"] parallel 4 {
      step r = http.request(url: "$BASE/\${p}", timeout: 2s)
      recover * { skip "\${err.class}: \${err.message}" }
    }
  }
}
PLAN
start=$(date +%s)
expect 0 "$MIG" run odd.mig
took=$(( $(date +%s) - start ))
mask_ports
holds 'skipped item [slowbody]: Timeout: http.request: GET http://127.0.0.1:PORT/slowbody: no answer within 2s'
holds 'skipped item [chunkcut]: Unavailable: http.request: GET http://127.0.0.1:PORT/chunkcut: the answer was cut short (fewer bytes than announced)'
holds 'skipped item [errorplain]: Unavailable: http.request: GET http://127.0.0.1:PORT/errorplain answered 200 OK, but its body holds an error: backend exploded'
holds "skipped item [headers?total=10485760]: Permanent: http.request: GET http://127.0.0.1:PORT/headers?total=10485760: the answer's headers are larger than 256 KiB, the bound"
holds '4 items: 0 done, 0 failed, 4 skipped'
# Within the timeout (2s) and the time to start: no hang.
[ "$took" -le 10 ] && ok || bad "the malformed answers took ${took}s"
# The same answers to a change with an undo: the step fails with the
# class, and what was read before stays as it was.
curl -s -o /dev/null -X PUT --data '{"v": 1}' "$BASE/records/m"
cat > change.mig <<PLAN
migration "change" {
  stage s {
    step r = http.request(method: "PUT", url: "$BASE/chunkcut", before: "$BASE/records/m",
                          body: {v: 2}, undo: {method: "PUT"}, timeout: 2s)
  }
}
PLAN
expect 3 "$MIG" run change.mig
mask_ports
holds 'failed  r = http.request: Unavailable: http.request: PUT http://127.0.0.1:PORT/chunkcut: the answer was cut short'
expect 0 "$MIG" rollback 1
holds 'the managed resources match the checkpoint'
OUT=$(curl -s "$BASE/records/m")
holds '{"v": 1}'
summary
