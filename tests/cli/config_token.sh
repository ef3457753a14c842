#!/bin/sh
# config_token.sh MIG SRC BUILD: mig.yaml's remote registry token applied
# (docs/configuration.md, "registries") against `mig serve` on loopback
# with a token: a plan that names no token puts and deletes records
# through registry("remote") and through the URL itself; the journal
# keeps the token's recipe (never its bytes) in the call and in its
# undo; a rollback fetches it again from that recipe (not from mig.yaml,
# changed meanwhile); a variable not set stops run and resume before
# anything with the token's place; a wrong one is the server's 403; a
# token the plan gives wins over mig.yaml's; a recover block that moves
# the call to the remote registry gets its token; a profile's token from a
# file (relative to mig.yaml) is used for that profile, and one readable
# by others is refused at its place; check, plan and config show never
# resolve it; its bytes are nowhere mig printed or wrote. Only the tokens
# of the registries the plan names (registry("NAME"), the literal URL)
# are resolved at run start: an unused one whose variable is not set
# stops nothing; one the plan reaches only by a computed db is resolved
# on first use, its error an InvalidConfig of the step at its place.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
ZERO=blake2b:0000000000000000000000000000000000000000000000000000000000000000
secret="cfg-t0k3n-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$secret" > "$W/token"
chmod 600 "$W/token"
start_server tok --registry "$W/tok.db" --token-file "$W/token" || { summary; exit 1; }
# Everything mig prints here, searched for the token at the end.
: > "$W/all.out"
keep() { printf '%s\n' "$OUT" >> "$W/all.out"; }
# The status of GET /v2/tools/NAME.
at() { req GET "/v2/tools/$1"; printf '%s' "$STATUS"; }
req PUT /v2/tools/seeded -H "Authorization: Bearer $secret" \
  --data-binary "$(rec_json tool seeded)"
status_is 201 "seeding"

mkdir -p "$W/repo/.git" "$W/repo/plan"
cp "$W/token" "$W/repo/tok"
chmod 600 "$W/repo/tok"
cat > "$W/repo/mig.yaml" <<YAML
version: 1
registries:
  remote: {url: "$URL", token: {secret: {env: CFG_TOKEN}}}
  unused: {url: "http://127.0.0.1:9/v2", token: {secret: {env: CFG_UNUSED}}}
profiles:
  viafile:
    registries:
      remote: {url: "$URL/", token: {secret: {file: tok}}}
