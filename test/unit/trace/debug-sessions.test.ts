// Debug sessions in the trace store (issue 11): traces tagged by the `meshlens.debug.session`
// resource attribute, the session filter, the bounded per-session counts, and traceAt (from a
// paused code location to the span running there). The SDK cases send real spans recorded by the
// OpenTelemetry JS SDK through a real OTLP/HTTP receiver into the store.
import * as assert from 'node:assert/strict';
import { context, trace as apiTrace } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { decodeTracesJson, TRACE_AT_TOLERANCE_MS, TraceStore, type Span } from '../../../src/core/trace';
import { decodeTracesProtobuf } from '../../../src/core/trace/protobuf';
import { DEBUG_SESSION_ATTRIBUTE } from '../../../src/shared/protocol';
import { startHttpReceiver, type HttpReceiver } from '../../../src/receiver/http';
import { sid, tid } from './helpers';
import { encodeTraces } from './pb';
import '../receiver/sdk'; // the async context manager an instrumented Node app has

const T0 = 1_700_000_000_000;

interface Spec {
  trace: number;
  span: number;
  parent?: number;
  name?: string;
  startMs?: number;
  durationMs?: number;
  attrs?: Record<string, string | number>;
}

/** One request; each group is one resourceSpans with its service and (maybe) its debug session. */
function request(groups: { service: string; session?: string; spans: Spec[] }[]): object {
  const value = (v: string | number) => (typeof v === 'string' ? { stringValue: v } : { intValue: String(v) });
  return {
    resourceSpans: groups.map((g) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: g.service } },
          ...(g.session === undefined ? [] : [{ key: DEBUG_SESSION_ATTRIBUTE, value: { stringValue: g.session } }]),
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: g.spans.map((s) => {
            const start = BigInt(s.startMs ?? T0) * 1_000_000n;
            return {
              traceId: tid(s.trace),
              spanId: sid(s.span),
              parentSpanId: s.parent === undefined ? '' : sid(s.parent),
              name: s.name ?? `span ${s.span}`,
              kind: 2,
              startTimeUnixNano: String(start),
              endTimeUnixNano: String(start + BigInt(Math.round((s.durationMs ?? 10) * 1e6))),
              attributes: Object.entries(s.attrs ?? {}).map(([key, v]) => ({ key, value: value(v) })),
            };
          }),
        },
      ],
    })),
  };
}

const spansOf = (groups: Parameters<typeof request>[0]): Span[] => decodeTracesJson(request(groups)).spans;

/** The same request into two stores: as whole spans (JSON) and packed (protobuf). */
function bothWays(groups: Parameters<typeof request>[0], stores: [TraceStore, TraceStore]): void {
  stores[0].addSpans(spansOf(groups));
  const pb = decodeTracesProtobuf(encodeTraces(request(groups)));
  stores[1].addSpans(pb.spans, pb.packed!);
}

