import * as assert from 'node:assert/strict';
import { decodeTracesJson } from '../../../src/core/trace/json';
import { computeClockSkew, TraceStore } from '../../../src/core/trace';
import type { Span } from '../../../src/core/trace/model';
import { sid, TRACE_A } from './helpers';

const T0 = 1_700_000_000_000; // ms
const MS = 1_000_000n;

interface S {
  id: number;
  parent?: number;
  service: string;
  host?: { key: 'host.id' | 'host.name' | 'host.ip'; value: string | string[] };
  name: string;
  kind: 'client' | 'server' | 'internal';
  /** Milliseconds after T0, as the span's own machine stamped it (may be fractional to the µs). */
  at: number;
  ms: number;
}

/** One OTLP/JSON request, one resourceSpans per (service, host), decoded as the receiver does. */
function trace(specs: S[]): Span[] {
  const groups = new Map<string, S[]>();
  for (const s of specs) {
    const k = JSON.stringify([s.service, s.host ?? null]);
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  const kinds = { internal: 1, server: 2, client: 3 };
  const ns = (ms: number) => String(BigInt(T0) * MS + BigInt(Math.round(ms * 1000)) * 1000n);
  return decodeTracesJson({
    resourceSpans: [...groups.values()].map((list) => {
      const { service, host } = list[0];
      const attributes: object[] = [{ key: 'service.name', value: { stringValue: service } }];
      if (host) {
        const value = Array.isArray(host.value) ? { arrayValue: { values: host.value.map((v) => ({ stringValue: v })) } } : { stringValue: host.value };
        attributes.push({ key: host.key, value });
      }
      return {
        resource: { attributes },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: list.map((s) => ({
              traceId: TRACE_A,
              spanId: sid(s.id),
              parentSpanId: s.parent === undefined ? '' : sid(s.parent),
              name: s.name,
              kind: kinds[s.kind],
              startTimeUnixNano: ns(s.at),
              endTimeUnixNano: ns(s.at + s.ms),
            })),
          },
        ],
      };
    }),
  }).spans;
}

/** Deltas in ms by span number, only the spans that move. */
function deltasMs(spans: Span[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const [id, d] of computeClockSkew(spans).deltas) out[parseInt(id, 16)] = Number(d) / 1e6;
  return out;
}

