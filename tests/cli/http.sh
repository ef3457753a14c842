#!/bin/sh
# http.sh MIG SRC BUILD: http.request end to end (docs/http.md) against a
# scripted endpoint on 127.0.0.1 (tests/http/endpoint.py): the result, what
# is sent, what is journaled (a GET not, a PUT as begun, credentials as
# ***), every status of the class table, each malformed answer (a classed
# error, never a hang), the limits at their bounds, the arguments refused,
# and many requests in flight on one thread.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-http.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint
DEAD=$(dead_port)

# ---- the result, what is sent, what is kept ---------------------------------
cat > get.mig <<PLAN
migration "get" {
  stage s {
    step g = http.request(url: "$BASE/echo", query: {q: "a b&c", n: [1, 2]},
                          headers: {Authorization: "Bearer tok-123", "X-Trace": 7})
    step p = http.request(method: "PUT", url: "$BASE/echo", body: {name: "t", n: 1},
                          headers: {Cookie: "id=cookie-456"})
    step t = http.request(method: "POST", url: "$BASE/echo", body: "plain text")
    step l = log.info(message: "\${g.status} \${g.json.query} \${g.json.headers["x-trace"]} \${g.json.headers.authorization} \${g.headers["set-cookie"]} \${p.json.method} \${p.json.body} \${p.json.headers["content-type"]} \${t.json.body} \${t.json.headers["content-type"]} \${len(g.body) > 0}")
  }
}
PLAN
expect 0 "$MIG" check get.mig && holds "get.mig:5:10: warning: step 'p' changes state with http.request, which cannot undo itself, and it has no 'undo'"
case $OUT in *"step 'g'"*) bad "a GET is not a change: $OUT" ;; *) ok ;; esac
# The dry run says which calls read and which change, and sends nothing.
expect 0 "$MIG" plan get.mig
mask_ports
holds 'step g = http.request (pure): previewed'
holds 'step p = http.request (plan-undo): previewed
      would request http://127.0.0.1:PORT/echo: PUT with a body'
holds 'would request http://127.0.0.1:PORT/echo: POST with a body'
holds '2 changes would be made. Nothing was changed.'
[ -s endpoint.log ] && bad "the dry run sent a request" || ok
expect 0 "$MIG" run get.mig &&
  holds 'info    l = log.info: 200 q=a+b%26c&n=1&n=2 7 Bearer tok-123 *** PUT {"name":"t","n":1} application/json plain text text/plain; charset=utf-8 true'
expect 0 "$MIG" log 1
mask_ports
# The GET is not journaled; the PUT and the POST are, as begun, credentials
# masked, the body as its digest.
holds 'journal 1  http.request (irreversible, done)'
holds 'journal 2  http.request (irreversible, done)'
case $OUT in *"journal 3"*) bad "a GET was journaled: $OUT" ;; *) ok ;; esac
OUT=$(sqlite3 .mig/state.db "select args from journal order by seq" 2>&1)
mask_ports
holds '{"method":"PUT","url":"http://127.0.0.1:PORT/echo","headers":{"Cookie":"***"},"body_digest":"'
holds '"body_bytes":18,"resource":false}'
OUT=$(sqlite3 .mig/state.db "select count(*) from processes" 2>&1)
holds 2
# No credential anywhere mig writes: the store, its log, its output (the
# endpoint echoes none of them back here).
mkdir sec && cd sec || exit 2
cat > secret.mig <<PLAN
migration "secret" {
  stage s {
    step g = http.request(url: "$BASE/status/200", headers: {authorization: "Bearer tok-123"})
    step c = http.request(url: "$BASE/echo")
    step p = http.request(method: "PUT", url: "http://u:pw-321@${BASE#http://}/conflict", body: {a: 1},
                          headers: {COOKIE: "id=cookie-456", "Proxy-Authorization": "Basic pa-789"})
  }
}
PLAN
expect 3 "$MIG" run secret.mig
# The URL's user and password are sent, and shown nowhere: not in the
# message, not in the journal (below). (The message quotes the plan's
# own line, which holds them: not a place mig writes them.)
mask_ports
holds 'PUT http://127.0.0.1:PORT/conflict answered 409'
for secret in tok-123 cookie-456 pa-789 s3cr3t pw-321; do
  if printf '%s\n' "$OUT" | grep -v '^ *[0-9]* | ' | grep "$secret" >/dev/null \
     || grep -ra "$secret" .mig >/dev/null \
     || "$MIG" log 1 | grep "$secret" >/dev/null \
     || "$MIG" log 1 --json | grep "$secret" >/dev/null \
     || "$MIG" report 1 2>&1 | grep "$secret" >/dev/null; then
    bad "'$secret' is kept in clear"
  else
    ok
  fi
