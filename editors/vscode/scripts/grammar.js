// scripts/grammar.js: run by `vsce package` (vscode:prepublish). The
// extension's grammar is the repository's one TextMate grammar,
// editors/textmate/mig.tmLanguage.json: this copies it into syntaxes/
// (ignored by git) so that the .vsix holds it, and fails when it is
// missing or is not JSON, so that no package is made without it.
'use strict';
const fs = require('fs');
const path = require('path');

const from = path.join(__dirname, '..', '..', 'textmate', 'mig.tmLanguage.json');
const to = path.join(__dirname, '..', 'syntaxes', 'mig.tmLanguage.json');
let text;
try {
  text = fs.readFileSync(from, 'utf8');
  if (JSON.parse(text).scopeName !== 'source.mig')
    throw new Error('its scopeName is not source.mig');
} catch (e) {
  console.error(`${from}: ${e.message}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(to), { recursive: true });
fs.writeFileSync(to, text);
