// The traffic bridge in the real extension host: a VirtualService with an 80/20 split in a
// workspace file, traffic posted as OTLP/JSON to the extension's receiver with a 50/50 split
// between the two versions, and then the CodeLens above the route (through VS Code's own
// CodeLens command) and the ML5001 information diagnostic on the route's line.
'use strict';
const assert = require('assert');
const vscode = require('vscode');
const { getApi, uriOf, postOtlpJson } = require('./helpers');

const NS = 'e2e-bridge';
const YAML = `apiVersion: v1
kind: Service
metadata: { name: ratings-e2e, namespace: ${NS} }
spec:
  selector: { app: ratings-e2e }
  ports: [{ name: http, port: 9080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ratings-e2e-v1, namespace: ${NS} }
spec:
  selector: { matchLabels: { app: ratings-e2e, version: v1 } }
  template:
    metadata: { labels: { app: ratings-e2e, version: v1 } }
    spec: { containers: [{ name: ratings, image: ratings:1 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ratings-e2e-v2, namespace: ${NS} }
spec:
  selector: { matchLabels: { app: ratings-e2e, version: v2 } }
  template:
    metadata: { labels: { app: ratings-e2e, version: v2 } }
    spec: { containers: [{ name: ratings, image: ratings:2 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings-e2e, namespace: ${NS} }
spec:
  host: ratings-e2e
  subsets:
    - name: v1
      labels: { version: v1 }
    - name: v2
      labels: { version: v2 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings-e2e, namespace: ${NS} }
spec:
  hosts: [ratings-e2e]
  http:
    - route:
        - destination: { host: ratings-e2e, subset: v1 }
          weight: 80
        - destination: { host: ratings-e2e, subset: v2 }
          weight: 20
`;
const ROUTE_LINE = YAML.split('\n').findIndex((l) => l.trim() === '- route:');

const hex = (n, width) => n.toString(16).padStart(width, '0');
const attrs = (o) => Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** `n` calls productpage-e2e -> ratings-e2e in the last minute, alternating v1 and v2 (an exact 50/50). */
function traffic(n) {
  const client = [];
  const server = { v1: [], v2: [] };
  const now = Date.now();
  for (let i = 0; i < n; i++) {
    const traceId = hex(0xe2e00000 + i, 32);
    const start = BigInt(now - 60_000 + i * 100) * 1_000_000n;
    const ns = (ms) => String(start + BigInt(ms) * 1_000_000n);
    client.push({ traceId, spanId: hex(2 * i + 1, 16), name: 'GET /ratings', kind: 3, startTimeUnixNano: ns(0), endTimeUnixNano: ns(30) });
    server[i % 2 ? 'v2' : 'v1'].push({ traceId, spanId: hex(2 * i + 2, 16), parentSpanId: hex(2 * i + 1, 16), name: 'GET /ratings', kind: 2, startTimeUnixNano: ns(2), endTimeUnixNano: ns(28) });
  }
  const rs = (resource, spans) => ({ resource: { attributes: attrs(resource) }, scopeSpans: [{ scope: { name: 'e2e-bridge' }, spans }] });
  return JSON.stringify({
    resourceSpans: [
      rs({ 'service.name': 'productpage-e2e' }, client),
      rs({ 'service.name': 'ratings-e2e', 'service.version': 'v1' }, server.v1),
      rs({ 'service.name': 'ratings-e2e', 'service.version': 'v2' }, server.v2),
    ],
  });
}

