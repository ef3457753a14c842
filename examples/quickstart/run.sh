#!/bin/sh
# Runs the quickstart: check the plan, show its execution graph and the dry
# run of what running it would change (the script checks that the dry run
# changed nothing), then run it for real in a scratch copy of this folder,
# show the run's status and journal, and roll it back, checking that the
# copy is byte for byte as it was.
# Usage: run.sh PATH/TO/mig
set -eu
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
sum() { (cd "$1" && find . -path ./.mig -prune -o -type f -print | LC_ALL=C sort | xargs cat | cksum); }
before=$(sum "$here")
"$mig" check "$here/plan.mig"
echo
"$mig" graph "$here/plan.mig"
echo
"$mig" plan "$here/plan.mig"
echo
"$mig" plan --profile production --show-params "$here/plan.mig"
if [ "$before" != "$(sum "$here")" ]; then
    echo "run.sh: the dry run changed files under $here" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/mig-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$here/plan.mig" "$here/legacy" "$work/"
start=$(sum "$work")
echo
"$mig" run "$work/plan.mig"
ls "$work/registry"
cd "$work"
echo
"$mig" status
echo
"$mig" rollback last
if [ "$start" != "$(sum "$work")" ]; then
    echo "run.sh: the rollback did not bring $work back to its start" >&2
    exit 1
fi
echo "rolled back: the folder is as it was before the run"
