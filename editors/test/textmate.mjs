// textmate.mjs: checks editors/textmate/mig.tmLanguage.json with the
// engine VS Code uses (vscode-textmate, vscode-oniguruma). First a sample
// plan whose tokens must get the scopes below; then every plan named on
// the command line (the ones that parse) must end with the grammar back
// at its top level: no string, comment or interpolation left open.
//   node textmate.mjs GRAMMAR SAMPLE_PLANS...
import fs from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const [grammarPath, ...plans] = process.argv.slice(2);
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (s) => new oniguruma.OnigScanner(s),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async () => vsctm.parseRawGrammar(
    fs.readFileSync(grammarPath, 'utf8'), grammarPath),
});
const grammar = await registry.loadGrammar('source.mig');

function tokenize(text) {
  let stack = vsctm.INITIAL;
  const out = [];
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens)
      out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    stack = r.ruleStack;
  });
  return { tokens: out, stack };
}

let failed = 0;
const fail = (m) => { console.log('FAIL: ' + m); failed++; };

const sample = [
  '# top TODO',
  'migration "m ${ {a: 1}.a } \\n" {',
  '  param n = 1h30m',
  '  let x = log.error(message: "x") /* c */ + 2.5e3',
  '  stage s after t { verify true and not false }',
  '}',
].join('\n');
// [line, token text, the innermost scope it must have]
const want = [
  [1, '#', 'comment.line.number-sign.mig'],
  [1, 'TODO', 'keyword.other.todo.mig'],
  [2, 'migration', 'storage.type.mig'],
  [2, 'm ', 'string.quoted.double.mig'],
  [2, '${', 'punctuation.section.interpolation.begin.mig'],
  [2, '1', 'constant.numeric.mig'],
  [2, '\\n', 'constant.character.escape.mig'],
  [3, 'param', 'keyword.declaration.mig'],
  [3, '=', 'keyword.operator.mig'],
  [3, '1h30m', 'constant.numeric.duration.mig'],
  [4, 'log', 'variable.other.mig'],
  [4, 'error', 'variable.other.member.mig'],
  [4, '/*', 'comment.block.mig'],
  [4, '2.5e3', 'constant.numeric.mig'],
  [5, 'stage', 'storage.type.mig'],
  [5, 'after', 'storage.type.mig'],
  [5, 'verify', 'keyword.control.mig'],
  [5, 'true', 'constant.language.mig'],
  [5, 'not', 'keyword.operator.word.mig'],
];
const { tokens } = tokenize(sample);
for (const [line, text, scope] of want) {
  const t = tokens.find((t) => t.line === line && t.text.startsWith(text));
  if (!t) fail(`line ${line}: no token '${text}'`);
  else if (t.scopes[t.scopes.length - 1] !== scope)
    fail(`line ${line} '${text}': ${t.scopes.join(' ')}, expected ${scope}`);
}
// the interpolation's map braces do not end it early: '.a' is inside
const a = tokens.find((t) => t.line === 2 && t.text === 'a' &&
                     t.scopes.includes('variable.other.member.mig'));
if (!a || !a.scopes.includes('meta.interpolation.mig'))
  fail('the field after a map inside ${...} is not in the interpolation');

for (const p of plans) {
  const { stack } = tokenize(fs.readFileSync(p, 'utf8'));
  if (stack.depth !== 1) fail(`${p}: ends inside a string, comment or interpolation`);
}
console.log(`${want.length + 1 + plans.length - failed} passed, ${failed} failed (${plans.length} plans)`);
process.exit(failed ? 1 : 0);
