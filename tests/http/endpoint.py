#!/usr/bin/env python3
"""A scripted HTTP endpoint for the http.request tests (tests/cli/http*.sh, through tests/http/lib.sh).

Listens on 127.0.0.1 on a port the system picks (or the third argument),
writes the port to the file named by its first argument, and answers by
path:

  /status/N?retry_after=S      status N (Retry-After: S when given; S of the
                               form +K is an HTTP-date K seconds ahead), a
                               JSON error body
  /flaky/N?key=K&status=S&retry_after=R
                               status S (default 503) the first N times for
                               key K, then 200 {"ok": true, "calls": n}
  /echo                        200, what it got: {method, path, query,
                               headers, body}
  /validation                  422 {"error": {"type": "validation_error"}}
  /conflict                    409 with a JSON error naming the version
  /errorbody                   200 with {"error": {"type": "validation_error"}}
  /badjson                     200, Content-Type application/json, not JSON
  /truncated                   Content-Length 100, 10 bytes, then closes
  /slowloris                   a status line, then a header byte a second
  /slowbody                    whole headers (Content-Length 100), then a
                               body byte a second
  /chunkcut                    a chunked body cut inside a chunk (closes)
  /errorplain                  200 with {"error": "backend exploded"}
  /bigheader                   a 10 MB header line
  /headers?total=N             headers of exactly N bytes in all
  /bigbody?bytes=N             a body of N bytes
  /redirect/N                  302 to /redirect/N-1; /redirect/0 is 200
  /calls?key=K                 how many requests key K has had ("max":
                               the most /sleep requests at once)
  /sleep?ms=N                  200 after N ms
  /digest/NAME/HEX             200 when the SHA-256 of the request's header
                               NAME is HEX, else 403 (a secret's bytes
                               checked without being echoed)
  /params                      200 when the JSON body has a string
                               "location", else 400
  /records/NAME                a record store with ETags ("N", one counter
                               for all changes): GET 200 (the stored body,
                               its Content-Type and ETag) or 404; PUT
                               stores the body (201 new, 200 replaced);
                               DELETE 204 or 404. PUT and DELETE honour
                               If-Match (412 when the ETag differs or there
                               is no record) and If-None-Match: * (412 when
                               there is one). ?delay_ms=N: a change is
                               made at once, its answer sent N ms later
  /records                     POST: a new record, named by the body's
                               "name" when it is a string no record has,
                               else by a counter ("rN"): 201 with Location
                               /records/ID, its ETag and {"id": ID}; GET:
                               the names, sorted

Every request is appended to the log file named by the second argument:
"TIME_MS METHOD PATH". It stops on SIGTERM.
"""
import email.utils
import hashlib
import json
import signal
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

