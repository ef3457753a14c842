#!/bin/sh
# config.sh MIG SRC BUILD: the project configuration end to end
# (docs/configuration.md): mig.yaml found above the plan, its state folder
# used by run and found by status; a plan in a read-only folder; the
# golden of `mig config show` (text and JSON); `mig config diff` of two
# runs; an invalid mig.yaml stopping every command before it touches
# anything; --config and --no-config; secret references masked, and
# resolved only for a run; concurrency capping a foreach.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-config.XXXXXX")
trap 'chmod -R u+w "$d"; rm -rf "$d"' EXIT
mkdir -p "$d/repo/.git" "$d/repo/plan" "$d/repo/out"
cat > "$d/repo/plan/p.mig" <<'PLAN'
migration "config-e2e" {
  writes "../out"
  param target = "../out/a.txt"
  param body   = "plan"
  param tries  = 1
  profile production { tries = 3 }
  stage s {
    step put = file.write(path: target, content: body)
  }
}
PLAN
cat > "$d/repo/mig.yaml" <<'YAML'
version: 1
state: state
defaults:
  params: {body: defaults}
profiles:
  staging:
    params: {body: staging}
    durability: full
    timeout: 30s
  production:
    params: {body: {secret: {env: SECRET_BODY}}}
registries:
  main: {path: state/registry.db}
YAML
cd "$d/repo" || exit 2

# 1. The golden of `mig config show`: every setting with where it came
#    from, the layers in their order.
expect 0 "$MIG" config show plan/p.mig --profile staging --param tries=2 && ok
want='# configuration: plan/../mig.yaml
version                      1                              # plan/../mig.yaml:1
profile                      "staging"                      # --profile
state                        "state"                        # plan/../mig.yaml:2
durability                   "full"                         # plan/../mig.yaml:8
concurrency                  null                           # built-in
retry                        null                           # built-in
timeout                      "30s"                          # plan/../mig.yaml:9
breaker                      null                           # built-in
write_roots                  []                             # built-in
lua_path                     []                             # built-in
registries.main.path         "state/registry.db"            # plan/../mig.yaml:13
params.target                "../out/a.txt"                 # plan/p.mig:3
params.body                  "staging"                      # plan/../mig.yaml:7
params.tries                 2                              # --param'
[ "$OUT" = "$want" ] && ok || { bad "config show differs"; printf '%s\n' "$OUT" | diff -u - /dev/fd/3 3<<EOF >&2
$want
EOF
}
expect 0 "$MIG" config show --json && ok
want='{
  "file": "mig.yaml",
  "settings": [
    {
      "key": "version",
      "value": 1,
      "from": "mig.yaml:1"
    },
    {
      "key": "profile",
      "value": null,
      "from": "built-in"
    },
    {
      "key": "state",
      "value": "state",
      "from": "mig.yaml:2"
    },
    {
      "key": "durability",
      "value": "grouped",
      "from": "built-in"
    },
    {
      "key": "concurrency",
      "value": null,
      "from": "built-in"
    },
    {
      "key": "retry",
      "value": null,
      "from": "built-in"
    },
    {
      "key": "timeout",
      "value": null,
      "from": "built-in"
    },
    {
      "key": "breaker",
      "value": null,
      "from": "built-in"
    },
    {
      "key": "write_roots",
      "value": [],
      "from": "built-in"
    },
    {
      "key": "lua_path",
      "value": [],
      "from": "built-in"
    },
    {
      "key": "registries.main.path",
      "value": "state/registry.db",
      "from": "mig.yaml:13"
    },
    {
      "key": "params.body",
      "value": "defaults",
      "from": "mig.yaml:4"
    }
  ]
}'
[ "$OUT" = "$want" ] && ok || { bad "config show --json differs"; printf '%s\n' "$OUT" >&2; }
# The plan's profile block lies over mig.yaml's profile.
expect 0 "$MIG" config show plan/p.mig --profile production && ok
holds 'params.tries                 3                              # plan/p.mig:6'
holds 'params.body                  "secret:env:SECRET_BODY"       # plan/../mig.yaml:11'
expect 2 "$MIG" config show plan/p.mig --profile qa && ok
holds "hint: the profiles of mig.yaml and the plan are 'staging', 'production'"

