// The trace viewer panel in the real workbench: a trace posted over OTLP/HTTP to the extension's
// receiver shows in the webview's list, and opening it fills the waterfall. Only the real page can
// prove the host side answers the viewer protocol through the real postMessage bridge (ready ->
// the list's request -> its response -> the trace's request -> the waterfall), so the harness
// (driver.js) looks into the webview's iframes and reports what it sees; the expectations are here.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, postOtlpJson } = require('./helpers');
const { drive } = require('./driver');

const TRACE = '4d65736856696577657254726163653a';
const T0 = 1_700_000_100_000_000_000n;
const at = (ms) => String(T0 + BigInt(ms) * 1_000_000n);
// Display order is depth-first, children by start time; depth from the parent links.
const SPANS = [
  { spanId: 'a1a1a1a1a1a1a1a1', service: 'frontend', name: 'GET /checkout', kind: 2, from: 0, to: 120, depth: 0 },
  { spanId: 'b2b2b2b2b2b2b2b2', parent: 'a1a1a1a1a1a1a1a1', service: 'frontend', name: 'POST payment/charge', kind: 3, from: 10, to: 60, depth: 1 },
  { spanId: 'c3c3c3c3c3c3c3c3', parent: 'b2b2b2b2b2b2b2b2', service: 'payment', name: 'POST /charge', kind: 2, from: 15, to: 55, depth: 2, error: true },
  { spanId: 'd4d4d4d4d4d4d4d4', parent: 'a1a1a1a1a1a1a1a1', service: 'frontend', name: 'render receipt', kind: 1, from: 70, to: 110, depth: 1 },
];

function otlpJson() {
  const services = [...new Set(SPANS.map((s) => s.service))];
  return JSON.stringify({
    resourceSpans: services.map((service) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{
        scope: { name: 'e2e-viewer' },
        spans: SPANS.filter((s) => s.service === service).map((s) => ({
          traceId: TRACE,
          spanId: s.spanId,
          ...(s.parent && { parentSpanId: s.parent }),
          name: s.name,
          kind: s.kind,
          startTimeUnixNano: at(s.from),
          endTimeUnixNano: at(s.to),
          attributes: [{ key: 'e2e.case', value: { stringValue: 'trace-viewer' } }],
          ...(s.error && { status: { code: 2, message: 'card declined' } }),
        })),
      }],
    })),
  });
}

describe('MeshLens trace viewer panel', function () {
  let api;
  before(async function () {
    api = await getApi();
  });

  after(async function () {
    // Later suites expect their own editors in front, not this panel.
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('meshlens.traceViewer'));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  });

  it('shows a trace posted over OTLP/HTTP in the webview, and its waterfall when opened', async function () {
    this.timeout(75_000); // the harness's look into the webview may take up to 50 s on a loaded machine
    await api.traces.start();
    const svc = api.traces.running;
    assert.ok(svc, 'the receiver is running');
    const port = svc.listeners.find((l) => l.name === 'otlpHttp').port;
    const stored = new Promise((resolve) => {
      const off = svc.onChanged((m) => {
        if (m.added.includes(TRACE)) { off(); resolve(); }
      });
    });
    assert.strictEqual(await postOtlpJson(port, otlpJson()), 200);
    await stored;

    await vscode.commands.executeCommand('meshlens.openTraceViewer');
    assert.strictEqual(api.viewer.isOpen, true, 'the command opened the panel');

    const want = SPANS.map((s) => ({ spanId: s.spanId, depth: s.depth }));
    const seen = await drive('traceViewer', { traceId: TRACE, spanCount: SPANS.length, selectSpanId: SPANS[2].spanId, screenshot: 'trace-viewer.png' });
    assert.match(seen.traceRowText, /GET \/checkout/, `the list row names the root span: ${JSON.stringify(seen.traceRowText)}`);
    assert.deepStrictEqual(seen.spanRows.map((r) => ({ spanId: r.spanId, depth: r.depth })), want, 'the waterfall shows every span, depth-first, at its depth');
    assert.deepStrictEqual(seen.spanRows.map((r) => r.text.includes(SPANS.find((s) => s.spanId === r.spanId).name)), SPANS.map(() => true),
      `each row names its span: ${JSON.stringify(seen.spanRows.map((r) => r.text))}`);
    assert.match(seen.detailsText, /POST \/charge/, 'the details of the selected span show its name');
    assert.match(seen.detailsText, /payment/, 'and its service');
    assert.match(seen.detailsText, /card declined/, 'and its status message');
    assert.match(seen.detailsText, /e2e\.case/, 'and its attributes');
  });
});
