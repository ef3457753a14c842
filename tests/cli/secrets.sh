#!/bin/sh
# secrets.sh MIG SRC BUILD: a known secret (docs/values.md, "Secrets") goes
# through a plan: interpolated into a command's arguments and environment,
# a log line, a Lua function, a failing command's stderr, a `check` and an
# `undo` call. Every command of mig is run on it (check, graph, fmt, plan,
# run killed at a crash point, resume, rollback on failure, a rollback by
# hand and a resume, each with the variable gone and back, status,
# history, log, report,
# every export, with and without --run) and every stdout and stderr, the
# state store, its WAL, its other files and the object store are searched
# for the secret's bytes, their base64 and their hex: none may hold them.
# The same secret as a remote registry's token in mig.yaml, used by a
# plan that names no token (docs/configuration.md, "registries"), through
# every command too, against `mig serve` with that token.
# Negative controls: the commands do get the real bytes (they write them
# to files the test reads, and a `check` compares them; the registry
# takes the puts only with the token), and the search finds the secret
# where it was planted.
set -u
mig=$1
case $mig in /*) ;; *) mig=$(pwd)/$mig ;; esac

fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d) || exit 2
serve_pid=
trap '[ -z "$serve_pid" ] || kill "$serve_pid" 2>/dev/null
      [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
out=$work/out
mkdir -p "$out" "$work/p/adapters"
cd "$work/p" || exit 2

secret="s3cr3t-VALUE-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
b64=$(printf %s "$secret" | base64 | tr -d '\n')
hex=$(printf %s "$secret" | od -An -tx1 | tr -d ' \n')
MIG_TEST_SECRET=$secret
export MIG_TEST_SECRET

cat >adapters/sec.lua <<'EOF'
-- What Lua sees of a secret: an opaque userdata it cannot read.
local M = {}
function M.look(args)
  local s = args[1]
  local ok = pcall(function() return s .. "x" end)
  local idx = pcall(function() return s.bytes end)
  return { text = tostring(s), kind = mig.type(s), concat = ok,
           index = idx, back = s }
end
return M
EOF

cat >plan.mig <<'EOF'
migration "secrets" {
  param token = secret_env("MIG_TEST_SECRET")
  param failing = true
  lua "adapters/sec.lua" as sec

  stage one {
    checkpoint start
    step child = exec.run(
      cmd: ["sh", "-c", "printf %s \"$1\" > child.txt; echo \"out $1\"; echo \"err $T\" >&2", "x", "Bearer ${token}"],
      env: {T: token},
      check: ["sh", "-c", "test \"$(cat child.txt)\" = \"$1\"", "x", "Bearer ${token}"])
      undo exec.run(cmd: ["sh", "-c", "printf %s \"$1\" > undone.txt", "x", "u:" + token])
    step shell = exec.run(cmd: "printf %s \"${token}\" > shell.txt")
      undo exec.run(cmd: ["rm", "-f", "shell.txt"])
    step long = exec.run(cmd: ["sh", "-c", "head -c $((1048577 - $(printf %s \"$1\" | wc -c))) /dev/zero | tr '\\0' a; printf %s \"$1\"", "x", token])
      undo exec.run(cmd: ["true"])
    step said = log.info(message: "header Bearer ${token}")
    step seen = sec.look(token)
    verify seen.text == "***" and seen.kind == "secret" and not seen.concat and not seen.index else "lua read ${token}"
  }

  stage two after one {
    step bad = exec.run(cmd: ["sh", "-c", "echo \"denied $1\" >&2; exit 3", "x", token])
      undo exec.run(cmd: ["true"])
      when failing
  }

  on failure rollback to start
}
EOF

# Runs mig with the words given, its stdout and stderr kept as NAME.out
# and NAME.err; prints the exit status.
run() {
    name=$1
    shift
    NO_COLOR=1 "$mig" "$@" >"$out/$name.out" 2>"$out/$name.err"
    echo $?
}

expect() {   # expect NAME WANT GOT
    [ "$2" = "$3" ] || fail "$1: exit $3, expected $2 ($(cat "$out/$1.err"))"
}

expect check 0 "$(run check check plan.mig)"
expect graph 0 "$(run graph graph plan.mig)"
expect fmt 0 "$(run fmt fmt --diff plan.mig)"
expect plan 0 "$(run plan plan plan.mig)"
expect planjson 0 "$(run planjson plan --json plan.mig)"
grep -q '\*\*\*' "$out/plan.out" || fail "mig plan shows no *** for the secret"
# A secret parameter is not given on the command line.
expect paramcli 2 "$(run paramcli plan --param "token=$secret" plan.mig)"
grep -q "expected a secret (the default is \*\*\*), found '\*\*\*'" \
    "$out/paramcli.err" || fail "--param of a secret: $(cat "$out/paramcli.err")"

# Run 1: killed just after the command's effect, resumed (its check gets
# the real bytes again), then stage two fails and the run rolls back to
# `start`: the undo call gets the real bytes again.
MIG_CRASH_AT=after-effect:1 NO_COLOR=1 "$mig" run plan.mig \
    >"$out/run1.out" 2>"$out/run1.err"
[ "$(cat child.txt)" = "Bearer $secret" ] \
    || fail "the command did not get the secret's bytes"
rm -f child.txt.seen
expect resume1 7 "$(run resume1 resume 1)"
[ "$(cat undone.txt)" = "u:$secret" ] \
    || fail "the rollback's undo call did not get the secret's bytes"
rm -f undone.txt child.txt

# Run 2 succeeds; rolled back by hand with the variable gone (refused,
# naming it), then with it back.
expect run2 0 "$(run run2 run --param failing=false plan.mig)"
[ "$(cat child.txt)" = "Bearer $secret" ] || fail "run 2's command"
[ "$(cat shell.txt)" = "$secret" ] || fail "run 2's shell command line"
unset MIG_TEST_SECRET
expect rollback2a 5 "$(run rollback2a rollback 2)"
grep -q "the environment variable 'MIG_TEST_SECRET' is not set" \
    "$out/rollback2a.err" || fail "rollback without the variable: $(cat "$out/rollback2a.err")"
[ ! -e undone.txt ] || fail "an undo ran with a missing secret"
expect checkgone 0 "$(run checkgone check plan.mig)"
expect plangone 2 "$(run plangone plan plan.mig)"
grep -q "secret_env: the environment variable 'MIG_TEST_SECRET' is not set" \
    "$out/plangone.err" || fail "plan without the variable: $(cat "$out/plangone.err")"
MIG_TEST_SECRET=$secret
export MIG_TEST_SECRET
expect rollback2b 7 "$(run rollback2b rollback 2)"
[ "$(cat undone.txt)" = "u:$secret" ] || fail "run 2's undo call"

# Run 3 (the plan without its `on failure` hook, so that a failed run
# stays failed): killed before its first command started, resumed without
# the variable (the step fails, naming it), redriven with it back.
rm -f child.txt
grep -v 'on failure' plan.mig >plan3.mig
MIG_CRASH_AT=after-commit:1 NO_COLOR=1 "$mig" run --param failing=false \
    plan3.mig >"$out/run3.out" 2>"$out/run3.err"
unset MIG_TEST_SECRET
expect resume3a 3 "$(run resume3a resume 3)"
grep -q "InvalidConfig: exec.run: the secret in a word of the command cannot be read again: the environment variable 'MIG_TEST_SECRET' is not set" \
    "$out/resume3a.out" || fail "resume without the variable: $(cat "$out/resume3a.out")"
[ ! -e child.txt ] || fail "a command ran with a missing secret"
MIG_TEST_SECRET=$secret
export MIG_TEST_SECRET
expect resume3b 0 "$(run resume3b resume --failed-only 3)"
[ "$(cat child.txt)" = "Bearer $secret" ] || fail "run 3's redrive"

for r in 1 2 3; do
    expect "status$r" 0 "$(run "status$r" status "$r")"
    expect "statusjson$r" 0 "$(run "statusjson$r" status --json "$r")"
    expect "log$r" 0 "$(run "log$r" log "$r")"
    expect "logjson$r" 0 "$(run "logjson$r" log --json "$r")"
    expect "report$r" 0 "$(run "report$r" report "$r")"
    p=plan.mig
    [ "$r" != 3 ] || p=plan3.mig
    expect "exportrun$r" 0 "$(run "exportrun$r" export --run "$r" "$p")"
    expect "exportdot$r" 0 "$(run "exportdot$r" export -f dot --run "$r" "$p")"
done
expect history 0 "$(run history history)"
for f in json dot mermaid bpmn; do
    expect "export$f" 0 "$(run "export$f" export -f "$f" -o "$out/export.$f" plan.mig)"
done
grep -q '"level":"info","message":"\*\*\*"' "$out/logjson1.out" \
    || fail "the log line is not masked ***"
grep -q 'denied \*\*\*' "$out/statusjson1.out" \
    || fail "the failing command's stderr is not quoted, scrubbed"

# The configured token: mig.yaml's remote registry, its token the secret.
mkdir -p "$work/srv" reg/.git
printf '%s\n' "$secret" >"$work/srv/token"
chmod 600 "$work/srv/token"
(cd "$work/srv" && exec "$mig" serve --listen 127.0.0.1:0 --registry reg.db \
    --token-file token) >"$out/serve.out" 2>"$out/serve.err" &
serve_pid=$!
url=
for i in $(seq 100); do
    url=$(sed -n 's/^mig serve: listening on \(http:.*\)$/\1/p' "$out/serve.out")
    [ -n "$url" ] && break
    sleep 0.05
done
[ -n "$url" ] || fail "mig serve did not listen: $(cat "$out/serve.err")"
cat >reg/mig.yaml <<EOF
version: 1
registries:
  remote: {url: "$url", token: {secret: {env: MIG_TEST_SECRET}}}
EOF
cat >reg/plan.mig <<'EOF'
migration "configured-token" {
  stage one {
    checkpoint start
    step a = registry.put(db: registry("remote"), record: {kind: "tool",
      name: "a", description: "A", inputSchema: {type: "object"},
      provenance: {file: "t.json", pointer: "/a", format: "openai.tools",
        digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
    step gone = registry.delete(db: registry("remote"), name: "a")
    step again = registry.put(db: registry("remote"), record: {kind: "tool",
      name: "b", description: "B", inputSchema: {type: "object"},
      provenance: {file: "t.json", pointer: "/b", format: "openai.tools",
        digest: "blake2b:0000000000000000000000000000000000000000000000000000000000000000"}})
  }
}
EOF
cd reg || exit 2
expect regcheck 0 "$(run regcheck check plan.mig)"
expect reggraph 0 "$(run reggraph graph plan.mig)"
expect regplan 0 "$(run regplan plan plan.mig)"
expect regplanjson 0 "$(run regplanjson plan --json plan.mig)"
expect regconfig 0 "$(run regconfig config show plan.mig)"
expect regconfigjson 0 "$(run regconfigjson config show --json plan.mig)"
grep -q 'secret:env:MIG_TEST_SECRET' "$out/regconfig.out" \
    || fail "config show does not show the token masked"
# Killed after the first put's effect, resumed; rolled back by hand with
# the variable gone (refused, naming it; a run refused before anything),
# then with it back; run again.
MIG_CRASH_AT=after-effect:1 NO_COLOR=1 "$mig" run plan.mig \
    >"$out/regrun1.out" 2>"$out/regrun1.err"
expect regresume 0 "$(run regresume resume 1)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/tools/b")" = 200 ] \
    || fail "the configured token did not reach the registry"
unset MIG_TEST_SECRET
expect regrollbacka 5 "$(run regrollbacka rollback 1)"
grep -q "the environment variable 'MIG_TEST_SECRET' is not set" \
    "$out/regrollbacka.err" || fail "rollback without the token's variable: $(cat "$out/regrollbacka.err")"
expect regrungone 1 "$(run regrungone run plan.mig)"
MIG_TEST_SECRET=$secret
export MIG_TEST_SECRET
expect regrollbackb 0 "$(run regrollbackb rollback 1)"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v2/tools/b")" = 404 ] \
    || fail "the rollback with the configured token did not remove b"
expect regrun2 0 "$(run regrun2 run plan.mig)"
for r in 1 2; do
    expect "regstatus$r" 0 "$(run "regstatus$r" status "$r")"
    expect "regstatusjson$r" 0 "$(run "regstatusjson$r" status --json "$r")"
    expect "reglog$r" 0 "$(run "reglog$r" log "$r")"
    expect "reglogjson$r" 0 "$(run "reglogjson$r" log --json "$r")"
    expect "regreport$r" 0 "$(run "regreport$r" report "$r")"
    expect "regexport$r" 0 "$(run "regexport$r" export --run "$r" plan.mig)"
done
expect reghistory 0 "$(run reghistory history)"
expect regdrift 0 "$(run regdrift drift plan.mig)"
cd .. || exit 2

# The search: raw bytes, base64 and hex, everywhere mig wrote.
search() {   # search WHAT: the files that hold WHAT
    grep -rlaF -e "$1" "$out" .mig reg/.mig "$work/srv/.mig" 2>/dev/null
}
# (a command's output is kept up to 1 MiB: step `long` writes the secret
# across that bound, and not even its beginning is kept)
for what in "$secret" "$b64" "$hex" "${secret%?}"; do
    found=$(search "$what")
    [ -z "$found" ] || fail "the secret ($what) is in: $found"
done
ls .mig/state.db .mig/state.db-wal >/dev/null || fail "no state store"
# ... and the search works: it finds the secret where it was planted.
printf '%s\n' "$secret" >"$out/planted"
printf '%s\n' "$b64" >.mig/planted-b64
[ "$(search "$secret")" = "$out/planted" ] || fail "the search misses bytes"
[ "$(search "$b64")" = ".mig/planted-b64" ] || fail "the search misses base64"
echo "secrets: ok"