done
OUT=$(sqlite3 .mig/state.db "select args from journal" 2>&1)
holds '"headers":{"COOKIE":"***","Proxy-Authorization":"***"}'
mask_ports
holds '"url":"http://127.0.0.1:PORT/conflict"'
cd ..

# A secret in a header (docs/values.md, "Secrets"): its bytes reach the
# endpoint (which checks their digest: /digest), an answer that echoes
# them is scrubbed (result, error detail), and they are nowhere mig writes.
mkdir wired && cd wired || exit 2
MIG_TEST_HTTP_T=t0k-s3kr1t-9f2
export MIG_TEST_HTTP_T
want=$(printf 'Bearer %s' "$MIG_TEST_HTTP_T" | sha256sum | cut -c1-64)
raw=$(printf '%s' "$MIG_TEST_HTTP_T" | sha256sum | cut -c1-64)
cat > wired.mig <<PLAN
migration "wired" {
  param t = secret_env("MIG_TEST_HTTP_T")
  stage s {
    step a = http.request(url: "$BASE/digest/authorization/$want",
                          headers: {Authorization: "Bearer \${t}"})
    step b = http.request(method: "PUT", url: "$BASE/digest/x-token/$raw",
                          headers: {"X-Token": t}, body: "b")
    step e = http.request(url: "$BASE/echo", headers: {"X-Token": t})
    foreach k in ["k"] {
      step f = http.request(url: "$BASE/echo", headers: {"X-Token": t}, expect: [201])
      recover * { skip "detail \${err.detail.body}" }
    }
    step l = log.info(message: "\${a.status} \${b.status} \${e.json.headers["x-token"]} \${e.body}")
  }
}
PLAN
expect 0 "$MIG" run wired.mig && holds 'l = log.info: 200 200 *** {"method"'
holds '"x-token": "***"'
holds '[k]: detail {"method"'
for what in "$MIG_TEST_HTTP_T" "${MIG_TEST_HTTP_T%?}"; do
  if printf '%s' "$OUT" | grep -F "$what" >/dev/null \
     || grep -raF "$what" .mig >/dev/null \
     || "$MIG" log 1 | grep -F "$what" >/dev/null \
     || "$MIG" log 1 --json | grep -F "$what" >/dev/null \
     || "$MIG" status --json 1 | grep -F "$what" >/dev/null \
     || "$MIG" report 1 2>&1 | grep -F "$what" >/dev/null; then
    bad "the header's secret ($what) is kept in clear"
  else
    ok
  fi
done
# The journal keeps the PUT's header as the secret's recipe, not its bytes.
OUT=$(sqlite3 .mig/state.db "select args from journal" 2>&1)
holds '"headers":{"X-Token":{"$secret":'
# A secret where the endpoint checks it fails when its bytes are wrong:
# the digest route is not a yes to everything.
MIG_TEST_HTTP_T=wrong expect 3 "$MIG" run wired.mig && holds '403'
# A secret inside a list is refused, not sent as "***".
cat > inlist.mig <<PLAN
migration "inlist" {
  param t = secret_env("MIG_TEST_HTTP_T")
  stage s {
    step a = http.request(url: "$BASE/echo", headers: {"X-Token": [t]})
  }
}
PLAN
expect 3 "$MIG" run inlist.mig && holds "InvalidConfig: http.request: the value of header 'X-Token' holds a secret inside a list or a map"
cd ..

