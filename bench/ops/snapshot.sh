#!/bin/sh
# snapshot.sh: the snapshot benchmark (docs/snapshots.md). `mig snapshot
# create` of a plan folder holding N files (default 100000) and `mig
# snapshot restore` of it into the emptied folder, against `tar -cf` and
# `tar -xf` of the same files in the same round (the floor: copy every
# byte once into one archive, and back), ROUNDS times (default 3), at N/8,
# N/4, N/2 and N (the growth at 2x, 4x, 8x). Each create is cold: the
# state store and its object store are removed first, so every file's
# bytes are written (a later snapshot of files that did not change writes
# nothing). Both wall time and CPU time (user + system, GNU time) are
# taken; the ratio rests on the CPU time, which a shared machine disturbs
# less. The files: N / 1000 folders of 1000 files each of 64 to 1,087
# bytes, the same bytes every time (gen below). Prints a table.
#
# usage: sh bench/ops/snapshot.sh MIG_BINARY [N]
#   BENCH_OUT is where the work goes (default bench/out/ops-snapshot).
set -eu
die() { echo "snapshot.sh: $*" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: snapshot.sh MIG_BINARY [N]"
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-100000}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/ops-snapshot}
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is needed for the CPU times"
now() { date +%s.%N; }
# Runs "$@" (its output to $out/last), appending its CPU seconds (user +
# system) to the file $1 and its wall seconds to $1.w.
timed() {
  f=$1; shift
  t1=$(now)
  /usr/bin/time -f "%U %S" -o "$f.t" "$@" > "$out/last" 2>&1 \
    || die "$* failed: $(cat "$out/last")"
  t2=$(now)
  awk '{ print $1 + $2 }' "$f.t" >> "$f"
  awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.4f\n", b - a }' >> "$f.w"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
XDG_CONFIG_HOME=$out/cfg
export XDG_CONFIG_HOME
unset MIG_AUDIT_KEY

# gen DIR N: the plan and N files under DIR/data.
gen() {
  python3 - "$1" "$2" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(root, exist_ok=True)
with open(os.path.join(root, "p.mig"), "w") as f:
    f.write('migration "bench-snapshot" {\n  stage a {\n'
            '    step w = file.write(path: "out.txt", content: "x")\n'
            '  }\n}\n')
for i in range(n):
    d = os.path.join(root, "data", "d%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    size = 64 + (i * 7919) % 1024
    body = ("%08d " % i) * (size // 9 + 1)
    with open(os.path.join(d, "f%06d.txt" % i), "w") as f:
        f.write(body[:size])
PY
}

printf '| files | create wall / CPU (median s) | tar -cf CPU | create / tar (CPU) | restore wall / CPU (median s) | tar -xf CPU | restore / tar (CPU) |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
prev_c=""
prev_r=""
growth=""
for size in $((n / 8)) $((n / 4)) $((n / 2)) "$n"; do
  w=$out/s$size
  gen "$w/ws" "$size"
  for f in c tc r tx; do : > "$w/$f"; : > "$w/$f.w"; done
  r=0
  while [ $r -lt "$rounds" ]; do
    rm -rf "$w/ws/.mig" "$w/x" "$w/t.tar"
    timed "$w/tc" tar -cf "$w/t.tar" -C "$w/ws" data
    (cd "$w/ws" && timed "$w/c" "$mig" snapshot create --name b p.mig)
    mkdir "$w/x"
    timed "$w/tx" tar -xf "$w/t.tar" -C "$w/x"
    rm -rf "$w/ws/data"
    (cd "$w/ws" && timed "$w/r" "$mig" snapshot restore b)
    grep -q "digest matches" "$out/last" || die "restore said: $(cat "$out/last")"
    [ "$(find "$w/ws/data" -type f | wc -l)" -eq "$size" ] \
      || die "the restore did not bring back $size files"
    r=$((r + 1))
  done
  c=$(median < "$w/c"); cw=$(median < "$w/c.w"); tc=$(median < "$w/tc")
  rr=$(median < "$w/r"); rw=$(median < "$w/r.w"); tx=$(median < "$w/tx")
  awk -v n="$size" -v c="$c" -v cw="$cw" -v tc="$tc" -v r="$rr" -v rw="$rw" \
      -v tx="$tx" 'BEGIN {
    rc = tc > 0 ? sprintf("%.1f", c / tc) : "-"
    rx = tx > 0 ? sprintf("%.1f", r / tx) : "-"
    printf "| %d | %.2f / %.2f | %.2f | %s | %.2f / %.2f | %.2f | %s |\n",
           n, cw, c, tc, rc, rw, r, tx, rx }'
  if [ -n "$prev_c" ]; then
    growth="$growth$(awk -v a="$prev_c" -v b="$c" -v x="$prev_r" -v y="$rr" \
      -v n="$size" 'BEGIN { printf "%d: create x%.2f, restore x%.2f; ", n,
      (a > 0 ? b / a : 0), (x > 0 ? y / x : 0) }')"
  fi
  prev_c=$c
  prev_r=$rr
  rm -rf "$w"
done
printf '\ngrowth of the CPU time at each doubling: %s\n' "$growth"
