#!/bin/sh
# count.sh: the instructions of the HTTP benchmark's two clients, counted
# exactly by valgrind --tool=callgrind (user space, all threads), which a
# loaded machine does not blur as it blurs wall and CPU time: mig running
# bench/http/plan.mig for N records (default 1000) and bench_http_floor
# sending the same requests, each against a fresh `mig serve` on
# 127.0.0.1 port 0 (not counted). Prints both counts and their ratio;
# the callgrind files stay in OUT (BENCH_OUT, default bench/out/http-count)
# for callgrind_annotate. Slow: valgrind runs the client about 50 times
# slower (a minute or two at 1,000 records).
#
# Exit status: 0, or 2 when it could not run (no valgrind, a server that
# does not listen, a client that fails, a registry without every record).
#
# usage: sh bench/http/count.sh MIG_BINARY [N]
set -eu
die() { echo "count.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: count.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-1000}
here=$(cd "$(dirname "$0")" && pwd)
floor=$(cd "$(dirname "$mig")/.." && pwd)/bench/bench_http_floor
[ -x "$mig" ] || die "'$mig' is not an executable"
[ -x "$floor" ] || die "'$floor' is missing; build the bench targets first"
command -v valgrind > /dev/null || die "valgrind is needed"
command -v sqlite3 > /dev/null || die "the sqlite3 program is needed"
out=${BENCH_OUT:-$here/../out/http-count}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
spid=
trap '[ -z "$spid" ] || kill "$spid" 2>/dev/null || true' EXIT
trap 'exit 2' INT TERM

# Runs the client KIND (mig or floor) under callgrind against a fresh
# server in DIR; the count in DIR/count.
counted() {
  d=$1 kind=$2
  mkdir -p "$d"
  "$mig" serve --registry "$d/registry.db" --listen 127.0.0.1:0 \
    --durability grouped > "$d/serve.out" 2> "$d/serve.err" &
  spid=$!
  url= tries=0
  while [ -z "$url" ] && [ $tries -lt 200 ]; do
    sleep 0.05
    url=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$d/serve.out")
    tries=$((tries + 1))
  done
  [ -n "$url" ] || die "mig serve did not listen: $(cat "$d/serve.err")"
  if [ "$kind" = mig ]; then
    set -- "$mig" run plan.mig --quiet --param "url=$url" --param "count=$n" \
      --param width=64
  else
    set -- "$floor" "$url" "$n" 64
  fi
  (cd "$d" && valgrind --tool=callgrind \
     --callgrind-out-file="$d/callgrind.out" "$@" > "$d/client.log" 2>&1) \
    || die "the client failed in $d: $(tail -3 "$d/client.log")"
  kill "$spid"
  wait "$spid" || true
  spid=
  got=$(sqlite3 "$d/registry.db" "SELECT count(*) FROM tools")
  [ "$got" = "$n" ] || die "$d: the registry holds $got records of $n"
  sed -n 's/^totals: //p' "$d/callgrind.out" > "$d/count"
}

mkdir -p "$out/mig"
cp "$here/plan.mig" "$out/mig/plan.mig"
counted "$out/mig" mig
counted "$out/floor" floor
m=$(cat "$out/mig/count") f=$(cat "$out/floor/count")
printf 'instructions at %s records (callgrind, user space):\n' "$n"
printf '  mig run %s\n  floor   %s\n  mig / floor %s\n' "$m" "$f" \
  "$(awk -v m="$m" -v f="$f" 'BEGIN { printf "%.2f", m / f }')"
echo "  callgrind files: $out/mig/callgrind.out, $out/floor/callgrind.out"
