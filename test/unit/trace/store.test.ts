import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { decodeLogsJson, decodeTracesJson } from '../../../src/core/trace/json';
import { TraceStore, type StoreChange } from '../../../src/core/trace';
import type { Span } from '../../../src/core/trace/model';
import { decodeTracesProtobuf } from '../../../src/core/trace/protobuf';
import { sid, tid, TRACE_A, TRACE_B, tracesRequest, type SpanSpec } from './helpers';
import { encodeTraces } from './pb';
import { rng } from '../rng';

const spans = (specs: SpanSpec[]): Span[] => decodeTracesJson(tracesRequest(specs)).spans;
const T0 = 1_700_000_000_000;

/** frontend -> cart -> db, plus frontend -> payment (error), in trace A. */
function shop(): Span[] {
  return spans([
    { spanId: sid(1), service: 'frontend', name: 'GET /checkout', startMs: T0, durationMs: 100 },
    { spanId: sid(2), parentSpanId: sid(1), service: 'cart', name: 'GetCart', startMs: T0 + 10, durationMs: 30, kind: 2, attrs: { 'rpc.system': 'grpc' } },
    { spanId: sid(3), parentSpanId: sid(2), service: 'cart', name: 'HGET', startMs: T0 + 12, durationMs: 5, kind: 3, attrs: { 'db.system': 'redis' } },
    { spanId: sid(4), parentSpanId: sid(1), service: 'payment', name: 'Charge', startMs: T0 + 50, durationMs: 40, error: true, attrs: { 'http.status_code': 503 } },
  ]);
}

