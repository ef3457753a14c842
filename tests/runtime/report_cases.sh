#!/bin/sh
# report_cases.sh MIG DIR [--update]: the data-driven cases of `mig
# report` (tests/cases/report/). Each case is NAME.mig with, all optional:
#
#   NAME.files/        fixture files, copied beside the plan before the run
#   NAME.args          more `mig run` arguments, shell words
#   NAME.then          shell lines run after the run, in the case's folder,
#                      with $MIG set ("$MIG" rollback last)
#   NAME.report-args   the RUN operand and options of `mig report`
#                      (default: last)
#
# The case is copied into a new temporary directory and run there with
# `mig run --seed 1 ARGS NAME.mig`; then `mig report` prints its report as
# text and with --json. NAME.expected holds "exit N" (the run's status),
# "report exit N" and the text with every stderr line after "stderr: ",
# then "json exit N" and the JSON; times, durations, the host and pid are
# replaced by words (TIME, DURATION, HOST, PID) and the temporary folder by
# "CASE". A case fails when that differs; with --update the expected files
# are rewritten (review them!). The example of docs/report.md must be the
# inventory case's text report. Ends with "N passed, N failed".
set -u
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$(cd "$2" && pwd)
UPDATE=${3:-}
export MIG NO_COLOR=1 MIG_PROGRESS=plain
passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mig-report.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# What may differ between two runs of one case, replaced by words.
normal() {
  sed -e "s|$work/run|CASE|g" \
      -e 's/[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}\(\.[0-9]\{3\}\)\{0,1\}Z/TIME/g' \
      -e 's/^| duration | [0-9a-z]* |$/| duration | DURATION |/' \
      -e 's/"duration_ms": [0-9]*/"duration_ms": DURATION/' \
      -e 's/"host": "[^"]*"/"host": "HOST"/' -e 's/"pid": [0-9]*/"pid": PID/'
}

# Reports case NAME of the run in $work/run into $work/got.
report() {
  eval "set -- $([ -f "$DIR/$1.report-args" ] && tr '\n' ' ' < "$DIR/$1.report-args" || echo last)"
  (cd "$work/run" && "$MIG" report "$@") > "$work/out" 2> "$work/err"
  echo "report exit $?"
  normal < "$work/out"
  sed 's/^/stderr: /' "$work/err" | normal
  (cd "$work/run" && "$MIG" report --json "$@") > "$work/out" 2> "$work/err"
  echo "json exit $?"
  normal < "$work/out"
  sed 's/^/stderr: /' "$work/err" | normal
}

cd "$DIR" || exit 2
for plan in *.mig; do
  [ -e "$plan" ] || continue
  name=${plan%.mig}
  rm -rf "$work/run"
  mkdir "$work/run"
  cp "$plan" "$work/run/"
  if [ -d "$name.files" ]; then cp -Rp "$name.files/." "$work/run/"; fi
  eval "set -- $([ -f "$name.args" ] && tr '\n' ' ' < "$name.args")"
  (cd "$work/run" && "$MIG" run --seed 1 "$@" "$plan") > "$work/run.out" 2>&1
  status=$?
  if [ -f "$name.then" ]; then
    (cd "$work/run" && sh "$DIR/$name.then") >> "$work/run.out" 2>&1
  fi
  { echo "exit $status"; report "$name"; } > "$work/got"
  if [ "$UPDATE" = "--update" ]; then
    cp "$work/got" "$name.expected"
  fi
  if [ -f "$name.expected" ] && cmp -s "$work/got" "$name.expected"; then
    passed=$((passed + 1))
    continue
  fi
  failed=$((failed + 1))
  echo "FAIL: $DIR/$plan"
  if [ -f "$name.expected" ]; then
    diff -u "$name.expected" "$work/got" | sed 's/^/    /'
  else
    echo "    no $name.expected"
  fi
  echo "    the run printed:"
  sed 's/^/      /' "$work/run.out"
done
# docs/report.md shows the text report of the inventory case as it is.
doc=$DIR/../../../docs/report.md
if [ -f "$doc" ] && [ -f "$DIR/inventory.expected" ]; then
  sed -n '/^\$ mig report last$/,/^```$/p' "$doc" | sed '1d;$d' \
    | sed 's|/work/plans/|CASE/|' | normal > "$work/doc"
  sed -n '/^report exit 0$/,/^json exit/p' "$DIR/inventory.expected" \
    | sed '1d;$d' > "$work/golden"
  if cmp -s "$work/golden" "$work/doc"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: docs/report.md's example is not inventory.expected's report"
    diff -u "$work/golden" "$work/doc" | sed 's/^/    /'
  fi
fi
if [ $((passed + failed)) -eq 0 ]; then
  echo "report_cases.sh: no cases in $DIR" >&2
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
