// Debugging with traces in the real workbench: examples/debug-node/app.js (the OpenTelemetry SDK,
// no endpoint of its own) is launched through its launch configuration with the built-in
// JavaScript debugger (ms-vscode.js-debug, inside code-server); MeshLens's configuration provider
// adds the OTEL_* variables, so its spans arrive tagged with the session; the viewer opens on the
// first span and its "this debug session" filter shows exactly them. A breakpoint in the request
// handler exercises "Show Trace of Current Request": paused, the trace has not arrived (a paused
// program exports nothing), the command waits, and opens it once the program goes on.
//
// Everything is awaited through events (the extension's onDidChange, the debug adapter's stopped
// events, the receiver's changed messages), never sleeps.
'use strict';
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { getApi, postOtlpJson, root } = require('./helpers');
const { drive } = require('./driver');

const CONFIG_NAME = 'Debug Node example (MeshLens)';
/** The repository's node_modules, where the example's OpenTelemetry packages are (the workspace is a copy of examples/). */
const REPO_NODE_MODULES = path.resolve(__dirname, '..', '..', '..', 'node_modules');
/** app.js: 4 requests to itself; /orders/N: client, server and SELECT spans; /health: client and server. */
const EXPECTED_TRACES = 4;
const EXPECTED_SPANS = 11;
const OTHER_TRACE = '0be7ec0dec0dec0dec0dec0dec0dec0d';

/** Resolves with the first value `probe` returns that is not undefined, re-checked on each `event`; rejects after `ms`. */
function until(event, probe, ms, what) {
  return new Promise((resolve, reject) => {
    let sub;
    const timer = setTimeout(() => { sub?.dispose(); reject(new Error(`${what}: not within ${ms / 1000} s`)); }, ms);
    const check = () => {
      let v;
      try { v = probe(); } catch (e) { clearTimeout(timer); sub?.dispose(); reject(e); return true; }
      if (v !== undefined) { clearTimeout(timer); sub?.dispose(); resolve(v); return true; }
      return false;
    };
    if (!check()) sub = event(() => { check(); });
  });
}

/** Records the debug adapters' `stopped` events (all sessions) and lets a test await the next one. */
function stoppedEvents() {
  const waiters = [];
  const sub = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: (session) => ({
      onDidSendMessage: (m) => {
        if (m && m.type === 'event' && m.event === 'stopped') for (const w of waiters.splice(0)) w({ session, body: m.body });
      },
    }),
  });
  return { next: () => new Promise((resolve) => waiters.push(resolve)), dispose: () => sub.dispose() };
}

async function closeViewer() {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('meshlens.traceViewer'));
  if (tabs.length) await vscode.window.tabGroups.close(tabs);
}

