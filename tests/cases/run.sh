#!/bin/sh
# Runs the data-driven cases of one area: tests/cases/AREA/NAME.mig beside
# NAME.expected. The area's COMMAND file holds the mig arguments to run on
# each case (e.g. "check --tree"); a NAME.yaml beside the case is given as
# its project configuration (--config NAME.yaml). The expected file is what
# mig prints, stdout then stderr as they interleave, followed by a line
# "exit: N".
#
#   run.sh MIG AREA_DIR            compare, print a diff per failure
#   run.sh MIG AREA_DIR --update   rewrite the expected files (review them!)
#
# Ends with "N passed, N failed"; exits 1 when any case failed.
set -u
mig=$1
dir=$2
update=${3:-}
case $mig in /*) ;; *) mig=$(pwd)/$mig ;; esac
[ -f "$dir/COMMAND" ] || { echo "run.sh: no COMMAND file in $dir" >&2; exit 2; }
args=$(cat "$dir/COMMAND")
tmp=$(mktemp) || exit 2
trap 'rm -f "$tmp"' EXIT
passed=0
failed=0
cd "$dir" || exit 2
for plan in *.mig; do
    [ -e "$plan" ] || continue
    name=${plan%.mig}
    # shellcheck disable=SC2086 # the arguments are words on purpose
    config=
    [ -f "$name.yaml" ] && config="--config $name.yaml"
    # shellcheck disable=SC2086 # the arguments are words on purpose
    NO_COLOR=1 "$mig" $args $config "$plan" >"$tmp" 2>&1
    echo "exit: $?" >>"$tmp"
    if [ "$update" = "--update" ]; then
        cp "$tmp" "$name.expected"
    fi
    if [ -f "$name.expected" ] && cmp -s "$tmp" "$name.expected"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $dir/$plan"
        if [ -f "$name.expected" ]; then
            diff -u "$name.expected" "$tmp" | sed 's/^/    /'
        else
            echo "    no $name.expected"
        fi
    fi
done
if [ $((passed + failed)) -eq 0 ]; then
    echo "run.sh: no cases in $dir" >&2
    failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
