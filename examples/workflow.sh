#!/bin/sh
# workflow.sh MIG NAME: what each workflow example's run.sh does
# (examples/NAME/): check workflows/NAME.mig, copy it as plan.mig beside
# the example's legacy/ folder into a scratch folder, show the dry run
# (and check it changed nothing), run it, show the registry it made, check
# the run said every line of examples/NAME/expected.txt, then roll the run
# back and check that the folder is byte for byte as it was.
set -eu
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
name=$2
here=$(cd "$(dirname "$0")" && pwd)
example=$here/$name
workflow=$here/../workflows/$name.mig
# Every file's name and bytes, .mig/ left out (names may hold spaces).
sum() { (cd "$1" && find . -path ./.mig -prune -o -type f -print0 | LC_ALL=C sort -z \
         | xargs -0 sh -c 'for f; do printf "%s\n" "$f"; cat "$f"; done' sh | cksum); }
work=$(mktemp -d "${TMPDIR:-/tmp}/mig-$name.XXXXXX")
out=$work.out
trap 'rm -rf "$work" "$out" "$out.err"' EXIT
cp "$workflow" "$work/plan.mig"
cp -R "$example/legacy" "$work/"
cd "$work"
start=$(sum .)

echo "== mig check --strict"
"$mig" check --strict plan.mig
echo
echo "== mig plan (the dry run), its last line"
# The preview does not see what earlier steps would put (docs/registry.md,
# "Preview"), so it foresees the confirm stage's reads failing: only its
# summary is shown here.
status=0
"$mig" plan plan.mig > "$out" 2> "$out.err" || status=$?
if [ "$status" -gt 1 ]; then
    cat "$out" "$out.err"
    echo "$name/run.sh: mig plan ended with status $status" >&2
    exit 1
fi
tail -n 1 "$out"
if [ "$start" != "$(sum .)" ]; then
    echo "$name/run.sh: the dry run changed files" >&2
    exit 1
fi
echo
echo "== mig run"
if ! "$mig" run plan.mig > "$out"; then
    cat "$out"
    echo "$name/run.sh: the run did not succeed" >&2
    exit 1
fi
echo
echo "== the registry" >> "$out"
for kind in tools servers backends; do
    [ -d "registry/$kind" ] || continue
    echo "registry/$kind: $(ls "registry/$kind" | wc -l) records" >> "$out"
    ls "registry/$kind" | sed 's/^/  /' >> "$out"
done
cat "$out"
while IFS= read -r line; do
    case $line in ''|'#'*) continue ;; esac
    if ! grep -qF -- "$line" "$out"; then
        echo "$name/run.sh: the run did not say: $line" >&2
        exit 1
    fi
done < "$example/expected.txt"
echo
echo "== mig rollback last"
"$mig" rollback last
if [ "$start" != "$(sum .)" ]; then
    echo "$name/run.sh: the rollback did not bring the folder back to its start" >&2
    exit 1
fi
echo "rolled back: the folder is as it was before the run"