describe('MeshLens while debugging (examples/debug-node with the JavaScript debugger)', function () {
  let api;
  let stops;
  before(async function () {
    api = await getApi();
    await api.traces.start();
    assert.ok(api.traces.running, 'the receiver runs');
    assert.ok(fs.existsSync(path.join(REPO_NODE_MODULES, '@opentelemetry', 'sdk-trace-node')), `the OpenTelemetry SDK is installed in ${REPO_NODE_MODULES}`);
    stops = stoppedEvents();
    // The viewer must be closed for its opening on the first span to show anything.
    await closeViewer();
  });

  after(async function () {
    stops?.dispose();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    if (vscode.debug.activeDebugSession) await vscode.debug.stopDebugging();
    await closeViewer();
  });

  it('launches the example with the injected exporter variables; its spans arrive tagged with the session; the viewer shows exactly them', async function () {
    this.timeout(240_000);
    const svc = api.traces.running;
    const port = svc.listeners.find((l) => l.name === 'otlpHttp').port;
    // A trace from elsewhere, which the session's filter must leave out.
    assert.strictEqual(await postOtlpJson(port, JSON.stringify({
      resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'not-debugged' } }] },
        scopeSpans: [{ spans: [{ traceId: OTHER_TRACE, spanId: '0be7ec0dec0dec0d', name: 'GET /elsewhere', kind: 2, startTimeUnixNano: String(BigInt(Date.now() - 1000) * 1_000_000n), endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n) }] }] }],
    })), 200);

    // The launch configuration of the workspace (examples/.vscode/launch.json), as F5 would take
    // it; only NODE_PATH changes, since the workspace is a copy outside the repository.
    const folder = vscode.workspace.workspaceFolders[0];
    const config = vscode.workspace.getConfiguration('launch', folder.uri).get('configurations').find((c) => c.name === CONFIG_NAME);
    assert.ok(config, `${CONFIG_NAME} is in examples/.vscode/launch.json`);
    assert.strictEqual(config.type, 'node', 'the built-in JavaScript debugger');

    // Two breakpoints: in the handler for /orders/2 only (a request in flight), and after the
    // provider's shutdown (everything exported, the session still running).
    const app = vscode.Uri.joinPath(root(), 'debug-node', 'app.js');
    const lines = (await vscode.workspace.fs.readFile(app)).toString().split('\n');
    const handlerLine = lines.findIndex((l) => l.includes('a breakpoint here pauses a request'));
    const endLine = lines.findIndex((l) => l.includes('console.log(`sent to'));
    assert.ok(handlerLine > 0 && endLine > 0);
    vscode.debug.addBreakpoints([
      new vscode.SourceBreakpoint(new vscode.Location(app, new vscode.Position(handlerLine, 0)), true, "req.url === '/orders/2'"),
      new vscode.SourceBreakpoint(new vscode.Location(app, new vscode.Position(endLine, 0))),
    ]);

    const firstStop = stops.next();
    const started = await vscode.debug.startDebugging(folder, { ...config, env: { ...config.env, NODE_PATH: REPO_NODE_MODULES } });
    assert.strictEqual(started, true, 'the debug session started');
    const sessionId = api.debug.current;
    assert.ok(sessionId, 'MeshLens tracks the session it injected into');
    const injected = api.debug.injected.get(sessionId);
    assert.strictEqual(injected.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${port}`);
    assert.strictEqual(injected.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.strictEqual(injected.OTEL_SERVICE_NAME, CONFIG_NAME);
    assert.strictEqual(injected.OTEL_RESOURCE_ATTRIBUTES, `meshlens.debug.session=${sessionId}`);
    assert.strictEqual(injected.NODE_PATH, undefined, 'what the configuration set is not touched');

    // Paused in the handler of /orders/2: its trace cannot be here yet.
    const stop1 = await firstStop;
    const frames = await stop1.session.customRequest('stackTrace', { threadId: stop1.body.threadId, startFrame: 0, levels: 1 });
    assert.strictEqual(frames.stackFrames[0].line, handlerLine + 1, 'paused at the handler breakpoint');
    const shown = vscode.commands.executeCommand('meshlens.showTraceOfCurrentRequest');
    // The command asked the store and waits; going on lets the request finish and its spans out.
    const secondStop = stops.next();
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    const traceId = await shown;
    assert.match(String(traceId), /^[0-9a-f]{32}$/, `the command opened a trace: ${traceId}`);
    const trace = await svc.request('trace', { traceId });
    assert.ok(trace && trace.spans.some((s) => s.attributes && JSON.stringify(s.attributes).includes('/orders/2')), 'it is the trace of the paused request (/orders/2)');

    // Paused after the shutdown: every span exported, the session running.
    await secondStop;
    const counts = await until(api.debug.onDidChange, () => {
      const c = api.debug.counts(sessionId);
      return c && c.spans >= EXPECTED_SPANS ? c : undefined;
    }, 60_000, `${EXPECTED_SPANS} spans of the session counted`);
    assert.deepStrictEqual(counts, { spans: EXPECTED_SPANS, traces: EXPECTED_TRACES });
    assert.strictEqual(api.debug.statusText, `$(debug-alt) ${EXPECTED_SPANS} spans`);
    await until(api.debug.onDidChange, () => (api.viewer.isOpen ? true : undefined), 30_000, 'the viewer opened on the first span (meshlens.debug.onFirstSpan: openViewer)');

    // The store: exactly the session's traces carry it.
    const all = await svc.request('query', {});
    const ofSession = await svc.request('query', { debugSession: sessionId });
    assert.strictEqual(ofSession.traces.length, EXPECTED_TRACES);
    assert.ok(ofSession.traces.every((t) => t.debugSession === sessionId));
    assert.ok(all.traces.some((t) => t.traceId === OTHER_TRACE) && !ofSession.traces.some((t) => t.traceId === OTHER_TRACE));

    // The viewer, in its webview: the "this debug session" filter is on while the session runs and
    // the list shows exactly the session's traces. The workbench puts app.js in front at the
    // breakpoint (after the adapter's stopped event, which the test hears first); once it has,
    // the viewer's tab comes back to the front as a click on it would.
    const editorEvent = (listener) => {
      const subs = [vscode.window.onDidChangeActiveTextEditor(listener), vscode.window.onDidChangeTextEditorSelection(listener)];
      return { dispose: () => subs.forEach((x) => x.dispose()) };
    };
    await until(editorEvent, () => {
      const ed = vscode.window.activeTextEditor;
      return ed && ed.document.uri.path.endsWith('/debug-node/app.js') && ed.selection.active.line === endLine ? true : undefined;
    }, 60_000, 'the workbench showing app.js at the breakpoint after the shutdown');
    const viewerInFront = () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab && tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('meshlens.traceViewer') ? true : undefined;
    };
    await vscode.commands.executeCommand('meshlens.openTraceViewer');
    await until(vscode.window.tabGroups.onDidChangeTabs, viewerInFront, 30_000, 'the viewer tab in front');
    const seen = await drive('debugSessionList', { traceIds: ofSession.traces.map((t) => t.traceId), screenshot: 'debug-session.png' }, { timeoutMs: 90_000 });
    assert.strictEqual(seen.filterOn, true, `the "this debug session" filter is on: ${seen.filterText}`);
    assert.deepStrictEqual([...seen.traceIds].sort(), ofSession.traces.map((t) => t.traceId).sort(), 'the list shows exactly the session\'s traces');

    // Go on: the program ends, the session ends and stays listed, ended.
    const ended = new Promise((resolve) => { const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (!s.parentSession) { sub.dispose(); resolve(); } }); });
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    await ended;
    const dto = await until(api.debug.onDidChange, () => api.debug.sessionList.find((s) => s.id === sessionId && !s.running), 30_000, 'the session listed as ended');
    assert.strictEqual(dto.name, CONFIG_NAME);
    assert.ok(dto.endedUnixMs >= dto.startedUnixMs);
  });
});
