#!/bin/sh
# fmt.sh MIG SRC BUILD: `mig fmt` end to end. On every plan in the
# repository that parses (the test cases, the examples, the docs' plans
# and the fuzz corpus) it must be idempotent, fmt(fmt(x)) = fmt(x), and
# never refuse (it refuses when the result would not have the original's
# tokens, comments, tree and graph: its own check of graph equality).
# The same over those plans made wide, so that their lines wrap. Then
# --check, --diff, in-place writing, bad input, the repository's
# examples kept in style, and resume after formatting (docs/fmt.md).
set -u
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
export NO_COLOR=1
unset MIG_CRASH_AT MIG_CRASH_COUNT
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-fmt.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
passes=0
fails=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# fmt_twice PLAN NAME: formats PLAN into $tmp/once, and that again; fails
# the test (naming NAME) on a refusal or when the second pass changes
# anything. Returns 1 when PLAN does not parse (not a refusal), else 0.
fmt_twice() {
  "$mig" fmt - < "$1" > "$tmp/once" 2> "$tmp/err"
  rc=$?
  if [ $rc -eq 1 ] && ! grep -q "not compile to the same" "$tmp/err"; then
    return 1
  fi
  if [ $rc -ne 0 ]; then
    bad "$2: mig fmt exited $rc"; cat "$tmp/err" >&2; return 0
  fi
  "$mig" fmt - < "$tmp/once" > "$tmp/twice" 2>&1 || bad "$2: second fmt failed"
  cmp -s "$tmp/once" "$tmp/twice" || {
    bad "$2: not idempotent"; diff "$tmp/once" "$tmp/twice" >&2; }
  return 0
}

# Every plan: formatted (exit 0) or not parsed (exit 1, not a refusal).
formatted=0
# (tests/fuzz/corpus/ is among them)
for f in $(cd "$src" && find . -name '*.mig' -not -path './build*' -not -path './bench/out/*' | sort); do
  [ -f "$src/$f" ] || continue
  fmt_twice "$src/$f" "$f" || continue
  formatted=$((formatted + 1))
  # the comments are all still there, in order
  grep -o '#.*' "$src/$f" | sed 's/[[:space:]]*$//' > "$tmp/c1"
  grep -o '#.*' "$tmp/once" | sed 's/[[:space:]]*$//' > "$tmp/c2"
  cmp -s "$tmp/c1" "$tmp/c2" || bad "$f: comments changed"
done
# the repository holds some hundreds of plans that parse
if [ "$formatted" -ge 200 ]; then ok; else bad "only $formatted plans formatted"; fi

# The same plans made wide (each plain string six times as long), so that
# many of their lines pass 100 columns and wrap (docs/fmt.md rule 8): the
# result must still mean the same (no refusal) and be idempotent.
wrapped=0
for f in $(cd "$src" && find tests/cases examples docs -name '*.mig' | sort); do
  sed 's/"\([A-Za-z0-9 ._\/-]*\)"/"\1\1\1\1\1\1"/g' "$src/$f" > "$tmp/wide"
  fmt_twice "$tmp/wide" "$f made wide" || continue
  [ "$(wc -l < "$tmp/once")" -gt "$(wc -l < "$tmp/wide")" ] && wrapped=$((wrapped + 1))
done
if [ "$wrapped" -ge 100 ]; then ok; else bad "only $wrapped wide plans wrapped"; fi

