// The critical path of a trace, as Jaeger UI computes it (components/TracePage/CriticalPath):
// 1. Per root (Jaeger walks each root span of a trace; here roots and orphans, depth 0), children
//    are first "sanitized" against their parent, parents before children: a child entirely outside
//    its parent's range is dropped with its subtree; a child overflowing it is truncated to it.
// 2. Walk from the root. At a span, take its last-finishing child (LFC): the child with the latest
//    end, or, when coming back up from a child, the latest end strictly before that child's start
//    (ties: the first child in order). With an LFC, the span's section runs from the LFC's end to the
//    current bound (the span's end, or the returning child's start), and the walk goes down into
//    the LFC. Without one, the section runs from the span's own start to the bound, and the walk
//    goes back up to the parent with this span's start as the new bound.
// 3. Empty sections are not kept; sections come out in walk order (latest first).
// Differences, each deliberate: no recursion (10,000-deep chains exist); times are exact integer ns
// relative to the trace start (Jaeger uses µs and treats a 0 time as "absent", a quirk we do not
// copy); each parent's children are sorted once by end so the walk is O(n log n), not O(n * children).
// OTLP has no FOLLOWS_FROM parent reference (links are separate), so Jaeger's removal of
// FOLLOWS_FROM children has nothing to act on.
import type { TraceLayoutDto } from '../../src/shared/protocol';

export interface CriticalPathSection {
  readonly spanId: string;
  /** Index into the layout's arrays. */
  readonly index: number;
  /** Offsets from the trace start (the earliest skew-adjusted start), in ms. */
  readonly fromMs: number;
  readonly toMs: number;
}

export function criticalPath(layout: TraceLayoutDto): CriticalPathSection[] {
  const n = layout.spanIds.length;
  if (n === 0) return [];
  // The layout's times are exact integer ns from the trace start already.
  const start = Float64Array.from(layout.startNs);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) end[i] = start[i] + layout.durationNs[i];
  const depths = layout.depths;

  // Parents from depth order; sanitize in the same pass (a parent is always seen before its children).
  const parent = new Int32Array(n).fill(-1);
  const dropped = new Uint8Array(n);
  const stack: number[] = [];
  const childLists = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const d = depths[i];
    while (stack.length > 0 && depths[stack[stack.length - 1]] >= d) stack.pop();
    const p = stack.length > 0 ? stack[stack.length - 1] : -1;
    stack.push(i);
    parent[i] = p;
    if (p < 0) continue;
    if (dropped[p] || start[i] >= end[p] || end[i] <= start[p]) {
      dropped[i] = 1;
      continue;
    }
    if (start[i] < start[p]) start[i] = start[p];
    if (end[i] > end[p]) end[i] = end[p];
    let list = childLists.get(p);
    if (!list) childLists.set(p, (list = []));
    list.push(i);
  }
  // Latest end first; the sort is stable, so equal ends keep the children's order (Jaeger's tie-break).
  for (const list of childLists.values()) list.sort((a, b) => end[b] - end[a]);
  // Bounds only shrink each time the walk comes back to a span, so one cursor per span suffices.
  const cursor = new Int32Array(n);

  const out: CriticalPathSection[] = [];
  const push = (i: number, from: number, to: number): void => {
    if (from !== to) out.push({ spanId: layout.spanIds[i], index: i, fromMs: from / 1e6, toMs: to / 1e6 });
  };
  for (let root = 0; root < n; root++) {
    if (parent[root] >= 0) continue;
    let cur = root;
    let bound: number | undefined;
    for (;;) {
      const list = childLists.get(cur);
      let lfc = -1;
      if (list) {
        let c = cursor[cur];
        if (bound !== undefined) while (c < list.length && end[list[c]] >= bound) c++;
        cursor[cur] = c;
        if (c < list.length) lfc = list[c];
      }
      const sectionEnd = bound ?? end[cur];
      if (lfc >= 0) {
        push(cur, end[lfc], sectionEnd);
        cur = lfc;
        bound = undefined;
      } else {
        push(cur, start[cur], sectionEnd);
        if (cur === root) break;
        bound = start[cur];
        cur = parent[cur];
      }
    }
  }
  return out;
}

/** Sections grouped by span index, for drawing each row's highlighted stretches. */
export function sectionsBySpan(sections: readonly CriticalPathSection[]): Map<number, CriticalPathSection[]> {
  const out = new Map<number, CriticalPathSection[]>();
  for (const s of sections) {
    const list = out.get(s.index);
    if (list) list.push(s);
    else out.set(s.index, [s]);
  }
  return out;
}
