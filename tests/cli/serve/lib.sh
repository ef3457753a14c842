# serve/lib.sh: what the tests of `mig serve` share (tests/cli/serve*.sh,
# docs/registry-api.md). Source it after tests/runtime/lib.sh with MIG
# set; it makes the work folder $W. Every server started here runs in the
# background and is killed when the script exits, however it exits.

W=$(mktemp -d "${TMPDIR:-/tmp}/mig-serve.XXXXXX")
# A server audits the requests that change something into the state store
# it finds here (docs/api.md): the work folder's, not the caller's.
cd "$W" || exit 1
: > "$W/pids"
mkdir -p "$W/x"
: > "$W/exchanges.tsv"
# At exit every server is stopped; a sanitizer's report in a server's
# stderr fails the test (under build-sanitize), else the folder goes.
stop_all() {
  rc=$?
  while read -r p; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done < "$W/pids"
  if grep -l 'Sanitizer\|runtime error:' "$W"/*.err 2>/dev/null; then
    echo "FAIL: a server's sanitizer report (above; kept in $W)" >&2
    exit 1
  fi
  rm -rf "$W"
  exit $rc
}
trap 'stop_all' EXIT
trap 'exit 1' INT TERM

# Starts `mig serve --listen 127.0.0.1:0 ARGS...` as server NAME: its pid
# in $PID, its URL in $URL (read from its one line on stdout), its
# stderr in $W/NAME.err. Fails the test when it does not listen in 10 s.
start_server() {
  sname=$1; shift
  : > "$W/$sname.out"
  "$MIG" serve --listen 127.0.0.1:0 "$@" > "$W/$sname.out" 2> "$W/$sname.err" &
  PID=$!
  echo "$PID" >> "$W/pids"
  URL=
  i=0
  while [ $i -lt 200 ]; do
    URL=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$W/$sname.out")
    [ -n "$URL" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
    i=$((i + 1))
  done
  bad "server $sname did not listen: $(cat "$W/$sname.err")"
  return 1
}

# Sends SIGNAL to server PID and waits for it: its exit status in $RC.
stop_server() {
  kill "-$1" "$2"
  wait "$2"
  RC=$?
}

# req METHOD PATH [CURL ARGS...]: one exchange with $URL; the status in
# $STATUS, the body in $BODY (and $W/body), the headers in $W/headers.
# Each exchange is logged for the OpenAPI check (serve/openapi_check.py):
# method, path, status, and the files of its headers and body.
req() {
  method=$1; path=$2; shift 2
  STATUS=$(curl -s -o "$W/body" -D "$W/headers" -w '%{http_code}' \
           -X "$method" "$@" "$URL$path")
  BODY=$(cat "$W/body")
  n=$(wc -l < "$W/exchanges.tsv")
  cp "$W/body" "$W/x/$n.body"
  cp "$W/headers" "$W/x/$n.headers"
  printf '%s\t%s\t%s\t%s\n' "$method" "${path%%\?*}" "$STATUS" "$n" \
    >> "$W/exchanges.tsv"
}

# Checks the last exchange's status.
status_is() {
  [ "$STATUS" = "$1" ] && ok \
    || { bad "$2: status $STATUS, expected $1"; printf '%s\n' "$BODY" >&2; }
}

# Checks that the last body holds TEXT.
body_holds() {
  case $BODY in
    *"$1"*) ok ;;
    *) bad "the body lacks '$1'"; printf '%s\n' "$BODY" >&2 ;;
  esac
}

# The value of header NAME of the last exchange (its line end dropped).
header() {
  sed -n "s/^$1: *\\(.*\\)\\r\$/\\1/Ip" "$W/headers" | head -1
}

# A valid record of KIND (tool, server, rag) named NAME with DESCRIPTION
# (default "Says NAME"), as JSON: what a plan's registry.put of
# {kind, name, description, inputSchema (tools), provenance} stores.
rec_json() {
  schema=
  [ "$1" = tool ] && schema='"inputSchema": {"type": "object"}, '
  printf '{"kind": "%s", "name": "%s", "description": "%s", %s"provenance": {"file": "tools.json", "pointer": "/%s", "format": "openai.tools", "digest": "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}}' \
    "$1" "$2" "${3:-Says $2}" "$schema" "$2"
}

# The record kind of collection COLL (tools, servers, backends).
kind_of() {
  case $1 in tools) echo tool ;; servers) echo server ;; *) echo rag ;; esac
}

# The bearer token TOKEN the test's servers take (--token-file $W/token):
# its header in $AUTH and, in $FP, what the audit trail names its holder
# by (`bearer:` and the first 16 hex digits of its BLAKE2b-256).
use_token() {
  TOKEN=$1
  printf '%s\n' "$TOKEN" > "$W/token"
  AUTH="Authorization: Bearer $TOKEN"
  FP=$(python3 -c "import hashlib,sys; print(hashlib.blake2b(sys.argv[1].encode(), digest_size=32).hexdigest()[:16])" "$TOKEN")
}

# Reads the audit trail of the state store STATE into $OUT and
# $W/audit.jsonl, and checks that each POST exchange left exactly one
# entry (its request in the detail) and that no entry of ACTIONS (a
# grep pattern of the actions of the commands the server ran) is a
# child's own, without a request.
one_entry_per_post() {
  expect 0 "$MIG" audit export --json --state "$1"
  printf '%s\n' "$OUT" > "$W/audit.jsonl"
  nr=$(grep -c '"request":"POST' "$W/audit.jsonl")
  posts=$(grep -c '^POST' "$W/exchanges.tsv")
  [ "$nr" -eq "$posts" ] && ok || bad "$nr entries of requests for $posts POST requests"
  own=$(grep "\"action\":\"\\($2\\)\"" "$W/audit.jsonl" | grep -vc '"request":')
  [ "$own" -eq 0 ] && ok || bad "$own entries of a child ($2) besides the requests'"
}

# Starts a run of a plan that sleeps 60 s, DIR/hang.mig, in the
# background ($HANG its pid), and waits (5 s at most) until the state
# store STATE shows it as its newest run.
start_hanging_run() {
  cat > "$1/hang.mig" <<'PLAN'
migration "hangs" {
  stage s {
    step nap = test.sleep(duration: 60s)
  }
}
PLAN
  "$MIG" run -q "$1/hang.mig" > /dev/null 2>&1 &
  HANG=$!
  i=0
  until "$MIG" status last --state "$2" 2>/dev/null | grep -q hangs \
        || [ $i -ge 100 ]; do
    sleep 0.05; i=$((i + 1))
  done
}
