// The viewer bridge against the real trace service in its worker thread: spans posted to the
// receiver reach a ready viewer as `changed`, `query` and `trace` answer with the real DTOs,
// malformed messages get an error response (or nothing, when they carry no id) and never a throw,
// the in-flight bound answers "busy", and dispose stops everything. Events are awaited, never slept on.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { startTraceService, type TraceService } from '../../../src/receiver/trace-service';
import { createViewerBridge, createViewerRpc, toViewerState, type LiveViewerSource } from '../../../src/receiver/viewer-bridge';
import type { ChangedMessage, LiveMessage, TraceDto, TraceLayoutDto, TraceListDto, ViewerResponse } from '../../../src/shared/protocol';
import type { GraphDto } from '../../../src/shared/graph';
import { send } from './client';

const WORKER = path.resolve(__dirname, '../../../src/receiver/trace-worker.ts');
const spawn = () => new Worker(`require('tsx/cjs'); require(${JSON.stringify(WORKER)});`, { eval: true });

function request(traceId: string, spanId: string, service = 'checkout'): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 't' }, spans: [{ traceId, spanId, name: 'GET /cart', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000012000000', attributes: [{ key: 'http.route', value: { stringValue: '/cart' } }] }] }],
      },
    ],
  });
}

type Posted = ViewerResponse | LiveMessage;

/** What a bridge posted, in order, with a way to await the next message that matches. */
class Inbox {
  readonly messages: Posted[] = [];
  private waiters: { match: (m: Posted) => boolean; resolve: (m: Posted) => void }[] = [];
  readonly post = (m: Posted): void => {
    // Through JSON, as postMessage and HTTP carry it: the DTOs must survive that unchanged.
    const copy = JSON.parse(JSON.stringify(m)) as Posted;
    this.messages.push(copy);
    for (const w of [...this.waiters]) {
      if (w.match(copy)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(copy);
      }
    }
  };
  next<T extends Posted>(match: (m: Posted) => boolean): Promise<T> {
    const have = this.messages.find(match);
    if (have) return Promise.resolve(have as T);
    return new Promise((resolve) => this.waiters.push({ match, resolve: resolve as (m: Posted) => void }));
  }
  response(id: number): Promise<ViewerResponse> {
    return this.next((m) => m.type === 'response' && m.id === id);
  }
  changed(traceId: string): Promise<ChangedMessage> {
    return this.next((m) => m.type === 'changed' && (m.added.includes(traceId) || m.updated.includes(traceId)));
  }
}

function result<T>(r: ViewerResponse): T {
  assert.ok('result' in r, `expected a result, got ${JSON.stringify(r)}`);
  return r.result as T;
}

function error(r: ViewerResponse): string {
  assert.ok('error' in r, `expected an error, got ${JSON.stringify(r)}`);
  return r.error;
}