describe('TraceStore', () => {
  it('assembles a trace from spans arriving in any order, depth-first with depths', () => {
    const all = shop();
    for (const order of [[0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]]) {
      const store = new TraceStore();
      for (const i of order) store.addSpans([all[i]]);
      const view = store.getTrace(TRACE_A)!;
      assert.deepEqual(
        view.spans.map((n) => [n.span.name, n.depth, n.orphan]),
        [
          ['GET /checkout', 0, false],
          ['GetCart', 1, false],
          ['HGET', 2, false],
          ['Charge', 1, false],
        ],
        `arrival order ${order}`,
      );
      const sum = view.summary;
      assert.equal(sum.rootServiceName, 'frontend');
      assert.equal(sum.rootName, 'GET /checkout');
      assert.equal(sum.hasRealRoot, true);
      assert.deepEqual(sum.services, ['cart', 'frontend', 'payment']);
      assert.equal(sum.spanCount, 4);
      assert.equal(sum.errorCount, 1);
      assert.equal(sum.hasError, true);
      assert.equal(sum.orphanCount, 0);
      assert.equal(sum.startUnixMs, T0);
      assert.equal(sum.durationMs, 100);
    }
  });

  it('marks a span whose parent has not arrived as an orphan root, and fixes it when the parent comes', () => {
    const all = shop();
    const store = new TraceStore();
    store.addSpans([all[2], all[3]]);
    let view = store.getTrace(TRACE_A)!;
    assert.deepEqual(view.spans.map((n) => [n.span.name, n.depth, n.orphan]), [['HGET', 0, true], ['Charge', 0, true]]);
    assert.equal(view.summary.hasRealRoot, false);
    assert.equal(view.summary.rootName, 'HGET');
    assert.equal(view.summary.orphanCount, 2);
    store.addSpans([all[0]]);
    view = store.getTrace(TRACE_A)!;
    assert.deepEqual(view.spans.map((n) => [n.span.name, n.depth, n.orphan]), [['GET /checkout', 0, false], ['Charge', 1, false], ['HGET', 0, true]]);
    assert.equal(view.summary.orphanCount, 1);
    assert.equal(view.summary.rootName, 'GET /checkout');
  });

  it('a repeated span replaces the earlier copy and is counted once', () => {
    const store = new TraceStore();
    store.addSpans(shop());
    const change = store.addSpans(shop().slice(0, 1));
    assert.equal(store.stats().spans, 4);
    assert.deepEqual([change.added, change.updated], [[], [TRACE_A]]);
  });

  it('repeats replace, not add, in a large trace too (past the point where ids get an index)', () => {
    const store = new TraceStore();
    const chain = (name: string): SpanSpec[] => Array.from({ length: 40 }, (_, i) => ({ spanId: sid(i + 1), parentSpanId: i ? sid(i) : undefined, name, startMs: T0 + i }));
    store.addSpans(spans(chain('first')));
    // Again, in reverse, renamed: every span replaced once, in both the short and the indexed range.
    store.addSpans(spans(chain('second')).reverse());
    assert.equal(store.stats().spans, 40);
    const view = store.getTrace(TRACE_A)!;
    assert.deepEqual(new Set(view.spans.map((n) => n.span.name)), new Set(['second']));
    assert.equal(view.spans[39].depth, 39);
  });

  it('a parent cycle loses no span and still has a root to show', () => {
    const store = new TraceStore();
    store.addSpans(spans([{ spanId: sid(1), parentSpanId: sid(2) }, { spanId: sid(2), parentSpanId: sid(1) }]));
    const view = store.getTrace(TRACE_A)!;
    assert.equal(view.spans.length, 2);
    assert.ok(view.spans[0].orphan);
    assert.equal(view.summary.rootName, 'GET /');
  });

  it('a 10,000-deep chain does not overflow the stack', () => {
    const chain: SpanSpec[] = Array.from({ length: 10_000 }, (_, i) => ({ spanId: sid(i + 1), parentSpanId: i ? sid(i) : undefined, startMs: T0 + i }));
    const store = new TraceStore();
    store.addSpans(spans(chain));
    const view = store.getTrace(TRACE_A)!;
    assert.equal(view.spans.length, 10_000);
    assert.equal(view.spans[9_999].depth, 9_999);
  });

  it('attaches logs to their span, and keeps logs whose span has not arrived', () => {
    const store = new TraceStore();
    const logs = decodeLogsJson({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { traceId: TRACE_A, spanId: sid(4), body: { stringValue: 'card declined' } },
                { traceId: TRACE_A, spanId: sid(99), body: { stringValue: 'from a span not yet here' } },
                { body: { stringValue: 'no trace' } },
              ],
            },
          ],
        },
      ],
    }).logs;
    store.addLogs(logs);
    store.addSpans(shop());
    const view = store.getTrace(TRACE_A)!;
    const charge = view.spans.find((n) => n.span.name === 'Charge')!;
    assert.deepEqual(charge.logs.map((l) => l.body), ['card declined']);
    assert.deepEqual(view.unattachedLogs.map((l) => l.body), ['from a span not yet here']);
    assert.equal(view.summary.logCount, 2);
    assert.equal(store.stats().logsWithoutTrace, 1);
  });

  it("lists a span's logs in time order, whatever order they arrived in", () => {
    const store = new TraceStore();
    store.addSpans(shop());
    const at = (ms: number, body: string) => ({ traceId: TRACE_A, spanId: sid(4), timeUnixNano: String(BigInt(T0 + ms) * 1_000_000n), body: { stringValue: body } });
    for (const record of [at(30, 'third'), at(10, 'first'), at(20, 'second')]) {
      store.addLogs(decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }).logs);
    }
    const charge = store.getTrace(TRACE_A)!.spans.find((n) => n.span.name === 'Charge')!;
    assert.deepEqual(charge.logs.map((l) => l.body), ['first', 'second', 'third']);
  });

  it('keeps protobuf spans packed, and shows and filters them exactly as whole spans', () => {
    const req = tracesRequest([
      { spanId: sid(1), service: 'frontend', name: 'GET /checkout', startMs: T0, durationMs: 100, attrs: { 'http.route': '/checkout', n: 3 } },
      { spanId: sid(2), parentSpanId: sid(1), service: 'cart', name: 'GetCart', startMs: T0 + 10, durationMs: 30, kind: 2, attrs: { 'rpc.system': 'grpc', f: 1.5 } },
      { spanId: sid(4), parentSpanId: sid(1), service: 'payment', name: 'Charge', startMs: T0 + 50, durationMs: 40, error: true, attrs: { 'http.status_code': 503 } },
      { spanId: sid(5), parentSpanId: sid(9), service: 'payment', name: 'orphan', startMs: T0 + 60, durationMs: 1 },
    ]);
    const decoded = decodeTracesProtobuf(encodeTraces(req));
    assert.equal(decoded.packed?.ranges.length, 8);
    const packed = new TraceStore();
    packed.addSpans(decoded.spans, decoded.packed);
    const whole = new TraceStore();
    whole.addSpans(decodeTracesProtobuf(encodeTraces(req)).spans);
    assert.deepEqual(packed.getTrace(TRACE_A), whole.getTrace(TRACE_A));
    assert.deepEqual(packed.summary(TRACE_A), whole.summary(TRACE_A));
    for (const q of [{ attributes: [{ key: 'http.status_code', value: '503' }] }, { attributes: [{ key: 'f', value: '2' }] }, { text: 'grpc' }, { text: 'nothing' }, { operation: 'Charge', service: 'payment' }, { error: true }]) {
      assert.deepEqual(packed.query(q), whole.query(q), JSON.stringify(q));
    }
    assert.equal(packed.query({ attributes: [{ key: 'http.status_code', value: '503' }] }).length, 1);
  });

  it('packed spans stay intact while their slabs are filled, freed and reused (random adds, repeats, evictions)', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      // Tiny slabs (a few spans each; a span with a long attribute does not fit one) and a small
      // budget, so that slabs are recycled and reused all the time.
      const packed = new TraceStore({ maxSpans: 60, slabBytes: 700 });
      const whole = new TraceStore({ maxSpans: 60 });
      for (let step = 0; step < 150; step++) {
        const specs: SpanSpec[] = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => ({
          traceId: tid(1 + Math.floor(rand() * 25)),
          spanId: sid(1 + Math.floor(rand() * 6)),
          name: `op-${step}`,
          service: rand() < 0.5 ? 'cart' : 'payment',
          startMs: T0 + step,
          attrs: { step, note: 'x'.repeat(Math.floor(rand() * 4) === 0 ? 900 : 10) },
        }));
        const bytes = encodeTraces(tracesRequest(specs));
        const d = decodeTracesProtobuf(bytes);
        packed.addSpans(d.spans, d.packed!);
        // The request buffer is not the store's: scribble over it, as a reused buffer would be.
        bytes.fill(0xff);
        whole.addSpans(decodeTracesProtobuf(encodeTraces(tracesRequest(specs))).spans);
        // Everything but the byte estimate, which is by design smaller for packed spans.
        const counts = (s: ReturnType<TraceStore['stats']>) => ({ ...s, bytes: undefined });
        assert.deepEqual(counts(packed.stats()), counts(whole.stats()), `seed ${seed} step ${step}`);
        for (const t of whole.query({ limit: 1000 })) assert.deepEqual(packed.getTrace(t.traceId), whole.getTrace(t.traceId), `seed ${seed} step ${step} ${t.traceId}`);
      }
    }
  });

  it('lets go of evicted traces (nothing keeps them reachable)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const store = new TraceStore({ maxSpans: 10 });
    // Only the store (and the WeakRef) ever hold the first span.
    const ref = ((): WeakRef<Span> => {
      const first = spans([{ traceId: tid(1), spanId: sid(1) }])[0];
      store.addSpans([first]);
      return new WeakRef(first);
    })();
    // Enough later traces to evict the first one and to pass the arrival list's compaction point.
    for (let i = 2; i < 40; i++) store.addSpans(spans([{ traceId: tid(i), spanId: sid(1) }]));
    assert.equal(store.has(tid(1)), false);
    // A WeakRef holds its target until the current job ends.
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc();
    assert.equal(ref.deref(), undefined, 'the evicted span is still reachable from the store');
  });

  it('evicts whole oldest traces at the span budget and counts them', () => {
    const store = new TraceStore({ maxSpans: 5 });
    const events: StoreChange[] = [];
    store.subscribe((c) => events.push(c));
    const trace = (n: number, count: number): SpanSpec[] =>
      Array.from({ length: count }, (_, i) => ({ traceId: tid(n), spanId: sid(i + 1), parentSpanId: i ? sid(1) : undefined, startMs: T0 + n }));
    store.addSpans(spans(trace(1, 2)));
    store.addSpans(spans(trace(2, 2)));
    assert.deepEqual(store.stats().evictedTraces, 0);
    store.addSpans(spans(trace(3, 2))); // 6 > 5: trace 1 goes, whole
    assert.equal(store.has(tid(1)), false);
    assert.deepEqual([store.has(tid(2)), store.has(tid(3))], [true, true]);
    assert.deepEqual(events[2].evicted, [tid(1)]);
    // A late span of trace 2 keeps its first-arrival age: trace 2 is still the oldest.
    store.addSpans(spans([{ traceId: tid(2), spanId: sid(8), parentSpanId: sid(1) }, { traceId: tid(2), spanId: sid(9), parentSpanId: sid(1) }]));
    assert.equal(store.has(tid(2)), false);
    assert.equal(store.has(tid(3)), true);
    const s = store.stats();
    assert.deepEqual([s.traces, s.spans, s.evictedTraces, s.evictedSpans], [1, 2, 2, 6]);
    assert.ok(s.spans <= store.maxSpans);
  });

  it('a batch larger than the budget leaves the store within it', () => {
    const store = new TraceStore({ maxSpans: 3 });
    const many = spans(Array.from({ length: 10 }, (_, i) => ({ traceId: tid(i + 1), spanId: sid(1) })));
    const change = store.addSpans(many);
    assert.equal(store.stats().spans, 3);
    assert.equal(change.evicted.length, 7);
    assert.equal(store.stats().evictedSpans, 7);
  });

  it('evicts at the log budget too', () => {
    const store = new TraceStore({ maxLogs: 2 });
    const log = (t: string) => ({ traceId: t, spanId: sid(1), body: { stringValue: 'x' } });
    store.addLogs(decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [log(TRACE_A), log(TRACE_A), log(TRACE_B)] }] }] }).logs);
    assert.deepEqual([store.has(TRACE_A), store.has(TRACE_B)], [false, true]);
    assert.deepEqual([store.stats().logs, store.stats().evictedLogs], [1, 2]);
  });

  it('change events: one per call, unsubscribe works, a throwing listener does not stop ingestion', () => {
    const store = new TraceStore();
    const seen: StoreChange[] = [];
    store.subscribe(() => {
      throw new Error('broken viewer');
    });
    const off = store.subscribe((c) => seen.push(c));
    store.addSpans(shop());
    store.addSpans(spans([{ traceId: TRACE_B, spanId: sid(1) }, { spanId: sid(8), parentSpanId: sid(1) }]));
    store.addSpans([]);
    off();
    store.addSpans(spans([{ traceId: TRACE_B, spanId: sid(2) }]));
    assert.deepEqual(
      seen.map((c) => [c.added, c.updated]),
      [
        [[TRACE_A], []],
        [[TRACE_B], [TRACE_A]],
      ],
    );
    assert.equal(store.stats().listenerErrors, 3);
    assert.equal(store.stats().spans, 7);
  });

  describe('queries', () => {
    const store = new TraceStore();
    store.addSpans(shop());
    store.addSpans(
      spans([
        { traceId: TRACE_B, spanId: sid(1), service: 'frontend', name: 'GET /', startMs: T0 + 1000, durationMs: 5, attrs: { 'http.method': 'GET' } },
        { traceId: tid(3), spanId: sid(1), service: 'batch', name: 'nightly', startMs: T0 - 1000, durationMs: 5000 },
      ]),
    );
    const ids = (q: Parameters<TraceStore['query']>[0]) => store.query(q).map((s) => s.traceId);

    it('all, newest first', () => assert.deepEqual(ids({}), [TRACE_B, TRACE_A, tid(3)]));
    it('limit', () => assert.deepEqual(ids({ limit: 1 }), [TRACE_B]));
    it('by service (any span)', () => assert.deepEqual(ids({ service: 'payment' }), [TRACE_A]));
    it('by operation', () => assert.deepEqual(ids({ operation: 'HGET' }), [TRACE_A]));
    it('by service and operation on the same span', () => {
      assert.deepEqual(ids({ service: 'cart', operation: 'HGET' }), [TRACE_A]);
      assert.deepEqual(ids({ service: 'frontend', operation: 'HGET' }), []);
    });
    it('by duration range', () => {
      assert.deepEqual(ids({ minDurationMs: 50 }), [TRACE_A, tid(3)]);
      assert.deepEqual(ids({ minDurationMs: 50, maxDurationMs: 100 }), [TRACE_A]);
    });
    it('by error', () => {
      assert.deepEqual(ids({ error: true }), [TRACE_A]);
      assert.deepEqual(ids({ error: false }), [TRACE_B, tid(3)]);
    });
    it('by attribute key=value, int64 compared as text', () => {
      assert.deepEqual(ids({ attributes: [{ key: 'http.status_code', value: '503' }] }), [TRACE_A]);
      assert.deepEqual(ids({ attributes: [{ key: 'db.system', value: 'redis' }, { key: 'rpc.system', value: 'grpc' }] }), [TRACE_A]);
      assert.deepEqual(ids({ attributes: [{ key: 'db.system', value: 'mysql' }] }), []);
      assert.deepEqual(ids({ attributes: [{ key: 'service.name', value: 'batch' }] }), [tid(3)]);
    });
    it('by text, case-insensitive', () => {
      assert.deepEqual(ids({ text: 'NIGHT' }), [tid(3)]);
      assert.deepEqual(ids({ text: 'redis' }), [TRACE_A]);
      assert.deepEqual(ids({ text: TRACE_B.slice(0, 8) }), [TRACE_B]);
    });
    it('services', () => assert.deepEqual(store.services(), ['batch', 'cart', 'frontend', 'payment']));
  });

  it('rejects a budget that is not a positive integer', () => {
    assert.throws(() => new TraceStore({ maxSpans: 0 }), RangeError);
  });
});
