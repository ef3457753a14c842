#!/bin/sh
# snapshot.sh MIG SRC BUILD: `mig snapshot` (docs/snapshots.md): create,
# restore and prune round trips with the digest checked, a restore undone
# by `mig rollback`, --dry-run changing nothing, verify naming a damaged
# and a missing object, prune's bounds (keep-last N-1/N/N+1, older-than
# at its boundary to the millisecond), prune never removing an object a
# run, a checkpoint or a snapshot kept still references, including while
# a run is in progress in another process, and a plan's `snapshot NAME`.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-snapshot.XXXXXX")
trap 'rm -rf "$d"' EXIT
unset MIG_AUDIT_KEY MIG_SNAPSHOT_NOW_MS
XDG_CONFIG_HOME=$d/cfg
export XDG_CONFIG_HOME NO_COLOR=1

# A workspace: a plan, files in its folder and in a `writes` folder
# outside it, a symlink and a nested folder.
w=$d/ws
mkdir -p "$w/sub" "$d/out"
cat > "$w/p.mig" <<'PLAN'
migration "snapped" {
  writes "../out"
  stage a {
    checkpoint start
    step one = file.write(path: "a.txt", content: "new a\n")
    step two = file.write(path: "../out/o.txt", content: "new o\n")
  }
}
PLAN
printf 'old a\n' > "$w/a.txt"
printf 'x\n' > "$w/sub/x.txt"
chmod 600 "$w/sub/x.txt"
ln -s a.txt "$w/link"
printf 'old o\n' > "$d/out/o.txt"
# Scratch files live outside the roots (a restore would delete them).
t=$d/tmp
mkdir -p "$t"
cd "$w" || exit 2

# The tree of the two roots (paths, types, modes, bytes): what a restore
# must bring back exactly. The state store is left out.
tree() {
  for r in "$w" "$d/out"; do
    (cd "$r" && find . -path ./.mig -prune -o -print | LC_ALL=C sort |
      while read -r p; do
        if [ -L "$p" ]; then echo "$p link $(readlink "$p")"
        elif [ -d "$p" ]; then echo "$p dir $(stat -c %a "$p")"
        else echo "$p file $(stat -c %a "$p") $(cksum < "$p")"; fi
      done)
  done
}

json() {    # KEY: the value of KEY in the JSON object on stdin
  python3 -c 'import json, sys; v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"
}

# ---- create, restore, rollback of the restore ----------------------------

"$MIG" snapshot create --name base --note "before the run" p.mig > $t/out.txt \
  && ok || bad "create failed: $(cat $t/out.txt)"
grep -q "^took snapshot 1 'base' of $w/p.mig: 8 paths" $t/out.txt \
  && ok || bad "create said: $(cat $t/out.txt)"
tree > $t/before.tree
# 8 paths: . a.txt link p.mig sub sub/x.txt, and the `writes` root
# $d/out and $d/out/o.txt (named absolute: outside the plan's folder).
"$MIG" snapshot show base --json > $t/show.json && ok || bad "show failed"
[ "$(json entries < $t/show.json)" = 8 ] && ok || bad "show: $(cat $t/show.json)"
[ "$(json roots.1 < $t/show.json)" = "$d/out" ] && ok || bad "roots: $(cat $t/show.json)"
"$MIG" snapshot verify base > $t/v.txt && ok || bad "verify of a sound one: $(cat $t/v.txt)"
grep -q "0 problems; digest matches" $t/v.txt && ok || bad "verify said: $(cat $t/v.txt)"

"$MIG" run -q p.mig && ok || bad "the run failed"
printf 'extra\n' > new.txt
rm sub/x.txt
rm link && ln -s p.mig link
tree > $t/changed.tree

