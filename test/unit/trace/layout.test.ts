// The waterfall's layout, one span's details and the search inside a trace (TraceStore.getLayout,
// getSpan, searchTrace and their DTOs) must say exactly what the whole trace (getTrace) says: the
// viewer opens big traces from the layout and shows details from `span`, so any disagreement would
// show a span where it is not, or the details of another span.
import * as assert from 'node:assert/strict';
import { answerFromStore, decodeLogsJson, decodeTracesProtobuf, toLayoutDto, toTraceDto, TraceStore } from '../../../src/core/trace';
import { LAYOUT_ERROR, LAYOUT_HAS_LOGS, LAYOUT_ORPHAN, type StatsDto, type TraceDto, type TraceLayoutDto } from '../../../src/shared/protocol';
import { parseViewerMessage } from '../../../src/receiver/viewer-bridge';
import { sid, tid, TRACE_A } from './helpers';
import { encodeTraces } from './pb';

const T0 = 1_700_000_000_000n * 1_000_000n;
const noStats = (): StatsDto => ({ store: new TraceStore().stats() as StatsDto['store'] });

type Attr = { key: string; value: object };
interface Spec {
  spanId: string;
  parentSpanId?: string;
  service: string;
  host?: string;
  name: string;
  startNs: bigint;
  durationNs: bigint;
  error?: boolean;
  attrs?: Attr[];
  events?: { name: string; atNs: bigint }[];
}

