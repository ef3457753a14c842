#!/bin/sh
# remote_registry.sh MIG SRC BUILD: the registry actions on a remote
# registry (docs/registry.md, "Remote registries") against `mig serve`
# started here on loopback: a dry run reads it; a run adds, replaces and
# deletes records and reads them back (get by an alias, list by status,
# count across pages at the page size 500 -1, +0 and +1); a rollback
# puts the registry back exactly as it was (every record's drift text:
# all but digest, created and updated, which the server sets) and
# verifies it; a record changed behind mig's back is refused by the
# rollback (6) and, forced, the undo refuses to clobber it (Conflict
# naming the record, 5) and leaves it; a 409 reaches a recover block
# with its detail; the bearer token (a secret) is sent, is needed, and
# is nowhere in the state store or the outputs; a refused connection is
# Unavailable; a token for a local registry and registry.deprecate on a
# remote one are InvalidConfig.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
ZERO=blake2b:0000000000000000000000000000000000000000000000000000000000000000

# A record's JSON: rec NAME DESCRIPTION [EXTRA JSON MEMBERS].
rec() {
  printf '{"kind":"tool","name":"%s","description":"%s","inputSchema":{"type":"object"},"provenance":{"file":"seed.json","pointer":"/%s","format":"openai.tools","digest":"%s"}%s}' \
    "$1" "$2" "$1" "$ZERO" "${3:+,$3}"
}
# seed NAME DESCRIPTION [EXTRA]: puts a record with curl (not mig).
seed() {
  rec "$@" > "$W/seed.json"
  req PUT "/v2/tools/$1" --data-binary @"$W/seed.json"
  case $STATUS in 200|201) ok ;; *) bad "seeding $1: $STATUS $BODY" ;; esac
}
# The registry's records as the test compares them: each record's JSON
# without digest, created and updated, one per line, by name.
dump() {
  curl -s "$URL/v2/tools?limit=500" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["items"]:
    for k in ("digest", "created", "updated"):
        r.pop(k, None)
    print(json.dumps(r, sort_keys=True))'
}

start_server main --registry "$W/reg.db" || { summary; exit 1; }
seed x "X before" '"aliases":["ex"]'
seed z "Z to delete"
seed old "Old one" '"status":"deprecated"'
before=$(dump)

mkdir -p "$W/p"
cat > "$W/p/plan.mig" <<PLAN
migration "remote" {
  param reg = "$URL"
  stage put {
    checkpoint start
    foreach i in range(3) parallel 3 {
      step add = registry.put(db: reg, record: {kind: "tool", name: "t\${i}",
        description: "Tool \${i}", inputSchema: {type: "object"},
        provenance: {file: "new.json", pointer: "/\${i}", format: "openai.tools",
                     digest: "$ZERO"}})
      verify add.outcome == "added" else "t\${i}: \${add.outcome}"
    }
    step x = registry.put(db: reg, replace: true, record: {kind: "tool",
      name: "x", description: "X after", inputSchema: {type: "object"}, aliases: ["ex"],
      provenance: {file: "new.json", pointer: "/x", format: "openai.tools",
                   digest: "$ZERO"}})
    step same = registry.put(db: reg, record: {kind: "tool", name: "old",
      description: "Old one", status: "deprecated", inputSchema: {type: "object"},
      provenance: {file: "seed.json", pointer: "/old", format: "openai.tools",
                   digest: "$ZERO"}})
    step z = registry.delete(db: reg, name: "z")
    step g = registry.get(db: reg, name: "ex")
    verify g.description == "X after" else "get by alias: \${g.description}"
    step n = registry.count(db: reg)
    verify n == 5 else "count \${n}"
    step dep = registry.list(db: reg, status: "deprecated")
    verify len(dep) == 1 and dep[0].name == "old" else "list by status"
    verify x.outcome == "replaced" and same.outcome == "kept" and z.outcome == "deleted" else "outcomes"
  }
}
PLAN

# ---- a dry run reads the remote registry ---------------------------------------
expect 0 "$MIG" plan "$W/p/plan.mig"
holds "would create registry:$URL#tool/t0: add"
holds "would overwrite registry:$URL#tool/x: replace"
holds 'changed /description: "X before" -> "X after"'
holds 'verify g.description == "X after": holds'
holds 'verify n == 5: holds'
holds "would keep registry:$URL#tool/old: keep, the same content"
holds "would delete registry:$URL#tool/z: delete"
[ "$(dump)" = "$before" ] && ok || bad "a dry run changed the registry"

# ---- run, then roll back: the registry exactly as before, verified -------------
expect 0 "$MIG" run "$W/p/plan.mig"
holds 'run 1 ended: succeeded'
after=$(dump)
printf '%s\n' "$after" | grep -q '"name": "t2"' && ok || bad "t2 was not added"
printf '%s\n' "$after" | grep -q '"description": "X after"' && ok || bad "x was not replaced"
printf '%s\n' "$after" | grep -q '"name": "z"' && bad "z was not deleted" || ok
(cd "$W/p" && "$MIG" log last) > "$W/log" 2>&1
grep -q "registry.put (self, done): registry:$URL#tool/x" "$W/log" && ok \
  || { bad "the journal lacks the remote record"; cat "$W/log" >&2; }
