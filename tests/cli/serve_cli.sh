#!/bin/sh
# serve_cli.sh MIG SRC BUILD: `mig serve`'s command line (docs/cli.md,
# docs/registry-api.md): what it refuses, with its message and exit
# status, each bound of a knob at the bound and past it; beyond loopback
# only with a token (exit 6 without); a token file read whole (4096
# bytes taken, 4097 not); a registry that cannot be served (damaged,
# another schema version, no folder for it); an address in use; and a
# signal that stops it cleanly (exit 0, the registry closed: no WAL left);
# --durability full syncs the registry's WAL at every put, grouped not.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"
. "$SRC/tests/cli/serve/lib.sh"
export NO_COLOR=1
R="--registry $W/reg.db"

# Each value an option takes at its bound: the server starts (then is
# stopped: exit 0).
starts() {
  start_server ok $R "$@" || return
  stop_server TERM "$PID"
  [ "$RC" -eq 0 ] && ok || bad "mig serve $* exited $RC on SIGTERM"
}
starts --latency 60s
starts --latency 0ms
starts --fail-rate 1 --fail-status 429 --retry-after 86400 --seed 9007199254740991
starts --fail-rate 0 --retry-after 0
starts --rate-limit 1/s
starts --rate-limit 1000000/s
starts --durability full

# ---- 1. usage errors: exit 2, the message, nothing listens ------------------
expect 2 "$MIG" serve && ok
holds "mig serve: error: give --registry PATH (the registry to serve, such as registry.db), --state PATH (the state store whose runs the API serves), or both"
expect 2 "$MIG" serve $R extra && ok
expect 2 "$MIG" serve $R --latency 60001ms && ok
holds "mig serve: error: --latency takes a duration from 0ms to 60s (such as 50ms), not '60001ms'"
expect 2 "$MIG" serve $R --latency 50 && ok
expect 2 "$MIG" serve $R --latency=-1s && ok
expect 2 "$MIG" serve $R --fail-rate 1.01 && ok
holds "mig serve: error: --fail-rate takes a share from 0 to 1 (such as 0.1), not '1.01'"
expect 2 "$MIG" serve $R --fail-rate -0.1 && ok
expect 2 "$MIG" serve $R --fail-rate nan && ok
expect 2 "$MIG" serve $R --fail-rate 0.5 --fail-status 500 && ok
holds "mig serve: error: --fail-status takes 429 or 503, not '500'"
expect 2 "$MIG" serve $R --fail-rate 0.5 --retry-after 86401 && ok
holds "mig serve: error: --retry-after takes whole seconds from 0 to 86400, not '86401'"
expect 2 "$MIG" serve $R --fail-rate 0.5 --retry-after -1 && ok
expect 2 "$MIG" serve $R --fail-rate 0.5 --seed 9007199254740992 && ok
holds "mig serve: error: --seed takes a whole number from 0 to 2^53 - 1, not '9007199254740992'"
expect 2 "$MIG" serve $R --seed 3 && ok
holds "mig serve: error: --fail-status, --retry-after and --seed shape the failures of --fail-rate; give it too"
expect 2 "$MIG" serve $R --rate-limit 0/s && ok
holds "mig serve: error: --rate-limit takes N/s, N a whole number from 1 to 1000000 (such as 20/s), not '0/s'"
expect 2 "$MIG" serve $R --rate-limit 1000001/s && ok
expect 2 "$MIG" serve $R --rate-limit 5 && ok
expect 2 "$MIG" serve $R --rate-limit 5/m && ok
expect 2 "$MIG" serve $R --durability sometimes && ok
holds "mig serve: error: --durability takes 'grouped' or 'full', not 'sometimes'"
expect 2 "$MIG" serve $R --listen 127.0.0.1 && ok
holds "mig serve: error: --listen: '127.0.0.1' is not HOST:PORT (such as 127.0.0.1:8470)"
expect 2 "$MIG" serve $R --listen 127.0.0.1:65536 && ok
holds "mig serve: error: --listen: the port of '127.0.0.1:65536' is not a number from 0 to 65535"
expect 2 "$MIG" serve $R --listen example.com:80 && ok
holds "mig serve: error: --listen: 'example.com' is not a numeric IPv4 address (or localhost)"
[ ! -e "$W/reg.db" ] && ok || bad "a refused start created the registry"

# ---- 2. beyond loopback only with a token ------------------------------------
expect 6 "$MIG" serve $R --listen 0.0.0.0:0 && ok
holds "mig serve: error: refusing to listen on 0.0.0.0:0, beyond loopback, without a token"
holds "hint: give --token-file FILE (requests that change something then need 'Authorization: Bearer TOKEN'), or listen on 127.0.0.1"
expect 6 "$MIG" serve $R --listen '[::]:0' && ok
printf 'tok\r\n' > "$W/token"
"$MIG" serve $R --listen 0.0.0.0:0 --token-file "$W/token" > "$W/any.out" 2>&1 &
any=$!
echo "$any" >> "$W/pids"
i=0
while [ $i -lt 100 ] && ! grep -q listening "$W/any.out"; do sleep 0.05; i=$((i + 1)); done
grep -q '^mig serve: listening on http://0\.0\.0\.0:[1-9][0-9]*$' "$W/any.out" && ok \
  || bad "with a token it does not listen beyond loopback: $(cat "$W/any.out")"
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$W/any.out")
URL=http://127.0.0.1:$port
req PUT /v2/tools/x -H 'Authorization: Bearer tok' --data-binary "$(rec_json tool x)"
status_is 201 "a token file's CRLF is not part of the token"
stop_server INT "$any"
[ "$RC" -eq 0 ] && ok || bad "SIGINT: exit $RC"

