#!/bin/sh
# http_group.sh MIG SRC BUILD: the group commit of requests that change
# something (docs/runtime.md, "Journal first, effect second"): the PUTs a
# turn of the loop starts are journaled as begun with ONE commit, then
# sent. Against the record store of the scripted endpoint
# (tests/http/endpoint.py): three PUTs started together pass one
# "process-journaled" point and three "process-running" points; a kill
# at each of those points (the group's commit made and none sent; some
# let go and the rest not) ends, after `mig resume`, with every record
# put exactly once, and after `mig rollback`, with every record as
# before and nothing sent; without a check, the resume asks rather than
# guess, even about a request that was never let go.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-httpgroup.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint

# sent NAME: how many PUTs of record NAME the endpoint got.
sent() { grep -c "PUT /records/$1" endpoint.log; }

# plan FILE CHECK: three PUTs of records a, b, c started in one turn
# (parallel 3; an undo call of the plan's, so no before-image is read
# first and the three intents come together), each undone by a PUT of
# the record as it was; with CHECK, each is settled after a crash by
# reading the record.
plan() {
  chk=
  [ "$2" = check ] && chk=', check: {url: "'$BASE'/records/${n}", holds: {v: 2}}'
  cat > "$1" <<PLAN
migration "group" {
  stage s {
    checkpoint start
    foreach n in ["a", "b", "c"] parallel 3 {
      step put = http.request(method: "PUT", url: "$BASE/records/\${n}",
                              body: {name: n, v: 2}$chk)
        undo http.request(method: "PUT", url: "$BASE/records/\${n}",
                          body: {name: n, v: 1})
    }
  }
}
PLAN
}
reset() {
  for n in a b c; do put $n "{\"name\": \"$n\", \"v\": 1}"; done
  rm -rf .mig
  : > endpoint.log
}
plan group.mig check
plan ask.mig nocheck

# One commit for the group: the run passes "process-journaled" once, so
# a kill at its second passing never comes.
reset
expect 0 env MIG_CRASH_AT=process-journaled:2 "$MIG" run group.mig
for n in a b c; do [ "$(sent $n)" = 1 ] && ok || bad "$n was put $(sent $n) times"; done
# (The plan's undo calls declare nothing they manage: not verified.)
expect 7 "$MIG" rollback 1
holds 'rolled back to the start: 3 undone'
for n in a b c; do record $n && holds '"v":1'; done

# A kill at each point of the group, finished each way.
for at in process-journaled process-running:1 process-running:2 process-running:3; do
  for how in resume rollback; do
    reset
    MIG_CRASH_AT=$at "$MIG" run group.mig > crash.out 2>&1
    [ $? -eq 137 ] && ok || bad "mig was not killed at $at: $(cat crash.out)"
    for n in a b c; do
      [ "$(sent $n)" = 0 ] && ok || bad "$at: $n was sent before the crash"
    done
    if [ $how = resume ]; then
      expect 0 "$MIG" resume 1
      holds 'not run: its check says its effect is not in place; it runs again'
      for n in a b c; do
        [ "$(sent $n)" = 1 ] && ok || bad "$at, resume: $n was put $(sent $n) times"
        record $n && holds '"v":2'
      done
    else
      expect 0 "$MIG" rollback 1
      holds 'rolled back to the start: 0 undone; the managed resources match the checkpoint'
      for n in a b c; do
        [ "$(sent $n)" = 0 ] && ok || bad "$at, rollback: $n was sent"
        record $n && holds '"v": 1'
      done
    fi
  done
done

# Without a check, every request of the group is journaled as begun once
# the group's commit is made: the resume cannot tell the one let go from
# the others, and asks, from the first (docs/http.md, "Crashes").
reset
MIG_CRASH_AT=process-running:2 "$MIG" run ask.mig > crash.out 2>&1
[ $? -eq 137 ] && ok || bad "mig was not killed at process-running:2"
expect 6 "$MIG" resume 1
holds 'step s/foreach.n/put item 0 (http.request) was in flight when mig stopped: mig cannot tell whether it finished'
holds '`mig resume 1 --settle 1=done` if it is'
for n in a b c; do [ "$(sent $n)" = 0 ] && ok || bad "the refused resume sent $n"; done

summary
