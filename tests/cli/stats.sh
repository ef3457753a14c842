#!/bin/sh
# stats.sh MIG SRC BUILD: `mig stats` and `mig advise` end to end on runs
# of tiny plans (docs/analytics.md): success rates by legacy format, kind
# and complexity band from a real inventory (the counts, hand-checked;
# times vary and are not compared), retries and recoveries from seeded
# faults, the tables' titles, --json's shape, --plan and --since, and
# every usage error and store error with its exit status.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(fresh "$2/tests/cases/report/inventory.files")
trap 'rm -rf "$d"' EXIT
cd "$d" || exit 2
cp "$2/tests/cases/report/inventory.mig" .
# a tool of many parameters, for the high band: 13 scalar properties
python3 - <<'PY'
import json
props = {f"p{i}": {"type": "string"} for i in range(13)}
json.dump([{"type": "function", "function": {"name": "wide",
           "description": "thirteen parameters", "parameters":
           {"type": "object", "properties": props}}}],
          open("legacy/wide.json", "w"))
PY
expect 0 "$MIG" run -q --seed 1 \
  --inject 'migrate/foreach.file/foreach.record/v2:Unavailable:1' inventory.mig
cat >retry.mig <<'PLAN'
migration "retry" {
  stage work {
    foreach x in [1, 2, 3] parallel 2 {
      retry 3 backoff fixed(delay: 1ms) on Unavailable {
        step a = test.fail(times: 1, class: "Unavailable")
      }
      step b = test.sleep(duration: 30ms)
    }
  }
}
PLAN
expect 0 "$MIG" run -q --seed 1 retry.mig

# --json: the counts of each group (inventory: see docs/report.md; plus
# wide.json, one openai tool of 13 parameters, stored)
expect 0 "$MIG" stats --json
printf '%s\n' "$OUT" >stats.json
python3 - "$d/stats.json" <<'PY' && ok || bad "mig stats --json: wrong figures"
import json, sys
s = json.load(open(sys.argv[1]))
def rows(key, name):
    return {r[name]: (r["records"], r["migrated"], r["failed"],
                      r["not_reached"], r["rate"]) for r in s[key]}
want = {
  "stats": 1, "runs": 2,
  "records": {"total": 9, "migrated": 5, "failed": 2, "not_reached": 2,
              "rate": 0.7143},
}
bad = [k for k in want if s[k] != want[k]]
if rows("by_format", "format") != {
        "(none)": (0, 0, 0, 0, None), "flowise.tool": (2, 1, 1, 0, 0.5),
        "openai.tools": (1, 1, 0, 0, 1.0),
        "synapse": (6, 3, 1, 2, 0.75)}:
    bad.append("by_format " + repr(rows("by_format", "format")))
if rows("by_kind", "kind") != {"tool": (9, 5, 2, 2, 0.7143)}:
    bad.append("by_kind")
if rows("by_band", "band") != {"low": (8, 4, 2, 2, 0.6667),
                               "medium": (0, 0, 0, 0, None),
                               "high": (1, 1, 0, 0, 1.0)}:
    bad.append("by_band " + repr(rows("by_band", "band")))
if [b["band"] for b in s["by_band"]] != ["low", "medium", "high"]:
    bad.append("band order")
r = s["retries"]
if (r["waits"], r["steps_retried"], r["by_class"]) != \
        (3, 3, [{"class": "Unavailable", "waits": 3}]):
    bad.append("retries " + repr(r))
rv = s["recoveries"]
if [(x["class"], x["count"], x["skip"], x["succeeded"]) for x in rv] != \
        [("Conflict", 1, 1, 0)]:
    bad.append("recoveries " + repr(rv))
if [(t["plan"], t["records"], t["migrated"], t["rate"], t["retries"],
     t["recoveries"]) for t in s["trend"]] != [
        ("inventory", 9, 5, 0.7143, 0, 1), ("retry", 0, 0, None, 3, 0)]:
    bad.append("trend " + repr(s["trend"]))
if {a["action"] for a in s["actions"]} != {"registry.put", "test.fail",
        "test.sleep", "tools.normalize", "tools.read", "tools.scan"}:
    bad.append("actions")
if s["filter"] != {"since": None, "plan": None}:
    bad.append("filter")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY

# the text: every section's title, and the tables' headers
expect 0 "$MIG" stats
for t in "2 runs" "Records: 5 of 7 migrated (71.4%), 2 failed, 2 not reached" \
         "By legacy format" "By kind" "By complexity band" \
         "Durations per stage" "Durations per action" \
         "Retries: 3 waits" "Recoveries: 1 class and handler pair" \
         "Rollbacks: 0 (0 verified, 0 unverified, 0 not needed)" \
         "Trend (oldest first)"; do
  printf '%s\n' "$OUT" | grep -qF -- "$t" && ok || bad "mig stats: no '$t'"
