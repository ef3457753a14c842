#!/bin/sh
# Keeps the examples of a doc page true: a code block right after a line
#   <!-- file: PATH -->        must hold the file PATH (from ROOT), and one
#   <!-- output: mig ARGS -->  what `mig ARGS` prints, run in ROOT.
#
#   doc_blocks.sh MIG ROOT DOC.md            compare, print a diff per block
#   doc_blocks.sh MIG ROOT DOC.md --update   rewrite the blocks (review!)
set -u
mig=$1
root=$2
doc=$3
update=${4:-}
case $doc in /*) ;; *) doc=$(pwd)/$doc ;; esac
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
awk -v dir="$tmp" '
    /^<!-- (file|output): .* -->$/ {
        n++
        kind = ($2 == "file:") ? "file" : "output"
        what = $0
        sub(/^<!-- (file|output): /, "", what)
        sub(/ -->$/, "", what)
        print kind > (dir "/" n ".kind")
        print what > (dir "/" n ".what")
        printf "" > (dir "/" n ".block")
        state = 1
        next
    }
    state == 1 && /^```/ { state = 2; next }
    state == 2 && /^```$/ { state = 0; next }
    state == 2 { print > (dir "/" n ".block") }
' "$doc"
checked=0
failed=0
cd "$root" || exit 2
for kind_file in "$tmp"/*.kind; do
    [ -e "$kind_file" ] || continue
    n=${kind_file%.kind}
    what=$(cat "$n.what")
    if [ "$(cat "$kind_file")" = file ]; then
        cp "$what" "$n.actual" 2>/dev/null || echo "(no file $what)" >"$n.actual"
    else
        # shellcheck disable=SC2086 # the arguments are words on purpose
        NO_COLOR=1 "$mig" ${what#mig } >"$n.actual" 2>&1
    fi
    checked=$((checked + 1))
    if ! cmp -s "$n.block" "$n.actual"; then
        failed=$((failed + 1))
        echo "FAIL: $doc: the block after '<!-- $(cat "$kind_file"): $what -->' is out of date:"
        diff -u "$n.block" "$n.actual" | sed 's/^/    /'
    fi
done
[ "$checked" -gt 0 ] || { echo "doc_blocks.sh: no checked blocks in $doc" >&2; exit 1; }
if [ "$update" = "--update" ]; then
    awk -v dir="$tmp" '
        /^<!-- (file|output): .* -->$/ { n++; state = 1; print; next }
        state == 1 && /^```/ { state = 2; print; next }
        state == 2 && /^```$/ {
            while ((getline line < (dir "/" n ".actual")) > 0)
                print line
            state = 0
            print
            next
        }
        state == 2 { next }
        { print }
    ' "$doc" >"$tmp/doc" && cp "$tmp/doc" "$doc"
    echo "$doc: $checked blocks rewritten"
    exit 0
fi
echo "$checked blocks checked, $failed out of date"
[ "$failed" -eq 0 ]