function request(specs: readonly Spec[], traceId = TRACE_A): object {
  const groups = new Map<string, Spec[]>();
  for (const s of specs) {
    const k = `${s.service}\u0000${s.host ?? ''}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  return {
    resourceSpans: [...groups.values()].map((list) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: list[0].service } },
          ...(list[0].host ? [{ key: 'host.name', value: { stringValue: list[0].host } }] : []),
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: list.map((s) => ({
            traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? '',
            name: s.name,
            kind: s.parentSpanId ? 3 : 2,
            startTimeUnixNano: String(T0 + s.startNs),
            endTimeUnixNano: String(T0 + s.startNs + s.durationNs),
            attributes: s.attrs ?? [],
            events: (s.events ?? []).map((e) => ({ name: e.name, timeUnixNano: String(T0 + s.startNs + e.atNs), attributes: [{ key: 'exception.message', value: { stringValue: 'x' } }] })),
            status: s.error ? { code: 2, message: 'Upstream Reset' } : {},
          })),
        },
      ],
    })),
  };
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random tree over three services on two hosts (so clock skew is corrected), with an orphan. */
function randomSpecs(seed: number, count: number): Spec[] {
  const rand = rng(seed);
  const services = [
    { service: 'frontend', host: 'a' },
    { service: 'cart', host: 'b' },
    { service: 'payment', host: 'b' },
  ];
  const specs: Spec[] = [{ spanId: sid(1), service: 'frontend', host: 'a', name: 'GET /', startNs: 0n, durationNs: 50_000_000n }];
  for (let i = 2; i <= count; i++) {
    const parent = specs[Math.floor(rand() * specs.length)];
    const svc = services[Math.floor(rand() * services.length)];
    // Children may start before their parent or overrun it: the skew adjuster must move some.
    const startNs = parent.startNs + BigInt(Math.floor((rand() - 0.1) * Number(parent.durationNs)));
    specs.push({
      spanId: sid(i),
      parentSpanId: rand() < 0.03 ? sid(9000 + i) : parent.spanId,
      ...svc,
      name: `op ${i % 7}`,
      startNs,
      durationNs: BigInt(1 + Math.floor(rand() * 20_000_000)),
      error: rand() < 0.1,
      attrs: [{ key: `k${i % 5}`, value: { stringValue: `Value-${i}` } }],
      events: rand() < 0.2 ? [{ name: `ev${i}`, atNs: 1000n }] : [],
    });
  }
  // Shuffled: the store places spans whatever order they arrive in.
  for (let i = specs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [specs[i], specs[j]] = [specs[j], specs[i]];
  }
  return specs;
}

function packedStore(specs: readonly Spec[]): TraceStore {
  const store = new TraceStore();
  const d = decodeTracesProtobuf(encodeTraces(request(specs)));
  store.addSpans(d.spans, d.packed!);
  return store;
}

/** The layout as the whole trace says it should be. */
function assertLayoutAgrees(layout: TraceLayoutDto, trace: TraceDto): void {
  const origin = trace.spans.reduce((m, s) => (BigInt(s.adjustedStartUnixNano) < m ? BigInt(s.adjustedStartUnixNano) : m), BigInt(trace.spans[0].adjustedStartUnixNano));
  assert.equal(layout.startUnixNano, origin.toString());
  assert.deepEqual(layout.summary, trace.summary);
  assert.deepEqual(layout.spanIds, trace.spans.map((s) => s.spanId));
  assert.deepEqual(layout.depths, trace.spans.map((s) => s.depth));
  assert.deepEqual(layout.serviceIndex.map((i) => layout.services[i]), trace.spans.map((s) => s.serviceName));
  assert.deepEqual(layout.nameIndex.map((i) => layout.names[i]), trace.spans.map((s) => s.name));
  assert.deepEqual(layout.startNs, trace.spans.map((s) => Number(BigInt(s.adjustedStartUnixNano) - origin)));
  assert.deepEqual(layout.durationNs, trace.spans.map((s) => Number(s.durationNs)));
  assert.deepEqual(layout.kinds, trace.spans.map((s) => s.kind));
  assert.deepEqual(
    layout.flags,
    trace.spans.map((s) => (s.status.code === 2 ? LAYOUT_ERROR : 0) | (s.orphan ? LAYOUT_ORPHAN : 0) | (s.logs.length > 0 ? LAYOUT_HAS_LOGS : 0)),
  );
  const events = trace.spans.flatMap((s, i) => s.events.map((e) => ({ i, ns: Number(BigInt(e.timeUnixNano) + BigInt(s.skewNs) - origin), name: e.name })));
  assert.deepEqual(
    layout.eventSpan.map((i, k) => ({ i, ns: layout.eventNs[k], name: layout.eventName[k] })),
    events,
  );
  assert.deepEqual(layout.warnings, trace.warnings);
}

describe('trace layout, span details and search inside a trace', () => {
  it('the layout of random packed traces (skew, orphans, errors, events) agrees with the whole trace', () => {
    for (const seed of [1, 2, 3, 4]) {
      const store = packedStore(randomSpecs(seed, 300));
      const trace = toTraceDto(store.getTrace(TRACE_A)!);
      assert.ok(trace.warnings.length > 0, `seed ${seed}: some span is shifted for skew`);
      assert.ok(trace.spans.some((s) => s.orphan) && trace.spans.some((s) => s.events.length > 0));
      assertLayoutAgrees(toLayoutDto(store.getLayout(TRACE_A)!), trace);
      // Whole spans (JSON input) give the same layout as packed ones.
      const whole = new TraceStore();
      whole.addSpans(decodeTracesProtobuf(encodeTraces(request(randomSpecs(seed, 300)))).spans);
      assert.deepEqual(toLayoutDto(whole.getLayout(TRACE_A)!), toLayoutDto(store.getLayout(TRACE_A)!));
    }
  });

  it('marks spans with logs, and the layout follows the trace as spans and logs arrive', () => {
    const specs = randomSpecs(7, 40);
    const store = packedStore(specs.slice(0, 20));
    const before = toLayoutDto(store.getLayout(TRACE_A)!);
    assert.equal(before.spanIds.length, 20);
    const d = decodeTracesProtobuf(encodeTraces(request(specs.slice(20))));
    store.addSpans(d.spans, d.packed!);
    const target = specs[5].spanId;
    store.addLogs(decodeLogsJson({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ traceId: TRACE_A, spanId: target, timeUnixNano: String(T0), body: { stringValue: 'hello' } }] }] }] }).logs);
    const after = toLayoutDto(store.getLayout(TRACE_A)!);
    assert.equal(after.spanIds.length, 40);
    assertLayoutAgrees(after, toTraceDto(store.getTrace(TRACE_A)!));
    assert.equal(after.flags[after.spanIds.indexOf(target)] & LAYOUT_HAS_LOGS, LAYOUT_HAS_LOGS);
  });

  it('`span` gives the span exactly as the whole trace shows it, with its resource, scope and logs', () => {
    const specs = randomSpecs(3, 120);
    const store = packedStore(specs);
    const target = specs.find((s) => s.events?.length)!.spanId;
    store.addLogs(decodeLogsJson({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'logger' } }] }, scopeLogs: [{ logRecords: [{ traceId: TRACE_A, spanId: target, timeUnixNano: String(T0), body: { stringValue: 'hi' } }] }] }] }).logs);
    const trace = toTraceDto(store.getTrace(TRACE_A)!);
    const whole = trace.spans.find((s) => s.spanId === target)!;
    const one = answerFromStore(store, 'span', { traceId: TRACE_A, spanId: target }, noStats)!;
    assert.equal(one.spans.length, 1);
    const got = one.spans[0];
    // Resource and scope indices are into the answer's own lists.
    assert.deepEqual({ ...got, resource: 0, scope: 0, logs: [] }, { ...whole, resource: 0, scope: 0, logs: [] });
    assert.deepEqual(one.resources[got.resource], trace.resources[whole.resource]);
    assert.deepEqual(one.scopes[got.scope], trace.scopes[whole.scope]);
    assert.equal(got.logs.length, 1);
    assert.equal(one.resources[got.logs[0].resource].serviceName, 'logger');
    assert.deepEqual(one.summary, trace.summary);
    assert.equal(answerFromStore(store, 'span', { traceId: TRACE_A, spanId: sid(99_999) }, noStats), null);
    assert.equal(answerFromStore(store, 'span', { traceId: tid(5), spanId: target }, noStats), null);
  });

  it('`search` finds by name, service, id, status message, event name and attribute key or value, in display order', () => {
    const specs = randomSpecs(5, 200);
    const store = packedStore(specs);
    const trace = toTraceDto(store.getTrace(TRACE_A)!);
    const expect = (pred: (s: TraceDto['spans'][number]) => boolean) => trace.spans.filter(pred).map((s) => s.spanId);
    const search = (text: string) => answerFromStore(store, 'search', { traceId: TRACE_A, text }, noStats)!;
    const cases: [string, (s: TraceDto['spans'][number]) => boolean][] = [
      ['OP 3', (s) => s.name === 'op 3'],
      ['payment', (s) => s.serviceName === 'payment'],
      [sid(17), (s) => s.spanId === sid(17)],
      ['upstream reset', (s) => s.status.code === 2],
      ['ev1', (s) => s.events.some((e) => e.name.startsWith('ev1'))],
      ['k2', (s) => s.attributes.some((a) => a.key === 'k2')],
      ['value-12', (s) => s.attributes.some((a) => String(a.value).toLowerCase().includes('value-12'))],
    ];
    for (const [text, pred] of cases) {
      const want = expect(pred);
      assert.ok(want.length > 0, `the case "${text}" matches something`);
      assert.deepEqual(search(text), { spanIds: want, truncated: false }, text);
    }
    const capped = store.searchTrace(TRACE_A, 'op', 5)!;
    assert.deepEqual(capped, { spanIds: expect((s) => s.name.startsWith('op')).slice(0, 5), truncated: true });
    assert.equal(answerFromStore(store, 'search', { traceId: tid(5), text: 'x' }, noStats), null);
  });

  it('a store keeps the placed spans of only the last few traces asked for', () => {
    const store = new TraceStore();
    for (let t = 1; t <= 10; t++) {
      const d = decodeTracesProtobuf(encodeTraces(request(randomSpecs(t, 30), tid(t))));
      store.addSpans(d.spans, d.packed!);
    }
    for (let t = 1; t <= 10; t++) assert.equal(store.getLayout(tid(t))!.spans.length, 30);
    const cached = (store as unknown as { recentTrees: unknown[] }).recentTrees;
    assert.ok(cached.length <= 4, `${cached.length} trees cached`);
  });

  it("the bridge checks the new methods' params at the door", () => {
    const msg = (method: string, params: unknown) => parseViewerMessage({ type: 'request', id: 1, method, params });
    assert.equal(msg('layout', { traceId: TRACE_A.toUpperCase() }).kind, 'request');
    assert.match(JSON.stringify(msg('layout', {})), /traceId is 32 hex digits/);
    assert.match(JSON.stringify(msg('span', { traceId: TRACE_A, spanId: 'zz' })), /spanId is 16 hex digits/);
    assert.match(JSON.stringify(msg('span', { traceId: TRACE_A, spanId: sid(1), extra: 1 })), /unknown parameter/);
    assert.match(JSON.stringify(msg('search', { traceId: TRACE_A, text: '   ' })), /text is 1 to 256 characters/);
    assert.match(JSON.stringify(msg('search', { traceId: TRACE_A, text: 'x'.repeat(257) })), /text is 1 to 256/);
    const ok = msg('search', { traceId: TRACE_A, text: '  GET ' });
    assert.equal(ok.kind === 'request' && ok.request.method === 'search' && ok.request.params.text, 'GET');
  });
});
