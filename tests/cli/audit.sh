#!/bin/sh
# audit.sh MIG SRC BUILD: the audit trail (docs/audit.md). Runs and a
# rollback append signed, chained entries; each kind of tampering (edit,
# delete, insert, reorder, truncate, a chain rewritten with its hashes
# computed again, a forged or removed head) is found by `mig audit verify`
# and named at its first bad entry; the hashes are computed again here, in
# Python, from the encoding docs/audit.md describes.
MIG=$1
. "$2/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-audit.XXXXXX")
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 2
XDG_CONFIG_HOME=$d/cfg
export XDG_CONFIG_HOME
unset MIG_AUDIT_KEY
cat > p.mig <<'PLAN'
migration "audited" {
  stage a {
    step w = file.write(path: "out.txt", content: "hi\n")
  }
}
PLAN

# 1. Without a key: chained, and verify says the head is unsigned.
expect 0 "$MIG" run -q p.mig && ok
expect 0 "$MIG" audit verify && ok
holds "audit trail: 1 entry, chain intact"
holds "head: unsigned"

# 2. keygen: a 0600 secret and its .pub; never over an existing key.
expect 0 "$MIG" audit keygen && ok
[ "$(stat -c %a cfg/mig/audit.key)" = 600 ] && ok || bad "key not 0600"
[ -f cfg/mig/audit.key.pub ] && ok || bad "no .pub written"
expect 6 "$MIG" audit keygen && ok
holds "a key is never overwritten"

# 3. Four more entries, signed: run, run with --force, rollback, run.
expect 0 "$MIG" run -q p.mig && ok
expect 0 "$MIG" run -q --force p.mig && ok
expect 0 "$MIG" rollback last && ok
expect 0 "$MIG" run -q p.mig && ok
expect 0 "$MIG" audit verify --key cfg/mig/audit.key.pub && ok
holds "audit trail: 5 entries, chain intact"
holds "head: entry 5, signed by key $(sed -n 's/^public //p' cfg/mig/audit.key.pub) (the trusted key)"
expect 0 "$MIG" audit export --json && ok
holds '"action":"rollback","run":3'
holds '"detail":{"force":true},"outcome":"succeeded"'

# The hashes, computed again from the documented encoding.
cat > rehash.py <<'PY'
import hashlib, sqlite3, sys
FIELDS = ["at_ms", "user", "host", "pid", "action", "run", "plan_digest",
          "config_digest", "detail", "outcome", "key_id", "prev"]
def encode(row):
    out = b"mig-audit v1\n"
    for f in FIELDS:
        v = row[f]
        if v is None:
            out += f.encode() + b"=-\n"
        else:
            b = str(v).encode()
            out += f.encode() + b"=" + str(len(b)).encode() + b":" + b + b"\n"
    return out
def digest(row):
    return hashlib.blake2b(encode(row), digest_size=32).hexdigest()
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
rows = db.execute("SELECT * FROM audit ORDER BY seq").fetchall()
if sys.argv[2] == "check":
    bad = [r["seq"] for r in rows if digest(r) != r["hash"]]
    print("mismatch", bad) if bad else print("all hashes match")
else:  # rewrite from entry N: edit it, then chain every hash again
    n = int(sys.argv[3])
    prev = "0" * 64
    for r in rows:
        r = dict(r)
        if r["seq"] == n:
            r["outcome"] = "failed"
        r["prev"] = prev
        h = digest(r)
        db.execute("UPDATE audit SET outcome = ?, prev = ?, hash = ? "
                   "WHERE seq = ?", (r["outcome"], prev, h, r["seq"]))
        prev = h
    db.commit()
PY
OUT=$(python3 rehash.py .mig/state.db check)
holds "all hashes match"

# tamper NAME SQL: a copy of the store with SQL applied, in $d/NAME.db.
tamper() {
  cp .mig/state.db "$1.db"
  python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.executescript(sys.argv[2]); db.commit()' \
    "$1.db" "$2"
}
verify_finds() {    # NAME WANT: verify exits 10 and says WANT
  expect 10 "$MIG" audit verify --state "$1.db" && ok
  holds "$2"
}

# 4. Each kind of tampering, one at a time.
tamper edit "UPDATE audit SET outcome = 'failed' WHERE seq = 3"
verify_finds edit "audit trail: modified at entry 3: entry 3 was modified"
tamper delete "DELETE FROM audit WHERE seq = 3"
verify_finds delete "audit trail: deleted at entry 3: entry 3 was deleted: the trail goes from entry 2 to entry 4"
tamper renumber "DELETE FROM audit WHERE seq = 3;
  UPDATE audit SET seq = seq - 1 WHERE seq > 3"
