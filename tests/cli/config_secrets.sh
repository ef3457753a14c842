#!/bin/sh
# config_secrets.sh MIG SRC BUILD: mig.yaml's references resolved for a run
# (docs/configuration.md, "Secrets"). A parameter from a 0600 file (a path
# relative to mig.yaml) and one from a command reach the plan's commands
# with their real bytes; a run killed before its first step and resumed
# from another folder fetches both again from the same sources (the
# journal keeps the recipe, the file's path absolute); a ${NAME} becomes
# plain text, not a secret; the secrets' bytes are nowhere mig writes or
# prints.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cfgsec.XXXXXX")
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/repo/.git" "$d/repo/plan" "$d/keys" "$d/out" "$d/elsewhere"
cd "$d" || exit 2
fsecret=f1le-s3cr3t-7a1
csecret=c0mm4nd-s3cr3t-2b9
printf '%s\n' "$fsecret" > repo/tok && chmod 600 repo/tok
printf '%s\n' "$csecret" > keys/c && chmod 600 keys/c
cat > repo/plan/p.mig <<PLAN
migration "cfgsec" {
  param a = "none"
  param b = "none"
  param where = "none"
  stage one {
    step s1 = exec.run(cmd: ["sh", "-c", "printf %s \"\\\$A\" > $d/out/a.txt"], env: {A: a})
  }
  stage two {
    step s2 = exec.run(cmd: ["sh", "-c", "printf '%s %s' \"\\\$B\" \"\\\$W\" > $d/out/b.txt"], env: {B: b, W: where})
  }
}
PLAN
cat > repo/mig.yaml <<YAML
version: 1
defaults:
  params:
    a: {secret: {file: tok}}
    b: {secret: {command: [cat, $d/keys/c]}}
    where: "\${CFGSEC_WHERE}/x"
YAML
CFGSEC_WHERE=/srv/legacy
export CFGSEC_WHERE
all=""
keep() { all="$all
$OUT"; }

# 1. Killed after the run's first commit, before any step ran.
cd elsewhere || exit 2
MIG_CRASH_AT=after-commit:1 "$MIG" run -q ../repo/plan/p.mig >../crash.out 2>&1
rc=$?
[ "$rc" -ne 0 ] && [ ! -e ../out/a.txt ] && ok \
  || bad "the crash point did not stop the run first (exit $rc)"
all="$all
$(cat ../crash.out)"
cd .. || exit 2

# 2. Resumed from another folder: both secrets fetched again.
expect 0 "$MIG" resume --state repo/plan/.mig/state.db 1 && ok
keep
[ "$(cat out/a.txt)" = "$fsecret" ] && ok \
  || bad "the file's secret did not reach the command: $(cat out/a.txt)"
[ "$(cat out/b.txt)" = "$csecret /srv/legacy/x" ] && ok \
  || bad "the command's secret or \${NAME} did not arrive: $(cat out/b.txt)"

# 3. What is shown: secrets masked, the \${NAME} text plain; the recorded
#    configuration keeps the references as written.
expect 0 "$MIG" status --json --state repo/plan/.mig/state.db 1 && ok
keep
holds '"where": "/srv/legacy/x"'
holds '"a": "***"'
holds '"value": "secret:file:tok"'
holds '"value": "secret:command:cat"'
expect 0 "$MIG" log --state repo/plan/.mig/state.db 1 && keep
expect 0 "$MIG" config show repo/plan/p.mig && keep
holds "secret:file:tok"
OUT=$(sqlite3 repo/plan/.mig/state.db "select params from runs" 2>&1)
holds "{\"file\":\"$d/repo/tok\"}"

# 4. The bytes: nowhere in what mig printed or wrote (nor a prefix).
for what in "$fsecret" "$csecret" "${fsecret%?}" "${csecret%?}"; do
  case $all in *"$what"*) bad "the secret ($what) was printed" ;; *) ok ;; esac
  found=$(grep -rlaF -e "$what" repo/plan/.mig 2>/dev/null)
  [ -z "$found" ] && ok || bad "the secret ($what) is in: $found"
done
# ... and the search works where the bytes are.
[ -n "$(grep -rlaF -e "$fsecret" repo out)" ] && ok || bad "the search misses bytes"

# 5. The file made readable by others: refused before anything runs.
chmod 644 repo/tok
expect 1 "$MIG" run -q repo/plan/p.mig && ok
holds "repo/plan/../mig.yaml:4:8: error: parameter 'a' is the reference secret:file:tok, which cannot be resolved: the file '$d/repo/tok' is readable by every user (mode 0644)"
summary
