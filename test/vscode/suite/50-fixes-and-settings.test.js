// Quick fixes from findings, and the settings that change what is checked and shown.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, settle, assertDiagnostics, baseline } = require('./helpers');

const without = (pred) => baseline().filter((p) => !pred(p));

async function setConfig(section, key, value) {
  await vscode.workspace.getConfiguration(section).update(key, value, vscode.ConfigurationTarget.Workspace);
}

describe('MeshLens quick fixes and settings', function () {
  let api;
  before(async function () {
    api = await getApi();
  });
  afterEach(async function () {
    if (!api) return;
    for (const [section, key] of [['meshlens', 'rules'], ['meshlens', 'diagnostics.scope'], ['files', 'exclude']]) {
      await setConfig(section, key, undefined);
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the examples baseline after the test' });
  });

  it('offers the ML0003 fix as a quick fix (a suggestion, not preferred); applying it clears the finding', async function () {
    const uri = uriOf('missing-name.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diag = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'meshlens');
    assert.ok(diag, 'ML0003 diagnostic on missing-name.yaml');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const ours = actions.filter((a) => a.title.startsWith('Add metadata.name'));
    assert.deepStrictEqual(ours.map((a) => [a.title, Boolean(a.isPreferred)]), [['Add metadata.name: destinationrule', false]]);
    assert.ok(await vscode.workspace.applyEdit(ours[0].edit), 'the fix applies');
    assert.strictEqual(doc.lineAt(3).text, '  name: destinationrule');
    assert.strictEqual(doc.lineAt(4).text, '  namespace: default');
    await settle(api, () => assertDiagnostics(without((p) => p.code === 'ML0003'), () => true, 'diagnostics after the fix'), {
      what: 'no ML0003 after the quick fix',
    });
  });

  it('meshlens.rules turns a rule off and changes a severity', async function () {
    await setConfig('meshlens', 'rules', { ML0002: 'off', 'missing-name': 'warning' });
    const want = without((p) => p.code === 'ML0002').map((p) => (p.code === 'ML0003' ? { ...p, severity: 'warning' } : p));
    await settle(api, () => assertDiagnostics(want, () => true, 'diagnostics with meshlens.rules'), { what: 'the rule settings applied' });
  });

  it('files.exclude removes a folder from the index and its problems; removing the exclusion brings them back', async function () {
    await setConfig('files', 'exclude', { '**/helm': true });
    await settle(
      api,
      () => {
        assertDiagnostics(without((p) => p.file.startsWith('helm/')), () => true, 'diagnostics with helm/ excluded');
        assert.ok(!api.indexSnapshot().files.some((f) => f.includes('/helm/')), 'helm/ files left the index');
      },
      { what: 'helm/ excluded' },
    );
    await setConfig('files', 'exclude', undefined);
    await settle(api, () => assertDiagnostics(baseline()), { what: 'helm/ back after the exclusion is removed' });
  });

  it('diagnostics.scope openFiles shows problems only for open editors, while cross-file checks still see every file', async function () {
    await setConfig('meshlens', 'diagnostics.scope', 'openFiles');
    await settle(api, () => assertDiagnostics([], () => true, 'diagnostics with no editor open'), { what: 'no problems with nothing open' });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uriOf('gateway.yaml')));
    // The duplicate lives in a file that is not open: the index still knows it.
    await settle(
      api,
      () => assertDiagnostics(baseline().filter((p) => p.file === 'gateway.yaml'), () => true, 'diagnostics of the open file'),
      { what: 'ML0002 on the open gateway.yaml only' },
    );
  });
});