describe('viewer bridge (src/receiver/viewer-bridge.ts)', function () {
  this.timeout(30_000);
  let svc: TraceService;
  let port: number;
  before(async () => {
    svc = await startTraceService(spawn, { httpPort: 0, throttleMs: 20 });
    port = svc.listeners.find((l) => l.name === 'otlpHttp')!.port;
  });
  after(() => svc.close());

  const postSpan = async (traceId: string, spanId: string) => {
    const r = await send(port, { headers: { 'Content-Type': 'application/json' }, body: request(traceId, spanId) });
    assert.equal(r.status, 200, r.body.toString());
  };

  it('forwards live changes after ready and answers query, trace, services and stats with the real DTOs', async () => {
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const inbox = new Inbox();
    const bridge = createViewerBridge(svc, inbox.post);
    try {
      bridge.receive({ type: 'ready' });
      const changed = inbox.changed(trace);
      await postSpan(trace, '00f067aa0ba902b7');
      const msg = await changed;
      assert.ok(msg.stats.spans >= 1);

      bridge.receive({ type: 'request', id: 1, method: 'query', params: { service: 'checkout', limit: 10 } });
      const list = result<TraceListDto>(await inbox.response(1));
      assert.ok(list.traces.some((t) => t.traceId === trace && t.rootName === 'GET /cart' && t.spanCount === 1 && t.startUnixNano === '1700000000000000000'));

      // Upper-case ids are the same trace: ids are normalized at the door.
      bridge.receive({ type: 'request', id: 2, method: 'trace', params: { traceId: trace.toUpperCase() } });
      const dto = result<TraceDto>(await inbox.response(2));
      assert.equal(dto.summary.traceId, trace);
      assert.deepEqual(
        dto.spans.map((s) => [s.spanId, s.name, s.serviceName, s.depth, s.durationMs, s.attributes]),
        [['00f067aa0ba902b7', 'GET /cart', 'checkout', 0, 12, [{ key: 'http.route', value: '/cart' }]]],
      );

      bridge.receive({ type: 'request', id: 3, method: 'trace', params: { traceId: 'ab'.repeat(16) } });
      assert.equal(result(await inbox.response(3)), null);
      bridge.receive({ type: 'request', id: 4, method: 'services' });
      assert.ok(result<{ services: string[] }>(await inbox.response(4)).services.includes('checkout'));
      bridge.receive({ type: 'request', id: 5, method: 'stats', params: {} });
      assert.ok(result<{ store: { spans: number } }>(await inbox.response(5)).store.spans >= 1);
    } finally {
      bridge.dispose();
    }
  });

  it('answers layout, span, search and graph from the worker, and checks their params at the door', async () => {
    const trace = '5bf92f3577b34da6a3ce929d0e0e4737';
    const inbox = new Inbox();
    const bridge = createViewerBridge(svc, inbox.post);
    try {
      await postSpan(trace, '10f067aa0ba902b7');
      bridge.receive({ type: 'request', id: 1, method: 'layout', params: { traceId: trace } });
      const layout = result<TraceLayoutDto>(await inbox.response(1));
      assert.deepEqual([layout.spanIds, layout.names, layout.services, layout.durationNs], [['10f067aa0ba902b7'], ['GET /cart'], ['checkout'], [12_000_000]]);
      bridge.receive({ type: 'request', id: 2, method: 'span', params: { traceId: trace, spanId: '10F067AA0BA902B7' } });
      assert.deepEqual(result<TraceDto>(await inbox.response(2)).spans[0].attributes, [{ key: 'http.route', value: '/cart' }]);
      bridge.receive({ type: 'request', id: 3, method: 'search', params: { traceId: trace, text: '/CART' } });
      assert.deepEqual(result(await inbox.response(3)), { spanIds: ['10f067aa0ba902b7'], truncated: false });
      bridge.receive({ type: 'request', id: 4, method: 'graph', params: { window: 'all' } });
      const graph = result<GraphDto>(await inbox.response(4));
      assert.ok(graph.nodes.some((n) => n.id === 'service:checkout'), JSON.stringify(graph.nodes.map((n) => n.id)));
      bridge.receive({ type: 'request', id: 5, method: 'graph', params: { window: '2m' } });
      assert.match(error(await inbox.response(5)), /^graph: .*window/);
      bridge.receive({ type: 'request', id: 6, method: 'graphTraces', params: { window: '5m', nodeId: 'a', edgeId: 'b' } });
      assert.match(error(await inbox.response(6)), /exactly one of nodeId and edgeId/);
    } finally {
      bridge.dispose();
    }
  });

  it('answers malformed requests with an error response, ignores what has no id, and never throws', async () => {
    const inbox = new Inbox();
    const bridge = createViewerBridge(svc, inbox.post);
    try {
      const bad: [unknown, RegExp][] = [
        [{ type: 'request', id: 10, method: 'drop', params: {} }, /unknown method "drop"/],
        [{ type: 'request', id: 11, method: 'trace', params: { traceId: 'nope' } }, /trace: traceId is 32 hex digits/],
        [{ type: 'request', id: 12, method: 'trace' }, /trace: params must be an object/],
        [{ type: 'request', id: 13, method: 'query', params: { sevice: 'x' } }, /query: unknown parameter "sevice"/],
        [{ type: 'request', id: 14, method: 'query', params: { limit: 1e9 } }, /limit must be a whole number from 1 to 10000/],
        [{ type: 'request', id: 15, method: 'query', params: { minMs: -1 } }, /minMs must be a number not below 0/],
        [{ type: 'request', id: 16, method: 'query', params: { attributes: [{ key: 'a' }] } }, /attribute filter "a" must be a string/],
        [{ type: 'request', id: 17, method: 'query', params: [] }, /params must be an object/],
        [{ type: 'request', id: 18, method: 'stats', params: { x: 1 } }, /this method takes none/],
        [{ type: 'request', id: 19, method: 'query', params: { __proto__: { service: 'x' }, error: 'yes' } }, /error must be true or false/],
        [{ type: 'reload', id: 20 }, /unknown message type "reload"/],
      ];
      for (const [msg] of bad) bridge.receive(msg);
      // No id, so nobody to answer: dropped without a word (and without a throw).
      for (const msg of [null, undefined, 42, 'ready', [], { type: 'request', method: 'query' }, { type: 'request', id: 0, method: 'query' }, { type: 'request', id: 1.5, method: 'query' }, { type: 'request', id: '7', method: 'query' }]) {
        assert.doesNotThrow(() => bridge.receive(msg));
      }
      for (const [msg, error] of bad) {
        const r = await inbox.response((msg as { id: number }).id);
        assert.ok('error' in r, JSON.stringify(r));
        assert.match(r.error, error);
      }
      // A good request after all that is answered normally, and it is the only other message.
      bridge.receive({ type: 'request', id: 30, method: 'services', params: {} });
      result(await inbox.response(30));
      assert.equal(inbox.messages.length, bad.length + 1);
    } finally {
      bridge.dispose();
    }
  });

  it('sends no live message before ready, and none after dispose (answers on their way are dropped too)', async () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const notReady = new Inbox();
    const disposed = new Inbox();
    const live = new Inbox();
    const a = createViewerBridge(svc, notReady.post);
    const b = createViewerBridge(svc, disposed.post);
    const c = createViewerBridge(svc, live.post);
    try {
      b.receive({ type: 'ready' });
      c.receive({ type: 'ready' });
      // The worker answers in order: b's answer would come before c's.
      b.receive({ type: 'request', id: 1, method: 'stats' });
      b.dispose();
      c.receive({ type: 'request', id: 1, method: 'stats' });
      await live.response(1);
      const changed = live.changed(trace);
      await postSpan(trace, '00f067aa0ba902c1');
      await changed;
      // Every listener of the service is called for the same message, so by now a and b would have it.
      assert.deepEqual(notReady.messages, []);
      assert.deepEqual(disposed.messages, []);
    } finally {
      a.dispose();
      c.dispose();
    }
  });

  it('answers "busy" beyond the in-flight bound, and an error when the source fails', async () => {
    const waiting: (() => void)[] = [];
    const source: LiveViewerSource = {
      request: (method) =>
        method === 'stats'
          ? Promise.reject(new Error('the trace service is stopped'))
          : new Promise((resolve) => waiting.push(() => resolve({ services: ['a'] } as never))),
      onChanged: () => () => undefined,
    };
    const inbox = new Inbox();
    const bridge = createViewerBridge(source, inbox.post, { maxInFlight: 2 });
    for (const id of [1, 2, 3]) bridge.receive({ type: 'request', id, method: 'services' });
    const busy = await inbox.response(3);
    assert.ok('error' in busy && /^busy/.test(busy.error), JSON.stringify(busy));
    for (const done of waiting) done();
    assert.deepEqual(result(await inbox.response(1)), { services: ['a'] });
    await inbox.response(2);
    // Room again once answered.
    bridge.receive({ type: 'request', id: 4, method: 'stats' });
    const failed = await inbox.response(4);
    assert.ok('error' in failed && failed.error === 'the trace service is stopped');
    assert.equal(createViewerRpc(source).answer({ type: 'ready' }), undefined);
    bridge.dispose();
  });

  it("keeps the host's long polls (nextTraceToOpen, nextMapReveal) outside the in-flight bound", async () => {
    const waiting: (() => void)[] = [];
    const source: LiveViewerSource = {
      request: (method) =>
        method === 'nextTraceToOpen' || method === 'nextMapReveal'
          ? new Promise((resolve) => waiting.push(() => resolve(null as never)))
          : Promise.resolve({ services: ['a'] } as never),
      onChanged: () => () => undefined,
    };
    const inbox = new Inbox();
    const bridge = createViewerBridge(source, inbox.post, { maxInFlight: 1 });
    bridge.receive({ type: 'request', id: 1, method: 'nextTraceToOpen' });
    bridge.receive({ type: 'request', id: 2, method: 'nextMapReveal' });
    // Both wait for the editor; the one slot is still free for the viewer's work.
    bridge.receive({ type: 'request', id: 3, method: 'services' });
    assert.deepEqual(result(await inbox.response(3)), { services: ['a'] });
    assert.equal(waiting.length, 2);
    for (const done of waiting) done();
    assert.equal(result(await inbox.response(1)), null);
    assert.equal(result(await inbox.response(2)), null);
    bridge.dispose();
  });

  it('keeps only the well-formed parts of a restored viewer state', () => {
    assert.deepEqual(toViewerState({ selectedTraceId: 'AB'.repeat(16), filters: { service: 'cart', error: true, limit: 50 } }), {
      selectedTraceId: 'ab'.repeat(16),
      filters: { service: 'cart', error: true, limit: 50 },
    });
    assert.deepEqual(toViewerState({ selectedTraceId: '<script>', filters: { nope: 1 } }), {});
    for (const raw of [null, undefined, 'x', 3, []]) assert.deepEqual(toViewerState(raw), {});
  });
});
