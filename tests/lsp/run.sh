#!/bin/sh
# The scripted LSP exchanges: for each NAME.in under tests/lsp/cases,
# frames its messages (lsp_frame), pipes them through `mig lsp`, and
# compares the bodies it answers, then its exit status, with NAME.expected
# (@DIR@ stands for the cases' folder). Usage: run.sh MIG LSP_FRAME DIR
mig=$1 frame=$2 dir=$(cd "$3" && pwd)
pass=0 fail=0
tmp=${TMPDIR:-/tmp}/mig-lsp.$$
trap 'rm -f "$tmp"' EXIT
for in in "$dir"/*.in; do
    name=${in%.in}
    "$frame" frame "$in" "$dir" | "$mig" lsp > "$tmp.raw" 2>"$tmp.err"
    rc=$?
    { "$frame" unframe < "$tmp.raw"; echo "exit $rc"; cat "$tmp.err"; } \
        | sed "s|$dir|@DIR@|g" > "$tmp"
    if diff -u "$name.expected" "$tmp" > "$tmp.diff"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: ${name##*/}"
        cat "$tmp.diff"
    fi
    rm -f "$tmp.raw" "$tmp.err" "$tmp.diff"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
