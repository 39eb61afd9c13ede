// Metrics against hand-computed values: counts, error counts (status ERROR; on server spans also an
// HTTP status >= 500), rates, error rates, percentiles on known latency sets (within the stated
// bound of the log histogram), and windows measured back from an injected clock.
import * as assert from 'node:assert/strict';
import { binOf, PERCENTILE_RELATIVE_ERROR, ServiceGraph, SideStats } from '../../../src/core/graph';
import type { GraphEdgeDto, GraphMetricsDto } from '../../../src/shared/graph';
import { call, feed, T0, type G } from './helpers';

function edge(g: ServiceGraph, id: string, window: '1m' | '5m' | '15m' | 'all', nowMs: number): GraphEdgeDto {
  const e = g.snapshot({ window }, T0 + nowMs).edges.find((x) => x.id === id);
  assert.ok(e, `no edge ${id}`);
  return e;
}

/** Nearest rank: the smallest value with at least p of the values at or below it. */
function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1];
}

function within(actual: number | null, exact: number, what: string): void {
  assert.ok(actual !== null, `${what}: null`);
  const err = Math.abs(actual - exact) / exact;
  assert.ok(err <= PERCENTILE_RELATIVE_ERROR + 1e-9, `${what}: ${actual} is ${(err * 100).toFixed(2)}% from ${exact} (bound ${(PERCENTILE_RELATIVE_ERROR * 100).toFixed(2)}%)`);
}