describe('clock skew', () => {
  it('shifts a server span 50 ms ahead of its client parent into it, with its whole subtree', () => {
    // Real timeline: frontend calls checkout at 10 ms for 100 ms; checkout serves 20..100 (10 ms of
    // network each way). The checkout machine's clock runs 50 ms ahead.
    const spans = trace([
      { id: 1, service: 'frontend', name: 'GET /cart', kind: 'server', at: 0, ms: 120 },
      { id: 2, parent: 1, service: 'frontend', name: 'GET checkout/cart', kind: 'client', at: 10, ms: 100 },
      { id: 3, parent: 2, service: 'checkout', name: 'GET /cart', kind: 'server', at: 70, ms: 80 },
      { id: 4, parent: 3, service: 'checkout', name: 'LoadCart', kind: 'internal', at: 75, ms: 30 },
      { id: 5, parent: 4, service: 'checkout', name: 'HGETALL', kind: 'client', at: 80, ms: 4.5 },
      { id: 6, parent: 3, service: 'checkout', name: 'Render', kind: 'internal', at: 110, ms: 35 },
    ]);
    assert.deepEqual(deltasMs(spans), { 3: -50, 4: -50, 5: -50, 6: -50 });
    const { warnings } = computeClockSkew(spans);
    assert.deepEqual(
      warnings.map((w) => [parseInt(w.spanId, 16), parseInt(w.causeSpanId, 16)]).sort((x, y) => x[0] - y[0]),
      [
        [3, 3],
        [4, 3],
        [5, 3],
        [6, 3],
      ],
    );
    assert.equal(warnings[0].message, 'checkout GET /cart: shifted -50.0 ms for clock skew against its parent in frontend');
    assert.equal(warnings.find((w) => w.spanId === sid(5))!.message, 'checkout HGETALL: shifted -50.0 ms with checkout GET /cart (same clock)');

    // In the store: Span untouched, node adjusted, summary raw, one warning per shifted span.
    const store = new TraceStore();
    store.addSpans(spans);
    const view = store.getTrace(TRACE_A)!;
    const server = view.spans.find((n) => n.span.spanId === sid(3))!;
    assert.equal(server.span.startUnixNano, BigInt(T0 + 70) * MS);
    assert.equal(server.skewNs, -50n * MS);
    assert.equal(server.skewMs, -50);
    assert.equal(server.adjustedStartUnixNano, BigInt(T0 + 20) * MS);
    assert.equal(server.adjustedStartUnixMs, T0 + 20);
    const root = view.spans[0];
    assert.equal([root.skewNs, root.skewMs, root.adjustedStartUnixMs].join(), ['0', 0, T0].join());
    assert.deepEqual(view.warnings, [
      'checkout GET /cart: shifted -50.0 ms for clock skew against its parent in frontend',
      'checkout LoadCart: shifted -50.0 ms with checkout GET /cart (same clock)',
      'checkout HGETALL: shifted -50.0 ms with checkout GET /cart (same clock)',
      'checkout Render: shifted -50.0 ms with checkout GET /cart (same clock)',
    ]);
    assert.equal(view.summary.durationMs, 150, 'the summary keeps the received times');
    assert.deepEqual(
      view.spans.map((n) => [n.span.name, n.depth]),
      [
        ['GET /cart', 0],
        ['GET checkout/cart', 1],
        ['GET /cart', 2],
        ['LoadCart', 3],
        ['HGETALL', 4],
        ['Render', 3],
      ],
    );
  });

  it('orders children by adjusted start', () => {
    // cart's clock is 70 ms ahead: raw, its span looks later than the local one; really it is earlier.
    const spans = trace([
      { id: 1, service: 'frontend', name: 'GET /', kind: 'server', at: 0, ms: 100 },
      { id: 2, parent: 1, service: 'cart', name: 'GetCart', kind: 'server', at: 80, ms: 30 },
      { id: 3, parent: 1, service: 'frontend', name: 'render', kind: 'internal', at: 50, ms: 40 },
    ]);
    const store = new TraceStore();
    store.addSpans(spans);
    const view = store.getTrace(TRACE_A)!;
    assert.deepEqual(
      view.spans.map((n) => [n.span.name, n.adjustedStartUnixMs - T0]),
      [
        ['GET /', 0],
        ['GetCart', 35],
        ['render', 50],
      ],
    );
  });

  it('never shifts a child in the same service, even one that overruns its parent', () => {
    const spans = trace([
      { id: 1, service: 'checkout', name: 'POST /order', kind: 'server', at: 0, ms: 40 },
      { id: 2, parent: 1, service: 'checkout', name: 'sendConfirmation', kind: 'internal', at: 30, ms: 25 },
      { id: 3, parent: 1, service: 'checkout', name: 'audit', kind: 'internal', at: -5, ms: 10 },
    ]);
    const r = computeClockSkew(spans);
    assert.equal(r.deltas.size, 0);
    assert.deepEqual(r.warnings, []);
  });

  it('does not shift a child longer than its parent when it starts inside it (Jaeger), but does not let it start before', () => {
    // An async consumer outliving the producer's call; its clock is fine.
    const late = trace([
      { id: 1, service: 'checkout', name: 'publish order', kind: 'client', at: 0, ms: 50 },
      { id: 2, parent: 1, service: 'email', name: 'send confirmation', kind: 'server', at: 20, ms: 200 },
    ]);
    assert.deepEqual(deltasMs(late), {});
    // Same, but email's clock is 30 ms behind: the only safe move is to its parent's start.
    const early = trace([
      { id: 1, service: 'checkout', name: 'publish order', kind: 'client', at: 0, ms: 50 },
      { id: 2, parent: 1, service: 'email', name: 'send confirmation', kind: 'server', at: -30, ms: 200 },
      { id: 3, parent: 2, service: 'email', name: 'SMTP', kind: 'client', at: 0, ms: 150 },
    ]);
    assert.deepEqual(deltasMs(early), { 2: 30, 3: 30 });
  });

  it('leaves a child that already fits untouched', () => {
    const spans = trace([
      { id: 1, service: 'frontend', name: 'GET /product', kind: 'client', at: 0, ms: 60 },
      { id: 2, parent: 1, service: 'catalog', name: 'GET /product', kind: 'server', at: 5, ms: 50 },
      { id: 3, parent: 1, service: 'pricing', name: 'GetPrice', kind: 'server', at: 0, ms: 60 },
    ]);
    assert.deepEqual(deltasMs(spans), {});
    const store = new TraceStore();
    store.addSpans(spans);
    const view = store.getTrace(TRACE_A)!;
    assert.deepEqual(view.warnings, []);
    assert.ok(view.spans.every((n) => n.skewNs === 0n && n.skewMs === 0 && n.adjustedStartUnixMs === n.span.startUnixMs));
  });

  it('corrects a chain across three services, each against its adjusted parent', () => {
    // Real: frontend 0..100 -> checkout 10..90 -> (checkout client 20..80) -> payment 30..70.
    // checkout's clock is 50 ms ahead, payment's 30 ms behind.
    const spans = trace([
      { id: 1, service: 'frontend', name: 'POST checkout', kind: 'client', at: 0, ms: 100 },
      { id: 2, parent: 1, service: 'checkout', name: 'POST /checkout', kind: 'server', at: 60, ms: 80 },
      { id: 3, parent: 2, service: 'checkout', name: 'Charge', kind: 'client', at: 70, ms: 60 },
      { id: 4, parent: 3, service: 'payment', name: 'Charge', kind: 'server', at: 0, ms: 40 },
      { id: 5, parent: 4, service: 'payment', name: 'INSERT ledger', kind: 'client', at: 10, ms: 5 },
    ]);
    assert.deepEqual(deltasMs(spans), { 2: -50, 3: -50, 4: 30, 5: 30 });
  });

  it('compares a grandchild on a third clock with its parent as adjusted, not as received', () => {
    // payment's raw span fits checkout's raw client span, but not where that span really was.
    const spans = trace([
      { id: 1, service: 'frontend', name: 'POST checkout', kind: 'client', at: 0, ms: 100 },
      { id: 2, parent: 1, service: 'checkout', name: 'POST /checkout', kind: 'server', at: 60, ms: 80 },
      { id: 3, parent: 2, service: 'checkout', name: 'Charge', kind: 'client', at: 70, ms: 60 },
      { id: 4, parent: 3, service: 'payment', name: 'Charge', kind: 'server', at: 80, ms: 40 },
    ]);
    assert.deepEqual(deltasMs(spans), { 2: -50, 3: -50, 4: -50 });
  });

  it('splits the latency evenly, to the nanosecond', () => {
    const spans = trace([
      { id: 1, service: 'frontend', name: 'GET /ad', kind: 'client', at: 0, ms: 12.345 },
      { id: 2, parent: 1, service: 'ad', name: 'GetAds', kind: 'server', at: 500, ms: 2.001 },
    ]);
    const d = computeClockSkew(spans).deltas.get(sid(2))!;
    // 0 + (12.345 - 2.001) / 2 - 500 ms
    assert.equal(d, -500_000_000n + 5_172_000n);
  });

  it('decides by host when both resources name one: one machine is one clock', () => {
    const spans = trace([
      { id: 1, service: 'frontend', host: { key: 'host.name', value: 'node-a' }, name: 'GET /', kind: 'client', at: 0, ms: 50 },
      { id: 2, parent: 1, service: 'cart', host: { key: 'host.name', value: 'node-a' }, name: 'GetCart', kind: 'server', at: 40, ms: 30 },
      { id: 3, parent: 1, service: 'frontend', host: { key: 'host.ip', value: ['10.0.0.7', 'fe80::1'] }, name: 'GET /', kind: 'server', at: 100, ms: 20 },
      { id: 4, parent: 1, service: 'ads', host: { key: 'host.id', value: 'node-a' }, name: 'GetAds', kind: 'server', at: 90, ms: 10 },
    ]);
    // 2: same host, other service -> not moved. 3: same service on another machine -> moved.
    // 4: host.id "node-a" is the same key as host.name "node-a" of the parent (Jaeger compares keys).
    assert.deepEqual(deltasMs(spans), { 3: -85 });
  });

  it('does not move roots, orphans or spans in a parent cycle, and does not loop', () => {
    const spans = trace([
      { id: 1, parent: 99, service: 'frontend', name: 'orphan', kind: 'server', at: 0, ms: 10 },
      { id: 2, parent: 3, service: 'a', name: 'x', kind: 'server', at: 0, ms: 10 },
      { id: 3, parent: 2, service: 'b', name: 'y', kind: 'server', at: 500, ms: 10 },
      { id: 4, parent: 4, service: 'c', name: 'self', kind: 'server', at: 0, ms: 10 },
    ]);
    assert.deepEqual(deltasMs(spans), {});
    const store = new TraceStore();
    store.addSpans(spans);
    assert.equal(store.getTrace(TRACE_A)!.spans.length, 4);
  });

  it('handles a 10,000-deep chain across two clocks without overflowing', () => {
    // Span i really runs i µs .. 20,000 - i µs; odd spans are on service b, whose clock is 1 s ahead.
    const N = 10_000;
    const specs: S[] = [];
    for (let i = 0; i < N; i++) {
      const b = i % 2 === 1;
      specs.push({ id: i + 1, parent: i === 0 ? undefined : i, service: b ? 'b' : 'a', name: `op${i}`, kind: 'server', at: i / 1000 + (b ? 1000 : 0), ms: (20_000 - 2 * i) / 1000 });
    }
    const spans = trace(specs);
    const r = computeClockSkew(spans);
    assert.equal(r.deltas.size, N / 2);
    for (const [id, d] of r.deltas) {
      assert.equal(parseInt(id, 16) % 2, 0, id);
      assert.equal(d, -1000n * MS);
    }
    const store = new TraceStore();
    store.addSpans(spans);
    const view = store.getTrace(TRACE_A)!;
    assert.equal(view.spans.length, N);
    assert.equal(view.spans[N - 1].depth, N - 1);
    assert.equal(view.warnings.length, N / 2);
  });
});
