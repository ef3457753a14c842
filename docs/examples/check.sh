#!/bin/sh
# Checks every example plan of the docs: each must pass `mig check` and
# compile into its execution graph with `mig graph`.
# Usage: check.sh PATH/TO/mig      (exits 1 when a plan has errors)
set -eu
mig=$1
here=$(dirname "$0")
"$mig" check "$here"/*.mig
for plan in "$here"/*.mig; do
    "$mig" graph "$plan" >/dev/null
done
