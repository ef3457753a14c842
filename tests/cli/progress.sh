#!/bin/sh
# progress.sh MIG SRC BUILD: what a run prints (docs/cli.md, "What a run
# prints"). Piped: a line per stage and the summary, whatever the number
# of items; --verbose: a line per step of every item; on a terminal
# (forced with MIG_PROGRESS=live): a progress line redrawn per stage with
# rate and ETA; --quiet: nothing; --json: the summary; a failed run's
# error on stderr too; items shown by their value.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
cd "$d" || exit 2
cat > big.mig <<'PLAN'
migration "big" {
  param n = 5000
  param nap = 0ms
  param p = 8
  stage each {
    foreach i in range(n) parallel p {
      step nap = test.sleep(duration: nap)
    }
  }
}
PLAN
cat > files.mig <<'PLAN'
migration "files" {
  stage read {
    step found = test.sleep(duration: 0ms)
  }
  stage migrate after read {
    foreach f in ["legacy/a.json", "legacy/b.json", "legacy/c.json"] {
      step put = test.fail(times: 1, class: "ValidationFailed") when f == "legacy/b.json"
    }
  }
}
PLAN
cat > nested.mig <<'PLAN'
migration "nested" {
  param tools = [{ name: "search", versions: ["v1", "v2"] }, { path: "legacy/x.json", versions: [3] }]
  stage each {
    foreach t in tools {
      foreach v in t.versions {
        step nap = test.sleep(duration: 0ms)
      }
    }
  }
}
PLAN
# Durations vary from run to run: masked.
mask() { sed -e 's/ in [0-9][0-9a-z.]*$/ in T/' -e 's/ in [0-9][0-9a-z.]*\([;:]\)/ in T\1/'; }

# 1. Piped, 5,000 items: five lines, not 10,003.
MIG_PROGRESS= "$MIG" run big.mig > out.txt 2> err.txt; rc=$?
[ $rc -eq 0 ] && ok || bad "run big.mig exited $rc"
mask < out.txt > got.txt
cat > want.txt <<'OUT'
run of "big"
stage each
  5000 items: 5000 done, 0 failed, 0 skipped in T
5000 items: 5000 done, 0 failed, 0 skipped; 5000 steps in T
run 1 ended: succeeded
OUT
cmp -s got.txt want.txt && ok || { bad "piped output"; diff want.txt got.txt >&2; }
[ ! -s err.txt ] && ok || bad "a run that succeeded wrote to stderr"

# 2. --verbose: a line per step of every item, each by its value.
"$MIG" run --verbose big.mig > out.txt 2>&1
[ "$(wc -l < out.txt)" -eq 5005 ] && ok || bad "--verbose: $(wc -l < out.txt) lines, not 5005"
grep -qx '  ok      nap = test.sleep \[4999\]' out.txt && ok || bad "--verbose lacks item 4999"

# Nested loops: the outer value first; a map by its name or path.
"$MIG" run --verbose --state "$d/nested/state.db" nested.mig > out.txt 2>&1
grep -qx '  ok      nap = test.sleep \[search > v2\]' out.txt \
  && grep -qx '  ok      nap = test.sleep \[legacy/x.json > 3\]' out.txt && ok \
  || { bad "nested items"; cat out.txt >&2; }

# 3. A terminal: the line of the stage is redrawn in place (\r, erase to
#    the end of the line), with the rate and the time left once a second
#    has passed, and ends as the stage's line.
MIG_PROGRESS=live "$MIG" run --param n=14 --param nap=100ms --param p=1 big.mig > out.txt 2>&1
esc=$(printf '\033')
cr=$(printf '\r')
grep -q "${cr}${esc}\[Kstage each  [0-9]/14 items" out.txt && ok || bad "live: no first progress line"
grep -q "${cr}${esc}\[Kstage each  1[0-3]/14 items  [0-9]*/s  ETA [0-9]*ms" out.txt && ok \
  || { bad "live: no rate and ETA"; cat -A out.txt >&2; }
tr '\r' '\n' < out.txt | grep -q "^${esc}\[Kstage each: 14 items: 14 done, 0 failed, 0 skipped in 1" && ok \
  || bad "live: no last line of the stage"
[ "$(grep -c "ok      nap" out.txt)" -eq 0 ] && ok || bad "live: step lines without --verbose"

# 4. --quiet: nothing on stdout.
"$MIG" run --quiet big.mig > out.txt 2>&1; rc=$?
[ $rc -eq 0 ] && [ ! -s out.txt ] && ok || bad "--quiet printed something or failed ($rc)"

# 5. --json: the summary only.
"$MIG" run --json big.mig > out.txt 2> err.txt
grep -q '^  "items_done": 5000,$' out.txt && grep -q '^      "stage": "each",$' out.txt \
  && grep -q '^  "result": "succeeded",$' out.txt && grep -q '^  "plan": "big",$' out.txt \
  && [ "$(head -c1 out.txt)" = "{" ] && ok || { bad "--json summary"; cat out.txt >&2; }

# 6. A failed item, shown by its value; the run's error on stderr too.
expect 3 "$MIG" run files.mig && ok
printf '%s\n' "$OUT" | mask > got.txt
cat > want.txt <<'OUT'
run of "files"
stage read
  ok      found = test.sleep
stage migrate
  failed  put = test.fail [legacy/b.json]: ValidationFailed: test.fail: failing on purpose (attempt 1, fails 1 time(s))
  failed item [legacy/b.json]: ValidationFailed: test.fail: failing on purpose (attempt 1, fails 1 time(s))
  stage migrate failed: ValidationFailed: test.fail: failing on purpose (attempt 1, fails 1 time(s))
  3 items: 1 done, 1 failed, 0 skipped, 1 not run in T
3 items: 1 done, 1 failed, 0 skipped, 1 not run; 1 step in T
run 6 ended: failed
mig run: error: run 6 failed: stage migrate: ValidationFailed: test.fail: failing on purpose (attempt 1, fails 1 time(s))
hint: 'mig log 6' shows every event; 'mig resume --failed-only 6' runs the failed items again, 'mig rollback 6' undoes the run
OUT
cmp -s got.txt want.txt && ok || { bad "failed run"; diff want.txt got.txt >&2; }
"$MIG" run --quiet files.mig > out.txt 2> err.txt; rc=$?
[ $rc -eq 3 ] && [ ! -s out.txt ] && grep -q '^mig run: error: run 7 failed: stage migrate: ValidationFailed' err.txt \
  && ok || bad "--quiet: a failure must still be said on stderr"

rm -rf "$d"
summary
