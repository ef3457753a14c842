#!/usr/bin/env python3
"""A registry that loses a race, for tests/cli/remote_race.sh.

Serves the record routes of docs/registry-api.md for tools (GET, PUT,
DELETE /v2/tools/NAME, with If-Match and If-None-Match: * as mig serve
reads them, the ETag the quoted digest) from memory, on 127.0.0.1 on a
port the system picks, written to the file named by its first argument.
POST /race/NAME arms a race on NAME: the next request that changes NAME
finds it changed by someone else just before it landed (its description
becomes "changed in the race"), and is judged against that. Anything
else is 404. It stops on SIGTERM.
"""
import hashlib
import http.server
import json
import signal
import sys

records = {}
armed = set()
SKIP = ("digest", "created", "updated", "status")


def digest(rec):
    """The content digest mig computes (tools_descriptor_digest)."""
    content = {k: v for k, v in rec.items() if k not in SKIP}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return "blake2b:" + hashlib.blake2b(text.encode(), digest_size=32).hexdigest()


def stored(rec):
    rec = dict(rec)
    rec["digest"] = digest(rec)
    rec.setdefault("status", "active")
    rec["created"] = rec["updated"] = "2026-01-01T00:00:00Z"
    return rec


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=None, etag=None):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def error(self, status, kind, etag=None):
        self.answer(status, {"error": {"type": kind, "message": kind,
                                       "detail": {"etag": etag}}})

    def name(self):
        parts = self.path.split("/")
        return parts[3] if len(parts) == 4 and parts[1:3] == ["v2", "tools"] else None

    def race(self, name):
        if name in armed:
            armed.discard(name)
            base = dict(records.get(name) or {"kind": "tool", "name": name,
                                              "inputSchema": {"type": "object"}})
            base["description"] = "changed in the race"
            records[name] = stored(base)

    def cond_holds(self, have):
        tag = self.headers.get("If-Match")
        if tag is not None:
            return have is not None and tag == '"%s"' % have["digest"]
        if self.headers.get("If-None-Match") == "*":
            return have is None
        return True

    def do_POST(self):
        parts = self.path.split("/")
        if len(parts) == 3 and parts[1] == "race":
            armed.add(parts[2])
            self.answer(204)
        else:
            self.error(404, "not_found")

    def do_GET(self):
        n = self.name()
        if n in records:
            r = records[n]
            self.answer(200, r, '"%s"' % r["digest"])
        else:
            self.error(404, "not_found")

    def do_PUT(self):
        n = self.name()
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.race(n)
        have = records.get(n)
        if not self.cond_holds(have):
            return self.error(412, "precondition_failed",
                              have and '"%s"' % have["digest"])
        rec = stored(body)
        records[n] = rec
        self.answer(201 if have is None else 200, rec, '"%s"' % rec["digest"])

    def do_DELETE(self):
        n = self.name()
        self.race(n)
        have = records.get(n)
        if have is None:
            return self.error(404, "not_found")
        if not self.cond_holds(have):
            return self.error(412, "precondition_failed", '"%s"' % have["digest"])
        del records[n]
        self.answer(204)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(sys.argv[1], "w") as f:
        f.write("%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
