#!/bin/sh
# run.sh: the HTTP benchmark. plan.mig puts N (default 10000) tool
# records into the registry of `mig serve` over HTTP with http.request,
# 64 records in flight (`parallel 64`): per record the before-image GET
# (404: not there yet) and the PUT with If-None-Match: *, inside a retry
# on Transient. Against it, the floor (bench_http_floor: the same GETs
# and PUTs, the same bytes, 64 in flight on one libcurl multi handle, no
# engine). Each run gets a fresh server on 127.0.0.1 port 0 with a fresh
# registry (SERVE_DURABILITY, default grouped), stopped when it is done.
# Target: run / floor <= 1.5 (wall time, median of ROUNDS rounds,
# default 3). Then one round of each with the server answering 10% of
# requests 429 with `Retry-After: 0` (--fail-rate 0.1 --fail-status 429
# --retry-after 0 --seed 1): every record must land; the times and the
# retries are reported. GROWTH=1 adds one round at G/8, G/4, G/2 and G
# (requests per second at each), G being GROWTH_N (default N).
#
# Requests per second count the requests the records need (2 N: a GET
# and a PUT each), not the ones a retry sends again. CPU is user +
# system of the client (mig run or the floor) and, apart, of the server.
#
# The server answers one request at a time, and a GET of a record that
# is not there (every before-image here) reads every record of the
# registry for its aliases (registry.get), so the time grows with N
# squared: bench/RESULTS.md, "http".
#
# Exit status: 0 when the target is met, 1 when it is missed, 2 when the
# benchmark could not run or a check failed (a server that does not
# listen, a run or floor that fails, a registry without every record).
#
# usage: sh bench/http/run.sh MIG_BINARY [N]
set -eu
die() { echo "run.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: run.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-10000}
rounds=${ROUNDS:-3}
dur=${SERVE_DURABILITY:-grouped}
width=64
build=$(cd "$(dirname "$mig")/.." && pwd)
floor=$build/bench/bench_http_floor
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$mig" ] || die "'$mig' is not an executable"
[ -x "$floor" ] || die "'$floor' is missing; build the bench targets of $build first"
command -v sqlite3 > /dev/null || die "the sqlite3 program is needed to count the registry"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for the CPU times"
out=${BENCH_OUT:-$here/../out/http}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$here/../lib.sh"
tick=$(getconf CLK_TCK)

# The server: started by serve_start, stopped by serve_stop or, however
# the script ends, by the trap.
spid=
url=
cleanup() { [ -z "$spid" ] || { kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null; } || true; }
trap cleanup EXIT
trap 'exit 2' INT TERM

# Starts `mig serve` on a fresh registry DIR/registry.db with the knobs
# "$@"; its URL in $url (from its one line), within 10 s.
serve_start() {
  d=$1; shift
  rm -f "$d/registry.db" "$d/registry.db-wal" "$d/registry.db-shm"
  : > "$d/serve.out"
  "$mig" serve --registry "$d/registry.db" --listen 127.0.0.1:0 \
    --durability "$dur" "$@" > "$d/serve.out" 2> "$d/serve.err" &
  spid=$!
  tries=0
  while [ $tries -lt 200 ]; do
    url=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$d/serve.out")
    [ -n "$url" ] && return 0
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.05
    tries=$((tries + 1))
  done
  die "mig serve did not listen: $(cat "$d/serve.err")"
}

# Stops the server; its CPU seconds (user + system, from /proc before
# the signal) in $scpu. Fails when it does not exit 0 on SIGTERM.
serve_stop() {
  scpu=$(awk -v t="$tick" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$spid/stat")
  kill "$spid"
  wait "$spid" || die "mig serve exited $? on SIGTERM: $(tail -3 "$1/serve.err")"
  spid=
}

# Checks that the registry of DIR holds exactly the records t0..t{M-1}.
landed() {
  got=$(sqlite3 "$1/registry.db" "SELECT count(*) FROM tools WHERE name GLOB 't[0-9]*'")
  all=$(sqlite3 "$1/registry.db" "SELECT count(*) FROM tools")
  [ "$got" = "$2" ] && [ "$all" = "$2" ] \
    || die "$3: the registry holds $all records ($got of the $2 put)"
}

# One run of mig in DIR for M records against a fresh server with the
# knobs "$@": "WALL CPU SERVER-CPU" appended to DIR/mig.
run_mig() {
  d=$1 m=$2; shift 2
  rm -rf "$d/.mig"
  serve_start "$d" "$@"
  cpu_file=$d/run.cpu; : > "$cpu_file"
  t0=$(now)
  (cd "$d" && timed "$mig" run plan.mig --quiet --param "url=$url" \
     --param "count=$m" --param "width=$width" > "$d/run.log" 2>&1) \
    || die "mig run failed in $d: $(tail -5 "$d/run.log")"
  t1=$(now)
  serve_stop "$d"
  landed "$d" "$m" "mig run"
  echo "$(elapsed "$t0" "$t1") $(cpu_of) $scpu" >> "$d/mig"
}

# The same for the floor: "WALL CPU SERVER-CPU RETRIES" to DIR/floor.
run_floor() {
  d=$1 m=$2; shift 2
  serve_start "$d" "$@"
  cpu_file=$d/floor.cpu; : > "$cpu_file"
  t0=$(now)
  timed "$floor" "$url" "$m" "$width" > "$d/floor.log" \
    || die "the floor failed: $(cat "$d/floor.log")"
  t1=$(now)
  serve_stop "$d"
  landed "$d" "$m" "the floor"
  echo "$(elapsed "$t0" "$t1") $(cpu_of) $scpu $(awk '{ print $5 }' "$d/floor.log")" >> "$d/floor"
}

# The retries of the last run of mig in DIR: its retry-wait events.
mig_retries() {
  (cd "$1" && "$mig" log --brief last | grep -c '^retry-wait ') \
    || die "no retry in the log of the run against 10% of 429s"
}

# One round of mig and floor in DIR for M records, no knobs: appends
# "RATIO RUN FLOOR RECORDS RUN-CPU FLOOR-CPU SERVER-CPU(run) SERVER-CPU(floor)"
# to DIR/rounds.
round() {
  d=$1 m=$2
  : > "$d/mig"; : > "$d/floor"
  run_mig "$d" "$m"
  run_floor "$d" "$m"
  set -- $(cat "$d/mig") $(cat "$d/floor")
  awk -v r="$1" -v f="$4" -v n="$m" -v rc="$2" -v fc="$5" -v rs="$3" -v fs="$6" \
    'BEGIN { printf "%.3f %.4f %.4f %d %.2f %.2f %.2f %.2f\n", r / f, r, f, n, rc, fc, rs, fs }' \
    >> "$d/rounds"
}

rps() { awk -v n="$1" -v r="$2" 'BEGIN { printf "%.0f", 2 * n / r }'; }

w=$out/work
mkdir -p "$w"
cp "$here/plan.mig" "$w/plan.mig"
status=0
: > "$w/rounds"
i=0
while [ "$i" -lt "$rounds" ]; do round "$w" "$n"; i=$((i + 1)); done
set -- $(median < "$w/rounds")
ratio=$1 run_s=$2 floor_s=$3
printf '%9s %9s %9s %9s %9s %8s\n' records "run s" "req/s" "floor s" "floor r/s" ratio
printf '%9s %9s %9s %9s %9s %8s\n' "$n" "$run_s" "$(rps "$n" "$run_s")" "$floor_s" "$(rps "$n" "$floor_s")" "$ratio"
echo "  rounds (ratio run floor records; CPU s: run floor server-of-run server-of-floor):"
sed 's/^/    /' "$w/rounds"
awk -v r="$ratio" 'BEGIN { exit !(r <= 1.5) }' && v=PASS || { v=FAIL; status=1; }
echo "  run / floor <= 1.5: $v"

# 10% of the answers 429 with Retry-After: 0.
: > "$w/mig"; : > "$w/floor"
knobs="--fail-rate 0.1 --fail-status 429 --retry-after 0 --seed 1"
run_mig "$w" "$n" $knobs
mr=$(mig_retries "$w")
run_floor "$w" "$n" $knobs
set -- $(cat "$w/mig") $(cat "$w/floor")
echo "429 on 10% (Retry-After: 0): every record landed, by the run and by the floor"
printf '  run %s s (%s req/s, %s retries, CPU %s s), floor %s s (%s retries), run / floor %s\n' \
  "$1" "$(rps "$n" "$1")" "$mr" "$2" "$4" "$7" \
  "$(awk -v r="$1" -v f="$4" 'BEGIN { printf "%.3f", r / f }')"
echo "server durability: $dur; rounds: $rounds; $width in flight"

if [ "${GROWTH:-0}" = 1 ]; then
  echo "growth (one round each):"
  printf '  %9s %9s %9s %9s %8s\n' records "run s" "req/s" "floor s" ratio
  for k in 8 4 2 1; do
    m=$((${GROWTH_N:-$n} / k))
    : > "$w/rounds"
    round "$w" "$m"
    set -- $(cat "$w/rounds")
    printf '  %9s %9s %9s %9s %8s\n' "$m" "$2" "$(rps "$m" "$2")" "$3" "$1"
  done
fi
rm -rf "$w"
exit "$status"
