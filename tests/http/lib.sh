# lib.sh: what the http.request scripts (tests/cli/http*.sh) share, on top
# of tests/runtime/lib.sh. Source it with SRC set to the source tree and
# the current directory a fresh temporary one. Every request goes to
# 127.0.0.1 only; no proxy from the environment is used.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy \
      NO_PROXY no_proxy

# Starts the scripted endpoint (tests/http/endpoint.py) on a port of the
# system's choosing (PORT names it) and stops it when the script ends,
# however it ends. Its requests are logged to ./endpoint.log.
# start_endpoint [PORT]: on that port instead.
start_endpoint() {
  rm -f port
  python3 "$SRC/tests/http/endpoint.py" port endpoint.log $1 \
    >endpoint.err 2>&1 &
  ENDPOINT_PID=$!
  trap 'kill $ENDPOINT_PID $EXTRA_PID 2>/dev/null; wait 2>/dev/null' EXIT
  trap 'exit 2' INT TERM
  i=0
  while [ ! -s port ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  if [ ! -s port ]; then
    echo "the endpoint did not start:" >&2; cat endpoint.err >&2; exit 2
  fi
  PORT=$(cat port)
  BASE=http://127.0.0.1:$PORT
}

# A port of 127.0.0.1 that nothing listens on (taken, then let go).
dead_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Replaces the endpoint's port (and the dead one) in $OUT with PORT/DEAD.
mask_ports() {
  OUT=$(printf '%s\n' "$OUT" | sed -e "s/127.0.0.1:$PORT/127.0.0.1:PORT/g" \
                                   -e "s/127.0.0.1:${DEAD:-none}/127.0.0.1:DEAD/g")
}

# The record store of the endpoint (/records): put NAME JSON stores a
# record behind mig's back; record NAME puts the record's body in $OUT.
put() {
  curl -s -o /dev/null -X PUT -H 'Content-Type: application/json' \
    --data "$2" "$BASE/records/$1"
}
record() { OUT=$(curl -s "$BASE/records/$1"); }
