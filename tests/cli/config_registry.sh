#!/bin/sh
# config_registry.sh MIG SRC BUILD: registry("NAME") end to end
# (docs/configuration.md, "registries"): a plan in a sub-folder names
# mig.yaml's registry; mig plan previews the record at the path the name
# gives (relative to the plan's folder), mig run writes it there, a
# profile that maps the name to another registry writes that one, mig
# config show shows the layered registries, mig drift reads mig.yaml's
# profiles and compares each profile's registry and --fix names it
# registry("NAME") (golden drift/fix_named.mig; UPDATE=1 rewrites it), a
# remote registry's URL is given as written, and a run resolves its
# token first: without the token's variable nothing runs.
MIG=$1
. "$2/tests/runtime/lib.sh"
gold=$2/tests/cli/drift
# The remote registry's token (a run resolves it before anything else).
REG_TOKEN=t0k3n-cfg-reg
export REG_TOKEN

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-config-registry.XXXXXX")
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/repo/.git" "$d/repo/plan" "$d/repo/state"
cat > "$d/repo/plan/p.mig" <<'PLAN'
migration "config-registry" {
  stage s {
    step url = log.info(message: registry("remote"))
    step put = registry.put(db: registry("main"), record: {kind: "tool",
      name: "echo", description: "Echoes", inputSchema: {type: "object"},
      provenance: {file: "tools.json", pointer: "/0", format: "openai.tools",
        digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
  }
}
PLAN
cat > "$d/repo/mig.yaml" <<'YAML'
version: 1
write_roots: [state]
registries:
  main: {path: state/registry.db}
  remote: {url: "https://registry.example/v2", token: {secret: {env: REG_TOKEN}}}
profiles:
  staging:
    registries:
      main: {path: state/staging.db}
YAML
cd "$d/repo" || exit 2

# 1. check, plan: the name resolves, relative to the plan's folder.
expect 0 "$MIG" check plan/p.mig && ok
expect 0 "$MIG" plan plan/p.mig && ok
holds 'would create registry:../state/registry.db#tool/echo: add'
holds 'https://registry.example/v2'
expect 0 "$MIG" plan plan/p.mig --profile staging && ok
holds 'would create registry:../state/staging.db#tool/echo: add'

# 1b. the token of a remote registry cannot be resolved: no run starts.
expect 1 env -u REG_TOKEN "$MIG" run -q plan/p.mig && ok
holds "plan/../mig.yaml:5:55: error: the token of registry 'remote' is the reference secret:env:REG_TOKEN, which cannot be resolved: the environment variable 'REG_TOKEN' is not set"
holds "hint: nothing was run; fix the source: a run resolves the token of each remote registry the plan names first"
[ ! -e plan/.mig ] && [ ! -e state/registry.db ] && ok \
  || bad "a run whose token cannot be resolved left a store or a registry"

# 2. run writes the registry the name gives, per profile.
expect 0 "$MIG" run -q plan/p.mig && ok
[ -f state/registry.db ] && [ ! -e state/staging.db ] && ok \
  || bad "the run without a profile did not write state/registry.db alone"
expect 0 "$MIG" run -q plan/p.mig --profile staging && ok
[ -f state/staging.db ] && ok || bad "the staging run wrote no state/staging.db"
expect 0 "$MIG" log --brief --state plan/.mig/state.db last && ok
holds '"message":"https://registry.example/v2"'

# 3. config show: the profile's registry over the top-level one, each with
#    its line; the token masked.
expect 0 "$MIG" config show plan/p.mig --profile staging && ok
holds 'registries.remote.token      "secret:env:REG_TOKEN"         # plan/../mig.yaml:5'
holds 'registries.main.path         "state/staging.db"             # plan/../mig.yaml:9'
expect 0 "$MIG" config show plan/p.mig && ok
holds 'registries.main.path         "state/registry.db"            # plan/../mig.yaml:4'

# 4. drift knows mig.yaml's profiles: each compares its own registry.
expect 0 "$MIG" drift plan/p.mig && ok
holds '../state/registry.db: unchanged (1 record)'
rm state/staging.db
expect 10 "$MIG" drift plan/p.mig --profile staging && ok
holds '../state/staging.db: 1 change'
# --fix names the registry as the plan does, for the profile that maps
# it: run so, it puts the record back in state/staging.db.
expect 10 "$MIG" drift plan/p.mig --profile staging --fix -o plan/fix.mig && ok
holds 'wrote plan/fix.mig: review it, then `mig run --profile staging plan/fix.mig` brings the registry back'
OUT=$(cat plan/fix.mig)
golden "$gold" fix_named.mig
expect 0 "$MIG" run -q plan/fix.mig --profile staging && ok
[ -f state/staging.db ] && ok || bad "the fix did not write state/staging.db"
expect 0 "$MIG" drift plan/p.mig --profile staging && ok
holds '../state/staging.db: unchanged (1 record)'
expect 2 "$MIG" drift plan/p.mig --profile qa && ok
holds "the profiles of mig.yaml and the plan are 'staging'"
expect 0 "$MIG" drift --no-config plan/p.mig --state plan/.mig/state.db && ok

# 5. A name mig.yaml does not have stops check, plan and run, with the
#    configured ones; nothing is run.
sed 's/registry("main")/registry("mian")/' plan/p.mig > plan/q.mig
for c in check plan run; do
  expect 1 "$MIG" $c plan/q.mig && ok
  holds "hint: did you mean 'main'? mig.yaml's registries are 'main', 'remote'"
done
expect 0 "$MIG" history --state plan/.mig/state.db && ok
case $OUT in *q.mig*) bad "a run of q.mig was recorded" ;; *) ok ;; esac

summary