describe('MeshLens traffic bridge', function () {
  this.timeout(120_000);
  let api;
  const file = uriOf(`${NS}/ratings-e2e.yaml`);

  before(async function () {
    api = await getApi();
    await api.traces.start();
  });

  after(async function () {
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(file, '..'), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await api.whenIdle();
  });

  /** Resolves when `check` holds, re-checked after each refresh of the bridge; fails with `what` after `ms`. */
  function whenBridge(check, what, ms = 60_000) {
    return new Promise((resolve, reject) => {
      let sub;
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`${what}: not seen within ${ms / 1000} s; lenses: ${JSON.stringify(api.bridge.lensesFor(file.toString()).map((l) => l.title))}`));
      }, ms);
      const test = () => {
        if (!check()) return;
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      sub = api.bridge.onDidRefresh(test);
      test();
    });
  }

  it('shows the observed split above the route, and ML5001 where it differs from the weights', async function () {
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(YAML));
    await vscode.window.showTextDocument(file);
    await api.whenIdle();
    assert.ok(api.indexSnapshot().objects.some((o) => o.ref === `VirtualService ${NS}/ratings-e2e`), 'the VirtualService is in the index');

    const svc = api.traces.running;
    const port = svc.listeners.find((l) => l.name === 'otlpHttp').port;
    assert.strictEqual(await postOtlpJson(port, traffic(200)), 200);
    const want = 'observed 50% / 50% · 200 req · 5 m';
    await whenBridge(() => api.bridge.lensesFor(file.toString()).some((l) => l.title === want), `the lens "${want}"`);

    // What the editor shows: VS Code's CodeLens command, which asks every provider.
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', file);
    const lens = lenses.find((l) => l.command && l.command.title === want);
    assert.ok(lens, `lenses: ${JSON.stringify(lenses.map((l) => l.command && l.command.title))}`);
    assert.strictEqual(lens.range.start.line, ROUTE_LINE, 'above the route');
    assert.strictEqual(lens.command.command, 'meshlens.revealOnMap');
    assert.deepStrictEqual(lens.command.arguments, ['ratings-e2e']);

    const diags = vscode.languages.getDiagnostics(file).filter((d) => (typeof d.code === 'object' ? d.code.value : d.code) === 'ML5001');
    assert.strictEqual(diags.length, 1, `diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(file).map((d) => d.message))}`);
    assert.strictEqual(diags[0].severity, vscode.DiagnosticSeverity.Information);
    assert.strictEqual(diags[0].range.start.line, ROUTE_LINE);
    assert.match(diags[0].message, /^Observed 50% \/ 50% over 200 requests to ratings-e2e \(5 m\); configured 80% \/ 20%\. Pearson's chi-square = 112\.5 \(1 df\), p < 0\.001/);
  });

  it('answers the map\'s serviceManifests with the objects that configure the service, file and line', async function () {
    const r = await api.viewer.answer({ type: 'request', id: 9001, method: 'serviceManifests', params: {} });
    assert.ok(r && !('error' in r), `serviceManifests: ${r && r.error}`);
    const refs = r.result.services['ratings-e2e'];
    assert.ok(refs, `services: ${Object.keys(r.result.services).join(', ')}`);
    const lines = YAML.split('\n');
    assert.deepStrictEqual(
      refs.map((x) => `${x.kind} ${x.namespace}/${x.name}`).sort(),
      [`Deployment ${NS}/ratings-e2e-v1`, `Deployment ${NS}/ratings-e2e-v2`, `DestinationRule ${NS}/ratings-e2e`, `Service ${NS}/ratings-e2e`, `VirtualService ${NS}/ratings-e2e`],
    );
    for (const x of refs) {
      assert.strictEqual(x.file, file.fsPath);
      assert.strictEqual(lines[x.line - 1], `kind: ${x.kind}`, `${x.kind} at line ${x.line}`);
    }
  });

  it('meshlens.bridge.enabled false clears the lenses and the traffic diagnostics', async function () {
    const config = vscode.workspace.getConfiguration('meshlens.bridge');
    await config.update('enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      await whenBridge(() => api.bridge.lensesFor(file.toString()).length === 0, 'no lens');
      assert.deepStrictEqual(vscode.languages.getDiagnostics(file).filter((d) => /^ML5/.test(String(typeof d.code === 'object' ? d.code.value : d.code))), []);
    } finally {
      await config.update('enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
