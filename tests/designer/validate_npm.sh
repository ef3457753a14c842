#!/bin/sh
# validate_npm.sh: every BPMN export imports into bpmn-moddle with no
# warnings (and draws every element), and every mig-graph JSON export
# validates against designer/mig-graph.schema.json (ajv, JSON Schema
# 2020-12), for every plan in tests/cases/export-dot/, docs/examples/,
# examples/*/ and workflows/ (when it exists). Plans named err_*.mig must
# fail to export; any other that fails is a failure.
#
#   validate_npm.sh MIG SOURCE_DIR BUILD_DIR
#
# The npm packages are installed once into BUILD_DIR/npm. Without node or
# npm the test says so and exits 77 (skipped); a failed install fails it.
set -u
mig=$1
src=$2
build=$3
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "SKIPPED: node/npm not found"
    exit 77
fi
prefix=$build/npm
schema=$src/designer/mig-graph.schema.json
pkgs="bpmn-moddle ajv"
if [ -f "$schema" ] && grep -q '"format"[[:space:]]*:[[:space:]]*"' "$schema"; then
    pkgs="$pkgs ajv-formats"
fi
for p in $pkgs; do
    if [ ! -f "$prefix/node_modules/$p/package.json" ]; then
        mkdir -p "$prefix" || exit 1
        echo "npm install --prefix $prefix --no-audit --no-fund $pkgs"
        # shellcheck disable=SC2086 # the package names are words on purpose
        if ! npm install --prefix "$prefix" --no-audit --no-fund $pkgs \
                >"$prefix/install.log" 2>&1; then
            echo "FAIL: npm install failed:"
            cat "$prefix/install.log"
            exit 1
        fi
        break
    fi
done

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
plans() {
    ls "$src"/tests/cases/export-dot/*.mig "$src"/docs/examples/*.mig \
       "$src"/examples/*/plan.mig 2>/dev/null
    [ -d "$src/workflows" ] && find "$src/workflows" -name '*.mig' | sort
}
for plan in $(plans); do
    rel=${plan#"$src"/}
    name=$(echo "$rel" | tr / _)
    for fmt in bpmn json; do
        if "$mig" export -f $fmt -o "$tmp/$name.$fmt" "$plan" >"$tmp/err" 2>&1; then
            continue
        fi
        case ${plan##*/} in
            err_*) ;;   # meant not to compile
            *) echo "FAIL: mig export -f $fmt $rel:"; cat "$tmp/err"; failed=1 ;;
        esac
    done
done
# A run drawn on the graph (mig export --run) validates too: the
# quickstart, run in a scratch copy.
mkdir "$tmp/run"
cp -R "$src/examples/quickstart/plan.mig" "$src/examples/quickstart/legacy" "$tmp/run/"
if ! "$mig" run "$tmp/run/plan.mig" >"$tmp/err" 2>&1 \
   || ! "$mig" export --state "$tmp/run/.mig/state.db" --run last \
        -o "$tmp/quickstart_run.json" "$tmp/run/plan.mig" >>"$tmp/err" 2>&1; then
    echo "FAIL: mig export --run of the quickstart:"; cat "$tmp/err"; failed=1
fi
node "$src/tests/designer/validate.mjs" "$prefix" "$schema" \
    --bpmn "$tmp"/*.bpmn --json "$tmp"/*.json || failed=1
exit $failed
