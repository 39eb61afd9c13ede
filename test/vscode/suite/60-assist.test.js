// Completion, hover and go-to-definition through VS Code's own commands, on examples/reviews.yaml
// (a Service, a DestinationRule with subsets v1 and v2, a VirtualService routing to them). Edits
// stay unsaved and are reverted: the workspace is left as the other tests expect it.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, relOf, settle, assertDiagnostics, baseline } = require('./helpers');

// 0-based lines of examples/reviews.yaml.
const SUBSET_LINE = 82; // "            subset: v1" of the VirtualService
const HOST_LINE = 81; // "            host: reviews" of the VirtualService
const DR_SUBSET_V1_LINE = 66; // "    - name: v1" of the DestinationRule

async function setConfig(key, value) {
  await vscode.workspace.getConfiguration('meshlens').update(key, value, vscode.ConfigurationTarget.Workspace);
}

const ranges = (item) => (item.range instanceof vscode.Range ? { inserting: item.range, replacing: item.range } : item.range);
const labelOf = (item) => (typeof item.label === 'string' ? item.label : item.label.label);

describe('MeshLens assist in YAML', function () {
  let api;
  let doc;
  before(async function () {
    api = await getApi();
    await api.whenIdle();
  });
  beforeEach(async function () {
    doc = await vscode.workspace.openTextDocument(uriOf('reviews.yaml'));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.lineAt(SUBSET_LINE).text, '            subset: v1', 'examples/reviews.yaml changed: update this test');
    assert.strictEqual(doc.lineAt(HOST_LINE).text, '            host: reviews', 'examples/reviews.yaml changed: update this test');
    assert.strictEqual(doc.lineAt(DR_SUBSET_V1_LINE).text, '    - name: v1', 'examples/reviews.yaml changed: update this test');
  });
  afterEach(async function () {
    if (!api) return;
    await setConfig('completion.fields', undefined);
    if (doc && doc.isDirty) {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settle(api, () => assertDiagnostics(baseline()), { what: 'the examples baseline after the test' });
  });

  /** Replaces a whole line without saving, and asks for completion at once (no wait for the debounce). */
  async function completeAfterEdit(line, text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, doc.lineAt(line).range, text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit refused the edit');
    const lastLine = text.split('\n').length - 1;
    const position = new vscode.Position(line + lastLine, text.split('\n')[lastLine].length);
    const list = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, position);
    return { position, items: list.items };
  }

  it('completes a subset value with the subsets of the DestinationRule of that host, on the unsaved text', async function () {
    const { position, items } = await completeAfterEdit(SUBSET_LINE, '            subset: ');
    const refs = items.filter((i) => i.kind === vscode.CompletionItemKind.Reference);
    assert.deepStrictEqual(refs.map(labelOf).sort(), ['v1', 'v2'], `reference items: ${JSON.stringify(items.map((i) => [labelOf(i), i.kind]))}`);
    // On the text of the disk (`subset: v1`) the item would replace `v1`; on the edited text there is nothing to replace.
    const r = ranges(refs[0]);
    assert.ok(r && r.replacing.start.isEqual(position) && r.replacing.end.isEqual(position), `range of ${labelOf(refs[0])}: ${JSON.stringify(r)}`);
    assert.ok(refs.every((i) => /reviews/.test(String(i.detail ?? ''))), `details name the DestinationRule: ${JSON.stringify(refs.map((i) => i.detail))}`);
  });

  it('meshlens.completion.fields false drops field names and keeps references', async function () {
    const keyLine = '            subset: v1\n            ';
    const before = await completeAfterEdit(SUBSET_LINE, keyLine);
    const fields = before.items.filter((i) => i.kind === vscode.CompletionItemKind.Field).map(labelOf);
    assert.ok(fields.includes('port'), `field names of a destination without port: ${JSON.stringify(fields)}`);
    await vscode.commands.executeCommand('workbench.action.files.revert');

    await setConfig('completion.fields', false);
    const after = await completeAfterEdit(SUBSET_LINE, keyLine);
    assert.deepStrictEqual(after.items.filter((i) => i.kind === vscode.CompletionItemKind.Field).map(labelOf), [], 'no field names with the setting off');
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const refs = (await completeAfterEdit(SUBSET_LINE, '            subset: ')).items.filter((i) => i.kind === vscode.CompletionItemKind.Reference);
    assert.deepStrictEqual(refs.map(labelOf).sort(), ['v1', 'v2'], 'subset references with the setting off');
  });

  it('hover on a destination host shows the Service and its ports, with a link that opens it', async function () {
    const position = new vscode.Position(HOST_LINE, doc.lineAt(HOST_LINE).text.indexOf('reviews') + 2);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, position);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n---\n');
    assert.ok(/9080/.test(text), `the hover names the Service's port 9080:\n${text}`);
    assert.ok(text.includes('command:meshlens.openLocation'), `the hover links to the Service:\n${text}`);
  });

  it('go to definition on a subset lands on the subset of the DestinationRule', async function () {
    const position = new vscode.Position(SUBSET_LINE, doc.lineAt(SUBSET_LINE).text.indexOf('v1') + 1);
    const found = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, position);
    const places = found.map((l) => (l instanceof vscode.Location ? { uri: l.uri, range: l.range } : { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange }));
    assert.strictEqual(places.length, 1, `definitions: ${JSON.stringify(places)}`);
    assert.strictEqual(places[0].uri.toString(), doc.uri.toString());
    assert.strictEqual(places[0].range.start.line, DR_SUBSET_V1_LINE, `definition at ${JSON.stringify(places[0].range)}`);
  });

  it('a "referenced by N" lens on the Service opens its references', async function () {
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 10);
    const ours = lenses.filter((l) => l.command && /^referenced by \d+$/.test(l.command.title));
    const service = ours.find((l) => l.range.start.line === 5); // "  name: reviews" of the Service
    assert.ok(service, `lenses: ${JSON.stringify(ours.map((l) => [l.range.start.line, l.command.title]))}`);
    // Its own DestinationRule's host, both route hosts, and the host of the DestinationRule in missing-name.yaml.
    assert.strictEqual(service.command.title, 'referenced by 4');
    assert.strictEqual(service.command.command, 'editor.action.showReferences');
    const locations = service.command.arguments[2].map((l) => `${relOf(l.uri)}:${l.range.start.line}`).sort();
    assert.deepStrictEqual(locations, ['missing-name.yaml:5', 'reviews.yaml:64', 'reviews.yaml:81', 'reviews.yaml:85']);
  });

  it('the DestinationRule\'s lens counts the routes to its subsets and opens exactly those', async function () {
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', doc.uri, 10);
    const dr = lenses.find((l) => l.command && /^referenced by \d+$/.test(l.command.title) && l.range.start.line === DR_SUBSET_V1_LINE - 4); // "  name: reviews" of the DestinationRule
    assert.ok(dr, `lenses: ${JSON.stringify(lenses.map((l) => [l.range.start.line, l.command && l.command.title]))}`);
    assert.strictEqual(dr.command.title, 'referenced by 2');
    const locations = dr.command.arguments[2].map((l) => `${relOf(l.uri)}:${l.range.start.line}`).sort();
    assert.deepStrictEqual(locations, [`reviews.yaml:${SUBSET_LINE}`, `reviews.yaml:${SUBSET_LINE + 4}`]);
  });
});