expect 0 sh -c "cd '$W/p' && '$MIG' rollback last"
holds 'rolled back to the start: 6 undone; the managed resources match the checkpoint'
[ "$(dump)" = "$before" ] && ok \
  || { bad "the rollback did not restore the registry"; dump >&2; }
# Rolled back twice: nothing left to undo, still as before.
expect 0 sh -c "cd '$W/p' && '$MIG' rollback last"
[ "$(dump)" = "$before" ] && ok || bad "a second rollback changed the registry"

# ---- a record changed behind mig's back ------------------------------------------
rm -rf "$W/p/.mig"
expect 0 "$MIG" run "$W/p/plan.mig"
req GET /v2/tools/x
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: //p' "$W/headers" | tr -d '\r')
rec x "X by someone else" > "$W/other.json"
req PUT /v2/tools/x -H "If-Match: $etag" --data-binary @"$W/other.json"
status_is 200 "the change behind mig's back"
expect 6 sh -c "cd '$W/p' && '$MIG' rollback last"
holds "registry:$URL#tool/x was changed outside mig after run 1 changed it"
expect 5 sh -c "cd '$W/p' && '$MIG' rollback --force last"
holds "Conflict: registry undo: the undo leaves registry:$URL#tool/x as it is: it was changed since mig changed it"
req GET /v2/tools/x
body_holds '"description":"X by someone else"'
# Put x back as it was (with the ETag it has now), and finish the rollback.
rec x "X before" '"aliases":["ex"]' > "$W/x.json"
req PUT /v2/tools/x -H "If-Match: $(sed -n 's/^[Ee][Tt][Aa][Gg]: //p' "$W/headers" | tr -d '\r')" --data-binary @"$W/x.json"
status_is 200 "x put back by hand"
expect 0 sh -c "cd '$W/p' && '$MIG' rollback --force last"
[ "$(dump)" = "$before" ] && ok || { bad "the finished rollback left another registry"; dump >&2; }

# ---- a 409 reaches a recover block with its detail ---------------------------------
cat > "$W/p/conflict.mig" <<PLAN
migration "conflict" {
  param reg = "$URL"
  stage put {
    step c = registry.put(db: reg, record: {kind: "tool", name: "x",
      description: "X other", inputSchema: {type: "object"},
      provenance: {file: "other.json", pointer: "/x", format: "openai.tools",
                   digest: "$ZERO"}})
    recover Conflict {
      step w = log.warn("seen \${err.class} \${err.detail.status} \${err.detail.url}")
      skip "conflict"
    }
  }
}
PLAN
rm -rf "$W/p/.mig"
expect 0 "$MIG" run "$W/p/conflict.mig"
holds "Conflict: registry.put: PUT $URL/v2/tools/x answered 409 Conflict: registry.put: tool 'x' in $W/reg.db, from seed.json#/x, differs from the one given, from other.json#/x"
(cd "$W/p" && "$MIG" log last) > "$W/log" 2>&1
grep -q "seen Conflict 409 $URL/v2/tools/x" "$W/log" && ok \
  || { bad "the recover block did not read the detail"; cat "$W/log" >&2; }
[ "$(dump)" = "$before" ] && ok || bad "a refused put changed the registry"

# ---- the bearer token ------------------------------------------------------------------
printf 'tok-%s\n' "s3cr3tV4lue" > "$W/token"
chmod 600 "$W/token"
start_server tok --registry "$W/tok.db" --token-file "$W/token" || { summary; exit 1; }
mkdir -p "$W/t"
cat > "$W/t/plan.mig" <<PLAN
migration "token" {
  param reg = "$URL"
  stage put {
    checkpoint start
    step a = registry.put(db: reg, token: secret_env("REG_TOKEN"),
      record: {kind: "tool", name: "a", description: "A", inputSchema: {type: "object"},
               provenance: {file: "t.json", pointer: "/a", format: "openai.tools",
                            digest: "$ZERO"}})
    step b = registry.put(db: reg, record: {kind: "tool", name: "b",
      description: "B", inputSchema: {type: "object"},
      provenance: {file: "t.json", pointer: "/b", format: "openai.tools",
                   digest: "$ZERO"}})
    recover PolicyDenied { skip "no token" }
  }
}
PLAN
REG_TOKEN=tok-s3cr3tV4lue expect 0 "$MIG" run "$W/t/plan.mig"
holds 'PolicyDenied: registry.put: PUT '"$URL"'/v2/tools/b answered 401 Unauthorized'
req GET /v2/tools/a
status_is 200 "put with the token"
# Without the token's source the undo cannot send it: the rollback fails
# and changes nothing; with it, the record goes.
expect 5 sh -c "cd '$W/t' && env -u REG_TOKEN '$MIG' rollback last"
holds 'REG_TOKEN'
REG_TOKEN=tok-s3cr3tV4lue expect 0 sh -c "cd '$W/t' && '$MIG' rollback last"
req GET /v2/tools/a
status_is 404 "the rollback removed a"
(cd "$W/t" && "$MIG" log last; "$MIG" export last 2>/dev/null) > "$W/t.out" 2>&1
if grep -rq 's3cr3tV4lue' "$W/t/.mig" "$W/t.out"; then
  bad "the token is in the state store or an output"