# ---- status to class (docs/http.md, "Status to error class") ----------------
cat > classes.mig <<PLAN
migration "classes" {
  stage s {
    foreach p in ["400", "401", "403", "404", "408", "409", "412", "418",
                  "422", "429", "499", "500", "501", "502", "503", "504", "599"] {
      step r = http.request(url: "$BASE/status/\${p}")
      recover * { skip "\${err.class} \${err.detail.status}" }
    }
    foreach c in [{p: "404", resource: true, classify: {}, expect: [200]},
                  {p: "404", resource: false, classify: {"404": "MissingDependency"}, expect: [200]},
                  {p: "503", resource: false, classify: {"503": "QuotaExceeded"}, expect: [200]},
                  {p: "404", resource: false, classify: {}, expect: [404]},
                  {p: "200", resource: false, classify: {}, expect: [201, 204]}] {
      step r2 = http.request(url: "$BASE/status/\${c.p}", resource: c.resource,
                             classify: c.classify, expect: c.expect)
      recover * { skip "\${err.class} \${err.detail.status}" }
    }
    step v = http.request(url: "$BASE/validation")
    recover * { skip "\${err.class}" }
  }
}
PLAN
expect 0 "$MIG" run classes.mig
for line in '[400]: ParamMismatch 400' '[401]: PolicyDenied 401' \
            '[403]: PolicyDenied 403' '[404]: MethodNotFound 404' \
            '[408]: Timeout 408' '[409]: Conflict 409' '[412]: Conflict 412' \
            '[418]: Permanent 418' '[422]: ParamMismatch 422' \
            '[429]: Transient 429' '[499]: Permanent 499' \
            '[500]: Unavailable 500' '[501]: Unavailable 501' \
            '[502]: Transient 502' '[503]: Transient 503' \
            '[504]: Transient 504' '[599]: Unavailable 599' \
            ': MissingDependency 404' ': QuotaExceeded 503' ': Permanent 200' \
            'failed  v = http.request: ValidationFailed'; do
  holds "$line"
done
holds '22 items: 1 done, 0 failed, 21 skipped'
case $OUT in *"MissingDependency 404"*"MissingDependency 404"*) ok ;;
  *) bad "resource: true and classify 404 both give MissingDependency" ;; esac

# ---- malformed answers, limits at their bounds -------------------------------
cat > odd.mig <<PLAN
migration "odd" {
  stage s {
    foreach p in ["truncated", "badjson", "errorbody", "slowloris", "bigheader",
                  "headers?total=262144", "headers?total=262145",
                  "redirect/10", "redirect/11", "status/200"] parallel 4 {
      step r = http.request(url: "$BASE/\${p}", timeout: 3s)
      recover * { skip "\${err.class}: \${err.message}" }
    }
  }
}
PLAN
expect 0 "$MIG" run odd.mig
mask_ports
holds 'skipped item [truncated]: Unavailable: http.request: GET http://127.0.0.1:PORT/truncated: the answer was cut short (fewer bytes than announced) (transfer closed with 90 bytes remaining to read)'
holds "skipped item [badjson]: Unavailable: http.request: GET http://127.0.0.1:PORT/badjson answered 200 OK with a body its Content-Type calls JSON, which is not: expected ',' or ']', found the end of the input"
holds 'skipped item [errorbody]: ValidationFailed: http.request: GET http://127.0.0.1:PORT/errorbody answered 200 OK, but its body holds an error: {"type":"validation_error","message":"name is required"}'
holds 'skipped item [slowloris]: Timeout: http.request: GET http://127.0.0.1:PORT/slowloris: no answer within 3s'
holds 'skipped item [bigheader]: Permanent: http.request: GET http://127.0.0.1:PORT/bigheader: a header line longer than libcurl takes (100 KiB), or out of memory'
holds "skipped item [headers?total=262145]: Permanent: http.request: GET http://127.0.0.1:PORT/headers?total=262145: the answer's headers are larger than 256 KiB, the bound"
holds 'skipped item [redirect/11]: Unavailable: http.request: GET http://127.0.0.1:PORT/redirect/11: more redirects than the bound (10)'
holds '10 items: 3 done, 0 failed, 7 skipped'
# The body's bound alone: a 16 MiB body is kept (slow to store: its own
# run), one byte more is refused before it is all read.
cat > body.mig <<PLAN
migration "body" {
  param bytes = 16777216
  stage s {
    step r = http.request(url: "$BASE/bigbody?bytes=\${bytes}", timeout: 60s)
    step l = log.info(message: "\${len(r.body)}")
  }
}
PLAN
expect 0 "$MIG" run body.mig && holds 'log.info: 16777216'
expect 3 "$MIG" run body.mig --param bytes=16777217
mask_ports
holds "Permanent: http.request: GET http://127.0.0.1:PORT/bigbody?bytes=16777217: the answer's body is larger than 16 MiB, the bound"

