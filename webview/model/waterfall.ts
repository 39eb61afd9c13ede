// The waterfall's rows: which spans are shown, given the spans the user collapsed. Built once per
// trace in O(n) (no recursion: the protocol allows 10,000-deep chains), then each collapse/expand is
// one O(n) pass with no allocation beyond the rows.
//
// Relies on the protocol's invariant (TraceLayoutDto, as TraceDto.spans): depth-first order, each span followed by its
// subtree, depth 0 for roots and orphans, a child's depth = its parent's + 1.
import { LAYOUT_ERROR, type TraceLayoutDto } from '../../src/shared/protocol';

export interface WaterfallModel {
  readonly layout: TraceLayoutDto;
  /** Trace start: the earliest skew-adjusted start (a skewed child can start before its root). */
  readonly startUnixMs: number;
  /** From the trace start to the latest skew-adjusted end. */
  readonly durationMs: number;
  /** Per span index: one past the last index of its subtree. */
  readonly subtreeEnd: Int32Array;
  /** Per span index: the parent's index, -1 for roots and orphans. */
  readonly parent: Int32Array;
  /** Per span index: skew-adjusted start and end as offsets from the trace start, in ms. */
  readonly startMs: Float64Array;
  readonly endMs: Float64Array;
  readonly maxDepth: number;
  readonly indexById: ReadonlyMap<string, number>;
}

export interface WaterfallRow {
  /** Index into the layout's arrays (and the model's). */
  readonly index: number;
  readonly spanId: string;
  readonly name: string;
  readonly service: string;
  readonly depth: number;
  readonly hasChildren: boolean;
  /** Collapsed and has children (collapsing a leaf changes nothing, so it is not shown collapsed). */
  readonly collapsed: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly error: boolean;
}

/** OTLP status code 2 (STATUS_CODE_ERROR). */
export const STATUS_ERROR = 2;

export function buildWaterfall(layout: TraceLayoutDto): WaterfallModel {
  const n = layout.spanIds.length;
  const depths = layout.depths;
  const subtreeEnd = new Int32Array(n);
  const parent = new Int32Array(n);
  const startMs = new Float64Array(n);
  const endMs = new Float64Array(n);
  const indexById = new Map<string, number>();
  let maxEnd = 0;
  let maxDepth = 0;
  for (let i = 0; i < n; i++) {
    startMs[i] = layout.startNs[i] / 1e6;
    endMs[i] = (layout.startNs[i] + layout.durationNs[i]) / 1e6;
    if (endMs[i] > maxEnd) maxEnd = endMs[i];
    if (depths[i] > maxDepth) maxDepth = depths[i];
    // First occurrence wins: duplicate span ids are the sender's bug, but must not break navigation.
    if (!indexById.has(layout.spanIds[i])) indexById.set(layout.spanIds[i], i);
  }
  // One stack of open ancestors: a span closes every open span at its depth or deeper.
  const stack = new Int32Array(maxDepth + 2);
  let top = 0;
  for (let i = 0; i < n; i++) {
    const d = depths[i];
    while (top > 0 && depths[stack[top - 1]] >= d) subtreeEnd[stack[--top]] = i;
    parent[i] = top > 0 ? stack[top - 1] : -1;
    stack[top++] = i;
  }
  while (top > 0) subtreeEnd[stack[--top]] = n;
  return {
    layout,
    startUnixMs: n === 0 ? layout.summary.startUnixMs : layout.startUnixMs,
    durationMs: n === 0 ? layout.summary.durationMs : maxEnd,
    subtreeEnd,
    parent,
    startMs,
    endMs,
    maxDepth,
    indexById,
  };
}

export function hasChildren(model: WaterfallModel, index: number): boolean {
  return model.subtreeEnd[index] > index + 1;
}

export function rowAt(model: WaterfallModel, index: number, collapsed: ReadonlySet<string>): WaterfallRow {
  const l = model.layout;
  const children = hasChildren(model, index);
  return {
    index,
    spanId: l.spanIds[index],
    name: l.names[l.nameIndex[index]],
    service: l.services[l.serviceIndex[index]],
    depth: l.depths[index],
    hasChildren: children,
    collapsed: children && collapsed.has(l.spanIds[index]),
    startMs: model.startMs[index],
    endMs: model.endMs[index],
    error: (l.flags[index] & LAYOUT_ERROR) !== 0,
  };
}

/** The span indices shown, in display order: a collapsed span hides its whole subtree. */
export function visibleIndices(model: WaterfallModel, collapsed: ReadonlySet<string>): Int32Array {
  const ids = model.layout.spanIds;
  const n = ids.length;
  const out = new Int32Array(n);
  let count = 0;
  let i = 0;
  while (i < n) {
    out[count++] = i;
    // Jumping to the subtree's end skips hidden spans without visiting them.
    i = collapsed.size > 0 && collapsed.has(ids[i]) ? Math.max(model.subtreeEnd[i], i + 1) : i + 1;
  }
  return out.subarray(0, count);
}

/** The rows shown, in display order. */
export function visibleRows(model: WaterfallModel, collapsed: ReadonlySet<string>): WaterfallRow[] {
  const idx = visibleIndices(model, collapsed);
  const rows = new Array<WaterfallRow>(idx.length);
  for (let k = 0; k < idx.length; k++) rows[k] = rowAt(model, idx[k], collapsed);
  return rows;
}

/**
 * "Collapse all to depth N": every span at depth >= N that has children is collapsed, so rows down to
 * depth N show, and expanding one of them reveals exactly one more level.
 */
export function collapseToDepth(model: WaterfallModel, depth: number): Set<string> {
  const out = new Set<string>();
  const { depths, spanIds } = model.layout;
  for (let i = 0; i < spanIds.length; i++) {
    if (depths[i] >= depth && hasChildren(model, i)) out.add(spanIds[i]);
  }
  return out;
}

/** "Expand all". */
export function expandAll(): Set<string> {
  return new Set<string>();
}

/** A new set with `spanId` collapsed or expanded; the given set is left alone (views compare by identity). */
export function toggleCollapsed(collapsed: ReadonlySet<string>, spanId: string): Set<string> {
  const out = new Set(collapsed);
  if (out.has(spanId)) out.delete(spanId);
  else out.add(spanId);
  return out;
}
