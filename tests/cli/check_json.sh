#!/bin/sh
# check_json.sh MIG SRC BUILD: `mig check --json` with what the golden
# cases (tests/cases/check-json) cannot hold: a file name that is not
# UTF-8 (shown with '?', the JSON stays valid), a file that cannot be
# read (its message in the array, exit 2), standard input.
MIG=$1
. "$2/tests/runtime/lib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/mig-cli.XXXXXX")
bad_name=$(printf 'pl\377n.mig')
printf 'migration "m" {\n  stage s {\n    step a = file.read(path: "x")\n  }\n}\n' > "$d/$bad_name"
expect 0 "$MIG" check --json "$d/$bad_name" && ok
holds '"file": "'"$d"'/pl?n.mig",'
holds '"ok": true,'
expect 2 "$MIG" check --json "$d/missing.mig" && ok
holds '"exit": 2,'
holds '"plan": null,'
holds "\"message\": \"cannot open '$d/missing.mig': No such file or directory\","
OUT=$(printf 'migration "in" {\n}\n' | "$MIG" check --json - 2>&1)
holds '"file": "<stdin>",'
holds '"plan": "in",'
rm -rf "$d"
summary
