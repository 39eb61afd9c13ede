// The exact side of phase 3's journey (lib/journey.mjs drives the same steps through the UI on a
// copy of bookinfo-broken/ and can only read what the screen shows): the same quick fix, completion
// and hover on examples/bookinfo-broken/ through VS Code's own commands, compared exactly.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, settle, assertDiagnostics, baseline } = require('./helpers');

const codeOf = (d) => String(typeof d.code === 'object' && d.code !== null ? d.code.value : d.code);
const labelOf = (item) => (typeof item.label === 'string' ? item.label : item.label.label);

describe('MeshLens on bookinfo-broken (the journey\'s steps, exactly)', function () {
  let api;
  before(async function () {
    api = await getApi();
    await api.whenIdle();
  });
  afterEach(async function () {
    if (!api) return;
    for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the examples baseline after the test' });
  });

  it('ML0010 on `lables` offers exactly the rename to `labels` (not preferred); applying it clears only that finding', async function () {
    const uri = uriOf('bookinfo-broken/notifications.yaml');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const diag = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'meshlens' && codeOf(d) === 'ML0010');
    assert.ok(diag, 'ML0010 on bookinfo-broken/notifications.yaml');
    assert.strictEqual(doc.getText(diag.range), 'lables');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    // The actions that come back through the API carry no diagnostics: pick the fix by its kind of title.
    const ours = actions.filter((a) => a.title.startsWith('Rename '));
    assert.deepStrictEqual(ours.map((a) => [a.title, Boolean(a.isPreferred)]), [['Rename "lables" to "labels"', false]], `actions: ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.ok(await vscode.workspace.applyEdit(ours[0].edit), 'the fix applies');
    assert.strictEqual(doc.lineAt(diag.range.start.line).text, '  labels:');
    await settle(api, () => assertDiagnostics(baseline().filter((p) => !(p.file === 'bookinfo-broken/notifications.yaml' && p.code === 'ML0010')), () => true, 'diagnostics after the fix'), {
      what: 'no ML0010 after the quick fix',
    });
  });

  it('ML1003 on subset v4 offers to add the subset to the DestinationRule', async function () {
    const uri = uriOf('bookinfo-broken/reviews.yaml');
    // The code action command needs the document open ("Illegal argument" otherwise).
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const diag = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'meshlens' && codeOf(d) === 'ML1003');
    assert.ok(diag, 'ML1003 on bookinfo-broken/reviews.yaml');
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, diag.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title).filter((t) => /subset/i.test(t));
    assert.strictEqual(titles.length, 1, `ML1003 actions: ${JSON.stringify(titles)}`);
    assert.match(titles[0], /^Add subset "v4" \(version: v4\) to DestinationRule bookinfo-broken\/reviews/);
  });

  it('completes the `subset:` value of the jason route with exactly the subsets v1, v2, v3 of DestinationRule bookinfo-broken/reviews', async function () {
    const doc = await vscode.workspace.openTextDocument(uriOf('bookinfo-broken/reviews.yaml'));
    await vscode.window.showTextDocument(doc);
    const line = 135; // 0-based: "            subset: v4"
    assert.strictEqual(doc.lineAt(line).text, '            subset: v4', 'examples/bookinfo-broken/reviews.yaml changed: update this test and lib/journey.mjs');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, doc.lineAt(line).range, '            subset: ');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, 20));
    const refs = list.items.filter((i) => i.kind === vscode.CompletionItemKind.Reference);
    assert.deepStrictEqual(refs.map(labelOf).sort(), ['v1', 'v2', 'v3'], `items: ${JSON.stringify(list.items.map((i) => [labelOf(i), i.kind]))}`);
    assert.ok(refs.every((i) => String(i.detail ?? '').includes('bookinfo-broken/reviews')), `details: ${JSON.stringify(refs.map((i) => i.detail))}`);
  });

  it('hover on the `timeout` field of a route shows its type and description', async function () {
    const doc = await vscode.workspace.openTextDocument(uriOf('bookinfo-broken/reviews.yaml'));
    const line = 149; // 0-based: "      timeout: 2s"
    assert.strictEqual(doc.lineAt(line).text, '      timeout: 2s', 'examples/bookinfo-broken/reviews.yaml changed: update this test and lib/journey.mjs');
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(line, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
    assert.match(text, /\*\*timeout\*\*/, `hover:\n${text}`);
    assert.match(text, /Timeout for HTTP requests/, `hover:\n${text}`);
  });
});
