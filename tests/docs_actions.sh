#!/bin/sh
# docs/actions.md shows the output of `mig help actions`; this keeps the
# two the same. Usage: docs_actions.sh PATH/TO/mig PATH/TO/docs/actions.md
set -eu
expected=$(sed -n '/^## The standard library/,$p' "$2" | sed -n '/^```text$/,/^```$/p' | sed '1d;$d')
actual=$("$1" help actions)
if [ "$expected" != "$actual" ]; then
    echo "docs/actions.md is out of date; regenerate its last block with 'mig help actions'" >&2
    printf '%s\n' "$actual" | diff -u /dev/stdin - <<EOF2 >&2 || true
$expected
EOF2
    exit 1
fi
echo "docs/actions.md matches 'mig help actions'"
