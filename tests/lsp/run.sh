#!/bin/sh
# The scripted LSP exchanges: for each NAME.in under tests/lsp/cases,
# frames its messages (lsp_frame), pipes them through `mig lsp`, and
# compares the bodies it answers, then its exit status, with NAME.expected
# (@DIR@ stands for the cases' folder). A case with a NAME.setup too gets
# a new folder of its own as @DIR@, made by `sh NAME.setup MIG FOLDER`
# (a state store, say) and removed after. Usage: run.sh MIG LSP_FRAME DIR
mig=$1 frame=$2 dir=$(cd "$3" && pwd)
pass=0 fail=0
tmp=${TMPDIR:-/tmp}/mig-lsp.$$
own=
trap 'rm -f "$tmp"; [ -z "$own" ] || rm -rf "$own"' EXIT
for in in "$dir"/*.in; do
    name=${in%.in}
    at=$dir
    if [ -f "$name.setup" ]; then
        own=$(mktemp -d "${TMPDIR:-/tmp}/mig-lsp-case.XXXXXX")
        at=$own
        if ! sh "$name.setup" "$mig" "$at" > "$tmp.err" 2>&1; then
            fail=$((fail + 1))
            echo "FAIL: ${name##*/}: its setup failed"
            cat "$tmp.err"
            continue
        fi
    fi
    "$frame" frame "$in" "$at" | "$mig" lsp > "$tmp.raw" 2>"$tmp.err"
    rc=$?
    { "$frame" unframe < "$tmp.raw"; echo "exit $rc"; cat "$tmp.err"; } \
        | sed "s|$at|@DIR@|g" > "$tmp"
    if [ -n "$own" ]; then
        rm -rf "$own"
        own=
    fi
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