# 2. A plan in a read-only folder runs with its state elsewhere (mig.yaml's
#    state folder), and status finds that store from the plan's folder.
chmod a-w plan
expect 0 "$MIG" run -q plan/p.mig && ok
[ ! -e plan/.mig ] && ok || bad "the run wrote beside the read-only plan"
[ -f state/state.db ] && [ -d state/objects ] && ok \
  || bad "no state.db and objects/ in mig.yaml's state folder"
[ "$(cat out/a.txt)" = defaults ] && ok || bad "out/a.txt is not 'defaults'"
expect 0 sh -c "cd plan && '$MIG' status 1" && ok
holds "  config      "
expect 0 "$MIG" run -q --profile staging plan/p.mig && ok
[ "$(cat out/a.txt)" = staging ] && ok || bad "out/a.txt is not 'staging'"

# 2b. The same where the read-only bit binds: root writes through it, so
#     as root the run is made again as the unprivileged user 'nobody'
#     (setpriv), in a copy of the project where only the plan's folder is
#     read-only and mig is a copy 'nobody' can run.
if [ "$(id -u)" -eq 0 ]; then
  ro=$d/ro
  mkdir -p "$ro/repo/.git" "$ro/repo/plan" "$ro/repo/out" "$ro/bin"
  cp plan/p.mig "$ro/repo/plan/" && cp mig.yaml "$ro/repo/"
  cp "$MIG" "$ro/bin/mig"
  chmod 755 "$d" "$ro" "$ro/bin" "$ro/bin/mig"
  chown -R 65534:65534 "$ro/repo"
  chown root:root "$ro/repo/plan" "$ro/repo/plan/p.mig"
  chmod 555 "$ro/repo/plan"
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  # The control: nobody cannot write into the plan's folder.
  if as_nobody sh -c "touch '$ro/repo/plan/x'" 2>/dev/null; then
    bad "nobody could write into the read-only plan folder"
  else
    ok
  fi
  expect 0 as_nobody sh -c "cd '$ro/repo' && '$ro/bin/mig' run -q plan/p.mig" \
    && ok
  [ -f "$ro/repo/state/state.db" ] && [ ! -e "$ro/repo/plan/.mig" ] && ok \
    || bad "the unprivileged run did not keep its state in mig.yaml's folder"
  [ "$(cat "$ro/repo/out/a.txt")" = defaults ] && ok \
    || bad "the unprivileged run did not write out/a.txt"
fi

# 3. mig config diff: what changed between two runs, key by key; 10 when
#    they differ, 0 when they are the same.
expect 10 "$MIG" config diff 1 2 && ok
want='configuration of run 1 -> run 2: changed
~ profile: null -> "staging"
~ durability: "grouped" -> "full"
~ timeout: null -> "30s"
~ params.body: "defaults" -> "staging"'
[ "$OUT" = "$want" ] && ok || { bad "config diff differs"; printf '%s\n' "$OUT" >&2; }
expect 0 "$MIG" config diff 2 last && ok
holds "configuration of run 2 -> run 2: the same"
expect 10 "$MIG" config diff --json 1 2 && ok
holds '"change": "changed"'
expect 2 "$MIG" config diff 1 && ok
expect 2 "$MIG" config diff 1 9 && ok
expect 2 "$MIG" config frob && ok
holds "no such subcommand 'frob'"
# The digest in the log's run-start event, left out by --brief.
expect 0 "$MIG" log 1 && ok
holds '"config_digest":"'
expect 0 "$MIG" log --brief 1 && ok
case $OUT in *config_digest*) bad "--brief shows the digest" ;; *) ok ;; esac

# 4. A secret reference is resolved for a run, into a secret: without
#    its variable the run stops before it changes anything; with it,
#    file.write refuses the secret (it would reveal it). The value is
#    never printed either way.
unset SECRET_BODY
expect 1 "$MIG" run -q --profile production plan/p.mig && ok
holds "parameter 'body' is the reference secret:env:SECRET_BODY, which cannot be resolved: the environment variable 'SECRET_BODY' is not set"
[ "$(cat out/a.txt)" = staging ] && ok || bad "a refused run changed out/a.txt"
export SECRET_BODY=s3cr3t-value
expect 3 "$MIG" run -q --profile production plan/p.mig && ok
holds "a secret cannot be passed to argument 'content' of file.write"
case $OUT in *s3cr3t*) bad "the secret's value was printed" ;; *) ok ;; esac
expect 0 "$MIG" run -q --profile production --param body=given plan/p.mig && ok
unset SECRET_BODY

