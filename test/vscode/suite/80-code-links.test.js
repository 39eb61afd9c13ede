// Jump to code and trace files in the real extension host. The viewer's requests go through the
// panel's own answer path (api.viewer.answer: the bridge's validation, then the host's methods),
// and what opened is read from the real editor: the file, and the cursor's line.
'use strict';
const assert = require('assert');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { getApi, root, uriOf, encode } = require('./helpers');

const CART = 'e2e-code/services/cart/src/handlers.ts';
const ORDERS = 'e2e-code/services/orders/src/handlers.ts';
const LINES = 30;
const source = (name) => Array.from({ length: LINES }, (_, i) => `export const ${name}${i + 1} = ${i + 1};`).join('\n') + '\n';
const TRACE = 'c0de11c5c0de11c5c0de11c5c0de11c5';
const TRACE2 = 'f11e5f11e5f11e5f11e5f11e5f11e5ab';
const traceFile = (traceId = TRACE) => JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
    scopeSpans: [{ scope: { name: 'e2e-files' }, spans: [{ traceId, spanId: 'c0de11c5c0de11c5', name: 'POST /checkout', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000040000000', attributes: [{ key: 'code.file.path', value: { stringValue: '/app/services/cart/src/handlers.ts' } }] }] }],
  }],
});

let nextId = 1;
async function ask(api, method, params) {
  const answer = api.viewer.answer({ type: 'request', id: nextId++, method, params });
  assert.ok(answer, `${method}: the panel's answer path takes the request`);
  return answer;
}

async function result(api, method, params) {
  const r = await ask(api, method, params);
  assert.ok(!('error' in r), `${method} ${JSON.stringify(params)}: ${r.error}`);
  return r.result;
}

/** Opens through the host and returns where the active editor is: workspace-relative file and 1-based line. */
async function openCode(api, file, line) {
  const r = await result(api, 'openCode', { file, line });
  assert.deepStrictEqual(r, { opened: true }, `openCode ${file}:${line}`);
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor, 'an editor is active');
  return { file: path.relative(root().fsPath, editor.document.uri.fsPath).split(path.sep).join('/'), line: editor.selection.active.line + 1 };
}

