#!/bin/sh
# remote_race.sh MIG SRC BUILD: a remote registry's undo never clobbers
# a record changed in the instant between its read and its write
# (docs/registry.md, "Undo"): against a scripted registry
# (tests/cli/remote/race.py) that, once armed, changes a record just
# before the undo's write lands, each of the three undos (the PUT of a
# replaced record's before-image, the DELETE of an added one, the PUT
# back of a deleted one) is refused by its If-Match or If-None-Match
# (412), reads the record again and fails with Conflict naming it,
# leaving the other's change; unarmed, the same rollback restores every
# record and verifies.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
export NO_COLOR=1
ZERO=blake2b:0000000000000000000000000000000000000000000000000000000000000000
W=$(mktemp -d "${TMPDIR:-/tmp}/mig-race.XXXXXX")
python3 "$SRC/tests/cli/remote/race.py" "$W/port" 2> "$W/race.err" &
RPID=$!
trap 'kill $RPID 2>/dev/null; wait $RPID 2>/dev/null; rm -rf "$W"' EXIT
i=0
while [ ! -s "$W/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$W/port" ] || { bad "the scripted registry did not start: $(cat "$W/race.err")"; summary; exit 1; }
URL=http://127.0.0.1:$(cat "$W/port")

rec() {
  printf '{"kind":"tool","name":"%s","description":"%s","inputSchema":{"type":"object"},"provenance":{"file":"seed.json","pointer":"/%s","format":"openai.tools","digest":"%s"}}' \
    "$1" "$2" "$1" "$ZERO"
}
# put NAME DESCRIPTION: a record put by hand.
put() { rec "$1" "$2" | curl -s -o /dev/null -X PUT --data-binary @- "$URL/v2/tools/$1"; }
# desc NAME: the record's description, or "gone".
desc() {
  curl -s "$URL/v2/tools/$1" | python3 -c '
import json, sys
r = json.load(sys.stdin)
print(r.get("description", "gone"))'
}

# One plan per undo: replace x, add a, delete z.
mkdir -p "$W/p"
for what in replace add delete; do
  case $what in
    replace) step="registry.put(db: reg, replace: true, record: $(rec x "x after" | sed 's/"\([a-zA-Z]*\)":/\1: /g'))" ; name=x ;;
    add) step="registry.put(db: reg, record: $(rec a "a after" | sed 's/"\([a-zA-Z]*\)":/\1: /g'))" ; name=a ;;
    delete) step='registry.delete(db: reg, name: "z")' ; name=z ;;
  esac
  cat > "$W/p/$what.mig" <<PLAN
migration "$what" {
  param reg = "$URL"
  stage s {
    checkpoint start
    step c = $step
  }
}
PLAN
  for race in no yes; do
    put x "x before"
    put z "z before"
    curl -s -o /dev/null -X DELETE "$URL/v2/tools/a"
    rm -rf "$W/p/.mig"
    expect 0 "$MIG" run "$W/p/$what.mig" || continue
    if [ $race = no ]; then
      expect 0 sh -c "cd '$W/p' && '$MIG' rollback last"
      holds 'the managed resources match the checkpoint'
      want=$(case $name in a) echo gone ;; *) echo "$name before" ;; esac)
      [ "$(desc $name)" = "$want" ] && ok || bad "$what: the rollback left $name as '$(desc $name)'"
    else
      curl -s -o /dev/null -X POST "$URL/race/$name"
      expect 5 sh -c "cd '$W/p' && '$MIG' rollback last"
      holds "Conflict: registry undo: the undo leaves registry:$URL#tool/$name as it is: it was changed since mig changed it"
      [ "$(desc $name)" = "changed in the race" ] && ok \
        || bad "$what: the undo clobbered $name: '$(desc $name)'"
    fi
  done
done
# A put loses the race too: the record appears between the capture's
# read and the put (If-None-Match: * answered 412), and the Conflict
# reaches the recover block with its detail (the status, the ETag there).
curl -s -o /dev/null -X POST "$URL/race/n"
cat > "$W/p/put412.mig" <<PLAN
migration "put412" {
  param reg = "$URL"
  stage s {
    step c = registry.put(db: reg, record: $(rec n "n mine" | sed 's/"\([a-zA-Z]*\)":/\1: /g'))
    recover Conflict {
      step w = log.warn(message: "seen \${err.class} \${err.detail.status} \${err.detail.etag}")
      skip "lost the race"
    }
  }
}
PLAN
rm -rf "$W/p/.mig"
expect 0 "$MIG" run "$W/p/put412.mig"
holds "Conflict: registry.put: PUT $URL/v2/tools/n answered 412 Precondition Failed"
(cd "$W/p" && "$MIG" log last) > "$W/log" 2>&1
grep -q 'seen Conflict 412 \\"blake2b:' "$W/log" && ok \
  || { bad "the recover block did not read the 412's detail"; cat "$W/log" >&2; }
[ "$(desc n)" = "changed in the race" ] && ok || bad "the put overwrote n"
summary