# --dry-run says what would change and changes nothing.
runs_before=$("$MIG" history | wc -l)
"$MIG" snapshot restore base --dry-run > $t/dry.txt && ok || bad "dry run failed"
cat > $t/want.txt <<EOF
would overwrite $d/out/o.txt
would overwrite a.txt
would overwrite link
would delete    new.txt
would create    sub/x.txt
dry run: 5 paths would change; nothing was changed
EOF
diff $t/want.txt $t/dry.txt > /dev/null && ok || bad "dry run: $(diff $t/want.txt $t/dry.txt)"
tree | diff $t/changed.tree - > /dev/null && ok || bad "a dry run changed files"
[ "$("$MIG" history | wc -l)" = "$runs_before" ] && ok || bad "a dry run made a run"

"$MIG" snapshot restore base --json > $t/r.json; rc=$?
[ "$rc" = 0 ] && ok || bad "restore exit $rc: $(cat $t/r.json)"
[ "$(json matched < $t/r.json)" = True ] && ok || bad "restore: $(cat $t/r.json)"
[ "$(json digest < $t/r.json)" = "$(json digest < $t/show.json)" ] \
  && ok || bad "the digest after the restore is not the snapshot's"
restore_run=$(json run < $t/r.json)
tree | diff $t/before.tree - > /dev/null \
  && ok || bad "restore: $(tree | diff $t/before.tree -)"
[ -f .mig/state.db ] && ok || bad "the restore removed the state store"

# The restore is a run of its own: rolled back, what was there is back.
"$MIG" rollback "$restore_run" > $t/rb.txt 2>&1 && ok || bad "rollback: $(cat $t/rb.txt)"
grep -q "match" $t/rb.txt && ok || bad "rollback said: $(cat $t/rb.txt)"
tree | diff $t/changed.tree - > /dev/null \
  && ok || bad "rollback of the restore: $(tree | diff $t/changed.tree -)"
# ... and the snapshot restores again.
"$MIG" snapshot restore 1 > /dev/null && ok || bad "a second restore failed"
tree | diff $t/before.tree - > /dev/null && ok || bad "second restore differs"

# ---- verify: a damaged object, a missing one ----------------------------

