// Trace files over meshlens serve's API: a trace downloaded as OTLP/JSON imports back to the same
// spans, POST /api/import takes a file into the store (and the live stream says so), bad files are
// refused naming the file and the line, and the editor-only viewer methods are refused clearly.
import { strict as assert } from 'node:assert';
import { decodeTracesJson, TraceStore } from '../../../src/core/trace';
import { withJsonLocation } from '../../../src/core/trace/json-location';
import { startApiServer, type ApiServer } from '../../../src/server/api';
import type { TraceFileImportDto, ViewerResponse } from '../../../src/shared/protocol';
import { send } from '../receiver/client';
import { tid, tracesRequest, type SpanSpec } from '../trace/helpers';
import { SseClient } from './sse';

const T1 = tid(1);
const T2 = tid(2);
const SPANS: SpanSpec[] = [
  { traceId: T1, spanId: '00000000000000a1', service: 'frontend', name: 'GET /', startMs: 1_700_000_001_000, durationMs: 10, attrs: { 'http.method': 'GET', retries: 3 } },
  { traceId: T1, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', service: 'cart', name: 'POST /cart', startMs: 1_700_000_001_001, durationMs: 5, error: true },
  { traceId: T2, spanId: '00000000000000b1', service: 'frontend', name: 'GET /health', startMs: 1_700_000_002_000, durationMs: 2 },
];

describe('API server: trace files (GET /api/traces/<id>/otlp, POST /api/import)', () => {
  let store: TraceStore;
  let api: ApiServer;
  const importFile = (body: string, name = 'shop.json', headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    send(api.port, { method: 'POST', path: `/api/import?name=${encodeURIComponent(name)}`, headers, body });

  beforeEach(async () => {
    store = new TraceStore();
    api = await startApiServer({ port: 0, store, throttleMs: 20 });
  });
  afterEach(() => api.close());

  it('imports a file into the store, names its traces in file order, and the live stream announces them', async () => {
    const sse = await SseClient.connect(api.port);
    if (!(sse instanceof SseClient)) assert.fail(`stream refused: ${sse.status} ${sse.body}`);
    try {
      const r = await importFile(JSON.stringify(tracesRequest(SPANS)));
      assert.equal(r.status, 200, r.body.toString());
      const got = JSON.parse(r.body.toString()) as TraceFileImportDto;
      assert.deepEqual(got, { fileName: 'shop.json', format: 'otlp-json', spans: 3, logs: 0, rejected: 0, rejectMessage: '', traceIds: [T1, T2] });
      assert.equal(store.stats().spans, 3);
      const changed = await sse.next('changed');
      assert.deepEqual([...(changed.data as { added: string[] }).added].sort(), [T1, T2].sort());
    } finally {
      sse.close();
    }
  });

  it('downloads one trace as OTLP/JSON that imports back to the same spans', async () => {
    store.addSpans(decodeTracesJson(tracesRequest(SPANS)).spans);
    const r = await send(api.port, { method: 'GET', path: `/api/traces/${T1.toUpperCase()}/otlp` });
    assert.equal(r.status, 200, r.body.toString());
    assert.match(String(r.headers['content-disposition']), new RegExp(`attachment; filename="trace-${T1}.json"`));
    const spans = decodeTracesJson(JSON.parse(r.body.toString())).spans;
    assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.resource.serviceName, s.name]).sort(), [
      [T1, '00000000000000a1', 'frontend', 'GET /'],
      [T1, '00000000000000a2', 'cart', 'POST /cart'],
    ]);
    // Into another server: the same trace.
    const other = new TraceStore();
    const api2 = await startApiServer({ port: 0, store: other });
    try {
      const back = await send(api2.port, { method: 'POST', path: '/api/import?name=t.json', headers: { 'Content-Type': 'application/json' }, body: r.body.toString() });
      assert.equal(back.status, 200, back.body.toString());
      assert.deepEqual(other.getTrace(T1)?.spans.map((n) => [n.span.spanId, n.span.attributes.get('retries')]), [['00000000000000a1', 3n], ['00000000000000a2', undefined]]);
    } finally {
      await api2.close();
    }
    assert.equal((await send(api.port, { method: 'GET', path: `/api/traces/${tid(9)}/otlp` })).status, 404);
    assert.equal((await send(api.port, { method: 'GET', path: '/api/traces/xyz/otlp' })).status, 400);
  });

  it('refuses a bad file with its name and the line, JSON Lines by line, and keeps nothing of it', async () => {
    const broken = '{\n  "resourceSpans": [\n    {"resource": }\n  ]\n}';
    const r = await importFile(broken, 'broken.json');
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body.toString()).error, /^broken\.json: line 3, column 18: invalid JSON/);
    const lines = `${JSON.stringify(tracesRequest(SPANS.slice(0, 1)))}\n{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}\n`;
    const r2 = await importFile(lines, 'export.jsonl');
    assert.equal(r2.status, 400);
    assert.match(JSON.parse(r2.body.toString()).error, /^export\.jsonl: line 2: resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);
    const r3 = await importFile('{"hello": 1}', 'notes.json');
    assert.match(JSON.parse(r3.body.toString()).error, /^notes\.json: not a trace file MeshLens reads/);
    assert.equal(store.stats().spans, 0);
  });

  it('POST only, JSON only, known parameters only', async () => {
    const get = await send(api.port, { method: 'GET', path: '/api/import' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal((await importFile('[]', 'x.json', { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await send(api.port, { method: 'POST', path: '/api/import?file=x', headers: { 'Content-Type': 'application/json' }, body: '[]' })).status, 400);
  });

  it('the editor-only viewer methods are refused with the browser way to do it', async () => {
    for (const [method, params] of [['openCode', { file: '/app/x.ts', line: 3 }], ['resolveCode', { files: ['/app/x.ts'] }], ['openTraceFile', {}], ['exportTrace', { traceId: T1 }]] as const) {
      const r = await send(api.port, { method: 'POST', path: '/api/rpc', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'request', id: 7, method, params }) });
      const body = JSON.parse(r.body.toString()) as ViewerResponse;
      assert.ok('error' in body, method);
      assert.match(body.error, new RegExp(`^${method} is answered only inside VS Code; in a browser`));
    }
  });

  it('puts the line and column in front of an invalid-JSON message only', () => {
    assert.equal(withJsonLocation('invalid JSON (Unexpected token)', '{\n "a": 1,\n x}'), 'line 3, column 2: invalid JSON (Unexpected token)');
    assert.equal(withJsonLocation('not a trace file', '{}'), 'not a trace file');
  });
});
