// The waterfall's rows, collapse/expand, virtualisation window and time scale (webview/model).
import { strict as assert } from 'node:assert';
import { buildWaterfall, collapseToDepth, expandAll, toggleCollapsed, visibleIndices, visibleRows } from '../../../webview/model/waterfall';
import { scrollToRow, visibleWindow } from '../../../webview/model/virtual-window';
import { clampRange, niceStep, ticks, timeScale } from '../../../webview/model/time-scale';
import { bigTrace, chainTrace, layoutOf, sid, traceOf } from './fixtures';

//  1 root (frontend, 0..100)
//  ├─ 2 (cart, 10..40)
//  │  └─ 3 (db, 15..25, error)
//  └─ 4 (cart, 50..90)
//  5 orphan (its parent 0xff never arrived)
function small() {
  return layoutOf([
    { spanId: sid(1), name: 'root', at: 0, durationMs: 100 },
    { spanId: sid(2), parentSpanId: sid(1), name: 'a', service: 'cart', at: 10, durationMs: 30 },
    { spanId: sid(3), parentSpanId: sid(2), name: 'a.db', service: 'db', at: 15, durationMs: 10, error: true },
    { spanId: sid(4), parentSpanId: sid(1), name: 'b', service: 'cart', at: 50, durationMs: 40 },
    { spanId: sid(5), parentSpanId: sid(0xff), name: 'orphan', at: 60, durationMs: 5 },
  ]);
}

describe('waterfall rows (webview/model/waterfall.ts)', () => {
  it('shows every span in depth-first order with depth, children, offsets, service and error', () => {
    const m = buildWaterfall(small());
    const rows = visibleRows(m, expandAll());
    assert.deepEqual(
      rows.map((r) => [r.name, r.depth, r.hasChildren, r.collapsed, r.startMs, r.endMs, r.service, r.error]),
      [
        ['root', 0, true, false, 0, 100, 'frontend', false],
        ['a', 1, true, false, 10, 40, 'cart', false],
        ['a.db', 2, false, false, 15, 25, 'db', true],
        ['b', 1, false, false, 50, 90, 'cart', false],
        ['orphan', 0, false, false, 60, 65, 'frontend', false],
      ],
    );
    assert.equal(m.durationMs, 100);
    assert.deepEqual([...m.parent], [-1, 0, 1, 0, -1]);
  });

  it('hides the subtree of a collapsed span, and marks only spans with children as collapsed', () => {
    const m = buildWaterfall(small());
    let collapsed = toggleCollapsed(new Set(), sid(2));
    assert.deepEqual(visibleRows(m, collapsed).map((r) => r.name), ['root', 'a', 'b', 'orphan']);
    assert.equal(visibleRows(m, collapsed)[1].collapsed, true);
    collapsed = toggleCollapsed(collapsed, sid(3)); // a leaf: nothing to hide
    assert.equal(visibleRows(m, collapsed).some((r) => r.collapsed && r.name === 'a.db'), false);
    assert.deepEqual(visibleRows(m, new Set([sid(1)])).map((r) => r.name), ['root', 'orphan']);
    const toggled = toggleCollapsed(collapsed, sid(2));
    assert.notEqual(toggled, collapsed, 'a new set, so views can compare by identity');
    assert.deepEqual(visibleRows(m, toggled).map((r) => r.name), ['root', 'a', 'a.db', 'b', 'orphan']);
  });

  it('collapses all to depth N and expands all', () => {
    const m = buildWaterfall(small());
    assert.deepEqual(visibleRows(m, collapseToDepth(m, 0)).map((r) => r.name), ['root', 'orphan']);
    assert.deepEqual(visibleRows(m, collapseToDepth(m, 1)).map((r) => r.name), ['root', 'a', 'b', 'orphan']);
    assert.deepEqual([...collapseToDepth(m, 1)], [sid(2)], 'only spans with children are collapsed');
    assert.equal(visibleRows(m, expandAll()).length, 5);
  });

  it('uses the skew-adjusted start for offsets (a child of a clock-skewed service)', () => {
    // The server span starts before its client parent on a skewed clock; the store shifts it.
    const specs = [
      { spanId: sid(1), name: 'client', kind: 3, at: 100, durationMs: 50 },
      { spanId: sid(2), parentSpanId: sid(1), name: 'server', kind: 2, service: 'api', at: 20, durationMs: 30 },
    ];
    const server = traceOf(specs).spans[1];
    assert.notEqual(server.skewMs, 0, 'the fixture must produce a skew');
    const m = buildWaterfall(layoutOf(specs));
    const row = visibleRows(m, new Set())[1];
    assert.ok(Math.abs(row.startMs - (server.adjustedStartUnixMs - m.startUnixMs)) < 1e-9);
    assert.ok(row.startMs >= 0 && row.endMs <= m.durationMs + 1e-9, 'inside its parent once adjusted');
  });

  it('handles 50,000 spans and a 10,000-deep chain without recursion', () => {
    const big = buildWaterfall(bigTrace(50_000, 5));
    assert.equal(visibleIndices(big, new Set()).length, 50_000);
    assert.equal(visibleIndices(big, collapseToDepth(big, 0)).length, 1);
    assert.equal(visibleIndices(big, collapseToDepth(big, 2)).length, 1 + 5 + 25);
    const chain = buildWaterfall(chainTrace(10_000));
    assert.equal(chain.maxDepth, 9_999);
    assert.equal(chain.subtreeEnd[0], 10_000);
    assert.equal(visibleIndices(chain, new Set([sid(5_000)])).length, 5_000);
  });

  it('copes with an empty trace', () => {
    const none = { ...small(), spanIds: [], depths: [], serviceIndex: [], nameIndex: [], startNs: [], durationNs: [], kinds: [], flags: [] };
    const m = buildWaterfall(none);
    const t = none;
    assert.deepEqual(visibleRows(m, new Set()), []);
    assert.equal(m.durationMs, t.summary.durationMs);
  });
});

