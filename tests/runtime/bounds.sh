#!/bin/sh
# bounds.sh MIG: verdicts that only a run shows, each tested on the side
# that must fail (scripts/mutation.sh plants the bugs they catch). A
# rollback whose files do not come back as the checkpoint recorded them
# says so and exits 5: here a command the rollback goes past (--force)
# changed a managed file after the checkpoint.
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-bounds.XXXXXX")
cat > "$d/p.mig" <<'PLAN'
migration "unverifiable" {
  stage s {
    step a = file.write(path: "f.txt", content: "one")
    checkpoint cp
    step b = exec.run(cmd: ["sh", "-c", "echo two > f.txt"])
  }
}
PLAN
expect 0 "$MIG" run "$d/p.mig" && ok
expect 5 "$MIG" rollback --state "$d/.mig/state.db" --force --to cp last && ok
holds "the managed resources DIFFER from the checkpoint"
holds "differs: f.txt (expected file:"
holds "after the rollback, 1 managed resource differs from the checkpoint"
expect 0 "$MIG" status --state "$d/.mig/state.db" last && ok
holds "rollback-failed"
# The same rollback when nothing changed the file: the forced step
# declares nothing it manages, so it is unverified (7), never "match".
rm -rf "$d/.mig" "$d/f.txt"
sed -i 's/echo two > f.txt/true/' "$d/p.mig"
expect 0 "$MIG" run "$d/p.mig" && ok
expect 7 "$MIG" rollback --state "$d/.mig/state.db" --force --to cp last && ok
holds "NOT VERIFIED: 1 step could not be checked"
# Declaring what it manages, it is verified and matches.
rm -rf "$d/.mig" "$d/f.txt"
sed -i 's/cmd: \["sh", "-c", "true"\])/cmd: ["sh", "-c", "true"], manages: ["f.txt"])/' "$d/p.mig"
grep -q 'manages: \["f.txt"\]' "$d/p.mig" && ok || bad "the plan did not get manages:"
expect 0 "$MIG" run "$d/p.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --force --to cp last && ok
holds "match the checkpoint"
rm -rf "$d"
summary
