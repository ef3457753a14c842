#!/bin/sh
# adapt.sh MIG SRC BUILD: `mig adapt diff` (docs/recovery.md, "Interface
# diffs") on two versions of a tool list and of an OpenAPI document: the
# change lines (golden), exit
# 0 when every change applies and 10 when one needs a person, --json, the
# mapping -o writes in one step, and a plan that takes that mapping with
# adapt.translate and adapt.params; bad input exits 1 or 2 with a message.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(fresh "$2/tests/data/adapt")
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 2

expect 0 "$MIG" adapt diff old.json new.yaml &&
  { [ "$OUT" = "$(cat diff.expected)" ] && ok ||
    { bad "the change lines differ from diff.expected"
      printf '%s\n' "$OUT" | diff -u diff.expected - >&2; }; }

expect 10 "$MIG" adapt diff old.json gone.json &&
  holds "removed                issue: per_page: a bound on the results: a call that gives it is refused; needs a person"

expect 0 "$MIG" adapt diff --json old.json new.yaml &&
  { printf '%s' "$OUT" | python3 -c '
import json, sys
d = json.load(sys.stdin)
m = d["mapping"]["tools"]["list_issues"]
assert m == {"to": "issue", "set": {"method": "list"}, "map": {"q": "query",
  "per_page": "limit", "status": {"to": "state", "values": {"open": "OPEN",
  "closed": "CLOSED"}}, "pretty": None}}, m
assert len(d["changes"]) == 11 and all(c["applied"] for c in d["changes"])
' && ok || bad "--json: the mapping or the changes are not what they should be"; }

expect 0 "$MIG" adapt diff -o mapping.yaml old.json new.yaml
[ -f mapping.yaml ] && head -1 mapping.yaml | grep -q '^# mig adapt diff old.json new.yaml' && ok ||
  bad "-o wrote no mapping with its header"
expect 0 "$MIG" run plan.mig &&
  holds '{"name":"issue","arguments":{"query":"crash","state":"OPEN","method":"list","limit":30}} {"method":"list","query":"ui","state":"CLOSED","limit":30} list'

# Two OpenAPI documents (YAML 3.0, JSON 3.1): operations as tools, the
# operation renamed on the same method and path, its path parameter too.
expect 10 "$MIG" adapt diff petstore-v1.yaml petstore-v2.json &&
  holds "tool renamed           showPetById -> getPet (the same operation, 95%): GET /pets/{id}" &&
  holds "renamed                getPet: petId -> id (the same place in the path, 95%)" &&
  holds "enum values changed    listPets: status: \"available\" -> \"AVAILABLE\" (case, 95%); \"sold\" -> \"SOLD\" (case, 95%)"
printf '{"openapi": "3.0.0", "paths": {"/a": {"get": {"parameters": [{"$ref": "#/components/parameters/Nope"}]}}}}' > dangling.json
expect 1 "$MIG" adapt diff dangling.json petstore-v2.json &&
  holds "mig adapt diff: #/paths/~1a/get: \$ref '#/components/parameters/Nope' points at nothing in the document"

# The same interface: no change.
expect 0 "$MIG" adapt diff old.json old.json && holds "no change: the interfaces take the same calls"
# Not an interface; not JSON; the output cannot be written.
echo '3' > three.json
expect 1 "$MIG" adapt diff three.json new.yaml &&
  holds "mig adapt diff: the old interface is neither a parameter schema, a tool, nor a list of tools"
echo '{' > broken.json
expect 1 "$MIG" adapt diff broken.json new.yaml && holds "broken.json:"
expect 2 "$MIG" adapt diff -o no/such/dir/m.yaml old.json new.yaml
[ -e no ] && bad "a failed -o left something behind" || ok
summary
