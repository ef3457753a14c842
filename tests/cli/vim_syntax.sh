#!/bin/sh
# vim_syntax.sh MIG SRC BUILD: editors/vim (docs/editors.md). Vim must be
# installed (scripts/deps.sh installs it). Checks that a .mig file gets
# filetype mig, that each kind of token of a sample plan gets its
# highlight group, that every keyword of grammar/lexer.l is in the syntax
# file (so a new keyword cannot be forgotten there), and that :MigFmt
# formats a buffer as mig fmt does and leaves a broken plan alone.
set -u
mig=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$2" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mig-vim.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
command -v vim > /dev/null || { bad "vim is not installed"; exit 1; }

cat > "$tmp/v.mig" <<'PLAN'
# top TODO
migration "m ${ a } \n" {
  param n = 1h30m
  let x = log.error(message: "x") /* c */ + 2.5e3
  stage s after t { verify true and not false }
}
PLAN
# line:col of a token, and the group it must have
cat > "$tmp/want" <<'WANT'
1:1 migComment
1:7 migTodo
2:1 migStructure
2:12 migString
2:15 migInterpDelim
2:17 migInterp
2:21 migEscape
3:3 migDeclare
3:11 migOperatorSym
3:13 migDuration
4:14 migField
4:36 migComment
4:45 migNumber
5:3 migStructure
5:11 migStructure
5:21 migControl
5:28 migConstant
5:33 migOperator
WANT
cat > "$tmp/probe.vim" <<VIM
let out = ['filetype ' . &filetype]
for line in readfile('$tmp/want')
  let [l, c] = split(split(line, ' ')[0], ':')
  call add(out, l . ':' . c . ' ' . synIDattr(synID(l + 0, c + 0, 1), 'name'))
endfor
call writefile(out, '$tmp/got')
qa!
VIM
vim -N -u NONE -i NONE -es --cmd "set rtp^=$src/editors/vim" \
    -c "filetype on" -c "syntax on" -c "e $tmp/v.mig" -c "source $tmp/probe.vim"
{ echo "filetype mig"; cat "$tmp/want"; } > "$tmp/expected"
if ! cmp -s "$tmp/expected" "$tmp/got"; then
  bad "highlight groups differ:"; diff "$tmp/expected" "$tmp/got" >&2
fi

# every keyword the scanner knows is highlighted
sed -n 's/^"\([a-z]*\)"  *RETURN(KW_.*/\1/p' "$src/grammar/lexer.l" > "$tmp/kw"
[ "$(wc -l < "$tmp/kw")" -ge 40 ] || bad "found only $(wc -l < "$tmp/kw") keywords in lexer.l"
while read -r k; do
  grep -q "^syn keyword mig[A-Za-z]* .*\<$k\>" "$src/editors/vim/syntax/mig.vim" ||
    bad "keyword '$k' is not in editors/vim/syntax/mig.vim"
done < "$tmp/kw"

# :MigFmt runs `mig fmt -` (found on PATH) over the buffer
mkdir "$tmp/bin" && ln -s "$mig" "$tmp/bin/mig"
printf 'migration "m" {\nparam a=1\n    stage s {\n  let x = a+1\n}\n}\n' > "$tmp/messy.mig"
printf 'migration "m" {\n  param = 1\n}\n' > "$tmp/broken.mig"
cp "$tmp/broken.mig" "$tmp/broken.orig"
"$mig" fmt - < "$tmp/messy.mig" > "$tmp/want.mig"
for f in messy broken; do
  PATH="$tmp/bin:$PATH" vim -N -u NONE -i NONE -es --cmd "set rtp^=$src/editors/vim" \
      -c "filetype plugin on" -c "e $tmp/$f.mig" -c "MigFmt" -c "w! $tmp/$f.out" -c "qa!" \
      > /dev/null 2>&1
done
cmp -s "$tmp/want.mig" "$tmp/messy.out" || { bad ":MigFmt:"; diff "$tmp/want.mig" "$tmp/messy.out" >&2; }
cmp -s "$tmp/broken.orig" "$tmp/broken.out" || { bad ":MigFmt changed a broken plan:"; cat "$tmp/broken.out" >&2; }

echo "$fails failed"
[ "$fails" -eq 0 ]