calls = {}
records = {}    # name -> (body, content type, etag)
versions = [0]
lock = threading.Lock()
log_path = sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self):
        with lock, open(log_path, "a") as f:
            f.write("%d %s %s\n" % (int(time.time() * 1000), self.command,
                                    self.path))

    def answer(self, status, body=b"", ctype="application/json", extra=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def retry_after(self, q):
        ra = q.get("retry_after", [None])[0]
        if ra is None:
            return []
        if ra.startswith("+"):
            ra = email.utils.formatdate(time.time() + int(ra[1:]),
                                        usegmt=True)
        return [("Retry-After", ra)]

    def handle_any(self):
        self.record()
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        parts = u.path.strip("/").split("/")
        n = int(self.headers.get("Content-Length") or 0)
        got = self.rfile.read(n) if n else b""
        head = parts[0]
        if head == "status":
            st = int(parts[1])
            self.answer(st, {"ok": True} if st < 300 else
                        {"error": {"type": "status", "status": st}},
                        extra=self.retry_after(q))
        elif head == "flaky":
            key = q.get("key", ["k"])[0]
            with lock:
                calls[key] = calls.get(key, 0) + 1
                c = calls[key]
            if c <= int(parts[1]):
                st = int(q.get("status", ["503"])[0])
                self.answer(st, {"error": {"type": "unavailable"}},
                            extra=self.retry_after(q))
            else:
                self.answer(200, {"ok": True, "calls": c})
        elif head == "sleep":
            with lock:
                calls["in-flight"] = calls.get("in-flight", 0) + 1
                calls["max"] = max(calls.get("max", 0), calls["in-flight"])
            time.sleep(int(q.get("ms", ["100"])[0]) / 1000)
            with lock:
                calls["in-flight"] -= 1
            self.answer(200, {"slept": True})
        elif head == "params":
            try:
                p = json.loads(got or b"null")
            except ValueError:
                p = None
            if isinstance(p, dict) and isinstance(p.get("location"), str):
                self.answer(200, {"weather": "sunny in " + p["location"]})
            else:
                self.answer(400, {"error": {"type": "bad_params",
                                            "message": "location missing"}})
        elif head == "records":
            delay = int(q.get("delay_ms", ["0"])[0])
            self.hold = delay > 0
            self.record_store(parts[1] if len(parts) > 1 else None, got)
            if self.hold:
                time.sleep(delay / 1000)
                self.send_held()
        elif head == "calls":
            key = q.get("key", ["k"])[0]
            with lock:
                c = calls.get(key, 0)
            self.answer(200, {"calls": c})
        elif head == "digest":
            value = (self.headers.get(parts[1]) or "").encode()
            good = hashlib.sha256(value).hexdigest() == parts[2]
            self.answer(200 if good else 403, {"ok": good})
        elif head == "echo":
            self.answer(200, {"method": self.command, "path": u.path,
                              "query": u.query,
                              "headers": {k.lower(): v for k, v in
                                          self.headers.items()},
                              "body": got.decode("utf-8", "replace")},
                        extra=[("Set-Cookie", "session=s3cr3t")])
        elif head == "validation":
            self.answer(422, {"error": {"type": "validation_error",
                                        "message": "name is required"}})
        elif head == "conflict":
            self.answer(409, {"error": {"type": "conflict",
                                        "message": "version 7 is newer"}},
                        extra=[("ETag", '"v7"')])
        elif head == "errorbody":
            self.answer(200, {"error": {"type": "validation_error",
                                        "message": "name is required"}})
        elif head == "badjson":
            self.answer(200, b"{\"tools\": [1, 2,")
        elif head == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        elif head == "slowloris":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                self.wfile.flush()
                for _ in range(120):
                    self.wfile.write(b"X")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
        elif head == "slowbody":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"b")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
        elif head == "chunkcut":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                self.wfile.write(b"20\r\n{\"tools\": [1, 2")
                self.wfile.flush()
            except OSError:
                pass
            self.close_connection = True
        elif head == "errorplain":
            self.answer(200, {"error": "backend exploded"})
        elif head == "bigheader":
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (10 * 1024 * 1024)
                                 + b"\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True
        elif head == "bigbody":
            size = int(q.get("bytes", ["0"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            try:
                while size > 0:
                    k = min(size, 1024 * 1024)
                    self.wfile.write(b"b" * k)
                    size -= k
            except OSError:
                pass
            self.close_connection = True
        elif head == "headers":
            # exactly TOTAL bytes of status line and headers, the blank
            # line included
            total = int(q.get("total", ["0"])[0])
            head_bytes = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
            left = total - len(head_bytes) - 2
            lines = []
            while left > 0:
                k = min(left, 1000)
                if k < 8:  # a header line is at least "X-F: a\r\n" (8)
                    lines[-1] = lines[-1][:-2] + b"a" * k + b"\r\n"
                    break
                lines.append(b"X-F: " + b"a" * (k - 7) + b"\r\n")
                left -= k
            try:
                self.wfile.write(head_bytes + b"".join(lines) + b"\r\n")
            except OSError:
                pass
            self.close_connection = True
        elif head == "redirect":
            k = int(parts[1])
            if k == 0:
                self.answer(200, {"redirected": True})
            else:
                self.answer(302, b"", "text/plain",
                            [("Location", "/redirect/%d" % (k - 1))])
        else:
            self.answer(404, {"error": {"type": "not_found"}})

    def respond(self, *args, **kw):
        if self.hold:
            self.held = (args, kw)
        else:
            self.answer(*args, **kw)

    def send_held(self):
        args, kw = self.held
        try:
            self.answer(*args, **kw)
        except OSError:
            pass

    def record_store(self, name, got):
        with lock:
            if name is None and self.command == "POST":
                versions[0] += 1
                try:
                    name = json.loads(got or b"null").get("name")
                except (ValueError, AttributeError):
                    name = None
                if not isinstance(name, str) or name in records:
                    name = "r%d" % versions[0]
                etag = '"%d"' % versions[0]
                records[name] = (got, self.headers.get("Content-Type")
                                 or "application/json", etag)
                self.respond(201, {"id": name},
                            extra=[("Location", "/records/" + name),
                                   ("ETag", etag)])
                return
            if name is None:
                self.respond(200, sorted(records))
                return
            have = records.get(name)
            if self.command in ("GET", "HEAD"):
                if have:
                    self.respond(200, have[0], have[1], [("ETag", have[2])])
                else:
                    self.respond(404, {"error": {"type": "not_found"}})
                return
            match = self.headers.get("If-Match")
            none_match = self.headers.get("If-None-Match")
            if (match and (not have or have[2] != match)) or \
                    (none_match == "*" and have):
                self.respond(412, {"error": {"type": "precondition_failed"}},
                            extra=[("ETag", have[2])] if have else [])
                return
            if self.command == "DELETE":
                if not have:
                    self.respond(404, {"error": {"type": "not_found"}})
                    return
                del records[name]
                self.respond(204)
                return
            versions[0] += 1
            etag = '"%d"' % versions[0]
            records[name] = (got, self.headers.get("Content-Type")
                             or "application/json", etag)
            self.respond(200 if have else 201, got,
                        records[name][1], [("ETag", etag)])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any
    do_OPTIONS = handle_any


def main():
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    # A deep listen queue: the tests open 40 connections at once.
    ThreadingHTTPServer.request_queue_size = 128
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
