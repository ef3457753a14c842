#!/bin/sh
# conflicts.sh MIG: same-path writes in a parallel foreach
# (docs/runtime.md, "Same-path writes"). Forty items, eight at a time,
# each write a file of their own except two that share one: every run
# fails with exactly one Conflict, whichever of the two claims second,
# and the shared file holds one item's whole bytes. With replace: true the
# same plan succeeds.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-conflicts.XXXXXX")
cat > "$d/p.mig" <<'PLAN'
migration "parallel-collide" {
  param replace = false
  stage s {
    foreach n in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 5, 32, 33, 34, 35, 36, 37, 38, 39] parallel 8 {
      step w = file.write(path: "out/${n}.txt", content: "item ${n}", replace: replace)
    }
  }
}
PLAN
mkdir "$d/out"
for i in 1 2 3; do
  rm -rf "$d/.mig" "$d/out"/*
  expect 3 "$MIG" run "$d/p.mig" && ok
  expect 0 "$MIG" log --state "$d/.mig/state.db" --brief last && ok
  n=$(printf '%s\n' "$OUT" | grep -c '^item-failed .*"class":"Conflict".*out/5.txt')
  [ "$n" = 1 ] && ok || bad "round $i: $n conflicts, expected 1"
  [ "$(cat "$d/out/5.txt")" = "item 5" ] && ok \
    || bad "round $i: out/5.txt holds '$(cat "$d/out/5.txt")'"
done
rm -rf "$d/.mig" "$d/out"/*
expect 0 "$MIG" run "$d/p.mig" --param replace=true && ok
[ "$(ls "$d/out" | wc -l)" -eq 39 ] && ok || bad "replace: true did not write 39 files"
rm -rf "$d"
summary
