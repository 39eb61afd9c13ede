// The API server over real HTTP: spans arrive through the real OTLP/HTTP receiver (JSON), every
// filter of /api/traces, one trace, the errors, the live stream (awaited events, never sleeps),
// slow and closed stream clients, the client bound and the static viewer files.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TraceStore, type StoreChange } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { startApiServer, type ApiServer } from '../../../src/server/api';
import { LiveStream } from '../../../src/server/stream';
import type { ChangedMessage, StatsDto, TraceDto, TraceListDto, ViewerResponse } from '../../../src/shared/protocol';
import { send } from '../receiver/client';
import { tid, tracesRequest, type SpanSpec } from '../trace/helpers';
import { SseClient } from './sse';

const T1 = tid(1);
const T2 = tid(2);
const T3 = tid(3);

/** Three traces: T1 oldest (frontend -> cart, with an error), T2 a quick health check, T3 newest and slow. */
const FIXTURE: SpanSpec[] = [
  { traceId: T1, spanId: '00000000000000a1', service: 'frontend', name: 'GET /', startMs: 1_700_000_001_000, durationMs: 10, attrs: { 'http.method': 'GET' } },
  { traceId: T1, spanId: '00000000000000a2', parentSpanId: '00000000000000a1', service: 'cart', name: 'POST /cart', startMs: 1_700_000_001_001, durationMs: 5, error: true },
  { traceId: T2, spanId: '00000000000000b1', service: 'frontend', name: 'GET /health', startMs: 1_700_000_002_000, durationMs: 2, attrs: { 'http.method': 'GET', region: 'eu' } },
  { traceId: T3, spanId: '00000000000000c1', service: 'payments', name: 'charge', startMs: 1_700_000_003_000, durationMs: 50, attrs: { retries: 3 } },
];

function get(port: number, p: string, headers?: http.OutgoingHttpHeaders) {
  return send(port, { method: 'GET', path: p, headers });
}

async function json<T>(port: number, p: string, status = 200): Promise<T> {
  const r = await get(port, p);
  assert.equal(r.status, status, `${p}: ${r.body.toString()}`);
  assert.match(String(r.headers['content-type']), /^application\/json/);
  return JSON.parse(r.body.toString()) as T;
}

