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
# The same rollback when nothing changed the file matches.
rm -rf "$d/.mig" "$d/f.txt"
sed -i 's/echo two > f.txt/true/' "$d/p.mig"
expect 0 "$MIG" run "$d/p.mig" && ok
expect 0 "$MIG" rollback --state "$d/.mig/state.db" --force --to cp last && ok
holds "match the checkpoint"
rm -rf "$d"
summary
