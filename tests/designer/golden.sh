#!/bin/sh
# Golden exports of the plans people start from: every examples/*/plan.mig
# and every workflows/**/*.mig (when the folder exists), in every format
# listed in tests/designer/golden/FORMATS (one a line), compared byte for
# byte with tests/designer/golden/PATH.FORMAT, PATH being the plan's path
# without .mig (golden/examples/quickstart/plan.json).
#
#   golden.sh MIG ROOT            compare, print a diff per failure
#   golden.sh MIG ROOT --update   rewrite the goldens (review them!)
set -u
mig=$1
root=$2
update=${3:-}
gold=$root/tests/designer/golden
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
passed=0
failed=0
cd "$root" || exit 2
plans=$(ls examples/*/plan.mig 2>/dev/null)
[ -d workflows ] && plans="$plans $(find workflows -name '*.mig' | sort)"
for plan in $plans; do
    for fmt in $(cat "$gold/FORMATS"); do
        want=$gold/${plan%.mig}.$fmt
        if ! "$mig" export -f "$fmt" "$plan" >"$tmp" 2>&1; then
            failed=$((failed + 1))
            echo "FAIL: $plan: mig export -f $fmt failed:"
            sed 's/^/    /' "$tmp"
            continue
        fi
        if [ "$update" = "--update" ]; then
            mkdir -p "$(dirname "$want")" && cp "$tmp" "$want"
        fi
        if [ -f "$want" ] && cmp -s "$tmp" "$want"; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            echo "FAIL: $plan as $fmt"
            if [ -f "$want" ]; then
                diff -u "$want" "$tmp" | sed 's/^/    /'
            else
                echo "    no golden $want: run golden.sh with --update, and review it"
            fi
        fi
    done
done
[ $((passed + failed)) -gt 0 ] || { echo "golden.sh: no plans" >&2; exit 1; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
