#!/bin/sh
# Runs the quickstart as far as the engine goes: check the plan, show its
# outline, then the execution graph it compiles into.
# Usage: run.sh PATH/TO/mig
set -eu
mig=$1
here=$(dirname "$0")
"$mig" check "$here/plan.mig"
echo
"$mig" check --tree "$here/plan.mig"
echo
"$mig" graph "$here/plan.mig"