describe('MeshLens jump to code and trace files', function () {
  let api;
  let outside;
  before(async function () {
    api = await getApi();
    await vscode.workspace.fs.writeFile(uriOf(CART), encode(source('cart')));
    await vscode.workspace.fs.writeFile(uriOf(ORDERS), encode(source('orders')));
    await vscode.workspace.fs.writeFile(uriOf('e2e-code/traces/checkout-trace.json'), encode(traceFile()));
    await vscode.workspace.fs.writeFile(uriOf('e2e-code/traces/second-trace.jsonl'), encode(traceFile(TRACE2) + '\n'));
    await vscode.workspace.fs.writeFile(uriOf('e2e-code/web/pages/cart/[id].tsx'), encode(source('page')));
    await vscode.workspace.fs.writeFile(uriOf('e2e-code/traces/broken.json'), encode('{\n  "resourceSpans": [\n    {"resource": }\n  ]\n}\n'));
    outside = vscode.Uri.file(path.join(os.tmpdir(), `meshlens-outside-${process.pid}.ts`));
    await vscode.workspace.fs.writeFile(outside, encode(source('outside')));
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(uriOf('e2e-code'), { recursive: true });
    await vscode.workspace.fs.delete(outside);
  });

  it('opens a workspace file at the line from an absolute path', async function () {
    assert.deepStrictEqual(await openCode(api, uriOf(CART).fsPath, 12), { file: CART, line: 12 });
    assert.deepStrictEqual(await openCode(api, uriOf(ORDERS).fsPath, 3), { file: ORDERS, line: 3 });
  });

  it('opens a relative path against the workspace folder', async function () {
    assert.deepStrictEqual(await openCode(api, 'e2e-code/services/cart/src/handlers.ts', 7), { file: CART, line: 7 });
    assert.deepStrictEqual(await openCode(api, './e2e-code/services/orders/src/handlers.ts', 8), { file: ORDERS, line: 8 });
  });

  it('finds a container path by its longest matching trailing segments, and clamps the line to the file', async function () {
    assert.deepStrictEqual(await openCode(api, '/app/services/cart/src/handlers.ts', 21), { file: CART, line: 21 });
    assert.deepStrictEqual(await openCode(api, '/srv/build/orders/src/handlers.ts', 5), { file: ORDERS, line: 5 });
    assert.deepStrictEqual(await openCode(api, 'file:///app/services/orders/src/handlers.ts', 9999), { file: ORDERS, line: LINES + 1 }, 'the last line (the file ends with a newline)');
    // Glob characters in the name are the name (the workspace search is by a glob).
    assert.deepStrictEqual(await openCode(api, '/app/web/pages/cart/[id].tsx', 2), { file: 'e2e-code/web/pages/cart/[id].tsx', line: 2 });
  });

  it('says which stack-frame files resolve, in one request', async function () {
    const r = await result(api, 'resolveCode', { files: ['/app/services/cart/src/handlers.ts', '/app/src/nowhere-at-all.ts', 'e2e-code/services/orders/src/handlers.ts', 'node:internal/x', '/app/services/cart/src/handlers.ts'] });
    assert.deepStrictEqual(r, { resolved: [true, false, true, false, true] });
  });

  it('a file found nowhere is not opened, and the answer names it', async function () {
    const before = vscode.window.activeTextEditor?.document.uri.toString();
    const r = await result(api, 'openCode', { file: '/app/src/nowhere-at-all.ts', line: 3 });
    assert.deepStrictEqual(r, { opened: false, message: '/app/src/nowhere-at-all.ts is not in the workspace or on this machine.' });
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), before);
  });

  it('a file outside the workspace is opened only when the person says Open', async function () {
    const asked = [];
    const original = api.viewer.codeLinks.confirmOutside;
    try {
      api.viewer.codeLinks.confirmOutside = async (p) => (asked.push(p), false);
      const r = await result(api, 'openCode', { file: outside.fsPath, line: 4 });
      assert.deepStrictEqual(r, { opened: false, message: `${outside.fsPath} was not opened: it is outside the workspace.` });
      api.viewer.codeLinks.confirmOutside = async (p) => (asked.push(p), true);
      assert.deepStrictEqual(await result(api, 'openCode', { file: outside.fsPath, line: 4 }), { opened: true });
      assert.strictEqual(vscode.window.activeTextEditor.document.uri.fsPath, outside.fsPath);
      assert.strictEqual(vscode.window.activeTextEditor.selection.active.line, 3);
      assert.deepStrictEqual(asked, [outside.fsPath, outside.fsPath]);
    } finally {
      api.viewer.codeLinks.confirmOutside = original;
    }
  });

  it('bad params are refused at the door, naming the parameter', async function () {
    const r = await ask(api, 'openCode', { file: CART, line: 0 });
    assert.match(r.error, /^openCode: line is a whole number from 1/);
  });

  it('MeshLens: Open Trace File (the Explorer command) imports the file and opens the viewer; a broken file imports nothing', async function () {
    const menu = vscode.extensions.getExtension('meshlens.meshlens').packageJSON.contributes.menus['explorer/context'];
    assert.ok(menu.some((m) => m.command === 'meshlens.openTraceFile' && /json\|jsonl/.test(m.when)), 'offered in the Explorer on .json/.jsonl');
    const r = await vscode.commands.executeCommand('meshlens.openTraceFile', uriOf('e2e-code/traces/checkout-trace.json'));
    assert.ok(r, 'the command imported the file');
    assert.deepStrictEqual(r.traceIds, [TRACE]);
    assert.strictEqual(r.spans, 1);
    const svc = await api.traces.whenStarted();
    const trace = await svc.request('trace', { traceId: TRACE });
    assert.ok(trace && trace.spans[0].name === 'POST /checkout', 'the trace is in the store');
    assert.ok(api.viewer.isOpen, 'the viewer is open on it');

    const spansBefore = (await svc.request('stats', {})).store.spans;
    assert.strictEqual(await vscode.commands.executeCommand('meshlens.openTraceFile', uriOf('e2e-code/traces/broken.json')), undefined);
    assert.strictEqual((await svc.request('stats', {})).store.spans, spansBefore);
  });

  it("the viewer's Open trace file and Export trace go through the host's dialogs and the trace worker", async function () {
    const origOpen = api.viewer.pickTraceFile;
    const origSave = api.viewer.pickExportTarget;
    const asked = [];
    try {
      api.viewer.pickTraceFile = async () => uriOf('e2e-code/traces/second-trace.jsonl');
      const opened = await result(api, 'openTraceFile', {});
      assert.deepStrictEqual(opened, { fileName: 'second-trace.jsonl', format: 'otlp-jsonl', spans: 1, logs: 0, rejected: 0, rejectMessage: '', traceIds: [TRACE2] });

      api.viewer.pickTraceFile = async () => uriOf('e2e-code/traces/broken.json');
      const bad = await ask(api, 'openTraceFile', {});
      assert.match(bad.error, /^broken\.json: line 3, column 18: invalid JSON/);
      api.viewer.pickTraceFile = async () => undefined;
      assert.strictEqual(await result(api, 'openTraceFile', {}), null, 'cancelled');

      const target = uriOf('e2e-code/out/exported.json');
      api.viewer.pickExportTarget = async (traceId, suggested) => (asked.push([traceId, path.basename(suggested.fsPath)]), target);
      const saved = await result(api, 'exportTrace', { traceId: TRACE2 });
      assert.deepStrictEqual(saved, { file: target.fsPath, spans: 1 });
      assert.deepStrictEqual(asked, [[TRACE2, `trace-${TRACE2}.json`]]);
      const written = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
      const ids = written.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((sc) => sc.spans.map((sp) => sp.traceId)));
      assert.deepStrictEqual(ids, [TRACE2], 'only that trace, though the store holds others');

      api.viewer.pickExportTarget = async () => undefined;
      assert.strictEqual(await result(api, 'exportTrace', { traceId: TRACE2 }), null, 'cancelled');
      api.viewer.pickExportTarget = async () => target;
      assert.match((await ask(api, 'exportTrace', { traceId: 'ab'.repeat(16) })).error, /trace abab.* is no longer in the store/);
    } finally {
      api.viewer.pickTraceFile = origOpen;
      api.viewer.pickExportTarget = origSave;
    }
  });
});
