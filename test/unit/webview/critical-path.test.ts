// The critical path as Jaeger UI computes it (webview/model/critical-path.ts), on hand-built traces.
import { strict as assert } from 'node:assert';
import { criticalPath, sectionsBySpan } from '../../../webview/model/critical-path';
import { bigTrace, chainTrace, layoutOf, nameAt, sid, traceOf, type Spec } from './fixtures';

/** [span name, fromMs, toMs] in the order computed (the walk goes from the end backwards). */
function path(specs: Spec[]): [string, number, number][] {
  for (const s of traceOf(specs).spans) assert.equal(s.skewMs, 0, 'these fixtures must not be skew-adjusted');
  const l = layoutOf(specs);
  return criticalPath(l).map((s) => [nameAt(l, s.index), s.fromMs, s.toMs]);
}

const root = (durationMs = 100): Spec => ({ spanId: sid(1), name: 'root', at: 0, durationMs });

/** Sections of one root tile [start, end] of the root exactly: no gaps, no overlaps. */
function assertTiles(sections: { fromMs: number; toMs: number }[], fromMs: number, toMs: number): void {
  const sorted = [...sections].sort((a, b) => a.fromMs - b.fromMs);
  let at = fromMs;
  for (const s of sorted) {
    assert.ok(Math.abs(s.fromMs - at) < 1e-9, `gap or overlap at ${at}`);
    assert.ok(s.toMs > s.fromMs);
    at = s.toMs;
  }
  assert.ok(Math.abs(at - toMs) < 1e-9);
}

describe('critical path (webview/model/critical-path.ts)', () => {
  it('a single span is its own critical path', () => {
    assert.deepEqual(path([root()]), [['root', 0, 100]]);
  });

  it('sequential children: each child, and the parent in the gaps', () => {
    assert.deepEqual(
      path([
        root(),
        { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 10, durationMs: 30 },
        { spanId: sid(3), parentSpanId: sid(1), name: 'b', at: 50, durationMs: 40 },
      ]),
      [['root', 90, 100], ['b', 50, 90], ['root', 40, 50], ['a', 10, 40], ['root', 0, 10]],
    );
  });

  it('overlapping children: the last-finishing one, then only children ending before it starts', () => {
    assert.deepEqual(
      path([
        root(),
        { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 10, durationMs: 50 },
        { spanId: sid(3), parentSpanId: sid(1), name: 'b', at: 30, durationMs: 50 },
      ]),
      [['root', 80, 100], ['b', 30, 80], ['root', 0, 30]],
    );
  });

  it('goes down into grandchildren and back up', () => {
    assert.deepEqual(
      path([
        root(),
        { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 10, durationMs: 80 },
        { spanId: sid(3), parentSpanId: sid(2), name: 'a1', at: 20, durationMs: 30 },
        { spanId: sid(4), parentSpanId: sid(2), name: 'a2', at: 40, durationMs: 45 },
      ]),
      [['root', 90, 100], ['a', 85, 90], ['a2', 40, 85], ['a', 10, 40], ['root', 0, 10]],
    );
  });

  it('a child ending after its parent is cut at the parent end; one outside it is dropped', () => {
    assert.deepEqual(
      path([root(), { spanId: sid(2), parentSpanId: sid(1), name: 'late', at: 50, durationMs: 100 }]),
      [['late', 50, 100], ['root', 0, 50]],
    );
    assert.deepEqual(
      path([
        root(),
        { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 10, durationMs: 10 },
        { spanId: sid(3), parentSpanId: sid(1), name: 'after', at: 120, durationMs: 10 },
        { spanId: sid(4), parentSpanId: sid(3), name: 'after.child', at: 60, durationMs: 10 },
      ]),
      [['root', 20, 100], ['a', 10, 20], ['root', 0, 10]],
      'a dropped child takes its subtree with it',
    );
  });

  it('on equal ends, takes the first child in order (as Jaeger does)', () => {
    assert.deepEqual(
      path([
        root(),
        { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 10, durationMs: 40 },
        { spanId: sid(3), parentSpanId: sid(1), name: 'b', at: 20, durationMs: 30 },
      ]),
      [['root', 50, 100], ['a', 10, 50], ['root', 0, 10]],
    );
  });

  it('walks each root and orphan separately', () => {
    assert.deepEqual(
      path([root(), { spanId: sid(9), parentSpanId: sid(0xff), name: 'orphan', at: 120, durationMs: 10 }]),
      [['root', 0, 100], ['orphan', 120, 130]],
    );
  });

  it('keeps exact ns offsets (no µs rounding)', () => {
    const sections = criticalPath(
      layoutOf([root(1), { spanId: sid(2), parentSpanId: sid(1), name: 'a', at: 0.000123, durationMs: 0.000456 }]),
    );
    assert.deepEqual(sections.map((s) => [s.fromMs, s.toMs]), [[0.000579, 1], [0.000123, 0.000579], [0, 0.000123]]);
    const by = sectionsBySpan(sections);
    assert.equal(by.get(0)?.length, 2);
    assert.equal(by.get(1)?.length, 1);
  });

  it('covers the root exactly on a 10,000-deep chain and on 50,000 spans (no recursion)', () => {
    const chain = chainTrace(10_000);
    const cp = criticalPath(chain);
    assert.equal(cp.length, 2 * 10_000 - 1, 'each link: before and after its child; the leaf whole');
    assertTiles(cp, 0, chain.durationNs[0] / 1e6);
    const big = bigTrace(50_000, 5);
    const bigCp = criticalPath(big);
    assert.ok(bigCp.length > 1 && big.warnings.length === 0, 'no span shifted for skew');
    assertTiles(bigCp, 0, big.durationNs[0] / 1e6);
  });
});