describe('graph metrics', () => {
  it('counts, errors, rates and error rates on both sides of an edge', () => {
    const g = new ServiceGraph();
    const specs: G[] = [];
    // 10 calls frontend -> cart in the last minute: call 3 fails on the client (status ERROR),
    // call 5 fails on the server (status ERROR), call 7 answers 503 (server error by status
    // code only; the client span does not say ERROR), call 8 answers 404 (not a server error).
    for (let i = 0; i < 10; i++) {
      const [c, s] = call(i + 1, 1, 'frontend', 'cart', -50_000 + i * 1000, 20, 10, { clientError: i === 3, serverError: i === 5 });
      const code = i === 7 ? 503 : i === 8 ? 404 : 200;
      specs.push(c, { ...s, attrs: { 'http.response.status_code': code } });
    }
    feed(g, specs, 0);
    const e = edge(g, 'service:frontend->service:cart', '1m', 0);
    const client: GraphMetricsDto = { requests: 10, errors: 1, ratePerSec: Number((10 / 60).toFixed(6)), errorRate: 0.1, p50Ms: 20, p95Ms: 20, p99Ms: 20 };
    const server: GraphMetricsDto = { requests: 10, errors: 2, ratePerSec: Number((10 / 60).toFixed(6)), errorRate: 0.2, p50Ms: 10, p95Ms: 10, p99Ms: 10 };
    assert.deepEqual(e.client, client);
    assert.deepEqual(e.server, server);
    // 5m: the same 10 requests over 300 s.
    assert.equal(edge(g, 'service:frontend->service:cart', '5m', 0).client!.ratePerSec, Number((10 / 300).toFixed(6)));
    // all: over the time the requests span (the first starts 50 s before now, the last 41 s).
    assert.equal(edge(g, 'service:frontend->service:cart', 'all', 0).client!.ratePerSec, Number((10 / 9).toFixed(6)));
  });

  it('p50/p95/p99 on known latency sets, within the histogram bound', () => {
    const sets: Record<string, number[]> = {
      '1..100 ms': Array.from({ length: 100 }, (_, i) => i + 1),
      'long tail': [...Array.from({ length: 90 }, () => 12), ...Array.from({ length: 9 }, () => 250), 4000],
      'sub-ms and seconds': [0.25, 0.5, 0.75, 1.5, 3, 7.5, 15, 1200, 2500, 9000],
    };
    for (const [name, latencies] of Object.entries(sets)) {
      const g = new ServiceGraph();
      feed(g, latencies.flatMap((ms, i) => call(i + 1, 1, 'a', 'b', -30_000 + i, ms + 1, ms)), 0);
      const server = edge(g, 'service:a->service:b', '1m', 0).server!;
      assert.equal(server.requests, latencies.length);
      within(server.p50Ms, nearestRank(latencies, 0.5), `${name} p50`);
      within(server.p95Ms, nearestRank(latencies, 0.95), `${name} p95`);
      within(server.p99Ms, nearestRank(latencies, 0.99), `${name} p99`);
    }
    // Hand-computed for 1..100: nearest rank gives 50, 95 and 99.
    assert.deepEqual([nearestRank(sets['1..100 ms'], 0.5), nearestRank(sets['1..100 ms'], 0.95), nearestRank(sets['1..100 ms'], 0.99)], [50, 95, 99]);
  });

  it('the histogram bound holds across the range (every latency in its bin, middles within 2.19%)', () => {
    assert.ok(PERCENTILE_RELATIVE_ERROR < 0.022 && PERCENTILE_RELATIVE_ERROR > 0.021);
    for (let ms = 0.0015; ms < 3_600_000; ms *= 1.013) {
      const s = new SideStats();
      // Two values so the clamp to min/max does not hide the bin's error.
      s.add(0, ms, false);
      s.add(0, ms * 1000, false);
      within(s.percentiles([0.5])[0], ms, `${ms} ms (bin ${binOf(ms)})`);
    }
  });

  it('windows are measured back from the injected now by span start, to the second', () => {
    const g = new ServiceGraph();
    // Starts before now: 10 s, 59 s, exactly 60 s (outside 1m: the window is the 60 whole seconds
    // up to and including now's), 4 min, 10 min, 20 min.
    const ago = [10_000, 59_000, 60_000, 240_000, 600_000, 1_200_000];
    const now = 30 * 60_000;
    feed(g, ago.flatMap((a, i) => call(i + 1, 1, 'a', 'b', now - a, 4, 2)), now);
    const counts = (['1m', '5m', '15m', 'all'] as const).map((w) => edge(g, 'service:a->service:b', w, now).client!.requests);
    assert.deepEqual(counts, [2, 4, 5, 6]);
    // The same graph a minute later: the 1m window is empty, so the edge is not drawn for it.
    assert.equal(g.snapshot({ window: '1m' }, T0 + now + 60_000).edges.length, 0);
    assert.equal(edge(g, 'service:a->service:b', '5m', now + 60_000).client!.requests, 3);
  });

  it('late spans (older than the 15-minute buckets) still count in all, not in the windows', () => {
    const g = new ServiceGraph();
    const now = 60 * 60_000;
    feed(g, call(1, 1, 'a', 'b', now - 1000, 4, 2), now);
    feed(g, call(2, 1, 'a', 'b', now - 40 * 60_000, 4, 2), now);
    assert.equal(edge(g, 'service:a->service:b', '15m', now).client!.requests, 1);
    assert.equal(edge(g, 'service:a->service:b', 'all', now).client!.requests, 2);
  });

  it('node metrics: inbound from the server side, outbound from the client side', () => {
    const g = new ServiceGraph();
    feed(g, [...call(1, 1, 'a', 'c', -5000, 30, 20), ...call(2, 1, 'b', 'c', -4000, 50, 40, { serverError: true })], 0);
    const c = g.snapshot({ window: '1m' }, T0).nodes.find((n) => n.id === 'service:c')!;
    assert.equal(c.inbound.requests, 2);
    assert.equal(c.inbound.errors, 1);
    assert.equal(c.inbound.errorRate, 0.5);
    within(c.inbound.p50Ms, 20, 'p50');
    within(c.inbound.p99Ms, 40, 'p99');
    assert.equal(c.outbound.requests, 0);
    assert.equal(c.outbound.p50Ms, null);
  });

  it('bad input is counted, never thrown', () => {
    const g = new ServiceGraph();
    const bad = [{ kind: 2 }, null, { kind: 3, traceId: 'x', startUnixNano: 'soon' }] as never[];
    assert.doesNotThrow(() => g.add(bad, T0));
    assert.equal(g.stats().badSpans, 3);
    assert.equal(g.stats().spans, 3);
  });

  it('edge series are bounded: the least recently active is evicted and counted', () => {
    const g = new ServiceGraph({ maxEdges: 2 });
    feed(g, call(1, 1, 'a', 'b', -3000, 2, 1), 0);
    feed(g, call(2, 1, 'a', 'c', -2000, 2, 1), 1);
    feed(g, call(3, 1, 'a', 'd', -1000, 2, 1), 2);
    assert.deepEqual(
      g.snapshot({ window: 'all' }, T0 + 3).edges.map((e) => e.id),
      ['service:a->service:c', 'service:a->service:d'],
    );
    assert.equal(g.stats().evictedEdgeSeries, 1);
  });
});
