#!/bin/sh
# mutation.sh [JOBS]: does the test suite catch planted bugs? (`make
# mutation`; not part of CI, as it builds and tests once per bug.)
#
# Copies the tracked files of this tree to a scratch folder, builds them
# and runs the whole suite once as a baseline (it must pass). Then, for
# each mutant below, plants its bug in the scratch copy with sed, builds
# again (incrementally), runs the suite (ctest, stopping at the first
# failure), and puts the file back. A mutant the suite fails on is
# CAUGHT; one it passes is MISSED. A mutant whose sed changes nothing is
# an error of this script (the code it targets moved): fix its pattern.
# Ends with the score, "caught N of M", and exits 1 when any was missed.
# bench/RESULTS.md ("mutation") records the score with the date.
#
# MUTATION_DIR keeps the scratch folder there (and keeps it afterwards).
# MUTATION_REV takes the tree of that commit instead of the working tree,
# and MUTATION_ONLY=issue plants only the six bugs of issue 14, item 16:
# `MUTATION_REV=d2f677d MUTATION_ONLY=issue sh scripts/mutation.sh` shows
# the suite before the bound tests missing them.
set -u
JOBS=${1:-2}
SRC=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${MUTATION_DIR:-}" ]; then
  work=$MUTATION_DIR; keep=1; mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/mig-mutation.XXXXXX") || exit 2; keep=0
fi
cleanup() { [ "$keep" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT
rm -rf "$work/src" "$work/build"
mkdir -p "$work/src"
if [ -n "${MUTATION_REV:-}" ]; then
  (cd "$SRC" && git archive "$MUTATION_REV") | tar -xf - -C "$work/src"
else
  (cd "$SRC" && git ls-files -z | xargs -0 tar -cf -) | tar -xf - -C "$work/src"
fi || { echo "mutation.sh: cannot copy the tree" >&2; exit 2; }
build() {
  cmake --build "$work/build" -j "$JOBS" > "$work/build.log" 2>&1
}
suite() {
  (cd "$work/build" && ctest -j "$JOBS" --stop-on-failure --timeout 300 \
     > "$work/test.log" 2>&1)
}
echo "mutation.sh: building $work/src"
cmake -S "$work/src" -B "$work/build" -DCMAKE_BUILD_TYPE=Debug \
  > "$work/build.log" 2>&1 && build \
  || { cat "$work/build.log" >&2; echo "mutation.sh: the build failed" >&2; exit 2; }
start=$(date +%s)
suite || { tail -30 "$work/test.log" >&2
           echo "mutation.sh: the suite fails without any mutant" >&2; exit 2; }
echo "mutation.sh: baseline suite passes ($(($(date +%s) - start))s)"

caught=0 missed=0 total=0
# mutant NAME FILE SED: plants the bug SED (a sed script) in FILE.
mutant() {
  name=$1 file=$work/src/$2 script=$3
  if [ -n "${MUTATION_ONLY:-}" ] && [ "$MUTATION_ONLY" != "$group" ]; then
    return
  fi
  total=$((total + 1))
  cp "$file" "$work/pristine"
  sed -i "$script" "$file"
  if cmp -s "$file" "$work/pristine"; then
    echo "mutation.sh: mutant '$name' changes nothing in $2: fix its pattern" >&2
    cp "$work/pristine" "$file"
    exit 2
  fi
  t0=$(date +%s)
  if ! build; then
    verdict="CAUGHT (does not build)"; caught=$((caught + 1))
  elif suite; then
    verdict="MISSED"; missed=$((missed + 1))
  else
    failed=$(sed -n 's/^[[:space:]]*[0-9]* - \([^ ]*\) (.*/\1/p' "$work/test.log" | head -3 | tr '\n' ' ')
    verdict="CAUGHT by $failed"; caught=$((caught + 1))
  fi
  printf '%-34s %s (%ss)\n' "$name" "$verdict" "$(($(date +%s) - t0))"
  cp "$work/pristine" "$file"
  touch "$file"
}

# ---- the bugs of issue 14, item 16 -----------------------------------------
group=issue
mutant factor-bound-0.9 interpreter/check_flow.c \
  's/if (f < 1) {/if (f < 0.9) {/'
mutant backoff-max-ignored runtime/sched_retry.c \
  's/p.max = backoff_arg(t, r, "max", INFINITY, ok);/p.max = INFINITY; (void)backoff_arg(t, r, "max", INFINITY, ok);/'
# (The message still names the limit: only a test at the bound sees it.)
mutant lua-instructions-doubled runtime/lua_call.c \
  's/m->spent += m->step;/m->spent += m->step \/ 2;/'
mutant lua-memory-doubled runtime/lua_sandbox.c \
  's/> m->limit/> 2 * m->limit/g'
mutant tolerate-rounds-up runtime/sched_foreach.c \
  's/? (size_t)floor(v \/ 100.0/? (size_t)ceil(v \/ 100.0/'
mutant rollback-always-matched runtime/rollback.c \
  's/bool matched = read \&\& val_len(differ) == 0;/bool matched = true;/'
# ---- more: the rest of issue 14's scope, and older promises ----------------
group=more
mutant seed-ignored runtime/draw.c \
  's/uint64_t s = seed ^ h;/uint64_t s = h; (void)seed;/'
mutant jitter-not-per-item runtime/sched_retry.c \
  's/                  t->item, rs->attempt);/                  "", rs->attempt);/'
mutant roots-prefix-not-folder interpreter/roots.c \
  's/ == 0 \&\& (name\[n\] == .*$/ == 0;/'
mutant roots-not-checked-at-run runtime/sched_paths.c \
  's/    if (!within_roots(t, n, row, args))/    if (0 \&\& !within_roots(t, n, row, args))/'
mutant roots-lock-shared runtime/roots_lock.c \
  's/e = lock_one(l, dir, root, true);/e = lock_one(l, dir, root, false);/'
mutant same-path-never-conflicts runtime/sched_paths.c \
  's/bool ok = !before || !unordered(before, who.data);/bool ok = true; (void)unordered;/'
mutant inject-count-ignored runtime/faults.c \
  's/            r->left--;/            (void)0;/'
mutant retry-one-attempt-more runtime/sched_retry.c \
  's/&& rs->attempt < rs->attempts/\&\& rs->attempt <= rs->attempts/'
mutant tolerate-one-more runtime/sched_foreach.c \
  's/&& l->failed_items < l->allowed;/\&\& l->failed_items <= l->allowed;/'
mutant lua-default-instructions-doubled runtime/lua_bridge.h \
  's/#define LUA_BRIDGE_INSTRUCTIONS 10000000u/#define LUA_BRIDGE_INSTRUCTIONS 20000000u/'
mutant lua-default-memory-doubled runtime/lua_bridge.h \
  's/#define LUA_BRIDGE_MEMORY ((size_t)64 << 20)/#define LUA_BRIDGE_MEMORY ((size_t)128 << 20)/'
mutant lua-budget-message-doubled runtime/lua_call.c \
  's/m->budget = m->bridge->instructions;/m->budget = 2 * m->bridge->instructions;/'
mutant jitter-full-is-none runtime/sched_retry.c \
  's/d = p->jitter == AST_JITTER_FULL ? u \* d : d \/ 2 + u \* (d \/ 2);/d = p->jitter == AST_JITTER_FULL ? d : d \/ 2 + u * (d \/ 2);/'

echo "caught $caught of $total ($missed missed)"
[ "$missed" -eq 0 ]