# ---- 3. the token file --------------------------------------------------------
expect 2 "$MIG" serve $R --token-file "$W/none" && ok
holds "mig serve: error: cannot read the token file '$W/none': No such file or directory"
: > "$W/empty"
expect 2 "$MIG" serve $R --token-file "$W/empty" && ok
holds "mig serve: error: the token file '$W/empty' must hold one token of 1 to 4096 characters (letters, digits, - . _ ~ + / =) on one line"
printf 'two words\n' > "$W/spaced"
expect 2 "$MIG" serve $R --token-file "$W/spaced" && ok
printf 'a\nb\n' > "$W/lines"
expect 2 "$MIG" serve $R --token-file "$W/lines" && ok
python3 -c "print('t' * 4097)" > "$W/long"
expect 2 "$MIG" serve $R --token-file "$W/long" && ok
python3 -c "print('t' * 4096)" > "$W/longest"
start_server longest $R --token-file "$W/longest" || { summary; exit 1; }
req DELETE /v2/tools/nothing -H "Authorization: Bearer $(cat "$W/longest")"
status_is 404 "a token of 4096 characters"
req DELETE /v2/tools/nothing -H "Authorization: Bearer $(cat "$W/longest")t"
status_is 403 "a token of 4097 characters"
stop_server TERM "$PID"

# ---- 4. a registry that cannot be served ------------------------------------
printf 'not a database at all, but long enough to be read as one......\n' > "$W/junk.db"
expect 2 "$MIG" serve --registry "$W/junk.db" && ok
holds "mig serve: error: registry: '$W/junk.db' is not a registry database or is damaged"
sqlite3 "$W/v9.db" "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES('schema_version', '9');"
expect 2 "$MIG" serve --registry "$W/v9.db" && ok
holds "mig serve: error: registry: '$W/v9.db' has schema version 9; this mig knows version 3"
expect 2 "$MIG" serve --registry "$W/no/such/reg.db" && ok
holds "mig serve: error: registry: '$W/no/such/reg.db' cannot be created: '$W/no/such', the folder that would hold it, does not exist"

# ---- 5. an address in use; a clean stop -------------------------------------
start_server first $R || { summary; exit 1; }
first=$PID
addr=${URL#http://}
expect 2 "$MIG" serve $R --listen "$addr" && ok
holds "mig serve: error: $addr: cannot listen there: Address already in use"
req PUT /v2/tools/kept --data-binary "$(rec_json tool kept)"
status_is 201 "a put before the stop"
[ -e "$W/reg.db-wal" ] && ok || bad "the registry is not in WAL mode while served"
stop_server TERM "$first"
[ "$RC" -eq 0 ] && ok || bad "SIGTERM: exit $RC"
grep -qx 'mig serve: Terminated: stopped' "$W/first.err" && ok \
  || bad "stderr after SIGTERM: $(cat "$W/first.err")"
[ "$(wc -l < "$W/first.out")" -eq 1 ] && ok || bad "more than one line on stdout"
[ ! -e "$W/reg.db-wal" ] && ok || bad "the registry was not closed (its WAL is left)"
[ "$(sqlite3 "$W/reg.db" "select count(*) from tools where name = 'kept'")" = 1 ] && ok \
  || bad "the put did not last"
start_server hup $R || { summary; exit 1; }
stop_server HUP "$PID"
[ "$RC" -eq 0 ] && ok || bad "SIGHUP: exit $RC"

# ---- 6. durability: the syncs of the registry's WAL over 6 puts -------------
# Counted with strace, as tests/runtime/registry.sh 5b counts a run's
# (LeakSanitizer cannot run under ptrace: its leak check is off here).
wal_syncs() {
  db=$W/dur-$1.db
  : > "$W/dur.out"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -y -e trace=fsync,fdatasync -o "$W/dur.trace" \
    "$MIG" serve --listen 127.0.0.1:0 --registry "$db" --durability "$1" \
    > "$W/dur.out" 2> "$W/dur-$1.log" &
  tracer=$!
  echo "$tracer" >> "$W/pids"
  i=0
  while [ $i -lt 200 ] && ! grep -q listening "$W/dur.out"; do sleep 0.05; i=$((i + 1)); done
  URL=$(sed -n 's/^mig serve: listening on //p' "$W/dur.out")
  for n in 1 2 3 4 5 6; do
    req PUT "/v2/tools/d$n" --data-binary "$(rec_json tool "d$n")"
    status_is 201 "--durability $1: put d$n"
  done
  served=$(ps -o pid= --ppid "$tracer" | tr -d ' ')
  [ -n "$served" ] && kill -TERM "$served"
  wait "$tracer"
  syncs=$(grep -c "dur-$1.db-wal>" "$W/dur.trace")
}
wal_syncs full
[ "$syncs" -ge 6 ] && ok || bad "--durability full synced the WAL $syncs times over 6 puts"
wal_syncs grouped
[ "$syncs" -lt 6 ] && ok || bad "grouped durability synced the WAL $syncs times, at every put"

summary