describe('virtual window (webview/model/virtual-window.ts)', () => {
  it('returns the rows in the viewport plus overscan, clamped', () => {
    assert.deepEqual(visibleWindow(0, 20, 100, 1000, 0), { first: 0, last: 4 });
    assert.deepEqual(visibleWindow(0, 20, 100, 1000, 3), { first: 0, last: 7 });
    assert.deepEqual(visibleWindow(210, 20, 100, 1000, 2), { first: 8, last: 17 }, 'rows 10..15 partly visible');
    assert.deepEqual(visibleWindow(1e9, 20, 100, 1000, 2), { first: 997, last: 999 });
    assert.deepEqual(visibleWindow(-50, 20, 100, 3, 5), { first: 0, last: 2 });
    assert.deepEqual(visibleWindow(0, 20, 100, 0, 5), { first: 0, last: -1 });
    assert.deepEqual(visibleWindow(0, 0, 100, 10, 5), { first: 0, last: -1 });
  });

  it('scrolls a row into view only when needed', () => {
    assert.equal(scrollToRow(3, 0, 20, 100), 0);
    assert.equal(scrollToRow(10, 0, 20, 100), 120);
    assert.equal(scrollToRow(2, 100, 20, 100), 40);
  });
});

describe('time scale (webview/model/time-scale.ts)', () => {
  it('maps ms to px and back for a zoomed range', () => {
    const s = timeScale(100, 300, 1000);
    assert.equal(s.msToPx(100), 0);
    assert.equal(s.msToPx(300), 1000);
    assert.equal(s.msToPx(200), 500);
    assert.equal(s.pxToMs(250), 150);
    assert.ok(Number.isFinite(timeScale(5, 5, 100).msToPx(5)), 'a zero-length range still scales');
  });

  it('picks 1/2/5 steps and ticks on multiples of them', () => {
    assert.equal(niceStep(100, 10), 10);
    assert.equal(niceStep(100, 4), 50);
    assert.equal(niceStep(0.7, 10), 0.1);
    assert.equal(niceStep(12_345, 5), 5000);
    assert.deepEqual(ticks(0, 100, 5).ticksMs, [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(ticks(0.1, 0.35, 5).ticksMs, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
    assert.deepEqual(ticks(13, 57, 4), { stepMs: 20, ticksMs: [20, 40] });
  });

  it('keeps a zoom range inside the trace and at least the minimum width', () => {
    assert.deepEqual(clampRange(-10, 20, 100), { fromMs: 0, toMs: 30 });
    assert.deepEqual(clampRange(90, 120, 100), { fromMs: 70, toMs: 100 });
    assert.deepEqual(clampRange(50, 50, 100, 10), { fromMs: 50, toMs: 60 });
    assert.deepEqual(clampRange(30, 10, 100), { fromMs: 10, toMs: 30 });
  });
});
