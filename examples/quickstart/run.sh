#!/bin/sh
# Runs the quickstart as far as the engine goes: check the plan, show the
# execution graph it compiles into, then the dry run of what running it
# would change (which changes nothing: the script checks that too).
# Usage: run.sh PATH/TO/mig
set -eu
mig=$1
here=$(dirname "$0")
before=$(cd "$here" && find . -type f | sort | xargs cat | cksum)
"$mig" check "$here/plan.mig"
echo
"$mig" graph "$here/plan.mig"
echo
"$mig" plan "$here/plan.mig"
echo
"$mig" plan --profile production --show-params "$here/plan.mig"
after=$(cd "$here" && find . -type f | sort | xargs cat | cksum)
if [ "$before" != "$after" ]; then
    echo "run.sh: the dry run changed files under $here" >&2
    exit 1
fi
