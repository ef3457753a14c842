#!/bin/sh
# new.sh MIG SRC BUILD: `mig new` (docs/templates.md). Every template
# makes a project whose plan.mig is its workflow byte for byte, whose
# mig.yaml sets only parameters the plan declares, that `mig check
# --strict` accepts and `mig plan` previews (the synapse preview and
# mig.yaml are goldens: new/*); the synapse and mixed projects run on
# their sample files. A folder that is not empty is refused (6) and left
# as it was, an empty one is used, a file is a usage error, and nothing
# is ever left beside DIR. UPDATE=1 rewrites the goldens.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-new.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
gold=$SRC/tests/cli/new
cd "$tmp" || exit 2


# The template of each workflow (mixed: the inventory).
for t in synapse:synapse rag:rag plugin:plugin mcp:mcp openai:openai \
         mixed:inventory; do
  name=${t%%:*}; wf=${t#*:}
  expect 0 "$MIG" new --template "$name" "p-$name"
  holds "mig new: p-$name: "
  holds "next: cd p-$name && mig run plan.mig"
  cmp -s "p-$name/plan.mig" "$SRC/workflows/$wf.mig" && ok \
    || bad "p-$name/plan.mig is not workflows/$wf.mig"
  for f in mig.yaml README.md .gitignore; do
    [ -s "p-$name/$f" ] && ok || bad "p-$name has no $f"
  done
  [ -n "$(find "p-$name/legacy" -type f)" ] && ok || bad "p-$name has no samples"
  # Every parameter mig.yaml sets is one the plan declares.
  for p in $(sed -n 's/.*params: {\(.*\)}.*/\1/p' "p-$name/mig.yaml" \
             | tr ',' '\n' | sed -n 's/^ *\([a-z_]*\):.*/\1/p' | sort -u); do
    grep -q "^  param $p " "p-$name/plan.mig" && ok \
      || bad "p-$name/mig.yaml sets '$p', which the plan does not declare"
  done
  for k in development staging production; do
    grep -q "^  $k: {params: {concurrency: [0-9]*}, concurrency: [0-9]*}\$" \
      "p-$name/mig.yaml" && ok || bad "p-$name/mig.yaml has no profile $k"
  done
  cd "p-$name" || exit 2
  expect 0 "$MIG" check --strict plan.mig && ok
  expect 0 "$MIG" plan plan.mig && ok
  holds "Nothing was changed."
  [ ! -e .mig ] && [ ! -e registry ] && [ ! -e registry.db ] && ok \
    || bad "mig plan of p-$name wrote something"
  cd "$tmp" || exit 2
done
ls -a | grep -q '\.new-' && bad "a folder was left beside DIR" || ok

# The synapse project's preview and settings, as goldens.
cd p-synapse || exit 2
expect 0 "$MIG" plan plan.mig
golden "$gold" synapse_plan.txt
OUT=$(cat mig.yaml)
golden "$gold" synapse_mig.yaml
OUT=$(cat ../p-mixed/mig.yaml)
golden "$gold" mixed_mig.yaml

# The synapse and mixed projects run on their samples as they are.
expect 0 "$MIG" run plan.mig && ok
holds "ended: succeeded"
[ "$(ls registry/tools | wc -l)" -eq 5 ] && ok || bad "synapse: not 5 tools"
cd ../p-mixed || exit 2
expect 0 "$MIG" run plan.mig && ok
holds "ended: succeeded"
printf 'migration "count" {\n  stage s {\n    verify registry.count(db: "registry.db", kind: "tool") == 46\n    verify registry.count(db: "registry.db", kind: "server") == 7\n    verify registry.count(db: "registry.db", kind: "rag") == 5\n  }\n}\n' > count.mig
expect 0 "$MIG" run --no-config --state .mig-count/state.db count.mig && ok
cd "$tmp" || exit 2

# Refusals: a folder that is not empty (left as it was), a file; an empty
# folder is used.
mkdir busy && echo keep > busy/notes.txt
expect 6 "$MIG" new --template mcp busy
holds "mig new: error: 'busy' is not empty: nothing written"
[ "$(ls -A busy)" = notes.txt ] && [ "$(cat busy/notes.txt)" = keep ] && ok \
  || bad "a refused mig new changed the folder"
echo x > afile
expect 2 "$MIG" new --template mcp afile
holds "mig new: error: 'afile' is there and is not a folder"
mkdir empty
expect 0 "$MIG" new --template rag empty/ && ok
[ -f empty/plan.mig ] && ok || bad "an empty folder was not used"
expect 2 "$MIG" new --template nope x
holds "mig new: error: there is no template 'nope'"
[ ! -e x ] && ok || bad "an unknown template made a folder"
# The parent folder is missing: nothing made, nothing left.
expect 2 "$MIG" new --template rag missing/deeper/proj
holds "mig new: error: cannot make 'missing/deeper/proj.new-"
[ ! -e missing ] && ok || bad "a failed mig new left something"
ls -a | grep -q '\.new-' && bad "a folder was left beside DIR" || ok

cd / && summary