done
printf '%s\n' "$OUT" | grep -q '^  openai.tools  *1  *1  *1  *0  *0  *100.0%$' \
  && ok || bad "mig stats: the openai.tools row"

# --plan by name and by file, --since at a bound
expect 0 "$MIG" stats --json --plan retry
printf '%s\n' "$OUT" | grep -q '^  "runs": 1,$' && ok || bad "--plan NAME"
expect 0 "$MIG" stats --json --plan ./inventory.mig
printf '%s\n' "$OUT" | grep -q '^  "runs": 1,$' && ok || bad "--plan FILE"
expect 0 "$MIG" stats --json --since 2000-01-01
printf '%s\n' "$OUT" | grep -q '^  "runs": 2,$' && ok || bad "--since old"
expect 0 "$MIG" stats --json --since 0d
printf '%s\n' "$OUT" | grep -q '^  "runs": 0,$' && ok || bad "--since now"

# --run: the critical path and the bound of the foreach (its items take
# 30ms at least, so the first two always overlap)
expect 0 "$MIG" stats --run last
printf '%s\n' "$OUT" | grep -q '^  work/foreach.x  *3  *2  *2$' && ok \
  || bad "stats --run: concurrency of work/foreach.x"
printf '%s\n' "$OUT" | grep -q '^Critical path: ' && ok || bad "no critical path"
expect 0 "$MIG" stats --run 1 --json
# the commits the run's process timed (its gauges, docs/metrics.md): at
# least the run's start and end
printf '%s\n' "$OUT" | tr -d '\n ' | grep -q '"journal_commits":{"commits":[1-9][0-9]*,"total_ms":[0-9.e+-]*,"mean_ms":[0-9.e+-]*}' && ok \
  || { bad "stats --run --json: journal_commits"; printf '%s\n' "$OUT" | grep -A4 journal_commits >&2; }
expect 0 "$MIG" stats --run 1
holds "Journal commits: "
case $OUT in *"as the run's last process timed them"*) ok ;; *) bad "stats --run: the commits line" ;; esac

# a path of 45 steps: the text shows the 40 that took and waited longest
mkdir long && cat >long/long.mig <<'PLAN'
migration "long" {
  stage work {
    foreach x in range(45) {
      step a = test.fail(times: 0)
    }
  }
}
PLAN
expect 0 "$MIG" run -q long/long.mig
expect 0 "$MIG" stats --state long/.mig/state.db --run last
rows=$(printf '%s\n' "$OUT" | grep -c '  work/foreach.x/a  ')
[ "$rows" -eq 40 ] && ok || bad "stats --run: $rows path rows shown, not 40"
holds "(5 steps that took and waited less are left out; --json lists them all)"
expect 0 "$MIG" stats --state long/.mig/state.db --run last --json
[ "$(printf '%s\n' "$OUT" | grep -c '"node": "work/foreach.x/a"')" -ge 45 ] \
  && ok || bad "stats --run --json: the whole path"

# mig advise: the inventory's ledger is needed by three tools
expect 0 "$MIG" advise inventory.mig
printf '%s\n' "$OUT" | grep -qF "migrate ledger first" && ok || bad "advise: first"
printf '%s\n' "$OUT" | grep -qF "because: 3 other records depend on it" && ok \
  || bad "advise: evidence"
expect 0 "$MIG" advise --json retry.mig
printf '%s\n' "$OUT" | grep -q '^  "suggestions": \[\],$' && ok \
  || bad "advise --json: retries that worked need no change"

# errors
expect 2 "$MIG" stats --since yesterday
printf '%s\n' "$OUT" | grep -qF "mig stats: error: --since takes a UTC time" \
  && ok || bad "--since yesterday"
expect 2 "$MIG" stats --run 1 --plan retry
expect 2 "$MIG" stats --run 9
printf '%s\n' "$OUT" | grep -qF "no run 9 in" && ok || bad "no run 9"
expect 2 "$MIG" stats extra
expect 8 "$MIG" stats --state "$d/none/state.db"
expect 8 "$MIG" advise --state "$d/none/state.db" retry.mig
printf '%s\n' "$OUT" | grep -qF "retry.mig has no runs to learn from" && ok \
  || bad "advise without a store"
printf 'migration "x" { stage a { step s = } }\n' >broken.mig
expect 1 "$MIG" advise broken.mig
expect 2 "$MIG" advise missing.mig
summary