describe('TraceStore: debug sessions', () => {
  it('tags a trace with the session of its first span that carries one, whole or packed', () => {
    const stores: [TraceStore, TraceStore] = [new TraceStore(), new TraceStore()];
    // Trace 1: a downstream service (not debugged) reports first, then the debugged app, then a
    // second debugged app: the first session seen wins. Trace 2 has no session at all.
    bothWays([{ service: 'inventory', spans: [{ trace: 1, span: 2, parent: 1 }] }], stores);
    bothWays([{ service: 'orders', session: 'S1', spans: [{ trace: 1, span: 1 }] }], stores);
    bothWays([{ service: 'billing', session: 'S2', spans: [{ trace: 1, span: 3, parent: 1 }] }], stores);
    bothWays([{ service: 'orders', spans: [{ trace: 2, span: 1 }] }], stores);
    for (const [i, store] of stores.entries()) {
      const how = i === 0 ? 'whole' : 'packed';
      assert.equal(store.summary(tid(1))?.debugSession, 'S1', how);
      assert.equal(store.summary(tid(2))?.debugSession, undefined, how);
      assert.ok(!('debugSession' in store.summary(tid(2))!), `${how}: no key at all when there is no session`);
      assert.deepEqual(store.query({ debugSession: 'S1' }).map((t) => t.traceId), [tid(1)], how);
      assert.deepEqual(store.query({ debugSession: 'S2' }), [], `${how}: S2 never got a trace of its own`);
      assert.deepEqual(store.query({ debugSession: 'nope' }), [], how);
      assert.equal(store.query({}).length, 2, how);
      // The trace counts with all its spans, the one that arrived before the tag too.
      assert.deepEqual(store.debugSessionCounts(), [{ id: 'S1', spans: 3, traces: 1 }], how);
    }
  });

  it('combines the session filter with the others', () => {
    const store = new TraceStore();
    store.addSpans(
      spansOf([
        { service: 'orders', session: 'S1', spans: [{ trace: 1, span: 1, name: 'GET /a', durationMs: 5 }, { trace: 2, span: 1, name: 'GET /b', durationMs: 50 }] },
        { service: 'orders', spans: [{ trace: 3, span: 1, name: 'GET /b', durationMs: 50 }] },
      ]),
    );
    assert.deepEqual(store.query({ debugSession: 'S1', operation: 'GET /b' }).map((t) => t.traceId), [tid(2)]);
    assert.deepEqual(store.query({ debugSession: 'S1', minDurationMs: 1 }).length, 2);
    assert.deepEqual(store.query({ debugSession: 'S1', limit: 1 }).length, 1);
    assert.deepEqual(store.query({ operation: 'GET /b' }).length, 2);
  });

  it('keeps the counts equal to what the filter lists while traces grow, repeat and are evicted', () => {
    const store = new TraceStore({ maxSpans: 10 });
    const check = (where: string) => {
      for (const c of store.debugSessionCounts()) {
        const listed = store.query({ debugSession: c.id, limit: 1000 });
        assert.equal(c.traces, listed.length, `${where}: traces of ${c.id}`);
        assert.equal(c.spans, listed.reduce((n, t) => n + t.spanCount, 0), `${where}: spans of ${c.id}`);
      }
    };
    store.addSpans(spansOf([{ service: 'a', session: 'S1', spans: [1, 2, 3].map((span) => ({ trace: 1, span })) }]));
    store.addSpans(spansOf([{ service: 'a', session: 'S1', spans: [1, 2].map((span) => ({ trace: 2, span })) }]));
    check('grown');
    // A repeat of a span id replaces it: no count moves.
    store.addSpans(spansOf([{ service: 'a', session: 'S1', spans: [{ trace: 1, span: 1 }] }]));
    assert.deepEqual(store.debugSessionCounts(), [{ id: 'S1', spans: 5, traces: 2 }]);
    store.addSpans(spansOf([{ service: 'b', session: 'S2', spans: [1, 2, 3, 4].map((span) => ({ trace: 3, span })) }]));
    check('two sessions');
    // 9 + 3 > 10: trace 1 (oldest) goes.
    store.addSpans(spansOf([{ service: 'c', spans: [1, 2, 3].map((span) => ({ trace: 4, span })) }]));
    assert.equal(store.has(tid(1)), false);
    assert.deepEqual(store.debugSessionCounts(), [
      { id: 'S1', spans: 2, traces: 1 },
      { id: 'S2', spans: 4, traces: 1 },
    ]);
    check('after eviction');
    // Everything of S1 evicted: the session stays known, with nothing held.
    store.addSpans(spansOf([{ service: 'c', spans: [1, 2].map((span) => ({ trace: 5, span })) }]));
    assert.deepEqual(store.debugSessionCounts(['S1', 'S2', 'unknown']), [
      { id: 'S1', spans: 0, traces: 0 },
      { id: 'S2', spans: 4, traces: 1 },
    ]);
    check('S1 emptied');
  });

  it('tracks at most maxDebugSessions: the oldest is forgotten, its traces untagged for good', () => {
    const store = new TraceStore({ maxDebugSessions: 2 });
    for (const [n, id] of ['S1', 'S2', 'S3'].entries()) store.addSpans(spansOf([{ service: 'a', session: id, spans: [{ trace: n + 1, span: 1 }] }]));
    assert.deepEqual(
      store.debugSessionCounts().map((c) => c.id),
      ['S2', 'S3'],
    );
    assert.equal(store.summary(tid(1))?.debugSession, undefined, 'the forgotten session no longer labels its trace');
    assert.deepEqual(store.query({ debugSession: 'S1' }), []);
    // More spans of S1 for its old trace: not tagged again (the counts of a new S1 would miss it).
    store.addSpans(spansOf([{ service: 'a', session: 'S1', spans: [{ trace: 1, span: 2, parent: 1 }] }]));
    assert.equal(store.summary(tid(1))?.debugSession, undefined);
    assert.deepEqual(store.debugSessionCounts(), [
      { id: 'S2', spans: 1, traces: 1 },
      { id: 'S3', spans: 1, traces: 1 },
    ]);
    assert.throws(() => new TraceStore({ maxDebugSessions: 0 }), /maxDebugSessions/);
  });

  it('reads the session attribute once per run of spans sharing a Resource, not once per span', () => {
    const store = new TraceStore();
    const [proto] = spansOf([{ service: 'a', session: 'S1', spans: [{ trace: 1, span: 1 }] }]);
    let reads = 0;
    const attributes = new Map(proto.resource.attributes);
    const counted = new Proxy(attributes, {
      get(target, key) {
        if (key === 'get') return (k: string) => (k === DEBUG_SESSION_ATTRIBUTE && reads++, target.get(k));
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const resource = { ...proto.resource, attributes: counted };
    const batch: Span[] = [];
    for (let i = 1; i <= 500; i++) batch.push({ ...proto, traceId: tid(1 + (i % 50)), spanId: sid(i), resource });
    store.addSpans(batch);
    assert.equal(reads, 1);
    assert.deepEqual(store.debugSessionCounts(), [{ id: 'S1', spans: 500, traces: 50 }]);
  });

  it('ignores a session value that is not a usable id', () => {
    const store = new TraceStore();
    store.addSpans(spansOf([{ service: 'a', session: '', spans: [{ trace: 1, span: 1 }] }]));
    store.addSpans(spansOf([{ service: 'a', session: 'x'.repeat(300), spans: [{ trace: 2, span: 1 }] }]));
    const numeric = decodeTracesJson({
      resourceSpans: [{ resource: { attributes: [{ key: DEBUG_SESSION_ATTRIBUTE, value: { intValue: '7' } }] }, scopeSpans: [{ spans: [{ traceId: tid(3), spanId: sid(1), name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }] }],
    }).spans;
    store.addSpans(numeric);
    assert.deepEqual(store.debugSessionCounts(), []);
    assert.equal(store.query({}).length, 3);
  });
});

describe('TraceStore.traceAt', () => {
  // orders (debugged, session S1): GET /orders (src/orders.ts:10) > load (src/db.ts:30, new names) > query (no code attrs)
  // inventory (not debugged), same trace: covers the same time.
  function shop(): TraceStore {
    const store = new TraceStore();
    store.addSpans(
      spansOf([
        {
          service: 'orders',
          session: 'S1',
          spans: [
            { trace: 1, span: 1, name: 'GET /orders', startMs: T0, durationMs: 100, attrs: { 'code.filepath': '/app/src/orders.ts', 'code.lineno': 10 } },
            { trace: 1, span: 2, parent: 1, name: 'load', startMs: T0 + 10, durationMs: 50, attrs: { 'code.file.path': 'src/db.ts', 'code.line.number': 30 } },
            { trace: 1, span: 3, parent: 2, name: 'query', startMs: T0 + 20, durationMs: 5 },
            // An earlier request through the same code, long over.
            { trace: 2, span: 1, name: 'GET /orders', startMs: T0 - 5000, durationMs: 100, attrs: { 'code.filepath': '/app/src/orders.ts', 'code.lineno': 10 } },
          ],
        },
        { service: 'inventory', spans: [{ trace: 1, span: 9, parent: 1, name: 'reserve', startMs: T0 + 21, durationMs: 2, attrs: { 'code.filepath': '/srv/orders.ts' } }] },
      ]),
    );
    return store;
  }

  it('finds the span whose code attributes name the file, across separators and file:// URLs', () => {
    const store = shop();
    for (const file of ['/home/dev/shop/src/orders.ts', 'C:\\Users\\dev\\shop\\src\\orders.ts', 'file:///home/dev/shop/src/orders.ts', 'file:///C:/Users/dev/shop/src/orders.ts']) {
      const got = store.traceAt({ debugSession: 'S1', file, line: 14, atUnixMs: T0 + 22 });
      assert.equal(got.traceId, tid(1), file);
      assert.equal(got.spanId, sid(1), `${file}: the file's span, not the innermost one`);
      assert.match(got.reason, /GET \/orders.*orders\.ts/);
    }
    // The new attribute names (code.file.path, code.line.number), a relative path.
    const db = store.traceAt({ debugSession: 'S1', file: '/home/dev/shop/src/db.ts', line: 33, atUnixMs: T0 + 22 });
    assert.equal(db.spanId, sid(2));
  });

  it('prefers more shared path segments, then the code line nearest above the paused one', () => {
    const store = new TraceStore();
    store.addSpans(
      spansOf([
        {
          service: 'a',
          spans: [
            { trace: 1, span: 1, startMs: T0, durationMs: 100, attrs: { 'code.filepath': '/x/other/handlers.ts', 'code.lineno': 5 } },
            { trace: 1, span: 2, parent: 1, startMs: T0, durationMs: 90, attrs: { 'code.filepath': '/app/cart/handlers.ts', 'code.lineno': 50 } },
            { trace: 1, span: 3, parent: 2, startMs: T0, durationMs: 80, attrs: { 'code.filepath': '/app/cart/handlers.ts', 'code.lineno': 10 } },
            { trace: 1, span: 4, parent: 3, startMs: T0, durationMs: 70, attrs: { 'code.filepath': '/app/cart/handlers.ts', 'code.lineno': 40 } },
          ],
        },
      ]),
    );
    // Line 45: span 4's function starts at 40 (5 above), span 2's at 50 (below the paused line).
    assert.equal(store.traceAt({ file: '/ws/cart/handlers.ts', line: 45, atUnixMs: T0 + 1 }).spanId, sid(4));
    // Line 20: only span 3 (10) starts above it.
    assert.equal(store.traceAt({ file: '/ws/cart/handlers.ts', line: 20, atUnixMs: T0 + 1 }).spanId, sid(3));
    // Only the file name in common: span 1 is as good as the others by path; still, cart/ shares more.
    assert.equal(store.traceAt({ file: '/ws/other/handlers.ts', line: 6, atUnixMs: T0 + 1 }).spanId, sid(1));
  });

  it('reads code.stacktrace frames (Node and Python) when no code.* path names the file', () => {
    const store = new TraceStore();
    const node = 'Error\n    at handle (/app/src/routes/cart.js:42:11)\n    at process (node:internal/process/task_queues:95:5)';
    const py = 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 17, in checkout\n    total()';
    store.addSpans(
      spansOf([
        {
          service: 'a',
          spans: [
            { trace: 1, span: 1, startMs: T0, durationMs: 100, attrs: { 'code.stacktrace': node } },
            { trace: 2, span: 1, startMs: T0, durationMs: 100, attrs: { 'code.stacktrace': py } },
          ],
        },
      ]),
    );
    const js = store.traceAt({ file: 'D:\\work\\shop\\src\\routes\\cart.js', line: 42, atUnixMs: T0 + 50 });
    assert.equal(js.traceId, tid(1));
    assert.match(js.reason, /stacktrace/);
    assert.equal(store.traceAt({ file: '/home/me/app/views.py', line: 17, atUnixMs: T0 + 50 }).traceId, tid(2));
  });

  it('falls back to the innermost span of the session running at that time', () => {
    const store = shop();
    const got = store.traceAt({ debugSession: 'S1', file: '/home/dev/shop/src/payments.ts', line: 3, atUnixMs: T0 + 22 });
    // "reserve" (inventory, 2 ms) is shorter, but not of the session.
    assert.equal(got.spanId, sid(3));
    assert.match(got.reason, /No span names payments\.ts; "query" is the innermost/);
    // Without a session every span counts.
    assert.equal(store.traceAt({ file: '/x/payments.ts', line: 3, atUnixMs: T0 + 22 }).spanId, sid(9));
    // Without a session, a span of any process may name the file.
    assert.equal(store.traceAt({ file: '/home/dev/shop/src/orders.ts', line: 1, atUnixMs: T0 + 22 }).spanId, sid(1));
  });

  it('covers the paused time within the tolerance, no further', () => {
    const store = shop();
    const end = T0 + 100;
    assert.equal(store.traceAt({ debugSession: 'S1', file: '/a/orders.ts', line: 11, atUnixMs: end + TRACE_AT_TOLERANCE_MS / 2 }).spanId, sid(1));
    assert.equal(store.traceAt({ debugSession: 'S1', file: '/a/orders.ts', line: 11, atUnixMs: T0 - TRACE_AT_TOLERANCE_MS / 2 }).spanId, sid(1));
    const late = store.traceAt({ debugSession: 'S1', file: '/a/orders.ts', line: 11, atUnixMs: end + TRACE_AT_TOLERANCE_MS * 3 });
    assert.equal(late.traceId, undefined);
    assert.equal(late.spanId, undefined);
    assert.match(late.reason, /None of the 4 spans that arrived was running when the program stopped/);
  });

  it('prefers the span running at that very time over one that ended within the tolerance (the request before the paused one)', () => {
    const store = new TraceStore();
    const at = T0 + 1000;
    store.addSpans(
      spansOf([
        {
          service: 'orders',
          session: 'S1',
          spans: [
            // /orders/1 ended 40 ms before the program stopped: short, same file and line.
            { trace: 1, span: 1, name: 'GET /orders/1', startMs: at - 60, durationMs: 20, attrs: { 'code.filepath': '/app/src/orders.js', 'code.lineno': 10 } },
            // /orders/2 is the paused one: it runs on (the pause is in it).
            { trace: 2, span: 1, name: 'GET /orders/2', startMs: at - 10, durationMs: 30_000, attrs: { 'code.filepath': '/app/src/orders.js', 'code.lineno': 10 } },
          ],
        },
      ]),
    );
    assert.equal(store.traceAt({ debugSession: 'S1', file: '/ws/src/orders.js', line: 12, atUnixMs: at }).traceId, tid(2));
    // The innermost fallback ranks the same way.
    assert.equal(store.traceAt({ debugSession: 'S1', file: '/ws/src/other.js', line: 12, atUnixMs: at }).traceId, tid(2));
    // With only the earlier request there, it is still found within the tolerance (another clock).
    const earlier = new TraceStore();
    earlier.addSpans(spansOf([{ service: 'orders', session: 'S1', spans: [{ trace: 1, span: 1, startMs: at - 60, durationMs: 20, attrs: { 'code.filepath': '/app/src/orders.js' } }] }]));
    assert.equal(earlier.traceAt({ debugSession: 'S1', file: '/ws/src/orders.js', line: 12, atUnixMs: at }).traceId, tid(1));
  });

  it('says why when nothing can be found', () => {
    assert.deepEqual(new TraceStore().traceAt({ file: '/a.ts', line: 1, atUnixMs: T0 }), { reason: 'No span has arrived yet.' });
    const unknown = shop().traceAt({ debugSession: 'S9', file: '/a.ts', line: 1, atUnixMs: T0 });
    assert.equal(unknown.traceId, undefined);
    assert.match(unknown.reason, /No span of this debug session has arrived/);
  });

  describe('with spans recorded by the OpenTelemetry JS SDK', () => {
    let rx: HttpReceiver;
    let store: TraceStore;
    beforeEach(async () => {
      store = new TraceStore();
      rx = await startHttpReceiver({ port: 0, ingest: store });
    });
    afterEach(async () => {
      await rx.close();
    });

    /** A debugged app's request handler, "paused" inside its child span; returns when it paused. */
    async function recordPaused(exporter: SpanExporter, session: string | undefined): Promise<{ pausedAt: number; traceId: string; childId: string }> {
      const provider = new NodeTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'orders', ...(session && { [DEBUG_SESSION_ATTRIBUTE]: session }) }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      });
      const tracer = provider.getTracer('orders-app');
      let pausedAt = 0;
      let childId = '';
      let traceId = '';
      await tracer.startActiveSpan('GET /orders/:id', { attributes: { 'code.filepath': '/usr/src/app/src/server.js', 'code.lineno': 12 } }, async (root) => {
        traceId = root.spanContext().traceId;
        const child = tracer.startSpan('loadOrder', { attributes: { 'code.file.path': '/usr/src/app/src/orders.js', 'code.line.number': 40 } }, context.active());
        childId = child.spanContext().spanId;
        await new Promise((r) => setTimeout(r, 15));
        pausedAt = Date.now();
        await new Promise((r) => setTimeout(r, 15));
        child.end();
        root.end();
      });
      assert.equal(apiTrace.getActiveSpan(), undefined);
      await provider.forceFlush();
      await provider.shutdown();
      return { pausedAt, traceId, childId };
    }

    for (const [name, make] of [
      ['protobuf', (url: string) => new ProtoExporter({ url })],
      ['JSON', (url: string) => new JsonExporter({ url })],
    ] as const) {
      it(`${name}: the session's trace, its counts, and the span paused in`, async () => {
        const url = `http://127.0.0.1:${rx.port}/v1/traces`;
        const debugged = await recordPaused(make(url), 'dbg-7f3a');
        const other = await recordPaused(make(url), undefined);
        assert.equal(store.summary(debugged.traceId)?.debugSession, 'dbg-7f3a');
        assert.equal(store.summary(other.traceId)?.debugSession, undefined);
        assert.deepEqual(store.query({ debugSession: 'dbg-7f3a' }).map((t) => t.traceId), [debugged.traceId]);
        assert.deepEqual(store.debugSessionCounts(['dbg-7f3a']), [{ id: 'dbg-7f3a', spans: 2, traces: 1 }]);
        // The workspace path of the file, as VS Code's debugger names it on Windows.
        const got = store.traceAt({ debugSession: 'dbg-7f3a', file: 'c:\\Users\\dev\\shop\\src\\orders.js', line: 44, atUnixMs: debugged.pausedAt });
        assert.deepEqual([got.traceId, got.spanId], [debugged.traceId, debugged.childId], got.reason);
        // The other (undebugged) run paused in the same file: the session never answers with it.
        const notOther = store.traceAt({ debugSession: 'dbg-7f3a', file: '/x/orders.js', line: 44, atUnixMs: other.pausedAt });
        assert.notEqual(notOther.traceId, other.traceId, notOther.reason);
        assert.equal(store.traceAt({ file: '/x/orders.js', line: 44, atUnixMs: other.pausedAt }).traceId !== undefined, true, 'without a session it is found');
      });
    }
  });
});
