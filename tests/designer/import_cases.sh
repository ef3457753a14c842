#!/bin/sh
# The cases of `mig import`: tests/designer/import/NAME.json beside
# NAME.expected, which holds what `mig import NAME.json` prints (the plan,
# or the diagnostics, as they interleave) and a last line "exit: N". The
# format of tests/cases/run.sh, for JSON inputs.
#
#   import_cases.sh MIG DIR            compare, print a diff per failure
#   import_cases.sh MIG DIR --update   rewrite the expected files (review!)
set -u
mig=$1
dir=$2
update=${3:-}
case $mig in /*) ;; *) mig=$(pwd)/$mig ;; esac
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
passed=0
failed=0
cd "$dir" || exit 2
for doc in *.json; do
    [ -e "$doc" ] || continue
    name=${doc%.json}
    NO_COLOR=1 "$mig" import "$doc" >"$tmp" 2>&1
    echo "exit: $?" >>"$tmp"
    [ "$update" = "--update" ] && cp "$tmp" "$name.expected"
    if [ -f "$name.expected" ] && cmp -s "$tmp" "$name.expected"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $dir/$doc"
        if [ -f "$name.expected" ]; then
            diff -u "$name.expected" "$tmp" | sed 's/^/    /'
        else
            echo "    no $name.expected"
        fi
    fi
done
[ $((passed + failed)) -gt 0 ] || { echo "import_cases.sh: no cases in $dir" >&2; exit 1; }
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
