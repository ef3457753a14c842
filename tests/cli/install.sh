#!/bin/sh
# install.sh MIG SRC BUILD: `make install PREFIX=...` puts mig, its man
# page and its completions in place, and the man page and each shell's
# completions (written from the command table) name every command and
# every option of `mig help` (docs/cli.md, "Installing").
MIG=$1
SRC=$2
BUILD=$3
. "$SRC/tests/runtime/lib.sh"
p=$(mktemp -d "${TMPDIR:-/tmp}/mig-install.XXXXXX")
# The Makefile's install target, on the build this test belongs to.
make -s -C "$SRC" install BUILD="$BUILD" PREFIX="$p" CMAKE_ARGS= >"$p.log" 2>&1 \
  && ok || { bad "make install failed"; cat "$p.log" >&2; }
man=$p/share/man/man1/mig.1
bashc=$p/share/bash-completion/completions/mig
zshc=$p/share/zsh/site-functions/_mig
fishc=$p/share/fish/vendor_completions.d/mig.fish
for f in "$p/bin/mig" "$man" "$bashc" "$zshc" "$fishc"; do
  [ -s "$f" ] && ok || bad "not installed: $f"
done
[ -x "$p/bin/mig" ] && "$p/bin/mig" version | grep -q '^mig ' && ok || bad "the installed mig does not run"

# Every command of `mig help`, and every option of `mig help COMMAND`.
cmds=$("$MIG" help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
[ "$(printf '%s\n' "$cmds" | wc -l)" -ge 14 ] && ok || bad "mig help lists too few commands: $cmds"
for c in $cmds; do
  grep -q "^\.SS \"mig $c[ \"]" "$man" && ok || bad "man page lacks command $c"
  grep -q "^    $c)$" "$bashc" && ok || bad "bash completion lacks command $c"
  grep -q "^    $c)$" "$zshc" && grep -q "^        '$c:" "$zshc" && ok || bad "zsh completion lacks command $c"
  grep -q "__fish_use_subcommand -a $c " "$fishc" && ok || bad "fish completion lacks command $c"
  for o in $("$MIG" help "$c" | sed -n 's/^  .. .--\([a-z-]*\).*/\1/p;s/^  -., --\([a-z-]*\).*/\1/p'); do
    oroff=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
    sed -n "/^\.SS \"mig $c[ \"]/,/^\.S[SH]/p" "$man" | grep -q "\\\\fB\\\\-\\\\-$oroff\\\\fR" \
      && ok || bad "man page: mig $c lacks --$o"
    sed -n "/^    $c)$/,/;;$/p" "$bashc" | grep -q -- "--$o\\b" && ok || bad "bash: mig $c lacks --$o"
    sed -n "/^    $c)$/,/;;$/p" "$zshc" | grep -q -- "'\\*\\{0,1\\}--$o\\[" && ok || bad "zsh: mig $c lacks --$o"
    grep -q "__fish_seen_subcommand_from $c' -l $o\\b" "$fishc" && ok || bad "fish: mig $c lacks --$o"
  done
done

# The bash completion works: a command, an option, a file after --state.
if command -v bash >/dev/null; then
  got=$(cd "$p" && bash -c ". '$bashc'; COMP_WORDS=(mig rollb); COMP_CWORD=1; _mig; echo \${COMPREPLY[*]}")
  [ "$got" = "rollback" ] && ok || bad "bash: 'mig rollb' completes to '$got'"
  got=$(bash -c ". '$bashc'; COMP_WORDS=(mig run --dur); COMP_CWORD=2; _mig; echo \${COMPREPLY[*]}")
  [ "$got" = "--durability" ] && ok || bad "bash: 'mig run --dur' completes to '$got'"
  got=$(cd "$p" && bash -c ". '$bashc'; COMP_WORDS=(mig status --state sh); COMP_CWORD=3; _mig; echo \${COMPREPLY[*]}")
  [ "$got" = "share" ] && ok || bad "bash: '--state sh' completes to '$got'"
fi
if command -v groff >/dev/null; then
  warn=$(groff -man -Tutf8 -ww "$man" 2>&1 >/dev/null)
  [ -z "$warn" ] && ok || bad "groff warns about mig.1: $warn"
fi
rm -rf "$p" "$p.log"
summary
