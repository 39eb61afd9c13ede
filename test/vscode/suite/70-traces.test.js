// The trace receiver in the real extension host: started by activation (autoStart), in its worker
// thread; a span posted over OTLP/HTTP shows in the status bar and the answers; stop and start.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, postOtlpJson } = require('./helpers');

const TRACE = '5b8efff798038103d269b633813fc60c';
const span = (spanId) => JSON.stringify({
  resourceSpans: [{
    resource: { attributes: [{ key: 'service.name', value: { stringValue: 'reviews' } }] },
    scopeSpans: [{ scope: { name: 'e2e' }, spans: [{ traceId: TRACE, spanId, name: 'GET /reviews', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000030000000' }] }],
  }],
});

describe('MeshLens trace receiver', function () {
  let api;
  before(async function () {
    api = await getApi();
  });

  it('starts on activation and counts what arrives, in the status bar', async function () {
    await api.traces.start(); // joins the start activation began
    const svc = api.traces.running;
    assert.ok(svc, 'the receiver is running (meshlens.receiver.autoStart defaults to true)');
    const listener = svc.listeners.find((l) => l.name === 'otlpHttp');
    assert.deepStrictEqual(svc.listeners.map((l) => l.name).sort(), ['otlpGrpc', 'otlpHttp', 'zipkin']);
    const changed = new Promise((resolve) => { const off = svc.onChanged((m) => { off(); resolve(m); }); });
    assert.strictEqual(await postOtlpJson(listener.port, span('1a2b3c4d5e6f7081')), 200);
    const m = await changed;
    assert.deepStrictEqual(m.added, [TRACE]);
    assert.strictEqual(api.traces.statusText, `$(pulse) ${listener.port} · 1 span`);
    const list = await svc.request('query', { service: 'reviews' });
    assert.deepStrictEqual(list.traces.map((t) => t.traceId), [TRACE]);
    await vscode.commands.executeCommand('meshlens.showReceiverStats');
  });

  it('stops and starts again by command', async function () {
    await vscode.commands.executeCommand('meshlens.stopReceiver');
    assert.strictEqual(api.traces.running, undefined);
    assert.match(api.traces.statusText, /traces off/);
    await vscode.commands.executeCommand('meshlens.startReceiver');
    assert.ok(api.traces.running);
    const stats = await api.traces.running.request('stats', {});
    assert.strictEqual(stats.store.spans, 0, 'a new start is a new, empty store');
  });
});
