#!/bin/sh
# serve_api.sh MIG SRC BUILD: `mig serve` answers every route of
# docs/registry-api.md with every status it documents, for tools, servers
# and backends alike: PUT create 201, the same content 200, other content
# 409 without If-Match, 200 with the current ETag, 412 with a stale one
# or with If-None-Match: * over a record; GET 200 with the ETag, 404;
# DELETE 204, 404, 412; a list paged through 3 pages with the cursor;
# 422 with the validator's messages and JSON pointers; 400 for bad JSON,
# a bad limit or cursor; 413 at the limit + 1 and 200 at the limit; 405,
# 404 and 431 outside the routes; 401, 403 and a right token; 429 and 503
# with Retry-After; 500 when the registry is damaged. Then every
# exchange is checked against docs/registry-api.openapi.json, and every
# path, method and status of it must have been exercised.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
ZERO=blake2b:0000000000000000000000000000000000000000000000000000000000000000

start_server main --registry "$W/reg.db" || { summary; exit 1; }

# ---- 1. records: put, get, conditions, delete, per collection ---------------
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  rec_json "$k" a > "$W/a.json"
  rec_json "$k" a "Says a, again" > "$W/a2.json"
  req PUT "/v2/$coll/a" -H 'If-None-Match: *' --data-binary @"$W/a.json"
  status_is 201 "$coll: PUT a new record"
  etag=$(header ETag)
  digest=$(printf '%s' "$BODY" | grep -o '"digest":"blake2b:[0-9a-f]*"' | head -1 | cut -d'"' -f4)
  [ "$etag" = "\"$digest\"" ] && ok || bad "$coll: ETag $etag is not the digest $digest"
  [ "$(header Location)" = "/v2/$coll/a" ] && ok || bad "$coll: Location $(header Location)"
  body_holds "\"kind\":\"$k\""
  body_holds '"status":"active"'
  req PUT "/v2/$coll/a" --data-binary @"$W/a.json"
  status_is 200 "$coll: PUT the same content again"
  [ "$(header ETag)" = "$etag" ] && ok || bad "$coll: the same content changed the ETag"
  req PUT "/v2/$coll/a" --data-binary @"$W/a2.json"
  status_is 409 "$coll: PUT other content without If-Match"
  body_holds "\"type\":\"conflict\""
  body_holds "registry.put: $k 'a' in $W/reg.db, from tools.json#/a, differs from the one given, from tools.json#/a (replace: true replaces it)"
  req PUT "/v2/$coll/a" -H "If-Match: \"$ZERO\"" --data-binary @"$W/a2.json"
  status_is 412 "$coll: PUT with a stale If-Match"
  body_holds "\"detail\":{\"etag\":\"\\\"$digest\\\"\"}"
  req PUT "/v2/$coll/a" -H 'If-None-Match: *' --data-binary @"$W/a2.json"
  status_is 412 "$coll: PUT If-None-Match: * over a record"
  req PUT "/v2/$coll/a" -H 'If-None-Match: "x"' --data-binary @"$W/a2.json"
  status_is 400 "$coll: If-None-Match other than *"
  req PUT "/v2/$coll/a" -H "If-Match: \"$ZERO\", $etag" --data-binary @"$W/a2.json"
  status_is 200 "$coll: PUT with the current ETag in If-Match"
  new=$(header ETag)
  [ "$new" != "$etag" ] && ok || bad "$coll: a replace kept the ETag"
  req GET "/v2/$coll/a"
  status_is 200 "$coll: GET"
  [ "$(header ETag)" = "$new" ] && ok || bad "$coll: GET's ETag $(header ETag), not $new"
  body_holds '"description":"Says a, again"'
  req GET "/v2/$coll/nobody"
  status_is 404 "$coll: GET a record that is not there"
  body_holds "registry.get: no $k named 'nobody' in $W/reg.db"
  req DELETE "/v2/$coll/a" -H "If-Match: $etag"
  status_is 412 "$coll: DELETE with a stale If-Match"
  req DELETE "/v2/$coll/a" -H "If-Match: $new" -H 'If-None-Match: *'
  status_is 204 "$coll: DELETE (If-None-Match is not read)"
  [ -z "$BODY" ] && ok || bad "$coll: DELETE answered a body"
  req DELETE "/v2/$coll/a"
  status_is 404 "$coll: DELETE again"
  req GET "/v2/$coll/a"
  status_is 404 "$coll: GET after DELETE"