# The repository's own example plans are in style: CI's `mig fmt --check`.
if (cd "$src" && "$mig" fmt --check examples/*/plan.mig) > "$tmp/out" 2>&1; then
  ok
else
  bad "examples not formatted:"; cat "$tmp/out" >&2
fi

cd "$tmp" || exit 2
printf 'migration "m" {\nparam a=1\n  param longer = 2 # why\n\n\n\nstage s {\n      let x = a+-1\n}\n}\n' > messy.mig
cat > want.mig <<'PLAN'
migration "m" {
  param a      = 1
  param longer = 2 # why

  stage s {
    let x = a + -1
  }
}
PLAN
cp messy.mig messy.orig
cp want.mig clean.mig

# --check: lists the file that would change, exit 10, writes nothing
"$mig" fmt --check messy.mig clean.mig > out 2>&1
rc=$?
[ $rc -eq 10 ] && ok || bad "--check exited $rc, expected 10"
[ "$(cat out)" = "messy.mig" ] && ok || bad "--check printed: $(cat out)"
cmp -s messy.mig messy.orig && ok || bad "--check wrote the file"
"$mig" fmt --check clean.mig > out 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s out ] && ok || bad "--check on a clean file: $rc $(cat out)"

# --diff: a unified diff, nothing written
"$mig" fmt --diff messy.mig > out 2>&1
rc=$?
[ $rc -eq 0 ] && ok || bad "--diff exited $rc"
grep -q '^-param a=1$' out && grep -q '^+  param a      = 1$' out &&
  grep -q '^@@ -1,10 +1,8 @@$' out && ok || { bad "--diff printed:"; cat out >&2; }
cmp -s messy.mig messy.orig && ok || bad "--diff wrote the file"
# --diff with --check: the diff, and exit 10
"$mig" fmt --diff --check messy.mig > out 2>&1
[ $? -eq 10 ] && grep -q '^+++ messy.mig (formatted)$' out && ok ||
  bad "--diff --check"

# --diff compares line by line up to 16 Mi cells of its table (4096 x
# 4096 with the header line): a file of 4095 lines gets a small hunk, one
# of 4096 lines one hunk replacing the whole file (docs/cli.md)
for n in 4095 4096; do
  { echo 'migration "m" {'; echo 'param a=1'
    i=3; while [ $i -lt $n ]; do echo '  # c'; i=$((i + 1)); done; echo '}'; } > big$n.mig
done
"$mig" fmt --diff big4095.mig > out 2>&1
grep -q '^@@ -1,5 +1,5 @@$' out && [ "$(grep -c '^[-+][^-+]' out)" -eq 2 ] && ok ||
  { bad "--diff of 4095 lines:"; head -5 out >&2; }
"$mig" fmt --diff big4096.mig > out 2>&1
grep -q '^@@ -1,4096 +1,4096 @@$' out && ok || { bad "--diff of 4096 lines:"; head -5 out >&2; }

# in place, keeping the file's mode; a clean file is not rewritten
chmod 640 messy.mig
"$mig" fmt messy.mig clean.mig > out 2>&1
rc=$?
[ $rc -eq 0 ] && [ ! -s out ] && ok || bad "fmt in place: $rc $(cat out)"
cmp -s messy.mig want.mig && ok || { bad "in place:"; diff want.mig messy.mig >&2; }
[ "$(stat -c %a messy.mig)" = 640 ] && ok || bad "mode not kept"
ls messy.mig.tmp* > /dev/null 2>&1 && bad "temporary file left" || ok

# standard input, with no FILE and with "-"
"$mig" fmt < messy.orig > out 2>&1 && cmp -s out want.mig && ok || bad "stdin"
"$mig" fmt - < messy.orig > out 2>&1 && cmp -s out want.mig && ok || bad "-"

# a byte-order mark is dropped and \r\n line ends become \n outside
# strings (docs/fmt.md, rule 7); a string's own \r\n stays
printf '\357\273\277migration "m" {\r\nparam a=1\r\nlet s = "x\r\ny"\r\n}\r\n' > crlf.mig
printf 'migration "m" {\n  param a = 1\n  let s = "x\r\ny"\n}\n' > crlf.want
"$mig" fmt - < crlf.mig > out 2>&1 && cmp -s out crlf.want && ok ||
  { bad "BOM and CRLF:"; od -c out | head >&2; }

# a plan with a syntax error: located, exit 1, file untouched, others done
printf 'migration "m" {\n  param = 1\n}\n' > broken.mig
cp broken.mig broken.orig
cp messy.orig messy2.mig
"$mig" fmt broken.mig messy2.mig > out 2>&1
rc=$?
[ $rc -eq 1 ] && ok || bad "syntax error exited $rc"
grep -q '^broken.mig:2:9: error' out && ok || { bad "no location:"; cat out >&2; }
cmp -s broken.mig broken.orig && ok || bad "broken file written"
cmp -s messy2.mig want.mig && ok || bad "the good file was not formatted"
# unreadable, and an unknown option
"$mig" fmt no-such.mig > out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "no-such.mig" out && ok || bad "missing file: $rc"
"$mig" fmt --bogus messy.mig > out 2>&1
[ $? -eq 2 ] && ok || bad "unknown option"

# A resume after formatting the plan is accepted; after a real change,
# refused (the plan digest ignores layout and comments only).
mkdir r1 && cd r1 || exit 2
printf 'migration "r" {\nstage one {\nstep a = file.write(path:"a.txt",content:"a")\n  step b = file.write(path:"b.txt",content:"b")  # two\n}\n}\n' > plan.mig
cp plan.mig ../plan.orig
( (MIG_CRASH_AT=3 exec "$mig" run plan.mig) > /dev/null 2>&1 ) 2> /dev/null
rc=$?
[ $rc -eq 137 ] && ok || bad "crash run exited $rc"
"$mig" fmt plan.mig && ! cmp -s plan.mig ../plan.orig && ok || bad "not reformatted"
"$mig" resume last > ../out 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(cat a.txt b.txt)" = ab ] && ok ||
  { bad "resume after fmt exited $rc"; cat ../out >&2; }
cd .. && mkdir r2 && cd r2 || exit 2
cp ../plan.orig plan.mig
( (MIG_CRASH_AT=3 exec "$mig" run plan.mig) > /dev/null 2>&1 ) 2> /dev/null
sed 's/content:"b"/content:"c"/' ../plan.orig > plan.mig
"$mig" resume last > ../out 2>&1
rc=$?
[ $rc -ne 0 ] && grep -q "the plan changed since run 1 started" ../out && ok ||
  { bad "resume after a change exited $rc"; cat ../out >&2; }
cd ..

echo "$passes passed, $fails failed ($formatted plans formatted)"
[ "$fails" -eq 0 ]
