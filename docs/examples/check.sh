#!/bin/sh
# Checks every example plan of the docs: each must pass `mig check`,
# compile with `mig graph`, run on the data beside it as RUNS says, and
# roll back to exactly the files it started from (docs/README.md).
# Usage: check.sh PATH/TO/mig      (prints a line per failure, exits 1)
set -u
mig=$1
case $mig in /*) ;; *) mig=$(pwd)/$mig ;; esac
here=$(cd "$(dirname "$0")" && pwd)
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# The digest of a folder's tree, .mig/ left out.
tree_sum() {
  (cd "$1" && find . -path ./.mig -prune -o -print | LC_ALL=C sort | while read -r p; do
     if [ -f "$p" ]; then printf '%s f %s\n' "$p" "$(cksum < "$p")"
     else printf '%s %s\n' "$p" "$(stat -c %F "$p")"; fi
   done) | cksum
}
"$mig" check -q "$here"/*.mig || bad "mig check"
for plan in "$here"/*.mig; do
  name=$(basename "$plan")
  "$mig" graph "$plan" >/dev/null || bad "mig graph $name"
  line=$(grep "^$name " "$here/RUNS") || { bad "$name has no line in RUNS"; continue; }
  # shellcheck disable=SC2086 # the arguments are words on purpose
  set -- $line
  want=$2
  want_rb=$3
  shift 3
  d=$(mktemp -d "${TMPDIR:-/tmp}/mig-docs.XXXXXX")
  cp -R "$here/." "$d/"
  before=$(tree_sum "$d")
  (cd "$d" && MIG_PROGRESS=plain "$mig" run "$@" "$name") >"$d.out" 2>&1
  got=$?
  [ "$got" -eq "$want" ] || { bad "mig run $* $name exited $got, not $want"; cat "$d.out" >&2; }
  (cd "$d" && "$mig" rollback last) >"$d.out" 2>&1
  got=$?
  [ "$got" -eq "$want_rb" ] || { bad "mig rollback after $name exited $got, not $want_rb"; cat "$d.out" >&2; }
  [ "$(tree_sum "$d")" = "$before" ] || bad "$name: the rollback left the files changed"
  rm -rf "$d" "$d.out"
done
n=$(ls "$here"/*.mig | wc -l)
echo "$n plans checked, run and rolled back; $fails failed"
[ "$fails" -eq 0 ]
