// Edits in an open editor count before they are saved, and undoing them clears the finding.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, settle, assertDiagnostics, baseline } = require('./helpers');

describe('MeshLens on unsaved edits', function () {
  let api;
  let doc;
  before(async function () {
    api = await getApi();
  });
  after(async function () {
    if (!api) return; // activation failed: reported by `before`
    if (doc && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.whenIdle();
  });

  it('an edit that breaks the YAML gives ML0001 on that line; undo clears it', async function () {
    const uri = uriOf('reviews.yaml');
    const onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const original = doc.getText();
    const lineNo = 13; // 0-based: "      port: 9080" of the Service
    assert.strictEqual(doc.lineAt(lineNo).text, '      port: 9080', 'examples/reviews.yaml changed: update this test');

    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(lineNo).range, '      port: attempts: 9080');
    assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit refused the edit');
    assert.ok(doc.isDirty, 'the document should be dirty (unsaved)');
    await settle(api, () => {
      assertDiagnostics([...baseline(), { file: 'reviews.yaml', line: lineNo + 1, column: 13, code: 'ML0001', severity: 'error' }],
        () => true, 'MeshLens diagnostics with the unsaved edit');
    }, { what: 'ML0001 on the edited line' });
    assert.strictEqual(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), onDisk, 'the file on disk changed: the edit must stay unsaved');

    assert.strictEqual(vscode.window.activeTextEditor && vscode.window.activeTextEditor.document.uri.toString(), editor.document.uri.toString(), 'the edited editor is not active');
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), original, 'undo did not restore the text');
    await settle(api, () => assertDiagnostics(baseline(), () => true, 'MeshLens diagnostics after undo'), { what: 'no ML0001 after undo' });
  });
});