done

# ---- 2. what a put refuses ---------------------------------------------------
P="\"provenance\": {\"file\": \"t.json\", \"pointer\": \"\", \"format\": \"openai.tools\", \"digest\": \"$ZERO\"}"
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  req PUT "/v2/$coll/bad" --data-binary "{\"description\": 5, \"x1\": true, $P}"
  status_is 422 "$coll: an invalid descriptor"
  body_holds '"type":"validation_failed"'
  body_holds '{"pointer":"/description","message":"expected string, found integer"}'
  body_holds "{\"pointer\":\"\",\"message\":\"the property 'x1' is not allowed\"}"
  req PUT "/v2/$coll/bad" --data-binary '{"kind": "nope"}'
  status_is 422 "$coll: another kind than the path's"
  body_holds "{\"errors\":[{\"pointer\":\"/kind\",\"message\":\"must be \\\"$k\\\" under /v2/$coll\"}]}"
  req PUT "/v2/$coll/bad" --data-binary '{"name": "other"}'
  status_is 422 "$coll: another name than the path's"
  body_holds '"pointer":"/name"'
  req PUT "/v2/$coll/bad" --data-binary '[1, 2]'
  status_is 422 "$coll: a body that is not an object"
  body_holds '{"pointer":"","message":"expected an object, found list"}'
  req PUT "/v2/$coll/bad" --data-binary '{"description": "x",'
  status_is 400 "$coll: a body that is not JSON"
  body_holds '"message":"the body is not JSON: 1:'
done
# GET finds a record by one of its aliases too (registry.get), with its
# own name and ETag; PUT and DELETE take names only.
req PUT /v2/tools/renamed --data-binary "{\"description\": \"r\", \"inputSchema\": {\"type\": \"object\"}, \"aliases\": [\"old-name\"], $P}"
status_is 201 "tools: PUT a record with an alias"
etag=$(header ETag)
req GET /v2/tools/old-name
status_is 200 "tools: GET by an alias"
body_holds '"name":"renamed"'
[ "$(header ETag)" = "$etag" ] && ok || bad "GET by alias: ETag $(header ETag), not $etag"
req DELETE /v2/tools/old-name
status_is 404 "tools: DELETE by an alias"
req DELETE /v2/tools/renamed
status_is 204 "tools: DELETE by the name"
# The validator's own message, whole, for a tool.
req PUT /v2/tools/echo --data-binary "{\"description\": 5, \"inputSchema\": \"none\", $P}"
status_is 422 "tools: the validator's message"
body_holds "\"message\":\"registry.put: the tool 'echo' is not a valid V2 descriptor (2 problems): /description: expected string, found integer; /inputSchema: expected object, found string\""
req PUT '/v2/tools/bad%20name' --data-binary "$(rec_json tool x)"
status_is 422 "tools: a name the name rule refuses"
body_holds '"pointer":"/name","message":"the name in the path must match ^[a-zA-Z0-9_-]{1,64}$"'
[ ! -e "$W/reg.db" ] || [ "$(sqlite3 "$W/reg.db" 'select count(*) from tools')" = 0 ] \
  && ok || bad "a refused put stored something"

# The body's limit: 1048576 bytes are taken (a record padded with
# spaces), one more is not, whether its length is said or not.
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  rec_json "$k" big > "$W/big.json"
  python3 -c "import sys; d=open(sys.argv[1]).read(); sys.stdout.write(d + ' ' * (1048576 - len(d)))" \
    "$W/big.json" > "$W/limit.json"
  [ "$(wc -c < "$W/limit.json")" -eq 1048576 ] || bad "limit.json is not 1 MiB"
  req PUT "/v2/$coll/big" --data-binary @"$W/limit.json"
  status_is 201 "$coll: a body of exactly 1048576 bytes"
  printf ' ' >> "$W/limit.json"
  req PUT "/v2/$coll/big" --data-binary @"$W/limit.json"
  status_is 413 "$coll: a body of 1048577 bytes"
  body_holds '"message":"the body is 1048577 bytes; at most 1048576 are taken"'
  req PUT "/v2/$coll/big" -H 'Transfer-Encoding: chunked' --data-binary @"$W/limit.json"
  status_is 413 "$coll: a chunked body of 1048577 bytes"
  body_holds '"message":"the body is over 1048576 bytes"'
  req DELETE "/v2/$coll/big"
  status_is 204 "$coll: DELETE big"
