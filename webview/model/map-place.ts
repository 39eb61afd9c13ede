// Incremental placement for live updates: boxes that appear after the map was laid out go to the end
// of their column, and nothing placed before moves. A full layout (map-layout.ts) re-orders every
// column to cut crossings, which moves boxes people already know the place of, and costs a layering
// and ordering pass over the whole graph (tens of ms at 300 services: more than a frame). Here the
// cost is one pass over the links and the placed boxes per new box. Pure and deterministic.
import type { LayoutBox, LayoutLink, Placed } from './map-layout';

export interface PlaceOptions {
  readonly columnGap?: number;
  readonly rowGap?: number;
}

interface Column {
  x: number;
  width: number;
  /** Bottom edge of the lowest box. */
  bottom: number;
}

/**
 * Positions for `boxes`: those in `keep` stay where they are; each other one goes to the column one
 * past its furthest placed caller (column 0 without one; one before its first callee when it only
 * calls), under the lowest box there, or to a new column right of the others. Boxes in neither the
 * input nor `keep` are dropped. New boxes whose callers are new too are placed after them.
 */
export function placeNew(boxes: readonly LayoutBox[], links: readonly LayoutLink[], keep: ReadonlyMap<string, Placed>, opts: PlaceOptions = {}): Map<string, Placed> {
  const columnGap = opts.columnGap ?? 110;
  const rowGap = opts.rowGap ?? 36;
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const result = new Map<string, Placed>();
  const columns = new Map<number, Column>();
  const extend = (id: string, p: Placed) => {
    const b = byId.get(id)!;
    const c = columns.get(p.layer);
    if (!c) columns.set(p.layer, { x: p.x, width: b.width, bottom: p.y + b.height });
    else {
      c.width = Math.max(c.width, p.x + b.width - c.x);
      c.bottom = Math.max(c.bottom, p.y + b.height);
    }
  };
  for (const b of boxes) {
    const p = keep.get(b.id);
    if (!p) continue;
    result.set(b.id, p);
    extend(b.id, p);
  }
  const fresh = boxes.filter((b) => !result.has(b.id));
  if (fresh.length === 0) return result;
  const freshIds = new Set(fresh.map((b) => b.id));
  // Only the callers and callees of new boxes are read: a live update usually brings one box, and
  // lists for every box of the map made most of the cost.
  const callers = new Map<string, string[]>();
  const callees = new Map<string, string[]>();
  for (const l of links) {
    if (l.source === l.target || !byId.has(l.source) || !byId.has(l.target)) continue;
    if (freshIds.has(l.target)) (callers.get(l.target) ?? callers.set(l.target, []).get(l.target)!).push(l.source);
    if (freshIds.has(l.source)) (callees.get(l.source) ?? callees.set(l.source, []).get(l.source)!).push(l.target);
  }
  const pending = [...fresh];
  while (pending.length) {
    // The first box none of whose new callers is still waiting; in a cycle of new boxes, the first.
    let i = pending.findIndex((b) => !(callers.get(b.id) ?? []).some((c) => freshIds.has(c) && !result.has(c)));
    if (i < 0) i = 0;
    const b = pending.splice(i, 1)[0];
    const from = (callers.get(b.id) ?? []).map((c) => result.get(c)).filter((p): p is Placed => p !== undefined);
    const to = (callees.get(b.id) ?? []).map((c) => result.get(c)).filter((p): p is Placed => p !== undefined);
    const layer = from.length ? Math.max(...from.map((p) => p.layer)) + 1 : to.length ? Math.max(0, Math.min(...to.map((p) => p.layer)) - 1) : 0;
    let x: number;
    let y: number;
    const col = columns.get(layer);
    if (col) {
      x = col.x;
      y = col.bottom + rowGap;
    } else {
      // A column nobody is in yet: right of the nearest column before it (or left of the first).
      const before = [...columns].filter(([l]) => l < layer).sort((a, b2) => b2[0] - a[0])[0];
      const after = [...columns].filter(([l]) => l > layer).sort((a, b2) => a[0] - b2[0])[0];
      x = before ? before[1].x + before[1].width + columnGap : after ? after[1].x - columnGap - b.width : 0;
      const near = from.length ? from : to;
      y = near.length ? near.reduce((s, p) => s + p.y, 0) / near.length : 0;
    }
    // Never on top of a box (a new column squeezed between two, a box wider than its column). Only
    // boxes across this x range can be in the way, and moving down keeps the range.
    const across: [Placed, LayoutBox][] = [];
    for (const [id, o] of result) {
      const ob = byId.get(id)!;
      if (x < o.x + ob.width && o.x < x + b.width) across.push([o, ob]);
    }
    for (let moved = true; moved; ) {
      moved = false;
      for (const [o, ob] of across) {
        if (y < o.y + ob.height + rowGap / 2 && o.y < y + b.height + rowGap / 2) {
          y = o.y + ob.height + rowGap;
          moved = true;
        }
      }
    }
    const p = { x, y, layer };
    result.set(b.id, p);
    extend(b.id, p);
  }
  return result;
}
