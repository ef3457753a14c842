#!/bin/sh
# doctor.sh MIG SRC BUILD [--update]: `mig doctor` on a healthy store and
# on stores with each kind of damage (docs/doctor.md), compared with the
# goldens tests/cli/doctor/NAME.expected: the output with the temporary
# folder written DIR, the host HOST, the free bytes N and SQLite's cell
# offsets A..B and the count of integrity problems N problems (they move
# with the length of a pid and the rows around the damage), then
# "exit: N". --update rewrites the goldens.
MIG=$1
golden=$2/tests/cli/doctor
update=${4:-}
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-doctor.XXXXXX")
trap 'rm -rf "$d"' EXIT
host=$(hostname)
unset MIG_AUDIT_KEY
XDG_CONFIG_HOME=$d/cfg
export XDG_CONFIG_HOME

# A plan with a Lua module, run once: two before-images kept (a.txt and
# b.txt are replaced).
make() {    # NAME: a fresh copy in $d/NAME, run once
  w=$d/$1
  mkdir -p "$w/lib"
  cat > "$w/p.mig" <<'PLAN'
migration "doctored" {
  lua "lib/m.lua" as m
  stage a {
    step one = file.write(path: "a.txt", content: m.text(n: 1))
    step two = file.write(path: "b.txt", content: "two\n")
  }
}
PLAN
  cat > "$w/lib/m.lua" <<'LUA'
local M = {}
function M.text(args) return "text " .. args.n .. "\n" end
return M
LUA
  printf 'old a\n' > "$w/a.txt"
  printf 'old b, longer\n' > "$w/b.txt"
  (cd "$w" && "$MIG" run -q p.mig) || bad "$1: the run failed"
}

# The object of a.txt's before-image.
blob_of_a() {
  h=$(printf 'old a\n' | python3 -c 'import hashlib, sys
print(hashlib.blake2b(sys.stdin.buffer.read(), digest_size=32).hexdigest())')
  printf '%s/.mig/objects/%s/%s\n' "$1" "$(echo "$h" | cut -c1-2)" \
    "$(echo "$h" | cut -c3-)"
}

sql() {     # NAME SQL
  python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()' \
    "$d/$1/.mig/state.db" "$2"
}

# check NAME [ENV=VALUE]: mig doctor in $d/NAME against its golden
# (DOCTOR_ARGS: more words for it).
DOCTOR_ARGS=
check() {
  name=$1; shift
  out=$(cd "$d/$name" && env "$@" "$MIG" doctor $DOCTOR_ARGS 2>&1; echo "exit: $?")
  out=$(printf '%s\n' "$out" | sed -e "s|$d/$name|DIR|g" -e "s|$d/|TMP/|g" -e "s|$host|HOST|g" \
        -e 's/[0-9][0-9]* bytes free/N bytes free/' \
        -e 's/out of range [0-9]*\.\.[0-9]*/out of range A..B/' \
        -e 's/damaged ([0-9][0-9]* problems)/damaged (N problems)/')
  if [ "$update" = "--update" ]; then
    printf '%s\n' "$out" > "$golden/$name.expected"
  fi
  if [ "$out" = "$(cat "$golden/$name.expected")" ]; then
    ok
  else
    bad "doctor $name differs from its golden"
    printf '%s\n' "$out" | diff -u "$golden/$name.expected" - >&2
  fi
}

# 1. Healthy.
make healthy
check healthy

# 2. The store's file damaged inside (its tables' pages overwritten).
make damaged
python3 - "$d/damaged/.mig/state.db" <<'PY'
import sqlite3, sys
p = sys.argv[1]
db = sqlite3.connect(p)
root = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'events'").fetchone()[0]
size = db.execute("PRAGMA page_size").fetchone()[0]
db.close()
with open(p, "r+b") as f:
    f.seek((root - 1) * size + 8)
    f.write(b"\xff" * 64)
PY
check damaged

# 3. An interrupted run whose lock is still recorded: its process is gone.
make interrupted
sql interrupted "UPDATE runs SET state = 'running', ended_ms = 0, pid = 999999;
  UPDATE locks SET run = 1, pid = 999999, host = '$host',
    expires_ms = 4102444800000"
check interrupted

# 4. A before-image missing; 5. one damaged; 6. orphans beside them.
make missing
rm -f "$(blob_of_a "$d/missing")"
check missing
make corrupt
f=$(blob_of_a "$d/corrupt")
chmod u+w "$f" && printf 'not old a\n' > "$f"
check corrupt
make orphans
mkdir -p "$d/orphans/.mig/objects/ab"
printf '12345' > "$d/orphans/.mig/objects/ab/$(printf '%062d' 0)"
printf '123' > "$d/orphans/.mig/objects/tmp-Xy12ab"
check orphans

# 7. Less free space than the rollback writes back: one byte short of
#    the 20 bytes ("old a\n" and "old b, longer\n"), and just enough.
make disk
check disk MIG_DOCTOR_FREE_BYTES=19
out=$(cd "$d/disk" && MIG_DOCTOR_FREE_BYTES=20 "$MIG" doctor 2>&1) && ok \
  || bad "20 free bytes for a 20-byte rollback is a finding: $out"

# 8. The plan gone; 9. its Lua module no longer loads.
make noplan
mv "$d/noplan/p.mig" "$d/noplan/p.mig.moved"
check noplan
make badlua
printf 'return {\n' > "$d/badlua/lib/m.lua"
check badlua

# 10. A registry the run wrote: healthy, gone, and not a registry.
makereg() {
  w=$d/$1
  mkdir -p "$w"
  cat > "$w/p.mig" <<'PLAN'
migration "registered" {
  stage s {
    step put = registry.put(db: "reg.db", record: {kind: "tool", name: "echo",
      description: "Echoes", inputSchema: {type: "object"},
      provenance: {file: "tools.json", pointer: "/0", format: "openai.tools",
        digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
  }
}
PLAN
  (cd "$w" && "$MIG" run -q p.mig) || bad "$1: the run failed"
}
makereg registry
check registry
makereg registry_gone
rm -f "$d/registry_gone/reg.db"
check registry_gone
makereg registry_bad
printf 'not a database, not at all, but long enough to be read as one\n' \
  > "$d/registry_bad/reg.db"
check registry_bad

# 11. No store at all, and a file that is not one: exit 8.
mkdir -p "$d/none"
check none
mkdir -p "$d/notastore/.mig"
printf 'hello' > "$d/notastore/.mig/state.db"
check notastore

# 12. The plan's mig.yaml as found now: valid (an ok line), and one made
#     invalid after the run (its error's place; the plan is not loaded).
#     (Run where that mig.yaml applies, doctor itself refuses it, as every
#     command that reads a store does; from elsewhere, with --state, the
#     finding names it.)
make configok
printf 'version: 1\n' > "$d/configok/mig.yaml"
check configok
make configbad
printf 'version: 1\ndefaults:\n  concurency: 4\n' > "$d/configbad/mig.yaml"
mkdir -p "$d/configbad-elsewhere"
DOCTOR_ARGS="--state $d/configbad/.mig/state.db" check configbad-elsewhere
DOCTOR_ARGS=

# --json: the same findings, one object.
out=$(cd "$d/missing" && "$MIG" doctor --json)
[ $? -eq 10 ] && ok || bad "doctor --json on a missing object did not exit 10"
case $out in
  *'"healthy": false'*'"check": "objects"'*'"severity": "attention"'*) ok ;;
  *) bad "doctor --json lacks the finding: $out" ;;
esac
summary