describe('API server (src/server/api.ts)', () => {
  let store: TraceStore;
  let rx: HttpReceiver;
  let api: ApiServer;
  const post = async (specs: SpanSpec[]) => {
    const r = await send(rx.port, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(tracesRequest(specs)) });
    assert.equal(r.status, 200, r.body.toString());
  };

  beforeEach(async () => {
    store = new TraceStore();
    const ingest = new Ingest(store);
    rx = await startHttpReceiver({ port: 0, ingest });
    api = await startApiServer({ port: 0, store, ingest, receivers: () => ({ otlpHttp: { requests: rx.stats.requests } }), throttleMs: 100, maxStreamClients: 3 });
  });
  afterEach(async () => {
    await Promise.all([api.close(), rx.close()]);
  });

  describe('GET /api/traces', () => {
    beforeEach(() => post(FIXTURE));
    const ids = async (query: string) => (await json<TraceListDto>(api.port, `/api/traces${query}`)).traces.map((t) => t.traceId);

    it('lists summaries newest first, with exact times', async () => {
      const list = await json<TraceListDto>(api.port, '/api/traces');
      assert.deepEqual(list.traces.map((t) => t.traceId), [T3, T2, T1]);
      const t1 = list.traces[2];
      assert.deepEqual([t1.rootServiceName, t1.rootName, t1.services, t1.spanCount, t1.hasError], ['frontend', 'GET /', ['cart', 'frontend'], 2, true]);
      assert.equal(t1.startUnixNano, '1700000001000000000');
      assert.equal(t1.durationMs, 10);
    });

    it('filters by each parameter', async () => {
      assert.deepEqual(await ids('?service=cart'), [T1]);
      assert.deepEqual(await ids('?operation=GET%20%2Fhealth'), [T2]);
      assert.deepEqual(await ids('?service=frontend&operation=charge'), []);
      assert.deepEqual(await ids('?minMs=5'), [T3, T1]);
      assert.deepEqual(await ids('?maxMs=5'), [T2]);
      assert.deepEqual(await ids('?minMs=5&maxMs=20'), [T1]);
      assert.deepEqual(await ids('?error=true'), [T1]);
      assert.deepEqual(await ids('?error=false'), [T3, T2]);
      assert.deepEqual(await ids('?attr=http.method%3DGET'), [T2, T1]);
      assert.deepEqual(await ids('?attr=http.method%3DGET&attr=region%3Deu'), [T2]);
      assert.deepEqual(await ids('?attr=retries=3'), [T3]);
      assert.deepEqual(await ids('?text=HEALTH'), [T2]);
      assert.deepEqual(await ids('?limit=1'), [T3]);
      assert.deepEqual(await ids('?service=&text='), [T3, T2, T1], 'empty values are absent ones');
    });

    it('answers 400 with a JSON error naming the parameter', async () => {
      const cases: [string, string][] = [
        ['?minMs=x', 'minMs must be a number, got "x"'],
        ['?maxMs=-1', 'maxMs must not be negative, got "-1"'],
        ['?error=yes', 'error must be true or false, got "yes"'],
        ['?limit=0', 'limit must be a whole number from 1 to 10000, got "0"'],
        ['?limit=2.5', 'limit must be a whole number from 1 to 10000, got "2.5"'],
        ['?attr=novalue', 'attr must be key=value, got "novalue"'],
        ['?service=a&service=b', 'service may be given once'],
        ['?servce=a', 'unknown query parameter "servce"; known: service, operation, minMs, maxMs, error, attr, text, limit, debugSession'],
      ];
      for (const [query, error] of cases) assert.deepEqual(await json(api.port, `/api/traces${query}`, 400), { error }, query);
    });
  });

  describe('GET /api/traces/{id}', () => {
    beforeEach(() => post(FIXTURE));

    it('answers the trace, spans depth-first (the id in any case)', async () => {
      const t = await json<TraceDto>(api.port, `/api/traces/${T1.toUpperCase()}`);
      assert.equal(t.summary.traceId, T1);
      assert.deepEqual(t.spans.map((s) => [s.name, s.serviceName, s.depth, s.orphan]), [
        ['GET /', 'frontend', 0, false],
        ['POST /cart', 'cart', 1, false],
      ]);
      assert.deepEqual(t.spans[0].attributes, [{ key: 'http.method', value: 'GET' }]);
      // No host attributes, two services: the cart span fits inside its parent, so nothing moves.
      assert.deepEqual(t.spans.map((s) => [s.skewNs, s.adjustedStartUnixNano]), [
        ['0', '1700000001000000000'],
        ['0', '1700000001001000000'],
      ]);
      assert.deepEqual(t.warnings, []);
    });

    it('404 for an unknown trace, 400 for an id that is not 32 hex digits', async () => {
      assert.deepEqual(await json(api.port, `/api/traces/${tid(99)}`, 404), { error: `no trace ${tid(99)} in the store (not received yet, or evicted)` });
      assert.deepEqual(await json(api.port, '/api/traces/xyz', 400), { error: 'a trace id is 32 hex digits, got "xyz"' });
      await json(api.port, `/api/traces/${T1}0`, 400);
    });
  });

  it('GET /api/services and /api/stats', async () => {
    await post(FIXTURE);
    assert.deepEqual(await json(api.port, '/api/services'), { services: ['cart', 'frontend', 'payments'] });
    const stats = await json<StatsDto>(api.port, '/api/stats');
    assert.deepEqual([stats.store.traces, stats.store.spans, stats.ingest?.spans], [3, 4, 4]);
    assert.deepEqual(stats.receivers, { otlpHttp: { requests: 1 } });
  });

  it('404 for unknown paths, 405 for other methods, 403 for a foreign Host (DNS rebinding)', async () => {
    assert.deepEqual(await json(api.port, '/api/nope', 404), { error: 'not found: /api/nope' });
    await json(api.port, '/', 404);
    await json(api.port, '/api/services?x=1', 400);
    const r = await send(api.port, { method: 'POST', path: '/api/traces', body: '{}' });
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET');
    const foreign = await get(api.port, '/api/traces', { Host: 'evil.example:4320' });
    assert.equal(foreign.status, 403);
    assert.equal((await get(api.port, '/api/services', { Host: `localhost:${api.port}` })).status, 200);
  });

  describe('POST /api/rpc (the viewer protocol over HTTP)', () => {
    beforeEach(() => post(FIXTURE));
    const rpc = (body: unknown, headers: http.OutgoingHttpHeaders = { 'Content-Type': 'application/json' }) =>
      send(api.port, { method: 'POST', path: '/api/rpc', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    async function answer(request: unknown): Promise<ViewerResponse> {
      const r = await rpc(request);
      assert.equal(r.status, 200, r.body.toString());
      assert.match(String(r.headers['content-type']), /^application\/json/);
      return JSON.parse(r.body.toString()) as ViewerResponse;
    }
    const result = (r: ViewerResponse): unknown => {
      assert.ok('result' in r, JSON.stringify(r));
      return r.result;
    };

    it('answers query, trace, services and stats with the same DTOs as the GET endpoints', async () => {
      const list = await answer({ type: 'request', id: 1, method: 'query', params: { service: 'frontend' } });
      assert.equal(list.id, 1);
      assert.deepEqual(result(list), await json<TraceListDto>(api.port, '/api/traces?service=frontend'));
      assert.deepEqual((result(list) as TraceListDto).traces.map((t) => t.traceId), [T2, T1]);
      const all = (result(await answer({ type: 'request', id: 2, method: 'query', params: { error: true, attributes: [{ key: 'http.method', value: 'GET' }] } })) as TraceListDto).traces;
      assert.deepEqual(all.map((t) => t.traceId), [T1]);

      const trace = await answer({ type: 'request', id: 3, method: 'trace', params: { traceId: T1.toUpperCase() } });
      assert.deepEqual(result(trace), await json<TraceDto>(api.port, `/api/traces/${T1}`));
      assert.deepEqual((result(trace) as TraceDto).spans.map((s) => [s.name, s.depth]), [['GET /', 0], ['POST /cart', 1]]);
      assert.equal(result(await answer({ type: 'request', id: 4, method: 'trace', params: { traceId: tid(99) } })), null);
      assert.deepEqual(result(await answer({ type: 'request', id: 5, method: 'services' })), { services: ['cart', 'frontend', 'payments'] });
      const stats = result(await answer({ type: 'request', id: 6, method: 'stats', params: {} })) as StatsDto;
      assert.deepEqual([stats.store.spans, stats.ingest?.spans, stats.receivers?.otlpHttp?.requests], [4, 4, 1]);
    });

    it('answers a malformed request with an error response (200), and what has no id with 400', async () => {
      for (const [request, error] of [
        [{ type: 'request', id: 7, method: 'query', params: { sevice: 'cart' } }, /unknown parameter "sevice"/],
        [{ type: 'request', id: 8, method: 'trace', params: { traceId: '../etc' } }, /traceId is 32 hex digits/],
        [{ type: 'request', id: 9, method: 'import', params: { text: '{}' } }, /unknown method "import"/],
        [{ type: 'response', id: 10 }, /unknown message type/],
      ] as const) {
        const r = await answer(request);
        assert.equal(r.id, request.id);
        assert.ok('error' in r && error.test(r.error), JSON.stringify(r));
      }
      for (const body of ['not json', '[]', 'null', JSON.stringify({ type: 'ready' }), JSON.stringify({ type: 'request', method: 'query' })]) {
        const r = await rpc(body);
        assert.equal(r.status, 400, body);
        assert.match((JSON.parse(r.body.toString()) as { error: string }).error, /JSON|request with an id/);
      }
    });

    it('POST only, JSON only, a bounded body; the rest of the API stays read-only', async () => {
      const get = await send(api.port, { method: 'GET', path: '/api/rpc' });
      assert.equal(get.status, 405);
      assert.equal(get.headers.allow, 'POST');
      assert.equal((await rpc({ type: 'request', id: 1, method: 'services' }, { 'Content-Type': 'text/plain' })).status, 415);
      assert.equal((await rpc({ type: 'request', id: 1, method: 'services' }, {})).status, 415);
      const huge = await rpc({ type: 'request', id: 1, method: 'query', params: { text: 'x'.repeat(100_000) } });
      assert.equal(huge.status, 413);
      assert.equal((await send(api.port, { method: 'POST', path: '/api/rpc?x=1', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, 400);
      const foreign = await send(api.port, { method: 'POST', path: '/api/rpc', headers: { 'Content-Type': 'application/json', Host: 'evil.example' }, body: JSON.stringify({ type: 'request', id: 1, method: 'services' }) });
      assert.equal(foreign.status, 403);
      assert.equal((await send(api.port, { method: 'POST', path: '/api/traces', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status, 405);
    });
  });

  describe('GET /api/stream', () => {
    const clients: SseClient[] = [];
    const connect = async () => {
      const c = await SseClient.connect(api.port);
      if (!(c instanceof SseClient)) assert.fail(`refused: ${c.status} ${c.body}`);
      clients.push(c);
      return c;
    };
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });

    it('sends a changed event after an ingest through the receiver', async () => {
      const c = await connect();
      await post(FIXTURE.slice(0, 2));
      const e = await c.next('changed');
      assert.deepEqual(e.data, { type: 'changed', added: [T1], updated: [], evicted: [], stats: store.stats() });
    });

    it('coalesces changes within a window and throttles the next window', async () => {
      const c = await connect();
      const [a, b, t3] = FIXTURE.slice(1);
      // Three store changes in one tick: one event.
      await post([a]);
      await post([b]);
      const first = (await c.next('changed')).data as ChangedMessage;
      const firstAt = Date.now();
      const seen = [...first.added, ...first.updated];
      if (seen.length < 2) {
        // The first post's event may go out alone (the window opens on the first change); the rest follows one window later.
        const second = (await c.next('changed')).data as ChangedMessage;
        assert.ok(Date.now() - firstAt >= 90, 'the second event waited for the window');
        seen.push(...second.added, ...second.updated);
      }
      assert.deepEqual(seen.sort(), [T1, T2]);
      await post([t3]);
      const third = (await c.next('changed')).data as ChangedMessage;
      assert.deepEqual(third.added, [T3]);
    });

    it('a closed client does not break the others', async () => {
      const gone = await connect();
      const stays = await connect();
      gone.close();
      gone.res.destroy();
      await post(FIXTURE);
      assert.deepEqual([...((await stays.next('changed')).data as ChangedMessage).added].sort(), [T1, T2, T3]);
    });

    it('refuses clients over the bound with 503', async () => {
      await connect();
      await connect();
      await connect();
      const refused = await SseClient.connect(api.port);
      assert.ok(!(refused instanceof SseClient));
      assert.equal(refused.status, 503);
      assert.match(JSON.parse(refused.body).error, /too many live clients \(3\)/);
    });
  });

  describe('static viewer files', () => {
    let dir: string;
    let viewer: ApiServer;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlens-static-'));
      fs.mkdirSync(path.join(dir, 'www', 'assets'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'www', 'index.html'), '<!doctype html><title>MeshLens</title>');
      fs.writeFileSync(path.join(dir, 'www', 'assets', 'app.js'), 'console.log(1)');
      fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
      fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(dir, 'www', 'link.txt'));
      viewer = await startApiServer({ port: 0, store: new TraceStore(), staticDir: path.join(dir, 'www') });
    });
    after(async () => {
      await viewer.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('serves index.html at / and assets with their content types', async () => {
      const index = await get(viewer.port, '/');
      assert.equal(index.status, 200);
      assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
      assert.match(index.body.toString(), /<title>MeshLens/);
      const js = await get(viewer.port, '/assets/app.js');
      assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
      assert.equal(js.headers['x-content-type-options'], 'nosniff');
      assert.equal((await get(viewer.port, '/api/services')).status, 200, 'the API is still there');
    });

    it('refuses paths out of the folder, encoded or through a symlink', async () => {
      for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/link.txt', '/assets', '/missing.js', '/%E0%A4%A']) {
        const r = await get(viewer.port, p);
        assert.equal(r.status, 404, `${p}: ${r.body.toString()}`);
        assert.doesNotMatch(r.body.toString(), /secret$/);
      }
    });
  });
});

describe('LiveStream with a slow reader (src/server/stream.ts)', () => {
  const stats = new TraceStore().stats();
  let emit: (c: StoreChange) => void = () => undefined;
  let live: LiveStream;
  let server: http.Server;
  let port: number;

  before(async () => {
    live = new LiveStream({ source: { subscribe: (l) => ((emit = l), () => undefined) }, throttleMs: 0 });
    server = http.createServer((_req, res) => {
      if (!live.accept(res)) res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    live.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('drops a backed-up client’s events, sends it one resync when it drains, and keeps the others current', async function () {
    this.timeout(120_000);
    const slow = (await SseClient.connect(port)) as SseClient;
    const fast = (await SseClient.connect(port)) as SseClient;
    slow.res.pause();
    // ~22 MB in one event: more than loopback socket buffers hold, so the write to `slow` backs up.
    const many = Array.from({ length: 600_000 }, (_, i) => tid(i + 1));
    emit({ added: many, updated: [], evicted: [], stats });
    assert.equal(((await fast.next('changed')).data as ChangedMessage).added.length, many.length);
    emit({ added: ['z'.repeat(32)], updated: [], evicted: [], stats });
    assert.deepEqual(((await fast.next('changed')).data as ChangedMessage).added, ['z'.repeat(32)]);

    slow.res.resume();
    assert.equal(((await slow.next('changed')).data as ChangedMessage).added.length, many.length, 'the event that filled the buffer is delivered');
    assert.deepEqual((await slow.next()).data, { type: 'resync' }, 'then a resync instead of what was dropped');
    emit({ added: ['y'.repeat(32)], updated: [], evicted: [], stats });
    assert.deepEqual(((await slow.next('changed')).data as ChangedMessage).added, ['y'.repeat(32)], 'and it is live again');
    assert.deepEqual(((await fast.next('changed')).data as ChangedMessage).added, ['y'.repeat(32)]);
    slow.close();
    fast.close();
  });
});