# ---- no answer at all ---------------------------------------------------------
cat > dead.mig <<PLAN
migration "dead" {
  stage s {
    step r = http.request(url: "http://127.0.0.1:$DEAD/x")
  }
}
PLAN
expect 3 "$MIG" run dead.mig
mask_ports
holds 'failed  r = http.request: Unavailable: http.request: GET http://127.0.0.1:DEAD/x: the connection was refused'
# A step's own timeout stops a request in flight (the action's cancel).
cat > cancel.mig <<PLAN
migration "cancel" {
  stage s {
    step r = http.request(url: "$BASE/slowloris") timeout 500ms
  }
}
PLAN
expect 3 "$MIG" run cancel.mig && holds "failed  r = http.request: Timeout: step 'r' took longer than 500ms"

# ---- arguments refused, before anything is sent ------------------------------
cat > args.mig <<PLAN
migration "args" {
  stage s {
    foreach a in [{m: "BREW", u: "$BASE/echo", h: {}, b: null, k: {}, e: [200]},
                  {m: "GET", u: "ftp://127.0.0.1/x", h: {}, b: null, k: {}, e: [200]},
                  {m: "GET", u: "not a url", h: {}, b: null, k: {}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {"Bad Name": "x"}, b: null, k: {}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {"X-A": "a\nb"}, b: null, k: {}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {}, b: "x", k: {}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {}, b: null, k: {"4xx": "Conflict"}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {}, b: null, k: {"404": "conflict"}, e: [200]},
                  {m: "GET", u: "$BASE/echo", h: {}, b: null, k: {}, e: [200, 600]}] {
      step r = http.request(method: a.m, url: a.u, headers: a.h, body: a.b,
                            classify: a.k, expect: a.e)
      recover * { skip "\${err.class}: \${err.message}" }
    }
    step ca = http.request(url: "$BASE/echo", ca: "no-such-ca.pem")
    recover * { skip "\${err.class}: \${err.message}" }
  }
}
PLAN
sent=$(grep -c "/echo" endpoint.log)
expect 0 "$MIG" run args.mig
holds "InvalidConfig: http.request: 'BREW' is not a method mig sends (GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE)"
holds "InvalidConfig: http.request: 'ftp://127.0.0.1/x' is not an http:// or https:// URL"
holds "InvalidConfig: http.request: 'not a url' is not an http:// or https:// URL: "
holds "InvalidConfig: http.request: 'Bad Name' cannot name a header"
holds "InvalidConfig: http.request: the value of header 'X-A' holds a line break or a NUL byte"
holds "InvalidConfig: http.request: a GET request sends no body"
holds "InvalidConfig: http.request: classify: '4xx' is not a status (100 to 599)"
holds 'InvalidConfig: http.request: classify: 404 must give an error class'"'"'s name, such as "MissingDependency"'
holds "InvalidConfig: http.request: expect: item 2 is not a status (a whole number from 100 to 599)"
holds "MissingDependency: http.request: the CA bundle 'no-such-ca.pem' is not there"
OUT=$(grep -c "/echo" endpoint.log)
[ "$OUT" = "$sent" ] && ok || bad "a refused call was sent: $OUT requests to /echo, $sent before"

# ---- many in flight on one thread --------------------------------------------
cat > many.mig <<PLAN
migration "many" {
  stage s {
    foreach i in range(40) parallel 40 {
      step r = http.request(url: "$BASE/sleep?ms=1500")
    }
    step m = http.request(url: "$BASE/calls?key=max")
    step l = log.info(message: "at once: \${m.json.calls}")
  }
}
PLAN
expect 0 "$MIG" run many.mig
case $OUT in
  *"at once: 40"*|*"at once: 3"[0-9]*|*"at once: 2"[0-9]*) ok ;;
  *) bad "requests were not in flight together: $OUT" ;;
esac

summary