YAML
# rec NAME: a record literal of the plan.
rec() {
  printf '{kind: "tool", name: "%s", description: "%s", inputSchema: {type: "object"}, provenance: {file: "t.json", pointer: "/%s", format: "openai.tools", digest: "%s"}}' \
    "$1" "$1" "$1" "$ZERO"
}
cat > "$W/repo/plan/p.mig" <<PLAN
migration "cfgtok" {
  stage put {
    checkpoint start
    step a = registry.put(db: registry("remote"), record: $(rec a))
    step b = registry.put(db: "$URL", record: $(rec b))
    step gone = registry.delete(db: registry("remote"), name: "seeded")
  }
}
PLAN
cd "$W/repo" || exit 2
# The columns of the tokens in mig.yaml (after the URL, of varying length).
col3=$((${#URL} + 28))
col7=$((${#URL} + 33))

# 1. check, plan and config show never resolve the token.
unset CFG_TOKEN
expect 0 "$MIG" check plan/p.mig && ok
keep
expect 0 "$MIG" plan plan/p.mig && ok
keep
holds 'would create registry:'"$URL"'#tool/a: add'
expect 0 "$MIG" config show plan/p.mig && ok
keep
holds '"secret:env:CFG_TOKEN"'

# 2. Its variable not set: the run stops before anything, at the place.
expect 1 "$MIG" run plan/p.mig && ok
keep
holds "plan/../mig.yaml:3:$col3: error: the token of registry 'remote' is the reference secret:env:CFG_TOKEN, which cannot be resolved: the environment variable 'CFG_TOKEN' is not set"
[ ! -e plan/.mig ] && ok || bad "a run whose token cannot be resolved made a store"
[ "$(at seeded)" = 200 ] && ok || bad "the seeded record went"

# 2b. Named one way only: by registry("remote"), or by its literal URL
#     (with a trailing slash); each still stops the run before anything.
unset CFG_UNUSED
for how in 'registry("remote")' "\"$URL/\""; do
  rm -rf plan/.mig
  cat > plan/one.mig <<PLAN
migration "cfgtok-one" {
  stage put { step a = registry.put(db: $how, record: $(rec a)) }
}
PLAN
  expect 1 "$MIG" run plan/one.mig && ok
  keep
  holds "plan/../mig.yaml:3:$col3: error: the token of registry 'remote' is the reference secret:env:CFG_TOKEN, which cannot be resolved"
  [ ! -e plan/.mig ] && ok || bad "a run naming the registry by $how made a store"
done

# 3. A wrong token: the server's answer, nothing changed.
CFG_TOKEN=wrong-one
export CFG_TOKEN
expect 3 "$MIG" run plan/p.mig && ok
keep
holds "PolicyDenied: registry.put: PUT $URL/v2/tools/a answered 403 Forbidden: the bearer token is not the server's"
[ "$(at a)" = 404 ] && ok || bad "a wrong token put a"
rm -rf plan/.mig

# 4. The right one: the puts and the delete land; the journal keeps the
#    recipe in each call and each undo.
CFG_TOKEN=$secret
expect 0 "$MIG" run plan/p.mig && ok
keep
[ "$(at a) $(at b) $(at seeded)" = "200 200 404" ] && ok \
  || bad "the run's changes did not land: a, b, seeded $(at a) $(at b) $(at seeded)"
OUT=$(sqlite3 plan/.mig/state.db "select count(*) from journal where args like '%\"token\":{\"\$secret\":[{\"env\":\"CFG_TOKEN\"}]}%' and undo like '%\"token\":{\"\$secret\":[{\"env\":\"CFG_TOKEN\"}]}%'")
[ "$OUT" = 3 ] && ok || bad "the journal keeps the recipe in $OUT of 3 calls and undos"
expect 0 "$MIG" log --state plan/.mig/state.db last && ok
keep

# 5. The rollback fetches the token from the recipe: mig.yaml now names
#    another variable, which is not set, and it still works; without
#    CFG_TOKEN it cannot, and changes nothing.
sed 's/env: CFG_TOKEN/env: CFG_OTHER/' mig.yaml > mig.yaml.new && mv mig.yaml.new mig.yaml
expect 5 env -u CFG_TOKEN "$MIG" rollback --state plan/.mig/state.db last && ok
keep
holds "the environment variable 'CFG_TOKEN' is not set"
[ "$(at a) $(at seeded)" = "200 404" ] && ok || bad "a failed rollback changed the registry"
expect 0 "$MIG" rollback --state plan/.mig/state.db last && ok
keep
holds 'the managed resources match the checkpoint'
[ "$(at a) $(at b) $(at seeded)" = "404 404 200" ] && ok \
  || bad "the rollback did not put the registry back: $(at a) $(at b) $(at seeded)"
sed 's/env: CFG_OTHER/env: CFG_TOKEN/' mig.yaml > mig.yaml.new && mv mig.yaml.new mig.yaml

# 6. A token the plan gives wins over mig.yaml's, either way round.
sed 's/registry.put(db: registry("remote"),/registry.put(db: registry("remote"), token: secret_env("PLAN_TOKEN"),/' \
  plan/p.mig > plan/q.mig
rm -rf plan/.mig
expect 3 env PLAN_TOKEN=wrong-two "$MIG" run plan/q.mig && ok
keep
holds "PolicyDenied: registry.put: PUT $URL/v2/tools/a answered 403 Forbidden: the bearer token is not the server's"
rm -rf plan/.mig
expect 3 env CFG_TOKEN=wrong-three PLAN_TOKEN="$secret" "$MIG" run plan/q.mig && ok
keep
holds "PolicyDenied: registry.put: PUT $URL/v2/tools/b answered 403 Forbidden: the bearer token is not the server's"
[ "$(at a) $(at b)" = "200 404" ] && ok || bad "the plan's token did not put a alone"
OUT=$(sqlite3 plan/.mig/state.db "select args from journal where args like '%tools%' or args like '%PLAN_TOKEN%'")
holds '"token":{"$secret":[{"env":"PLAN_TOKEN"}]}'
expect 0 env PLAN_TOKEN="$secret" "$MIG" rollback --state plan/.mig/state.db last && ok
keep
[ "$(at a)" = 404 ] && ok || bad "the rollback of q left a"

# 6b. A recover block's `retry with` that moves the call to the remote
#     registry: the token is that of the db the call ends up with.
cat > plan/r.mig <<PLAN
migration "cfgtok-retry" {
  stage put {
    step a = registry.put(db: "http://127.0.0.1:1", record: $(rec a))
    recover Unavailable { retry with { db: registry("remote") } }
  }
}
PLAN
rm -rf plan/.mig
expect 0 "$MIG" run plan/r.mig && ok
keep
[ "$(at a)" = 200 ] && ok || bad "the retry with the remote registry did not put a"
expect 0 "$MIG" rollback --state plan/.mig/state.db last && ok
keep
[ "$(at a)" = 404 ] && ok || bad "the rollback of r left a"

# 7. A resume resolves the token again first: killed after the run's
#    first commit, resumed without it (stopped, at its place), then with.
rm -rf plan/.mig
MIG_CRASH_AT=after-commit:1 "$MIG" run -q plan/p.mig > "$W/crash.out" 2>&1
[ "$(at a)" = 404 ] && ok || bad "the crash point did not stop the run first"
expect 1 env -u CFG_TOKEN "$MIG" resume --state plan/.mig/state.db 1 && ok
keep
holds "$W/repo/plan/../mig.yaml:3:$col3: error: the token of registry 'remote' is the reference secret:env:CFG_TOKEN, which cannot be resolved"
expect 0 "$MIG" resume --state plan/.mig/state.db 1 && ok
keep
[ "$(at a) $(at b) $(at seeded)" = "200 200 404" ] && ok \
  || bad "the resumed run's changes did not land"
expect 0 "$MIG" rollback --state plan/.mig/state.db 1 && ok
keep
[ "$(at a) $(at seeded)" = "404 200" ] && ok || bad "the resumed run was not rolled back"

# 8. A profile's token from a file beside mig.yaml; its URL ends in '/'.
rm -rf plan/.mig
expect 0 env -u CFG_TOKEN "$MIG" run --profile viafile plan/p.mig && ok
keep
[ "$(at a) $(at b) $(at seeded)" = "200 200 404" ] && ok \
  || bad "the file's token did not put the records"
OUT=$(sqlite3 plan/.mig/state.db "select undo from journal where undo like '%\"file\":\"$W/repo/tok\"%'" | wc -l)
[ "$OUT" -eq 3 ] && ok || bad "the journal keeps the file's recipe in $OUT undos"
expect 0 env -u CFG_TOKEN "$MIG" rollback --state plan/.mig/state.db last && ok
keep
[ "$(at a) $(at seeded)" = "404 200" ] && ok || bad "the file token's run was not rolled back"
chmod 644 tok
expect 1 "$MIG" run --profile viafile plan/p.mig && ok
keep
holds "plan/../mig.yaml:8:$col7: error: the token of registry 'remote' is the reference secret:file:tok, which cannot be resolved: the file '$W/repo/tok' is readable by every user (mode 0644)"

# 8b. A registry the plan names nowhere (its db computed from a
#     parameter): the unused one's variable is not set and stops nothing;
#     the token is resolved on first use, where a missing variable fails
#     the step with InvalidConfig at the token's place, and nothing lands.
chmod 600 tok
cat > plan/c.mig <<PLAN
migration "cfgtok-computed" {
  param base = "none"
  stage put {
    checkpoint start
    step a = registry.put(db: base, record: $(rec a))
  }
}
PLAN
rm -rf plan/.mig
expect 3 env -u CFG_TOKEN "$MIG" run plan/c.mig --param "base=$URL" && ok
keep
holds "InvalidConfig: registry.put: plan/../mig.yaml:3:$col3: the token of registry 'remote' is the reference secret:env:CFG_TOKEN, which cannot be resolved: the environment variable 'CFG_TOKEN' is not set"
[ "$(at a)" = 404 ] && ok || bad "a step whose token was missing put a"
OUT=$(sqlite3 plan/.mig/state.db "select count(*) from journal where action = 'registry.put'")
[ "$OUT" = 0 ] && ok || bad "the failed first use journaled $OUT puts"
rm -rf plan/.mig
expect 0 "$MIG" run plan/c.mig --param "base=$URL" && ok
keep
[ "$(at a)" = 200 ] && ok || bad "the first use of the token did not put a"
OUT=$(sqlite3 plan/.mig/state.db "select count(*) from journal where args like '%\"token\":{\"\$secret\":[{\"env\":\"CFG_TOKEN\"}]}%'")
[ "$OUT" = 1 ] && ok || bad "the journal keeps the first use's recipe in $OUT calls"
expect 0 env -u CFG_TOKEN -u CFG_UNUSED "$MIG" run plan/c.mig --param base=none.db && ok
keep
expect 0 "$MIG" rollback --state plan/.mig/state.db 1 && ok
keep
[ "$(at a)" = 404 ] && ok || bad "the rollback of c left a"

# 9. The token's bytes: nowhere mig printed or wrote (nor a prefix).
cat "$W/crash.out" >> "$W/all.out"
for what in "$secret" "${secret%?}"; do
  found=$(grep -rlaF -e "$what" "$W/all.out" plan/.mig "$W"/tok.err 2>/dev/null)
  [ -z "$found" ] && ok || bad "the token ($what) is in: $found"
done
# ... and the search works where the bytes are.
[ -n "$(grep -rlaF -e "$secret" tok)" ] && ok || bad "the search misses bytes"
summary
