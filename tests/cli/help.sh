#!/bin/sh
# help.sh MIG SRC BUILD: `mig help actions --json` lists the same rows as
# `mig help actions`, and `mig help ACTION` shows each one as the list
# does (docs/cli.md, "mig help").
MIG=$1
. "$2/tests/runtime/lib.sh"
text=$("$MIG" help actions) || bad "mig help actions failed"
json=$("$MIG" help actions --json) || bad "mig help actions --json failed"
n_text=$(printf '%s\n' "$text" | grep -c '^  [a-z_]*\.[a-z_]*')
n_json=$(printf '%s\n' "$json" | grep -c '^    "name": ')
[ "$n_text" -gt 20 ] && [ "$n_text" -eq "$n_json" ] && ok \
  || bad "help actions lists $n_text rows, --json $n_json"
[ "$(printf '%s\n' "$json" | head -1)" = "[" ] && ok || bad "--json is not an array"
# Every row: mig help NAME prints the block the list has for it.
for name in $(printf '%s\n' "$json" | sed -n 's/^    "name": "\(.*\)",$/\1/p'); do
  one=$("$MIG" help "$name") || { bad "mig help $name failed"; continue; }
  first=$(printf '%s\n' "$one" | sed -n 2p)
  printf '%s\n' "$text" | grep -qxF -- "$first" && ok || bad "mig help $name: '$first' is not in the list"
done
summary
