#!/bin/sh
# usage.sh MIG SRC BUILD: the command line's messages as golden cases.
# tests/cli/usage/NAME.args holds the arguments of one mig command (one
# line, split into words by the shell); NAME.expected is what it prints,
# stdout then stderr as they interleave, then "exit: N".
#   usage.sh MIG SRC BUILD --update   rewrites the expected files
mig=$1
dir=$2/tests/cli/usage
update=${4:-}
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
passed=0
failed=0
cd "$dir" || exit 2
for a in *.args; do
    name=${a%.args}
    # shellcheck disable=SC2046 # the arguments are words on purpose
    NO_COLOR=1 "$mig" $(cat "$a") >"$tmp" 2>&1
    echo "exit: $?" >>"$tmp"
    [ "$update" = "--update" ] && cp "$tmp" "$name.expected"
    if cmp -s "$tmp" "$name.expected"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $dir/$a"
        diff -u "$name.expected" "$tmp" | sed 's/^/    /'
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
