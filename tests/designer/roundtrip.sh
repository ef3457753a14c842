#!/bin/sh
# The designer round trip, for every plan people start from or read:
# examples/*/, docs/examples/, workflows/ (when it exists), and the plans
# of the export and graph cases (tests/cases/export-*/, tests/cases/graph/).
# For each plan P:
#
#   mig export -f json P  > J1      the graph
#   mig import J1         > P2      the plan a designer would save
#   mig export -f json P2 > J2      J1 and J2 equal but for node spans
#   mig import J2         > P3      P3 == P2, byte for byte (a fixpoint)
#   mig check P passes  =>  mig check P2 passes
#
# P2 is written into a copy of P's folder, so the files a plan names (Lua
# modules) are found beside it. A plan that does not compile has no graph
# to round-trip: it is listed, not counted.
#
#   roundtrip.sh MIG GRAPH_DIFF ROOT
set -u
mig=$1
diff_json=$2
root=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
nograph=0

fail() {
    failed=$((failed + 1))
    echo "FAIL: $plan: $1"
    [ -s "$tmp/err" ] && sed 's/^/    /' "$tmp/err"
}

one() {
    plan=$1
    rm -rf "$tmp/dir" && mkdir "$tmp/dir" && cp -R "$(dirname "$plan")/." "$tmp/dir/"
    p2=$tmp/dir/roundtrip-p2.mig
    if ! "$mig" export -f json "$plan" >"$tmp/j1.json" 2>"$tmp/err"; then
        if "$mig" graph "$plan" >/dev/null 2>&1; then
            fail "export failed, yet the plan compiles"
        else
            nograph=$((nograph + 1))
            echo "no graph (the plan has errors): $plan"
        fi
        return
    fi
    "$mig" import "$tmp/j1.json" >"$p2" 2>"$tmp/err" || { fail "import of its export failed"; return; }
    "$mig" export -f json "$p2" >"$tmp/j2.json" 2>"$tmp/err" || { fail "export of the imported plan failed"; return; }
    "$diff_json" "$tmp/j1.json" "$tmp/j2.json" >"$tmp/err" 2>&1 || { fail "export, import, export changed the graph"; return; }
    "$mig" import "$tmp/j2.json" >"$tmp/p3.mig" 2>"$tmp/err" || { fail "second import failed"; return; }
    if ! cmp -s "$p2" "$tmp/p3.mig"; then
        diff -u "$p2" "$tmp/p3.mig" >"$tmp/err"
        fail "import is not a fixpoint"
        return
    fi
    if "$mig" check -q "$plan" >/dev/null 2>&1 &&
       ! "$mig" check -q "$p2" >/dev/null 2>"$tmp/err"; then
        fail "mig check passes on the plan but not on its import"
        return
    fi
    passed=$((passed + 1))
}

for plan in "$root"/examples/*/*.mig "$root"/docs/examples/*.mig \
            "$root"/tests/cases/export-dot/*.mig \
            "$root"/tests/cases/export-json/*.mig "$root"/tests/cases/graph/*.mig; do
    [ -e "$plan" ] && one "$plan"
done
if [ -d "$root/workflows" ]; then
    for plan in $(find "$root/workflows" -name '*.mig' | sort); do
        one "$plan"
    done
fi
echo "$passed round-tripped, $nograph without a graph, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
