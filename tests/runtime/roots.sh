#!/bin/sh
# roots.sh MIG: write roots (docs/language.md, "writes"). A plan changes
# files only in its folder and the folders it declares: a path computed
# at run time that leaves them (by "..", as an absolute path, through a
# symbolic link) fails its step with PolicyDenied before anything is
# journaled or changed; `mig plan` foresees it; a declared root is
# written and rolled back like the plan's folder. The lock covers every
# root: a second run, from another folder and state store, whose roots
# hold, or lie in, the first one's is refused while the first runs.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
top=$(mktemp -d "${TMPDIR:-/tmp}/mig-roots.XXXXXX")
mkdir -p "$top/plan" "$top/outside" "$top/shared"
ln -s ../outside "$top/plan/link"
cat > "$top/plan/p.mig" <<'PLAN'
migration "escape" {
  param dest = "out/ok"
  stage s {
    step w = file.write(path: dest, content: "hi")
  }
}
PLAN

# 1. Outside by "..", absolute, through a link: refused, nothing written.
for to in ../outside/x "$top/outside/y" link/z; do
  expect 1 "$MIG" plan "$top/plan/p.mig" --param "dest=$to" && ok
  holds "step 'w' would fail: PolicyDenied: file.write: path '$to' is outside the plan's write roots (the plan's folder)"
  expect 3 "$MIG" run --state "$top/plan/.mig/state.db" "$top/plan/p.mig" --param "dest=$to" && ok
  holds "PolicyDenied: file.write: path '$to' is outside the plan's write roots"
  [ -z "$(ls -A "$top/outside")" ] && ok || bad "$to: a file was written outside the roots"
  expect 0 "$MIG" log --state "$top/plan/.mig/state.db" --brief last && ok
  case $OUT in
    *'stage-failed  s/enter  {"class":"PolicyDenied"'*) ok ;;
    *) bad "$to: no PolicyDenied in the log"; printf '%s\n' "$OUT" >&2 ;;
  esac
  case $OUT in *intent*|*step-done*) bad "$to: the step went on" ;; *) ok ;; esac
done
# Inside its folder the same plan writes.
mkdir "$top/plan/out"
expect 0 "$MIG" run "$top/plan/p.mig" && ok
[ "$(cat "$top/plan/out/ok")" = hi ] && ok || bad "the plan did not write in its folder"

# 2. A declared root is written, and rolled back.
mkdir -p "$top/a"
cat > "$top/a/a.mig" <<'PLAN'
migration "declared" {
  writes "../shared"
  param nap = 1ms
  stage s {
    step w = file.write(path: "../shared/new.txt", content: "made")
    step z = test.sleep(duration: nap)
  }
}
PLAN
expect 0 "$MIG" run "$top/a/a.mig" && ok
[ "$(cat "$top/shared/new.txt")" = made ] && ok || bad "the declared root was not written"
expect 0 "$MIG" rollback --state "$top/a/.mig/state.db" last && ok
[ ! -e "$top/shared/new.txt" ] && ok || bad "the rollback left the file in the declared root"

# 3. The lock covers every root, whatever the state store: while run A
# (folder a, root ../shared) runs, a plan whose own folder is the shared
# one, and one that declares a folder inside it, are refused; one with
# other roots runs.
mkdir -p "$top/b" "$top/c" "$top/shared/sub"
cat > "$top/shared/own.mig" <<'PLAN'
migration "own" {
  stage s {
    step w = file.write(path: "own.txt", content: "x")
  }
}
PLAN
sed 's|"../shared"|"../shared/sub"|; s|../shared/new.txt|../shared/sub/b.txt|' \
  "$top/a/a.mig" > "$top/b/b.mig"
sed 's|"../shared"|"../outside"|; s|../shared/new.txt|../outside/c.txt|' \
  "$top/a/a.mig" > "$top/c/c.mig"
expect 0 "$MIG" run "$top/b/b.mig" && ok      # run 1 of b's store
rm -f "$top/shared/new.txt"
"$MIG" run "$top/a/a.mig" --param nap=3s > "$top/a/out" 2>&1 &
first=$!
i=0
while [ $i -lt 50 ] && [ ! -e "$top/shared/new.txt" ]; do sleep 0.1; i=$((i + 1)); done
expect 6 "$MIG" run "$top/shared/own.mig" && ok
holds "the write root '$(cd "$top/shared" && pwd -P)' is in use by another mig run"
expect 6 "$MIG" run "$top/b/b.mig" && ok
holds "is in use by another mig run"
[ ! -e "$top/shared/own.txt" ] && ok || bad "a refused run wrote in the locked root"
# A rollback takes the roots its run recorded: b's is refused too.
expect 6 "$MIG" rollback --state "$top/b/.mig/state.db" 1 && ok
holds "is in use by another mig run"
[ -e "$top/shared/sub/b.txt" ] && ok || bad "a refused rollback undid its run"
expect 0 "$MIG" run "$top/c/c.mig" && ok
wait $first && ok || bad "run A failed"
# Once A has ended, the others run.
expect 0 "$MIG" run "$top/shared/own.mig" && ok
expect 0 "$MIG" rollback --state "$top/b/.mig/state.db" 1 && ok
[ ! -e "$top/shared/sub/b.txt" ] && ok || bad "the rollback of b left its file"
expect 0 "$MIG" run "$top/b/b.mig" && ok
rm -rf "$top"
summary
