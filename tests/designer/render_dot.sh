#!/bin/sh
# render_dot.sh: Graphviz renders the DOT export of every plan in
# tests/cases/export-dot/, docs/examples/, examples/*/ and workflows/ (when
# it exists) with `dot -Tsvg`, exiting 0 and printing nothing on stderr (no
# warnings). Plans named err_*.mig must fail to export; any other that
# fails is a failure.
#
#   render_dot.sh MIG SOURCE_DIR
#
# Without Graphviz the test says so and exits 77 (skipped).
set -u
mig=$1
src=$2
if ! command -v dot >/dev/null 2>&1; then
    echo "SKIPPED: dot (Graphviz) not found"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
plans() {
    ls "$src"/tests/cases/export-dot/*.mig "$src"/docs/examples/*.mig \
       "$src"/examples/*/plan.mig 2>/dev/null
    [ -d "$src/workflows" ] && find "$src/workflows" -name '*.mig' | sort
}
passed=0
failed=0
for plan in $(plans); do
    rel=${plan#"$src"/}
    if ! "$mig" export -f dot -o "$tmp/plan.dot" "$plan" >"$tmp/err" 2>&1; then
        case ${plan##*/} in
            err_*) continue ;;  # meant not to compile
        esac
        echo "FAIL: mig export -f dot $rel:"
        cat "$tmp/err"
        failed=$((failed + 1))
        continue
    fi
    if dot -Tsvg "$tmp/plan.dot" >"$tmp/plan.svg" 2>"$tmp/err" &&
       [ ! -s "$tmp/err" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL: dot -Tsvg on the export of $rel:"
        cat "$tmp/err"
        failed=$((failed + 1))
    fi
done
echo "$passed rendered, $failed failed"
[ "$failed" -eq 0 ]
