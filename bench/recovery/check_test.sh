#!/bin/sh
# check_test.sh: bench_recovery_check's verdicts per kind, on a run made up
# from the generator's own expectations (no mig run): some repairable
# tools write their expected file (repaired correctly), one writes
# another (a wrong repair), the rest write nothing (missed); some
# unrepairable tools fail with their class (correctly refused), one with
# another class (missed), the rest succeed (wrong). The per-kind table's
# "all tools" row and one kind's row must be the counts computed here,
# and the exit status 1 (a wrong repair).
#
# usage: sh check_test.sh GEN CHECK DIR
set -eu
[ $# -eq 3 ] || { echo "usage: check_test.sh GEN CHECK DIR" >&2; exit 2; }
gen=$1 check=$2 dir=$3
rm -rf "$dir" && mkdir -p "$dir/out"
"$gen" "$dir" -n 200
python3 - "$dir" > "$dir/want.txt" <<'EOF'
import json, os, sys
d = sys.argv[1]
exp = json.load(open(os.path.join(d, "expected.json")))
rows = {}
log = open(os.path.join(d, "log.jsonl"), "w")
fixable = [i for i, x in enumerate(exp) if "file" in x]
hopeless = [i for i, x in enumerate(exp) if "file" not in x]
right, wrong_file = set(fixable[:120]), fixable[120]
refused, other_class = set(hopeless[:-2]), hopeless[-2]
for i, x in enumerate(exp):
    path = os.path.join(d, "out", x["name"] + ".json")
    if i in right:
        json.dump(x["file"], open(path, "w"))
        v = 0
    elif i == wrong_file:
        f = dict(x["file"], name="another")
        json.dump(f, open(path, "w"))
        v = 1
    elif "file" in x:
        v = 3
    elif i in refused or i == other_class:
        cls = x["fails"] if i in refused else "Transient"
        log.write(json.dumps({"kind": "item-failed", "node":
                              "migrate/foreach.tool", "item": str(i),
                              "data": {"class": cls, "message": "m"}}) + "\n")
        v = 2 if i in refused else 3
    else:
        v = 1
    kinds = [x["why"]] if "file" not in x else (x["faults"] or ["clean"])
    for k in kinds + ["**all tools**"]:
        r = rows.setdefault(k, [0, 0, 0, 0, 0])
        r[0] += 1
        r[v + 1] += 1
for k in ("**all tools**", "clean"):
    print("| %s | %s |" % (k, " | ".join(str(n) for n in rows[k])))
EOF
rc=0
"$check" "$dir" "$dir/log.jsonl" > "$dir/got.md" 2> /dev/null || rc=$?
[ "$rc" -eq 1 ] || { echo "check_test: exit $rc, expected 1 (a wrong repair)" >&2; exit 1; }
while IFS= read -r line; do
  grep -qxF "$line" "$dir/got.md" || { echo "check_test: no row '$line' in $dir/got.md" >&2; exit 1; }
done < "$dir/want.txt"
echo "check_test: $(wc -l < "$dir/want.txt") rows as computed"