verify_finds renumber "audit trail: deleted at entry 3: entry 3 does not follow entry 2"
tamper insert "UPDATE audit SET seq = seq + 100 WHERE seq >= 3;
  UPDATE audit SET seq = seq - 99 WHERE seq >= 100;
  INSERT INTO audit SELECT 3, at_ms, user, host, pid, action, run,
    plan_digest, config_digest, detail, outcome, key_id, prev, hash
    FROM audit WHERE seq = 1"
verify_finds insert "audit trail: inserted at entry 3: entry 3 was inserted: entry 4 was appended right after entry 2"
tamper reorder "UPDATE audit SET seq = 100 WHERE seq = 2;
  UPDATE audit SET seq = 2 WHERE seq = 3; UPDATE audit SET seq = 3 WHERE seq = 100"
verify_finds reorder "audit trail: reordered at entry 2: entry 2 is out of place: the entry it was appended after is entry 3, further on"
tamper truncate "DELETE FROM audit WHERE seq >= 4"
verify_finds truncate "audit trail: truncated at entry 4: the trail ends at entry 3, but the signed head is entry 5: entries 4 to 5 were removed"

# 5. Beyond the plain kinds: the chain rewritten with every hash computed
#    again; the head's signature forged; the head removed; the head put
#    back to an older entry (the tail cut with it).
cp .mig/state.db rewrite.db
python3 rehash.py rewrite.db rewrite 3
verify_finds rewrite "audit trail: rewritten at entry 5: entry 5 is not the entry the signed head names"
tamper forged "UPDATE audit_head SET signature = substr(signature, 1, 127) ||
  CASE substr(signature, 128, 1) WHEN '0' THEN '1' ELSE '0' END"
verify_finds forged "audit trail: bad-signature at entry 5: the signature of the head (entry 5) is not valid"
tamper nohead "DELETE FROM audit_head"
verify_finds nohead "audit trail: truncated at entry 5: entry 5 was appended with a signing key, but the trail has no signed head"
tamper oldhead "DELETE FROM audit WHERE seq = 5;
  UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit WHERE seq = 2)"
verify_finds oldhead "audit trail: bad-signature at entry 2"

# 6. A key others may read is refused before anything runs.
chmod 644 cfg/mig/audit.key
expect 2 "$MIG" run -q p.mig && ok
holds "may be read by others (mode 0644)"
holds "mig run: nothing was done"
chmod 600 cfg/mig/audit.key
expect 0 "$MIG" audit export && ok
[ "$(printf '%s\n' "$OUT" | wc -l)" -eq 5 ] && ok \
  || bad "a refused run left an entry: $OUT"
# MIG_AUDIT_KEY names a file that is not there: refused too.
MIG_AUDIT_KEY=$d/none expect 2 "$MIG" rollback last && ok
holds "cannot read the audit key '$d/none'"

# 7. export --since and its usage errors.
expect 0 "$MIG" audit export --since 2999-01-01 && ok
[ -z "$OUT" ] && ok || bad "--since in the future printed: $OUT"
expect 2 "$MIG" audit export --since yesterday && ok
holds "--since takes a UTC time"
expect 2 "$MIG" audit verify --since 1d && ok
holds "mig audit verify: error: --since does not apply here"
expect 8 "$MIG" audit verify --state "$d/nothing.db" && ok

# 8. A run with a mig.yaml: its entry carries the configuration digest the
#    run recorded (the one `mig status --json` shows in its options).
mkdir cfgd && cp p.mig cfgd/p.mig && printf 'version: 1\n' > cfgd/mig.yaml
expect 0 "$MIG" run -q cfgd/p.mig && ok
expect 0 "$MIG" status --json --state cfgd/.mig/state.db last && ok
run_cd=$(printf '%s\n' "$OUT" | python3 -c 'import json, sys
print(json.load(sys.stdin)["options"]["config_digest"])')
expect 0 "$MIG" audit export --json --state cfgd/.mig/state.db && ok
got=$(printf '%s\n' "$OUT" | python3 -c 'import json, sys
print(json.loads(sys.stdin.read().splitlines()[-1])["config_digest"])')
[ ${#run_cd} -eq 64 ] && [ "$got" = "$run_cd" ] && ok \
  || bad "audit config_digest '$got' is not the run's '$run_cd'"

summary
