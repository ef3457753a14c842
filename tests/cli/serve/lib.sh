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
