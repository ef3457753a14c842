#!/bin/sh
# docs_help.sh MIG SRC BUILD: the help docs/cli.md shows is what mig
# prints: the block after "$ mig help check", and every command of
# `mig help` has its section in docs/cli.md.
MIG=$1
. "$2/tests/runtime/lib.sh"
doc=$2/docs/cli.md
want=$(sed -n '/^\$ mig help check$/,/^```$/p' "$doc" | sed '1d;$d')
got=$("$MIG" help check)
[ "$want" = "$got" ] && ok || { bad "docs/cli.md's 'mig help check' differs from mig's"; printf '%s\n' "$got" | diff -u /dev/stdin - <<EOF2 >&2
$want
EOF2
}
for c in $("$MIG" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
  grep -q "^## mig $c\$" "$doc" && ok || bad "docs/cli.md has no section '## mig $c'"
done
summary