# 5. An invalid mig.yaml stops every command before it touches anything.
chmod u+w .
cp mig.yaml mig.yaml.good
printf 'version: 1\nstate: state\ndefaults:\n  concurency: 4\n' > mig.yaml
runs_before=$("$MIG" history --state state/state.db | wc -l)
for cmd in "check plan/p.mig" "plan plan/p.mig" "run plan/p.mig" \
           "resume 1 --state state/state.db" "rollback 1 --state state/state.db" \
           "config show" "status"; do
  # shellcheck disable=SC2086 # the words of the command
  expect 1 "$MIG" $cmd && ok
  holds "mig.yaml:4:3: error: unknown key defaults.concurency"
done
holds "hint: did you mean 'concurrency'?"
[ "$("$MIG" history --state state/state.db | wc -l)" = "$runs_before" ] && ok \
  || bad "a run was recorded with an invalid mig.yaml"
[ "$(cat out/a.txt)" = given ] && ok || bad "out/a.txt changed"

# 6. --config names another file; --no-config reads none; not both.
expect 0 "$MIG" check --config mig.yaml.good plan/p.mig && ok
expect 0 "$MIG" config show --no-config && ok
holds "# configuration: none (built-in settings)"
expect 2 "$MIG" check --config mig.yaml.good --no-config plan/p.mig && ok
holds "--config and --no-config exclude each other"
expect 2 "$MIG" check --config missing.yaml plan/p.mig && ok
cp mig.yaml.good mig.yaml

# 7. concurrency caps every foreach: four items that each hold a lock
#    folder for a while never overlap under concurrency 1; with the
#    plan's parallel 4 alone they do, and the run fails.
mkdir "$d/par"
cat > "$d/par/par.mig" <<'PLAN'
migration "par" {
  stage s {
    foreach i in [1, 2, 3, 4] parallel 4 {
      step w = exec.run(cmd: ["sh", "-c", "mkdir held && sleep 0.3 && rmdir held"])
        undo exec.run(cmd: ["true"])
    }
  }
}
PLAN
printf 'version: 1\nprofiles:\n  one: {concurrency: 1}\n' > "$d/par/mig.yaml"
expect 0 "$MIG" run -q --profile one "$d/par/par.mig" && ok
expect 3 "$MIG" run -q "$d/par/par.mig" && ok

# 8. write_roots lets the plan change a folder beside its own; lua_path
#    lets it load a module from a folder beside its own; lua_grants gives
#    that module a library. Without them, mig check refuses both.
mkdir -p "$d/w/.git" "$d/w/plan" "$d/w/out" "$d/w/libs"
cat > "$d/w/plan/p.mig" <<'PLAN'
migration "lists" {
  lua "../libs/m.lua" as m
  stage s {
    step put = file.write(path: "../out/a.txt", content: m.probe())
  }
}
PLAN
cat > "$d/w/libs/m.lua" <<'LUA'
local M = {}
function M.probe() return type(os) == "table" and "os" or "no-os" end
return M
LUA
cd "$d/w" || exit 2
expect 1 "$MIG" check plan/p.mig && ok
holds "the Lua module '../libs/m.lua' is outside the plan's folder"
holds "file.write would change '../out/a.txt', outside the plan's write roots (the plan's folder)"
printf 'version: 1\nstate: st\nwrite_roots: [out]\nlua_path: [libs]\n' > mig.yaml
expect 0 "$MIG" check plan/p.mig && ok
expect 0 "$MIG" plan plan/p.mig && ok
holds "would create ../out/a.txt"
expect 0 "$MIG" run -q plan/p.mig && ok
[ "$(cat out/a.txt)" = no-os ] && ok || bad "the module had os without a grant"
printf 'lua_grants: {m: [os]}\n' >> mig.yaml
expect 0 "$MIG" run -q plan/p.mig && ok
[ "$(cat out/a.txt)" = os ] && ok || bad "lua_grants did not give the module os"
expect 0 "$MIG" rollback last && ok
[ "$(cat out/a.txt)" = no-os ] && ok || bad "rollback did not restore out/a.txt"

summary
