// The debug-session methods (issue 11) through both hosts' real plumbing: the viewer bridge over the
// trace service in its worker thread (VS Code), and POST /api/rpc of the API server (`meshlens
// serve`). Spans go in through the real OTLP/HTTP receiver; bad params get a clear error, never a throw.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceStore } from '../../../src/core/trace';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { Ingest } from '../../../src/receiver/ingest';
import { startTraceService, type TraceService } from '../../../src/receiver/trace-service';
import { createViewerRpc, toViewerState, MAX_DEBUG_SESSION_ID, MAX_DEBUG_SESSION_IDS } from '../../../src/receiver/viewer-bridge';
import { startApiServer, type ApiServer } from '../../../src/server/api';
import { DEBUG_SESSION_ATTRIBUTE, type TraceListDto, type ViewerMethods, type ViewerResponse } from '../../../src/shared/protocol';
import { send } from './client';

const WORKER = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');
const spawn = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });
const T0_NS = 1_700_000_000_000_000_000n;
const T0_MS = 1_700_000_000_000;

/** One span of `service` (tagged with `session` when given), 100 ms long from T0, naming src/app.js:20. */
function body(traceId: string, spanId: string, service: string, session?: string): string {
  const attributes = [{ key: 'service.name', value: { stringValue: service } }];
  if (session) attributes.push({ key: DEBUG_SESSION_ATTRIBUTE, value: { stringValue: session } });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes },
        scopeSpans: [
          {
            scope: { name: 't' },
            spans: [
              {
                traceId,
                spanId,
                name: 'GET /orders',
                kind: 2,
                startTimeUnixNano: String(T0_NS),
                endTimeUnixNano: String(T0_NS + 100_000_000n),
                attributes: [
                  { key: 'code.filepath', value: { stringValue: '/app/src/app.js' } },
                  { key: 'code.lineno', value: { intValue: '20' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}

const TA = 'a'.repeat(32);
const TB = 'b'.repeat(32);
const TC = 'c'.repeat(32);

/** The bad params every transport must refuse, by method, and what the error must say. */
const BAD: [keyof ViewerMethods, unknown, RegExp][] = [
  ['query', { debugSession: 7 }, /^query: debugSession is a debug-session id of 1 to 256 characters, got 7/],
  ['query', { debugSession: 'x'.repeat(MAX_DEBUG_SESSION_ID + 1) }, /^query: debugSession is a debug-session id/],
  ['debugSessionCounts', { ids: 'S1' }, /^debugSessionCounts: ids is a list of at most 256 debug-session ids/],
  ['debugSessionCounts', { ids: Array.from({ length: MAX_DEBUG_SESSION_IDS + 1 }, (_, i) => `s${i}`) }, /ids is a list of at most/],
  ['debugSessionCounts', { ids: ['ok', ''] }, /^debugSessionCounts: ids\[1\] is a debug-session id/],
  ['debugSessionCounts', { session: 'S1' }, /unknown parameter "session"; known: ids/],
  ['traceAt', { file: '/a.js', line: 1 }, /^traceAt: atUnixMs is a time in milliseconds since 1970, not below 0, got undefined/],
  ['traceAt', { file: '/a.js', line: 1, atUnixMs: Number.NaN }, /atUnixMs is a time/],
  ['traceAt', { file: '/a.js', line: 1, atUnixMs: -5 }, /atUnixMs is a time/],
  ['traceAt', { file: '/a.js', line: 0, atUnixMs: T0_MS }, /^traceAt: line is a whole number from 1/],
  ['traceAt', { file: '/a.js', line: 2.5, atUnixMs: T0_MS }, /line is a whole number/],
  ['traceAt', { file: '', line: 1, atUnixMs: T0_MS }, /^traceAt: file is a path of 1 to 4096 characters/],
  ['traceAt', { file: 'a\0b', line: 1, atUnixMs: T0_MS }, /file is a path/],
  ['traceAt', { file: '/a.js', line: 1, atUnixMs: T0_MS, debugSession: null }, /^traceAt: debugSession is a debug-session id/],
  ['traceAt', { file: '/a.js', line: 1, atUnixMs: T0_MS, thread: 3 }, /unknown parameter "thread"/],
  ['traceAt', undefined, /^traceAt: params must be an object/],
];

describe('debug sessions through the viewer bridge (worker) and POST /api/rpc (serve)', function () {
  this.timeout(30_000);

  describe('the trace worker', () => {
    let svc: TraceService;
    let port: number;
    before(async () => {
      svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
      port = svc.listeners.find((l) => l.name === 'otlpHttp')!.port;
      for (const [t, service, session] of [
        [TA, 'orders', 'S1'],
        [TB, 'orders', undefined],
        [TC, 'billing', 'S2'],
      ] as const) {
        const r = await send(port, { headers: { 'Content-Type': 'application/json' }, body: body(t, '1'.repeat(16), service, session) });
        assert.equal(r.status, 200, r.body.toString());
      }
    });
    after(() => svc.close());

    const ask = async (method: string, params: unknown, id = 1): Promise<ViewerResponse> => (await createViewerRpc(svc).answer({ type: 'request', id, method, params }))!;

    it('answers the session filter, the counts and traceAt from the store', async () => {
      const list = (await ask('query', { debugSession: 'S1' })) as { result: TraceListDto };
      assert.deepEqual(
        list.result.traces.map((t) => [t.traceId, t.debugSession]),
        [[TA, 'S1']],
      );
      const all = (await ask('query', {})) as { result: TraceListDto };
      assert.deepEqual(new Map(all.result.traces.map((t) => [t.traceId, t.debugSession])), new Map([[TA, 'S1'], [TB, undefined], [TC, 'S2']]));
      // An empty string is an absent filter, as for the other text filters (form fields).
      assert.equal(((await ask('query', { debugSession: '' })) as { result: TraceListDto }).result.traces.length, 3);
      assert.deepEqual(await ask('debugSessionCounts', undefined, 2), { type: 'response', id: 2, result: { counts: [{ id: 'S1', spans: 1, traces: 1 }, { id: 'S2', spans: 1, traces: 1 }] } });
      assert.deepEqual(await ask('debugSessionCounts', { ids: ['S2', 'gone'] }, 3), { type: 'response', id: 3, result: { counts: [{ id: 'S2', spans: 1, traces: 1 }] } });
      const at = (await ask('traceAt', { debugSession: 'S1', file: 'C:\\ws\\src\\app.js', line: 22, atUnixMs: T0_MS + 50 })) as { result: ViewerMethods['traceAt']['result'] };
      assert.equal(at.result.traceId, TA);
      assert.equal(at.result.spanId, '1'.repeat(16));
      const none = (await ask('traceAt', { debugSession: 'S1', file: '/ws/src/app.js', line: 22, atUnixMs: T0_MS + 60_000 })) as { result: ViewerMethods['traceAt']['result'] };
      assert.deepEqual(Object.keys(none.result), ['reason']);
      assert.match(none.result.reason, /was running when the program stopped/);
    });

    it('refuses bad params with a message naming the method and the parameter', async () => {
      let id = 10;
      for (const [method, params, want] of BAD) {
        const r = await ask(method, params, ++id);
        assert.ok('error' in r, `${method} ${JSON.stringify(params)}: ${JSON.stringify(r)}`);
        assert.match(r.error, want);
      }
      // The worker is still answering.
      assert.ok('result' in (await ask('debugSessionCounts', {}, 99)));
    });
  });

  describe('meshlens serve', () => {
    let store: TraceStore;
    let rx: HttpReceiver;
    let api: ApiServer;
    before(async () => {
      store = new TraceStore();
      const ingest = new Ingest(store);
      rx = await startHttpReceiver({ port: 0, ingest });
      api = await startApiServer({ port: 0, store, ingest });
      await send(rx.port, { headers: { 'Content-Type': 'application/json' }, body: body(TA, '1'.repeat(16), 'orders', 'S1') });
    });
    after(() => Promise.all([api.close(), rx.close()]));

    const rpc = async (method: string, params: unknown, id = 1) => {
      const r = await send(api.port, { method: 'POST', path: '/api/rpc', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'request', id, method, params }) });
      return { status: r.status, body: JSON.parse(r.body.toString()) as ViewerResponse };
    };

    it('answers debugSessionCounts and traceAt, and refuses bad params with 200 and an error response', async () => {
      assert.deepEqual((await rpc('debugSessionCounts', {})).body, { type: 'response', id: 1, result: { counts: [{ id: 'S1', spans: 1, traces: 1 }] } });
      const at = (await rpc('traceAt', { file: 'file:///home/me/src/app.js', line: 20, atUnixMs: T0_MS + 1 })).body as { result: ViewerMethods['traceAt']['result'] };
      assert.equal(at.result.traceId, TA);
      for (const [method, params, want] of BAD) {
        const r = await rpc(method, params, 5);
        assert.ok('error' in r.body, JSON.stringify(r.body));
        assert.match(r.body.error, want);
      }
    });
  });

  describe('GET /api/traces?debugSession= (serve, for scripts)', () => {
    let store: TraceStore;
    let rx: HttpReceiver;
    let api: ApiServer;
    before(async () => {
      store = new TraceStore();
      const ingest = new Ingest(store);
      rx = await startHttpReceiver({ port: 0, ingest });
      api = await startApiServer({ port: 0, store, ingest });
      await send(rx.port, { headers: { 'Content-Type': 'application/json' }, body: body(TA, '1'.repeat(16), 'orders', 'S1') });
      await send(rx.port, { headers: { 'Content-Type': 'application/json' }, body: body(TB, '1'.repeat(16), 'orders') });
    });
    after(() => Promise.all([api.close(), rx.close()]));

    it('lists only the session\'s traces, and refuses an id that is not one', async () => {
      const get = (q: string) => send(api.port, { method: 'GET', path: `/api/traces?${q}` });
      const one = await get('debugSession=S1');
      assert.equal(one.status, 200, one.body.toString());
      assert.deepEqual((JSON.parse(one.body.toString()) as TraceListDto).traces.map((t) => t.traceId), [TA]);
      assert.equal((JSON.parse((await get('debugSession=')).body.toString()) as TraceListDto).traces.length, 2, 'empty: no filter');
      const bad = await get(`debugSession=${'x'.repeat(MAX_DEBUG_SESSION_ID + 1)}`);
      assert.equal(bad.status, 400);
      assert.match(bad.body.toString(), /debugSession is a debug-session id of at most 256 characters/);
    });
  });

  it('restores the "this debug session" toggle from a saved viewer state, and only a boolean', () => {
    assert.deepEqual(toViewerState({ followDebugSession: false, filters: { error: true } }), { followDebugSession: false, filters: { error: true } });
    assert.deepEqual(toViewerState({ followDebugSession: true }), { followDebugSession: true });
    assert.deepEqual(toViewerState({ followDebugSession: 'no' }), {});
  });
});
