// An edge's series by the second (src/core/graph/series.ts) against the plain reading of what it
// must keep: every request, and a window is the requests of the seconds from its first second on,
// among the seconds kept (those after the newest second seen minus the horizon); `all` is every
// request. Random requests, in order and late, over several horizons, so that seconds are folded,
// inserted in the middle, the arrays compacted and grown, and the bins' table rebuilt.
import * as assert from 'node:assert/strict';
import { rng } from '../rng';
import { binOf, SideStats } from '../../../src/core/graph/histogram';
import { CLIENT_SIDE, EdgeSeries, HORIZON_S, SERVER_SIDE, type Side } from '../../../src/core/graph/series';

interface Req {
  side: Side;
  startMs: number;
  durationMs: number;
  error: boolean;
}

function expected(reqs: readonly Req[], side: Side, keep: (second: number) => boolean): SideStats {
  const s = new SideStats();
  for (const r of reqs) if (r.side === side && keep(Math.floor(r.startMs / 1000))) s.add(r.startMs, r.durationMs, r.error);
  return s;
}

function same(actual: SideStats, want: SideStats, what: string): void {
  const fields = (s: SideStats) => ({ count: s.count, errors: s.errors, minMs: s.minMs, maxMs: s.maxMs, firstStartMs: s.firstStartMs, lastStartMs: s.lastStartMs });
  assert.deepEqual(fields(actual), fields(want), what);
  const bins = (s: SideStats) => [...s.bins].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(bins(actual), bins(want), `${what}: bins`);
}

describe('an edge series by the second', () => {
  for (const [what, seconds, late, n] of [
    ['live traffic moving on over three horizons, a few late requests', 3 * HORIZON_S, 0.05, 20_000],
    ['requests anywhere in two horizons (most of them late)', 2 * HORIZON_S, 0.9, 20_000],
    ['a quiet edge: a request now and then, far apart', 10 * HORIZON_S, 0.2, 300],
  ] as const) {
    it(`keeps what the plain reading keeps: ${what}`, () => {
      const rnd = rng(n + seconds);
      const t0 = 1_767_268_800_000;
      const series = new EdgeSeries();
      const reqs: Req[] = [];
      let newest = HORIZON_S;
      let maxSecond = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < n; k++) {
        // Time moves on by `seconds` over the run, on average.
        const step = seconds / n;
        newest += step < 1 ? (rnd() < step ? 1 : 0) : Math.floor(rnd() * 2 * step);
        const at = rnd() < late ? newest - Math.floor(rnd() * HORIZON_S * 1.5) : newest;
        const req: Req = { side: rnd() < 0.5 ? CLIENT_SIDE : SERVER_SIDE, startMs: t0 + at * 1000 + Math.floor(rnd() * 1000), durationMs: 2 ** (rnd() * 14) / 100, error: rnd() < 0.1 };
        series.record(req.side, req.startMs, req.durationMs, req.error);
        reqs.push(req);
        maxSecond = Math.max(maxSecond, Math.floor(req.startMs / 1000));
        if (k % 997 !== 0 && k !== n - 1) continue;
        const kept = (s: number) => s > maxSecond - HORIZON_S;
        for (const from of [undefined, maxSecond, maxSecond - 59, maxSecond - 299, maxSecond - HORIZON_S + 1, maxSecond - 5000]) {
          const w = series.window(from);
          const keep = from === undefined ? () => true : (s: number) => s >= from && kept(s);
          same(w.client, expected(reqs, CLIENT_SIDE, keep), `request ${k}, client, from ${from === undefined ? 'all' : maxSecond - from}`);
          same(w.server, expected(reqs, SERVER_SIDE, keep), `request ${k}, server, from ${from === undefined ? 'all' : maxSecond - from}`);
        }
      }
    });
  }

  it('a latency lands in its bin, and one request in a second is that second', () => {
    const series = new EdgeSeries();
    series.record(SERVER_SIDE, 5_000_250, 12.5, true);
    const w = series.window(5000);
    assert.deepEqual([w.server.count, w.server.errors, w.server.minMs, w.server.maxMs, w.client.count], [1, 1, 12.5, 12.5, 0]);
    assert.deepEqual([...w.server.bins], [[binOf(12.5), 1]]);
    assert.equal(series.window(5001).server.count, 0);
  });
});
