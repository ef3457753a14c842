// extension.js: the VS Code extension's entry. It starts `mig lsp` (the
// program named by the setting mig.path) over standard input and output
// with vscode-languageclient, for .mig files, and starts it again when
// the setting changes. Highlighting comes from the TextMate grammar in
// package.json, not from here.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function start() {
  const command = vscode.workspace.getConfiguration('mig').get('path') || 'mig';
  // No transport: vscode-languageclient then talks over stdio without
  // adding a --stdio argument, which `mig lsp` does not take.
  const server = { command, args: ['lsp'] };
  client = new LanguageClient('mig', 'mig language server', server, {
    documentSelector: [
      { scheme: 'file', language: 'mig' },
      { scheme: 'untitled', language: 'mig' },
    ],
  });
  return client.start().catch((e) => {
    vscode.window.showErrorMessage(
      `mig: could not start "${command} lsp" (${e.message}); set mig.path to the mig program`);
  });
}

async function restart() {
  if (client) {
    const old = client;
    client = undefined;
    await old.stop().catch(() => {});
  }
  return start();
}

function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('mig.path'))
      restart();
  }));
  return start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
