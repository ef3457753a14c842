#!/usr/bin/env python3
# gen_audit.py STATE_DB N: appends N chained entries to the audit trail of
# the state store STATE_DB (made by mig, schema 5 or later), computing
# each hash from the encoding of docs/audit.md, in one transaction. The
# trail must be empty. A bench input, not a way to write real entries.
import hashlib
import sqlite3
import sys

FIELDS = ["at_ms", "user", "host", "pid", "action", "run", "plan_digest",
          "config_digest", "detail", "outcome", "key_id", "prev"]


def encode(row):
    out = [b"mig-audit v1\n"]
    for f in FIELDS:
        v = row[f]
        if v is None:
            out.append(f.encode() + b"=-\n")
        else:
            b = str(v).encode()
            out.append(b"%s=%d:%s\n" % (f.encode(), len(b), b))
    return b"".join(out)


def main():
    db = sqlite3.connect(sys.argv[1])
    n = int(sys.argv[2])
    if db.execute("SELECT count(*) FROM audit").fetchone()[0]:
        sys.exit("gen_audit.py: the trail is not empty")
    prev = "0" * 64
    rows = []
    for i in range(1, n + 1):
        row = {"at_ms": 1700000000000 + i, "user": "bench", "host": "bench",
               "pid": 1000 + i % 30000,
               "action": ("run", "resume", "rollback")[i % 3], "run": i,
               "plan_digest": "%064x" % i, "config_digest": None,
               "detail": '{"force":true}' if i % 7 == 0 else None,
               "outcome": "succeeded", "key_id": None, "prev": prev}
        h = hashlib.blake2b(encode(row), digest_size=32).hexdigest()
        rows.append((i, row["at_ms"], row["user"], row["host"], row["pid"],
                     row["action"], row["run"], row["plan_digest"],
                     row["config_digest"], row["detail"], row["outcome"],
                     row["key_id"], prev, h))
        prev = h
    db.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                   " ?, ?, ?, ?)", rows)
    db.commit()


main()