else ok; fi

# workflows/remote.mig on the openai example's files, into the server
# that asks for the token: 9 tools, confirmed; rolled back: none.
mkdir -p "$W/wf"
cp "$SRC/workflows/remote.mig" "$W/wf/plan.mig"
cp -R "$SRC/examples/openai/legacy" "$W/wf/"
MIG_REGISTRY_TOKEN=tok-s3cr3tV4lue expect 0 "$MIG" run "$W/wf/plan.mig" --param db="$URL"
holds 'stage confirm'
holds 'ended: succeeded'
req GET "/v2/tools?limit=500"
[ "$(printf '%s' "$BODY" | grep -o '"kind":"tool"' | wc -l)" -eq 9 ] && ok \
  || bad "workflows/remote.mig did not put the 9 tools: $BODY"
MIG_REGISTRY_TOKEN=tok-s3cr3tV4lue expect 0 sh -c "cd '$W/wf' && '$MIG' rollback last"
holds 'the managed resources match the checkpoint'
req GET "/v2/tools?limit=500"
body_holds '{"items":[],"next_cursor":null}'

# ---- pages: 499, 500 and 501 records ---------------------------------------------
mkdir -p "$W/pg"
# 499 records (p0 deprecated), then copies with one and two more.
cat > "$W/pg/seed.mig" <<PLAN
migration "seed" {
  param from = 0
  param n = 499
  param db = "r499.db"
  stage put {
    foreach i in range(from, n) parallel 16 {
      step p = registry.put(db: db, record: {kind: "tool", name: "p\${i}",
        description: "P", inputSchema: {type: "object"},
        provenance: {file: "p.json", pointer: "/\${i}", format: "openai.tools", digest: "$ZERO"}})
    }
  }
}
PLAN
expect 0 "$MIG" run "$W/pg/seed.mig"
cat > "$W/pg/dep.mig" <<PLAN
migration "dep" {
  stage s { step d = registry.deprecate(db: "r499.db", name: "p0") }
}
PLAN
expect 0 "$MIG" run "$W/pg/dep.mig"
cp "$W/pg/r499.db" "$W/pg/r500.db"
expect 0 "$MIG" run "$W/pg/seed.mig" --param from=499 --param n=500 --param db=r500.db
cp "$W/pg/r500.db" "$W/pg/r501.db"
expect 0 "$MIG" run "$W/pg/seed.mig" --param from=500 --param n=501 --param db=r501.db
for n in 499 500 501; do
  start_server "pg$n" --registry "$W/pg/r$n.db" || continue
  cat > "$W/pg/count.mig" <<PLAN
migration "count" {
  stage look {
    step n = registry.count(db: "$URL")
    step l = registry.list(db: "$URL", status: "deprecated")
    verify n == $n and len(l) == 1 and l[0].name == "p0" else "\${n} records, \${len(l)} deprecated"
  }
}
PLAN
  expect 0 "$MIG" run "$W/pg/count.mig"
  rm -rf "$W/pg/.mig"
done

# ---- what is refused ---------------------------------------------------------------
cat > "$W/p/bad.mig" <<PLAN
migration "bad" {
  stage s {
    step a = registry.get(db: "local.db", name: "a", token: secret_env("HOME"))
    recover InvalidConfig { skip "\${err.message}" }
    step b = registry.deprecate(db: "$URL", name: "x")
    recover InvalidConfig { skip "\${err.message}" }
    step c = registry.get(db: "http://127.0.0.1:1", name: "a")
    recover Unavailable { skip "\${err.message}" }
  }
}
PLAN
rm -rf "$W/p/.mig"
expect 0 "$MIG" run "$W/p/bad.mig"
holds "registry.get: token: is sent to a remote registry only (a db that is an http:// or https:// URL), not to local.db"
holds "registry.deprecate: a remote registry ($URL) takes registry.put, get, list, count and delete"
holds "Unavailable: registry.get: GET http://127.0.0.1:1/v2/tools/a: "
# A remote registry's reads wait: not in an expression.
cat > "$W/p/expr.mig" <<PLAN
migration "expr" {
  stage s { verify registry.count(db: "$URL") == 501 }
}
PLAN
rm -rf "$W/p/.mig"
expect 3 "$MIG" run "$W/p/expr.mig"
holds "'registry.count' waits, and an expression cannot: call it in a step"

summary
