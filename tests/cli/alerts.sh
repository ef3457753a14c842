#!/bin/sh
# alerts.sh MIG SRC BUILD: mig.yaml's alerts end to end (docs/alerts.md):
# a run whose failure rate passes the threshold fires failure_rate once
# (once per window), delivered to a command (the payload on its standard
# input) and to a webhook (a POST to the scripted loopback endpoint,
# tests/http/endpoint.py); the firing is in `mig status`, its JSON and
# `mig log`; a run without failures fires nothing; a notifier that fails
# (a webhook answering 500, a command that cannot start) is a warning and
# a failed delivery, never a failed run; slow_run fires against the
# plan's earlier runs.
MIG=$1
SRC=$2
. "$SRC/tests/runtime/lib.sh"

d=$(mktemp -d "${TMPDIR:-/tmp}/mig-alerts.XXXXXX")
cd "$d" || exit 2
. "$SRC/tests/http/lib.sh"
start_endpoint
trap 'kill $ENDPOINT_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$d"' EXIT
mkdir -p repo/.git
cat > repo/p.mig <<'PLAN'
migration "alerts" {
  param wait = 1ms
  stage s {
    foreach i in range(4) tolerate 4 {
      step ping = test.sleep(duration: wait)
    }
  }
}
PLAN
yaml() {
  cat > repo/mig.yaml <<YAML
version: 1
alerts:
  failure_rate: {above: 0.5, window: 1h}
  slow_run: {times: 3}
  notify:
    command: [sh, -c, "cat >> alerts.jsonl; echo >> alerts.jsonl"]
    webhook: "$1"
YAML
}
yaml "$BASE/echo"
cd repo || exit 2

# 1. Three of four calls fail: failure_rate fires once (1h window), to
#    both notifiers.
expect 0 "$MIG" run p.mig --inject 'test.sleep:Unavailable:3' && ok
holds 'mig: alert failure_rate fired (1.0 against 0.5), sent'
[ "$(grep -c . alerts.jsonl)" -eq 1 ] && ok \
  || bad "the command got $(grep -c . alerts.jsonl) payloads, not 1"
holds_file() { grep -q "$1" "$2" && ok || { bad "$2 lacks $1"; cat "$2" >&2; }; }
holds_file '"alert":"failure_rate","run":1,"plan":"alerts"' alerts.jsonl
holds_file '"detail":{"value":1.0,"threshold":0.5,"window_ms":3600000}' alerts.jsonl
[ "$(grep -c 'POST /echo' ../endpoint.log)" -eq 1 ] && ok \
  || bad "the webhook got $(grep -c 'POST /echo' ../endpoint.log) POSTs, not 1"
expect 0 "$MIG" status 1 && ok
holds '  alert       failure_rate at '
holds ', sent'
expect 0 "$MIG" status --json 1 && ok
holds '"delivery": "sent"'
expect 0 "$MIG" log --brief 1 && ok
holds 'alert         {"alert":"failure_rate","delivery":"sent"'

# 2. No failure: nothing fires (and run 1, 13 or so ms, is history).
rm -f alerts.jsonl
expect 0 "$MIG" run p.mig && ok
case $OUT in *"mig: alert"*) bad "a run without failures fired: $OUT" ;; *) ok ;; esac
[ ! -e alerts.jsonl ] && ok || bad "a run without failures notified"

# 3. A webhook answering 500: a warning, a failed delivery, the run is
#    fine; the command still got its payload.
cd .. && yaml "$BASE/status/500" && cd repo || exit 2
expect 0 "$MIG" run p.mig --inject 'test.sleep:Unavailable:3' && ok
holds "mig: warning: alert failure_rate fired (1.0 against 0.5); its delivery failed: the webhook $BASE/status/500 answered 500"
[ "$(grep -c . alerts.jsonl)" -eq 1 ] && ok || bad "the command got no payload"
expect 0 "$MIG" status last && ok
holds "failed: the webhook $BASE/status/500 answered 500"

# 4. A command that cannot start: the same.
sed -i 's|command: \[sh, -c, .*|command: [/nonexistent/notify]|' mig.yaml
expect 0 "$MIG" run p.mig --inject 'test.sleep:Unavailable:3' && ok
holds "its delivery failed: the command '/nonexistent/notify' could not start"

# 5. slow_run: runs 1 to 4 took milliseconds each; a run of 4 x 300ms is
#    more than 3 times their median.
rm -f alerts.jsonl
cd .. && yaml "$BASE/echo" && cd repo || exit 2
expect 0 "$MIG" run p.mig --param wait=300ms && ok
holds 'mig: alert slow_run fired'
holds_file '"alert":"slow_run"' alerts.jsonl
holds_file '"history_ms":' alerts.jsonl

summary
