#!/usr/bin/env python3
"""conns.py HOST PORT LIMIT TIMEOUT: checks the connection limit and the
timeout of `mig serve` (docs/registry-api.md, "Limits"). Opens LIMIT
connections that stay silent, the first after half a request line and
header (a slow client); the server keeps them all. The one after them
sends a whole request, which waits unanswered (in the system's listen
queue) while the LIMIT are open. Every silent one is closed by the
server after TIMEOUT seconds (not much sooner, not much later); then the
waiting request is answered, and so is a new one. Prints what is wrong;
exits 1 when anything is."""
import socket
import sys
import time


def closed_within(sock, seconds):
    """True when the server closes SOCK (or resets it) within SECONDS."""
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def main():
    host, port, limit, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    problems = []
    held = []
    start = time.monotonic()
    for i in range(limit):
        s = socket.create_connection((host, port))
        if i == 0:
            s.sendall(b"GET /v2/tools HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        held.append(s)
    # Let the server accept them all before the one too many.
    time.sleep(0.5)
    extra = socket.create_connection((host, port))
    extra.sendall(b"GET /v2/tools HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    extra.settimeout(2)
    try:
        early = extra.recv(64)
        problems.append("connection %d of a limit of %d was served at once: %r" % (limit + 1, limit, early))
    except socket.timeout:
        pass
    for i, s in enumerate(held[:3]):
        if closed_within(s, 0.01):
            problems.append("silent connection %d was closed before its timeout" % i)
    times = []
    for i, s in enumerate(held):
        if closed_within(s, timeout + 5 - (time.monotonic() - start)):
            times.append(time.monotonic() - start)
        else:
            problems.append("silent connection %d was never closed" % i)
        s.close()
    if times and min(times) < timeout - 1:
        problems.append("a silent connection was closed after %.1f s, before %g s" % (min(times), timeout))
    extra.settimeout(5)
    answer = extra.recv(64)
    if not answer.startswith(b"HTTP/1.1 200"):
        problems.append("the request that waited got %r" % answer)
    extra.close()
    s = socket.create_connection((host, port))
    s.sendall(b"GET /v2/tools HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    s.settimeout(5)
    answer = s.recv(64)
    if not answer.startswith(b"HTTP/1.1 200"):
        problems.append("after the timeouts a request got %r" % answer)
    s.close()
    for p in problems:
        print(p)
    print("%d connections held, closed after %.1f to %.1f s" % (limit, min(times or [0]), max(times or [0])))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
