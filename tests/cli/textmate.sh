#!/bin/sh
# textmate.sh MIG SRC BUILD: editors/textmate/mig.tmLanguage.json, checked
# with vscode-textmate and vscode-oniguruma (editors/test/textmate.mjs)
# on a sample and on every plan in the repository that parses. The npm
# packages are installed with `npm ci` from editors/package-lock.json
# into BUILD/editors-npm (once). node and npm are needed: without them, or
# when the install fails, the test fails.
set -u
mig=$1
src=$(cd "$2" && pwd)
build=$(cd "$3" && pwd)
command -v node > /dev/null && command -v npm > /dev/null ||
  { echo "FAIL: node and npm are needed"; exit 1; }
dir=$build/editors-npm
if [ ! -f "$dir/node_modules/vscode-textmate/package.json" ] ||
   ! cmp -s "$src/editors/package-lock.json" "$dir/package-lock.json"; then
  mkdir -p "$dir" && cp "$src/editors/package.json" "$src/editors/package-lock.json" "$dir/" || exit 1
  if ! (cd "$dir" && npm ci --no-audit --no-fund > install.log 2>&1); then
    echo "FAIL: npm ci failed:"; cat "$dir/install.log"; exit 1
  fi
fi
cp "$src/editors/test/textmate.mjs" "$dir/"
plans=$(cd "$src" && for f in $(find . -name '*.mig' -not -path './build*' | sort); do
          "$mig" check --syntax-only "$f" > /dev/null 2>&1 && echo "$src/${f#./}"
        done)
# shellcheck disable=SC2086 # the plans are words on purpose
node "$dir/textmate.mjs" "$src/editors/textmate/mig.tmLanguage.json" $plans