done

# ---- 3. a list paged through 3 pages ----------------------------------------
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  for n in 7 3 1 6 2 5 4; do
    req PUT "/v2/$coll/p$n" --data-binary "$(rec_json "$k" "p$n")"
    status_is 201 "$coll: PUT p$n"
  done
  names=
  cursor=
  pages=0
  while :; do
    req GET "/v2/$coll?limit=3${cursor:+&cursor=$cursor}"
    status_is 200 "$coll: a page"
    pages=$((pages + 1))
    names="$names$(printf '%s' "$BODY" | grep -o '"name":"p[0-9]"' | tr -d '"' | sed 's/name://' | tr '\n' ' ')"
    cursor=$(printf '%s' "$BODY" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
    [ -z "$cursor" ] && break
    [ $pages -lt 5 ] || { bad "$coll: the cursor never ends"; break; }
  done
  [ "$names" = "p1 p2 p3 p4 p5 p6 p7 " ] && ok || bad "$coll: the pages held '$names'"
  [ $pages -eq 3 ] && ok || bad "$coll: $pages pages, not 3"
  body_holds '"next_cursor":null'
  req GET "/v2/$coll?limit=500"
  status_is 200 "$coll: limit=500"
  req GET "/v2/$coll"
  status_is 200 "$coll: the default limit"
  for bad_limit in 0 501 abc -1; do
    req GET "/v2/$coll?limit=$bad_limit"
    status_is 400 "$coll: limit=$bad_limit"
  done
  body_holds '"message":"limit must be a whole number from 1 to 500, not '"'"'-1'"'"'"'
  req GET "/v2/$coll?cursor=bm90LWEtY3Vyc29y"
  status_is 400 "$coll: a cursor the server never gave"
done
# A folder registry pages the same (it reads every record, then pages).
mkdir "$W/folder"
main=$URL
start_server folder --registry "$W/folder" || { summary; exit 1; }
for n in 5 1 4 2 3; do
  req PUT "/v2/tools/f$n" --data-binary "$(rec_json tool "f$n")"
  status_is 201 "folder: PUT f$n"
done
names=
cursor=
pages=0
while [ $pages -lt 5 ]; do
  req GET "/v2/tools?limit=2${cursor:+&cursor=$cursor}"
  status_is 200 "folder: a page"
  pages=$((pages + 1))
  names="$names$(printf '%s' "$BODY" | grep -o '"name":"f[0-9]"' | cut -d'"' -f4 | tr '\n' ' ')"
  cursor=$(printf '%s' "$BODY" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
  [ -z "$cursor" ] && break
done
[ "$names" = "f1 f2 f3 f4 f5 " ] && [ $pages -eq 3 ] && ok \
  || bad "folder: $pages pages held '$names'"
[ -f "$W/folder/tools/f3.json" ] || [ -n "$(find "$W/folder" -name 'f3*')" ] && ok \
  || bad "folder: no file for f3"
URL=$main
# A cursor of one collection is not one of another.
req GET '/v2/servers?limit=1'
cursor=$(printf '%s' "$BODY" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
req GET "/v2/tools?cursor=$cursor"
status_is 400 "a servers cursor given to tools"
body_holds "is not one this server gave for /v2/tools"

# ---- 4. outside the routes ---------------------------------------------------
req POST /v2/tools/p1
status_is 405 "POST on a record"
[ "$(header Allow)" = "GET, PUT, DELETE" ] && ok || bad "Allow: $(header Allow)"
req DELETE /v2/tools
status_is 405 "DELETE on a collection"
req GET /v2/widgets
status_is 404 "an unknown collection"
req GET /v2/tools/p1/more
status_is 404 "a path below a record"
python3 -c "print('x' * 70000)" > "$W/long"
req GET /v2/tools -H "X-Long: $(cat "$W/long")"
status_is 431 "headers over the connection's 64 KiB"
python3 -c "print('x' * 30000)" > "$W/long"
req GET /v2/tools -H "X-Long: $(cat "$W/long")"
status_is 200 "headers of 30 KB"

# ---- 5. the token ----------------------------------------------------------
printf 's3cret-token\n' > "$W/token"
start_server token --registry "$W/tok.db" --token-file "$W/token" || { summary; exit 1; }
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  req PUT "/v2/$coll/t" --data-binary "$(rec_json "$k" t)"
  status_is 401 "$coll: PUT without a token"
  [ "$(header WWW-Authenticate)" = Bearer ] && ok || bad "no WWW-Authenticate: Bearer"
  req PUT "/v2/$coll/t" -H 'Authorization: Bearer s3cret-tokeN' --data-binary "$(rec_json "$k" t)"
  status_is 403 "$coll: PUT with another token"
  req PUT "/v2/$coll/t" -H 'Authorization: Bearer s3cret-token-' --data-binary "$(rec_json "$k" t)"
  status_is 403 "$coll: PUT with a longer token"
  req PUT "/v2/$coll/t" -H 'Authorization: Bearer s3cret-token' --data-binary "$(rec_json "$k" t)"
  status_is 201 "$coll: PUT with the token"
  req GET "/v2/$coll/t"
  status_is 200 "$coll: GET needs no token"
  req GET "/v2/$coll"
  status_is 200 "$coll: a list needs no token"
  req DELETE "/v2/$coll/t"
  status_is 401 "$coll: DELETE without a token"
  req DELETE "/v2/$coll/t" -H 'Authorization: Basic s3cret-token'
  status_is 403 "$coll: DELETE with another scheme"
  req DELETE "/v2/$coll/t" -H 'Authorization: Bearer s3cret-token'
  status_is 204 "$coll: DELETE with the token"
done
# A refused request changed nothing and its body was never read.
[ "$(sqlite3 "$W/tok.db" 'select count(*) from tools')" = 0 ] && ok \
  || bad "the token server holds records"

# ---- 6. 429 and 503 from the knobs, 500 from a damaged registry ------------
start_server s503 --registry "$W/k.db" --fail-rate 1 --retry-after 2 || { summary; exit 1; }
u503=$URL
start_server s429 --registry "$W/k.db" --fail-rate 1 --fail-status 429 --retry-after 0 || { summary; exit 1; }
u429=$URL
start_server broken --registry "$W/broken.db" || { summary; exit 1; }
ubroken=$URL
printf 'this is no registry\n' > "$W/broken.db"
for coll in tools servers backends; do
  k=$(kind_of "$coll")
  for pair in "$u503 503 2" "$u429 429 0"; do
    set -- $pair
    URL=$1
    req GET "/v2/$coll"
    status_is "$2" "$coll: a list drawn to fail"
    [ "$(header Retry-After)" = "$3" ] && ok || bad "Retry-After $(header Retry-After), not $3"
    req GET "/v2/$coll/a"
    status_is "$2" "$coll: a GET drawn to fail"
    req PUT "/v2/$coll/a" --data-binary "$(rec_json "$k" a)"
    status_is "$2" "$coll: a PUT drawn to fail"
    req DELETE "/v2/$coll/a"
    status_is "$2" "$coll: a DELETE drawn to fail"
  done
  URL=$ubroken
  req GET "/v2/$coll"
  status_is 500 "$coll: a list of a damaged registry"
  body_holds "is not a registry database or is damaged"
  req GET "/v2/$coll/a"
  status_is 500 "$coll: a GET of a damaged registry"
  req PUT "/v2/$coll/a" --data-binary "$(rec_json "$k" a)"
  status_is 500 "$coll: a PUT to a damaged registry"
  req DELETE "/v2/$coll/a"
  status_is 500 "$coll: a DELETE in a damaged registry"
done
[ ! -e "$W/k.db" ] && ok || bad "a failure drawn by --fail-rate wrote the registry"
[ "$(cat "$W/broken.db")" = "this is no registry" ] && ok \
  || bad "the damaged registry was written to"

# ---- 7. the OpenAPI document ---------------------------------------------------
OUT=$(python3 "$SRC/tests/cli/serve/openapi_check.py" \
        "$SRC/docs/registry-api.openapi.json" "$W/exchanges.tsv" "$W/x" 2>&1) \
  && ok || { bad "the server does not match docs/registry-api.openapi.json"; printf '%s\n' "$OUT" >&2; }
holds "problems"

summary
