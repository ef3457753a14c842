#!/bin/sh
# cases.sh MIG DIR [--update]: the data-driven cases of runs
# (tests/cases/run/). Each case is NAME.mig with, all optional:
#
#   NAME.args         more `mig run` arguments, shell words ("--inject 'a:B'")
#   NAME.files/       fixture files, copied beside the plan before the run
#   NAME.crash        "KIND N": kill the run (MIG_CRASH_AT) at the first
#                     crash point where its journal ends with the N-th
#                     event KIND ("retry-wait 2"), then `mig resume last`
#   NAME.resume-args  more `mig resume` arguments
#   NAME.files-after  lines "present PATH", "absent PATH" or "same PATH"
#                     (the bytes and mode of NAME.files/PATH): checked after
#                     the run (comments start with #)
#
# The case is copied into a new temporary directory and run there with
# `mig run --seed 1 ARGS NAME.mig`. NAME.expected holds "exit N" (the
# status of the run, or of the resume after a crash), the lines the
# command wrote to stderr (each after "stderr: "), then `mig log --brief
# last` (nothing when there is no run). A case fails when that differs or
# a files-after line does not hold; with --update the expected files are
# rewritten (review them!). Ends with "N passed, N failed".
set -u
MIG=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
DIR=$(cd "$2" && pwd)
UPDATE=${3:-}
export NO_COLOR=1
unset MIG_CRASH_AT MIG_CRASH_COUNT
passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mig-cases.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# The words of FILE (shell quoting allowed) as the line to eval after
# "set --"; nothing when FILE is absent.
words() {
  [ -f "$1" ] && tr '\n' ' ' < "$1"
}

# A fresh copy of case NAME in $work/run; prints nothing.
fresh() {
  rm -rf "$work/run"
  mkdir "$work/run"
  cp "$DIR/$1.mig" "$work/run/"
  if [ -d "$DIR/$1.files" ]; then cp -Rp "$DIR/$1.files/." "$work/run/"; fi
}

# Runs `mig run` on case NAME in $work/run with MIG_CRASH_AT=$2 (0: none)
# and, when $3 is "count", MIG_CRASH_COUNT; stdout to $work/out, stderr to
# $work/err; returns mig's status.
run_case() {
  name=$1 at=$2 count=${3:-}
  eval "set -- $(words "$DIR/$name.args")"
  if [ "$count" = count ]; then
    (cd "$work/run" && MIG_CRASH_COUNT=1 "$MIG" run --seed 1 "$@" "$name.mig") \
      > "$work/out" 2> "$work/err"
  else
    # The outer subshell says "Killed" after a crash: to /dev/null.
    ( (cd "$work/run" && MIG_CRASH_AT=$at exec "$MIG" run --seed 1 "$@" \
         "$name.mig") > "$work/out" 2> "$work/err"; exit $? ) 2> /dev/null
  fi
}

# The brief log of the last run in $work/run (nothing when there is none),
# the temporary folder taken out of paths (a resume names the plan by its
# absolute path).
brief_log() {
  if [ -f "$work/run/.mig/state.db" ]; then
    (cd "$work/run" && "$MIG" log --brief last) | sed "s|$work/run/||g"
  fi
}

# Kills case NAME at the crash point of its NAME.crash, then resumes it;
# returns the resume's status. Returns 125 (said in $work/why) when no
# crash point fits.
crash_and_resume() {
  set -- "$1" $(cat "$DIR/$1.crash")
  name=$1 kind=$2 nth=$3
  fresh "$name"
  run_case "$name" 0 count
  points=$(sed -n 's/^mig: crash points: //p' "$work/err")
  k=1
  while [ "$k" -le "${points:-0}" ]; do
    fresh "$name"
    run_case "$name" "$k"
    status=$?
    if [ "$status" -eq 137 ] \
       && [ "$(brief_log | tail -n 1 | cut -d' ' -f1)" = "$kind" ] \
       && [ "$(brief_log | grep -c "^$kind ")" -eq "$nth" ]; then
      eval "set -- $(words "$DIR/$name.resume-args")"
      (cd "$work/run" && "$MIG" resume "$@" last) > "$work/out" 2> "$work/err"
      return $?
    fi
    k=$((k + 1))
  done
  echo "no crash point of ${points:-none} ends with $kind number $nth" \
    > "$work/why"
  cat "$work/err" >> "$work/why"
  return 125
}

# Checks the lines of NAME.files-after in $work/run; says what fails in
# $work/why and returns 1.
files_after() {
  : > "$work/why"
  [ -f "$DIR/$1.files-after" ] || return 0
  while read -r what path; do
    case $what in
      ''|'#'*) continue ;;
      present) [ -e "$work/run/$path" ] || echo "$path is missing" ;;
      absent) [ ! -e "$work/run/$path" ] && [ ! -L "$work/run/$path" ] \
                || echo "$path is there" ;;
      same) orig="$DIR/$1.files/$path"
            if ! cmp -s "$orig" "$work/run/$path"; then
              echo "$path differs from $1.files/$path"
            elif [ "$(stat -c %a "$orig")" != "$(stat -c %a "$work/run/$path")" ]; then
              echo "$path has another mode than $1.files/$path"
            fi ;;
      *) echo "$1.files-after: unknown check '$what'" ;;
    esac
  done < "$DIR/$1.files-after" >> "$work/why"
  [ ! -s "$work/why" ]
}

cd "$DIR" || exit 2
for plan in *.mig; do
  [ -e "$plan" ] || continue
  name=${plan%.mig}
  : > "$work/why"
  if [ -f "$name.crash" ]; then
    crash_and_resume "$name"
    status=$?
  else
    fresh "$name"
    run_case "$name" 0
    status=$?
  fi
  {
    echo "exit $status"
    sed 's/^/stderr: /' "$work/err"
    brief_log
  } > "$work/got"
  ok=true
  if [ "$status" -eq 125 ]; then
    ok=false
  elif ! files_after "$name"; then
    ok=false
  fi
  if [ "$UPDATE" = "--update" ] && [ "$status" -ne 125 ]; then
    cp "$work/got" "$name.expected"
  fi
  if ! [ -f "$name.expected" ] || ! cmp -s "$work/got" "$name.expected"; then
    ok=false
  fi
  if $ok; then
    passed=$((passed + 1))
    continue
  fi
  failed=$((failed + 1))
  echo "FAIL: $DIR/$plan"
  sed 's/^/    /' "$work/why"
  if [ -f "$name.expected" ]; then
    diff -u "$name.expected" "$work/got" | sed 's/^/    /'
  else
    echo "    no $name.expected"
  fi
  echo "    mig printed:"
  sed 's/^/      /' "$work/out"
done
if [ $((passed + failed)) -eq 0 ]; then
  echo "cases.sh: no cases in $DIR" >&2
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
