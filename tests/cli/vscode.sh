#!/bin/sh
# vscode.sh MIG SRC BUILD: the VS Code extension (editors/vscode,
# docs/editors.md). It is built with `vsce package` from @vscode/vsce,
# installed with `npm ci` from editors/vscode/package-lock.json into
# BUILD/editors-vscode (once; again when the lock file changes), and the
# .vsix (a zip) must hold the manifest, the repository's TextMate grammar
# byte for byte, the language configuration, the entry point and
# vscode-languageclient, and no build-only file. Without node and npm, or
# when the install fails, the test fails. A package whose grammar is
# missing is refused.
set -u
src=$(cd "$2" && pwd)
build=$(cd "$3" && pwd)
passes=0
fails=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
command -v node > /dev/null && command -v npm > /dev/null ||
  { echo "FAIL: node and npm are needed"; exit 1; }
command -v unzip > /dev/null || { echo "FAIL: unzip is needed"; exit 1; }

# The extension beside the grammar, as in the repository: editors/vscode
# without what npm and vsce made there, and editors/textmate.
top=$build/editors-vscode
dir=$top/vscode
mkdir -p "$dir" "$top/textmate" || exit 1
if [ ! -x "$dir/node_modules/.bin/vsce" ] ||
   ! cmp -s "$src/editors/vscode/package-lock.json" "$dir/package-lock.json"; then
  rm -rf "$dir/node_modules"
  cp "$src/editors/vscode/package.json" "$src/editors/vscode/package-lock.json" "$dir/" || exit 1
  if ! (cd "$dir" && npm ci --no-audit --no-fund > install.log 2>&1); then
    echo "FAIL: npm ci failed:"; cat "$dir/install.log"; exit 1
  fi
fi
rm -rf "$dir/syntaxes" "$dir/scripts" "$dir"/*.vsix
(cd "$src/editors/vscode" && find . -path ./node_modules -prune -o \
   -path ./syntaxes -prune -o -name '*.vsix' -o -type f -print) > "$top/files"
while read -r f; do
  mkdir -p "$dir/$(dirname "$f")" && cp "$src/editors/vscode/$f" "$dir/$f" || exit 1
done < "$top/files"
cp "$src/editors/textmate/mig.tmLanguage.json" "$top/textmate/" || exit 1

vsce() { (cd "$1" && ./node_modules/.bin/vsce package --allow-missing-repository \
            --skip-license -o "$2") > "$top/package.log" 2>&1; }
if vsce "$dir" "$top/mig.vsix"; then ok; else bad "vsce package failed:"; cat "$top/package.log" >&2; fi

# What the .vsix holds.
rm -rf "$top/x" && mkdir "$top/x" && (cd "$top/x" && unzip -q "$top/mig.vsix") ||
  { echo "FAIL: the .vsix is not a zip"; exit 1; }
x=$top/x/extension
for f in extension.vsixmanifest '[Content_Types].xml' extension/package.json \
         extension/extension.js extension/language-configuration.json \
         extension/syntaxes/mig.tmLanguage.json extension/README.md \
         extension/node_modules/vscode-languageclient/package.json \
         extension/node_modules/vscode-jsonrpc/package.json; do
  [ -f "$top/x/$f" ] && ok || bad "the .vsix has no $f"
done
cmp -s "$x/syntaxes/mig.tmLanguage.json" "$src/editors/textmate/mig.tmLanguage.json" &&
  ok || bad "the .vsix's grammar is not editors/textmate/mig.tmLanguage.json"
for f in scripts node_modules/@vscode/vsce package-lock.json; do
  [ ! -e "$x/$f" ] && ok || bad "the .vsix holds the build-only $f"
done
# The manifest says what the files are, and every file it names is there.
node - "$x" > "$top/manifest.log" 2>&1 <<'JS' && ok || { bad "manifest:"; cat "$top/manifest.log" >&2; }
const fs = require('fs'), path = require('path');
const x = process.argv[2];
const m = JSON.parse(fs.readFileSync(path.join(x, 'package.json'), 'utf8'));
const fail = (s) => { console.log(s); process.exitCode = 1; };
const lang = m.contributes.languages.find((l) => l.id === 'mig');
if (!lang || !lang.extensions.includes('.mig')) fail('no language mig for .mig files');
const g = m.contributes.grammars.find((g) => g.language === 'mig');
if (!g || g.scopeName !== 'source.mig') fail('no grammar source.mig');
for (const f of [m.main, g && g.path, lang && lang.configuration])
  if (!f || !fs.existsSync(path.join(x, f))) fail(`${f}: named in package.json, not in the .vsix`);
if (m.contributes.configuration.properties['mig.path'].default !== 'mig')
  fail('no setting mig.path');
const c = JSON.parse(fs.readFileSync(path.join(x, lang.configuration), 'utf8'));
if (c.comments.lineComment !== '#' || c.comments.blockComment.join(' ') !== '/* */')
  fail('comments');