obj() {     # the object file of the bytes of FILE
  h=$(python3 -c 'import hashlib, sys
print(hashlib.blake2b(open(sys.argv[1], "rb").read(), digest_size=32).hexdigest())' "$1")
  echo ".mig/objects/$(echo "$h" | cut -c1-2)/$(echo "$h" | cut -c3-)"
}
x=$(obj sub/x.txt)
o=$(obj "$d/out/o.txt")
cp "$x" $t/x.keep && cp "$o" $t/o.keep
chmod 644 "$x" && printf 'y\n' > "$x"
rm -f "$o"
"$MIG" snapshot verify base > $t/v.txt; rc=$?
[ "$rc" = 10 ] && ok || bad "verify of a damaged snapshot: exit $rc"
grep -q "^damaged object $(basename "$(dirname "$x")")$(basename "$x") (sub/x.txt)$" $t/v.txt \
  && ok || bad "verify did not name the damaged object: $(cat $t/v.txt)"
grep -q "^missing object .* ($d/out/o.txt)$" $t/v.txt \
  && ok || bad "verify did not name the missing object: $(cat $t/v.txt)"
grep -q "2 problems; digest matches" $t/v.txt && ok || bad "verify said: $(cat $t/v.txt)"
# A damaged snapshot is refused whole: nothing changes.
printf 'changed\n' > a.txt
tree > $t/damaged.tree
"$MIG" snapshot restore base > $t/r.txt 2>&1; rc=$?
[ "$rc" = 6 ] && ok || bad "restore of a damaged snapshot: exit $rc"
grep -q "cannot be restored: the object .* is damaged (2 problems)" $t/r.txt \
  && ok || bad "restore refusal: $(cat $t/r.txt)"
tree | diff $t/damaged.tree - > /dev/null && ok || bad "a refused restore changed files"
mv $t/x.keep "$x" && mv $t/o.keep "$o"
"$MIG" snapshot verify base > /dev/null && ok || bad "verify after the repair"

# ---- prune: bounds ---------------------------------------------------------

"$MIG" snapshot create --name s2 > /dev/null && ok || bad "create s2 (last run)"
"$MIG" snapshot create --name s3 p.mig > /dev/null && ok || bad "create s3"
"$MIG" snapshot list > $t/l.txt
[ "$(wc -l < $t/l.txt)" = 3 ] && ok || bad "list: $(cat $t/l.txt)"
forgets() {     # ARGS...: how many snapshots a dry-run prune would forget
  "$MIG" snapshot prune --dry-run "$@" | grep -c '^would forget snapshot'
}
[ "$(forgets --keep-last 2)" = 1 ] && ok || bad "keep-last N-1 must forget one"
[ "$(forgets --keep-last 3)" = 0 ] && ok || bad "keep-last N must forget none"
[ "$(forgets --keep-last 4)" = 0 ] && ok || bad "keep-last N+1 must forget none"
[ "$("$MIG" snapshot prune --dry-run --keep-last 2 | head -1)" \
  = "would forget snapshot base" ] && ok || bad "keep-last must forget the oldest"
# older-than: exactly 10s old stays, 10s and 1ms goes.
ct=$("$MIG" snapshot list --json | json 0.created)
ms=$(python3 -c 'import calendar, sys, time
print(calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")) * 1000)' "$ct")
created=$(sqlite3 .mig/state.db "SELECT created_ms FROM snapshots WHERE id = 1")
[ $((created / 1000 * 1000)) = "$ms" ] && ok || bad "list's created is not the row's"
n=$(MIG_SNAPSHOT_NOW_MS=$((created + 10000)) forgets --older-than 10s \
    --keep-last 2)
[ "$n" = 0 ] && ok || bad "older-than: exactly as old as the bound must stay"
n=$(MIG_SNAPSHOT_NOW_MS=$((created + 10001)) forgets --older-than 10s \
    --keep-last 2)
[ "$n" = 1 ] && ok || bad "older-than: 1ms past the bound must go"
"$MIG" snapshot list | diff $t/l.txt - > /dev/null && ok || bad "dry runs forgot one"
"$MIG" snapshot prune --older-than 1x > $t/e.txt 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "not '1x'" $t/e.txt && ok || bad "a bad age: $rc $(cat $t/e.txt)"

# ---- prune never removes what is referenced ------------------------------

# An orphan written long ago goes; one written just now stays (a run may
# be about to reference it).
mkdir -p .mig/objects/00
old_orphan=.mig/objects/00/$(printf '%062d' 1)
new_orphan=.mig/objects/00/$(printf '%062d' 2)
echo old > "$old_orphan" && touch -d '1 hour ago' "$old_orphan"
echo new > "$new_orphan"
# Every object older than the orphans: only references keep them.
find .mig/objects -type f -exec touch -d '1 hour ago' {} +
# (Dated ahead, so that a slow machine's seconds before the prune starts
# do not age it past the cutoff.)
touch -d '10 minutes' "$new_orphan"
MIG_SNAPSHOT_NOW_MS=$((created + 10001)) "$MIG" snapshot prune \
  --older-than 10s --keep-last 2 > $t/p.txt && ok || bad "prune failed"
grep -q "^forgot snapshot base$" $t/p.txt && ok || bad "prune: $(cat $t/p.txt)"
[ ! -e "$old_orphan" ] && ok || bad "an old orphan was not removed"
[ -e "$new_orphan" ] && ok || bad "an object written since the cutoff was removed"
"$MIG" snapshot verify s2 > /dev/null && ok || bad "a kept snapshot lost objects"
"$MIG" snapshot verify s3 > /dev/null && ok || bad "a kept snapshot lost objects"
# The run's before-images (old a.txt, old o.txt) are referenced by its
# journal only now: its rollback still restores them.
"$MIG" snapshot prune --keep-last 0 > /dev/null && ok || bad "prune all failed"
[ "$("$MIG" snapshot list)" = "no snapshots" ] && ok || bad "keep-last 0 kept one"
"$MIG" doctor > $t/doc.txt 2>&1
grep -q "^attention objects  1 object in .* (4 bytes) is not referenced" \
  $t/doc.txt && ok || bad "doctor after prune: $(cat $t/doc.txt)"
rm "$new_orphan"
"$MIG" doctor > $t/doc.txt 2>&1
grep -q "^ok        objects" $t/doc.txt && ok || bad "doctor: $(cat $t/doc.txt)"
"$MIG" rollback 1 --force > /dev/null 2>&1 && ok || bad "rollback of run 1 failed"
[ "$(cat a.txt)" = "old a" ] && ok || bad "run 1's before-image of a.txt was pruned"
[ "$(cat "$d/out/o.txt")" = "old o" ] && ok || bad "run 1's before-image of o.txt was pruned"

# ---- prune while a run is in progress in another process ------------------

h=$d/held
mkdir -p "$h"
cat > "$h/p.mig" <<'PLAN'
migration "held" {
  stage a {
    step one = file.write(path: "a.txt", content: "new\n")
    step wait = exec.run(cmd: "touch started; while [ ! -f go ]; do sleep 0.05; done")
      undo exec.run(cmd: "true")
  }
}
PLAN
printf 'held old\n' > "$h/a.txt"
cd "$h" || exit 2
"$MIG" snapshot create --name s p.mig > /dev/null && ok || bad "create in held"
"$MIG" run -q p.mig > $t/run.out 2>&1 &
pid=$!
i=0
while [ ! -f started ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
[ -f started ] && ok || bad "the held run did not start"
"$MIG" status last | grep -q "state       running" \
  && ok || bad "the run is not in progress: $("$MIG" status last)"
a_old=$(echo 'held old' | python3 -c 'import hashlib, sys
print(hashlib.blake2b(sys.stdin.buffer.read(), digest_size=32).hexdigest())')
a_obj=.mig/objects/$(echo "$a_old" | cut -c1-2)/$(echo "$a_old" | cut -c3-)
[ -f "$a_obj" ] && ok || bad "no object of a.txt's before-image"
# Old enough to go but for references: the snapshot that shares it is
# forgotten, the run in progress still needs it.
find .mig/objects -type f -exec touch -d '1 hour ago' {} +
"$MIG" snapshot prune --keep-last 0 > $t/p.txt 2>&1 && ok || bad "prune: $(cat $t/p.txt)"
grep -q "^forgot snapshot s$" $t/p.txt && ok || bad "prune in held: $(cat $t/p.txt)"
[ -f "$a_obj" ] && ok || bad "prune removed the before-image of a run in progress"
touch go
wait "$pid" && ok || bad "the held run failed: $(cat $t/run.out)"
# 7: its exec.run step declares nothing it manages (not verified).
"$MIG" rollback last > $t/rb.txt 2>&1
[ $? = 7 ] && ok || bad "rollback of the held run: $(cat $t/rb.txt)"
[ "$(cat a.txt)" = "held old" ] && ok || bad "the held run's rollback lost a.txt"

# ---- a plan's `snapshot NAME` ----------------------------------------------

s=$d/stmt
mkdir -p "$s"
cat > "$s/p.mig" <<'PLAN'
migration "stmt" {
  stage a {
    snapshot before_big_change
    step one = file.write(path: "a.txt", content: "new\n")
  }
}
PLAN
printf 'stmt old\n' > "$s/a.txt"
cd "$s" || exit 2
"$MIG" run -q p.mig && ok || bad "the run with a snapshot failed"
"$MIG" log last | grep -q "snapshot  *a/snapshot.before_big_change" \
  && ok || bad "no snapshot event: $("$MIG" log last)"
"$MIG" snapshot list | grep -q "^1 *before_big_change .* run 1$" \
  && ok || bad "the plan's snapshot: $("$MIG" snapshot list)"
"$MIG" snapshot restore before_big_change > /dev/null && ok || bad "restore stmt"
[ "$(cat a.txt)" = "stmt old" ] && ok || bad "the plan's snapshot did not restore"

# ---- the audit trail -------------------------------------------------------

cd "$w" || exit 2
"$MIG" audit export > $t/audit.txt
for a in snapshot-create snapshot-restore snapshot-prune; do
  grep -q "  $a" $t/audit.txt && ok || bad "no audit entry $a: $(cat $t/audit.txt)"
done

summary
