#!/bin/sh
# adapt.sh MIG SRC BUILD: `mig adapt diff` (docs/recovery.md, "Interface
# diffs") on two versions of a tool list: the change lines (golden), exit
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