// The entry point finds vscode-languageclient inside the package alone.
require.resolve('vscode-languageclient/node', { paths: [x] });
if (!/args: \['lsp'\]/.test(fs.readFileSync(path.join(x, m.main), 'utf8')))
  fail('the entry point does not start `mig lsp`');
JS
node --check "$x/extension.js" && ok || bad "extension.js does not parse"

# The entry point's own logic, with stand-ins for VS Code and the client
# (no VS Code here): activate starts `PATH lsp` with PATH from mig.path
# ("mig" when unset) for mig documents, and a change of mig.path stops
# that server and starts the new one.
node - "$x" > "$top/entry.log" 2>&1 <<'JS' && ok || { bad "entry point:"; cat "$top/entry.log" >&2; }
const Module = require('module'), path = require('path'), assert = require('assert');
const x = process.argv[2];
const log = [];
let setting, onChange;
const vscode = {
  workspace: {
    getConfiguration: (s) => ({ get: (k) => (s === 'mig' && k === 'path' ? setting : undefined) }),
    onDidChangeConfiguration: (f) => { onChange = f; return { dispose() {} }; },
  },
  window: { showErrorMessage: (m) => log.push(`error ${m}`) },
};
class LanguageClient {
  constructor(id, name, server, client) {
    this.server = server;
    log.push(`new ${server.command} ${server.args.join(' ')} ${server.transport} ` +
             client.documentSelector.map((d) => d.language).join());
  }
  start() { log.push(`start ${this.server.command}`); return Promise.resolve(); }
  stop() { log.push(`stop ${this.server.command}`); return Promise.resolve(); }
}
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return load.call(this, request, ...rest);
};
const ext = require(path.join(x, 'extension.js'));
(async () => {
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.deepStrictEqual(log, ['new mig lsp undefined mig,mig', 'start mig']);
  assert.strictEqual(context.subscriptions.length, 1);
  setting = '/opt/mig/bin/mig';
  await onChange({ affectsConfiguration: (s) => s === 'mig.path' });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepStrictEqual(log.slice(2), ['stop mig', 'new /opt/mig/bin/mig lsp undefined mig,mig',
                                        'start /opt/mig/bin/mig']);
  await onChange({ affectsConfiguration: () => false });   // another setting
  await ext.deactivate();
  assert.deepStrictEqual(log.slice(5), ['stop /opt/mig/bin/mig']);
})().catch((e) => { console.log(e.message); process.exit(1); });
JS

# Without the grammar, no package: vscode:prepublish fails and says why.
bare=$top/bare/vscode
rm -rf "$top/bare" && mkdir -p "$bare" &&
  (cd "$dir" && tar cf - --exclude=./node_modules --exclude=./syntaxes .) |
  (cd "$bare" && tar xf -) && ln -s "$dir/node_modules" "$bare/node_modules"
if vsce "$bare" "$top/bare/mig.vsix"; then
  bad "packaged without the grammar"
else
  grep -q "textmate/mig.tmLanguage.json" "$top/package.log" && ok ||
    { bad "no word of the missing grammar:"; cat "$top/package.log" >&2; }
fi
[ ! -e "$top/bare/mig.vsix" ] && ok || bad "a .vsix was written without the grammar"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
