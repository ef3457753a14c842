#!/bin/sh
# Checks every example plan of the docs: each must pass `mig check`.
# Usage: check.sh PATH/TO/mig      (exits 1 when a plan has errors)
set -eu
mig=$1
here=$(dirname "$0")
"$mig" check "$here"/*.mig
