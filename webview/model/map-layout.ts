// The map's layered (Sugiyama-style) layout, left to right: callers in columns before their
// callees. Our own, not d3-dag or elkjs: both spend seconds on crossing minimisation at 1,000 nodes,
// and the map's budget is 300 services laid out and drawn under a second. The steps:
// 1. cycles broken by a depth-first search from the sources (edges back to a node on the stack are
//    left out of the layering; they are still drawn);
// 2. longest-path layering: a node's column is one past its furthest caller's;
// 3. order within a column by barycentre (the mean position of the neighbours in the column before,
//    then after), alternating sweeps, which removes most crossings of service graphs (shallow, wide);
// 4. coordinates: columns as wide as their widest box, boxes stacked with a gap, columns centred.
// Live updates keep positions: a node placed before stays where it is (people keep track of where
// things are), a new one goes to its column at the place the full layout gives it, moved down past
// any box it would overlap. Pure and deterministic (the same input gives the same layout).

export interface LayoutBox {
  readonly id: string;
  readonly width: number;
  readonly height: number;
}

export interface LayoutLink {
  readonly source: string;
  readonly target: string;
}

export interface Placed {
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
  readonly layer: number;
}

export interface LayoutOptions {
  readonly columnGap?: number;
  readonly rowGap?: number;
  readonly sweeps?: number;
}

/** Column (0 = callers nobody calls) of each box; cycles broken by DFS from the sources, in input order. */
export function layerBoxes(ids: readonly string[], links: readonly LayoutLink[]): Map<string, number> {
  const index = new Map(ids.map((id, i) => [id, i]));
  const out: number[][] = ids.map(() => []);
  const indeg = new Array<number>(ids.length).fill(0);
  for (const l of links) {
    const s = index.get(l.source);
    const t = index.get(l.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s].push(t);
    indeg[t]++;
  }
  // 1. DFS (iterative: deep chains must not overflow the stack) marks back edges.
  const state = new Uint8Array(ids.length); // 0 new, 1 on stack, 2 done
  const back = new Set<number>(); // s * n + t
  const n = ids.length;
  const roots = [...ids.keys()].sort((a, b) => (indeg[a] === 0 ? 0 : 1) - (indeg[b] === 0 ? 0 : 1) || a - b);
  for (const r of roots) {
    if (state[r]) continue;
    const stack: [number, number][] = [[r, 0]];
    state[r] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, i] = top;
      if (i >= out[v].length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const w = out[v][i];
      if (state[w] === 1) back.add(v * n + w);
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push([w, 0]);
      }
    }
  }
  // 2. Longest path over the remaining DAG (Kahn's order).
  const deg = new Array<number>(n).fill(0);
  for (let v = 0; v < n; v++) for (const w of out[v]) if (!back.has(v * n + w)) deg[w]++;
  const layer = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (deg[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q];
    for (const w of out[v]) {
      if (back.has(v * n + w)) continue;
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--deg[w] === 0) queue.push(w);
    }
  }
  return new Map(ids.map((id, i) => [id, layer[i]]));
}

/** Order within each column by barycentre sweeps; returns the columns, each a list of ids top to bottom. */
export function orderLayers(ids: readonly string[], layers: ReadonlyMap<string, number>, links: readonly LayoutLink[], sweeps = 4): string[][] {
  const columns: string[][] = [];
  for (const id of ids) (columns[layers.get(id) ?? 0] ??= []).push(id);
  for (let i = 0; i < columns.length; i++) columns[i] ??= [];
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const l of links) {
    if (l.source === l.target || !layers.has(l.source) || !layers.has(l.target)) continue;
    (succs.get(l.source) ?? succs.set(l.source, []).get(l.source)!).push(l.target);
    (preds.get(l.target) ?? preds.set(l.target, []).get(l.target)!).push(l.source);
  }
  // Position of each node in its column, normalised to 0..1 so columns of different sizes compare.
  const pos = new Map<string, number>();
  const place = (col: string[]) => col.forEach((id, i) => pos.set(id, col.length > 1 ? i / (col.length - 1) : 0.5));
  columns.forEach(place);
  const sweep = (col: string[], neighbours: Map<string, string[]>) => {
    const keyed = col.map((id, i) => {
      const ns = neighbours.get(id);
      let sum = 0;
      let count = 0;
      if (ns) {
        for (const m of ns) {
          const p = pos.get(m);
          if (p !== undefined) {
            sum += p;
            count++;
          }
        }
      }
      // A node without neighbours on that side keeps its place.
      return { id, key: count ? sum / count : (pos.get(id) ?? i), i };
    });
    keyed.sort((a, b) => a.key - b.key || a.i - b.i);
    for (let i = 0; i < col.length; i++) col[i] = keyed[i].id;
    place(col);
  };
  for (let s = 0; s < sweeps; s++) {
    if (s % 2 === 0) for (let c = 1; c < columns.length; c++) sweep(columns[c], preds);
    else for (let c = columns.length - 2; c >= 0; c--) sweep(columns[c], succs);
  }
  return columns;
}

/** Counts crossings between adjacent columns (for tests and the bench). */
export function crossings(columns: readonly (readonly string[])[], links: readonly LayoutLink[]): number {
  const at = new Map<string, [number, number]>();
  columns.forEach((col, c) => col.forEach((id, i) => at.set(id, [c, i])));
  let total = 0;
  for (let c = 0; c + 1 < columns.length; c++) {
    const segs: [number, number][] = [];
    for (const l of links) {
      const a = at.get(l.source);
      const b = at.get(l.target);
      if (a && b && a[0] === c && b[0] === c + 1) segs.push([a[1], b[1]]);
    }
    for (let i = 0; i < segs.length; i++) for (let j = i + 1; j < segs.length; j++) if ((segs[i][0] - segs[j][0]) * (segs[i][1] - segs[j][1]) < 0) total++;
  }
  return total;
}

/**
 * Places every box. `keep`: positions from the previous layout, kept as they are; only boxes not in
 * it are placed (in their column, moved down past boxes they would overlap).
 */
export function layoutMap(boxes: readonly LayoutBox[], links: readonly LayoutLink[], keep: ReadonlyMap<string, Placed> = new Map(), opts: LayoutOptions = {}): Map<string, Placed> {
  const columnGap = opts.columnGap ?? 110;
  const rowGap = opts.rowGap ?? 36;
  const ids = boxes.map((b) => b.id);
  const byId = new Map(boxes.map((b) => [b.id, b]));
  const layers = layerBoxes(ids, links);
  const columns = orderLayers(ids, layers, links, opts.sweeps ?? 4);
  const colX: number[] = [];
  let x = 0;
  for (const col of columns) {
    colX.push(x);
    x += Math.max(0, ...col.map((id) => byId.get(id)!.width)) + columnGap;
  }
  const heights = columns.map((col) => col.reduce((h, id) => h + byId.get(id)!.height, 0) + Math.max(0, col.length - 1) * rowGap);
  const result = new Map<string, Placed>();
  const fresh: { id: string; x: number; y: number; layer: number }[] = [];
  columns.forEach((col, c) => {
    let y = -heights[c] / 2;
    for (const id of col) {
      const old = keep.get(id);
      if (old) result.set(id, old);
      else fresh.push({ id, x: colX[c], y, layer: c });
      y += byId.get(id)!.height + rowGap;
    }
  });
  if (fresh.length === 0) return result;
  if (result.size === 0) {
    for (const f of fresh) result.set(f.id, { x: f.x, y: f.y, layer: f.layer });
    return result;
  }
  // New boxes among kept ones: never on top of one (boxes are few per column; a scan is enough).
  const placed = [...result.entries()].map(([id, p]) => ({ x: p.x, y: p.y, w: byId.get(id)?.width ?? 0, h: byId.get(id)?.height ?? 0 }));
  for (const f of fresh) {
    const b = byId.get(f.id)!;
    let y = f.y;
    for (let moved = true; moved; ) {
      moved = false;
      for (const o of placed) {
        if (f.x < o.x + o.w && o.x < f.x + b.width && y < o.y + o.h + rowGap / 2 && o.y < y + b.height + rowGap / 2) {
          y = o.y + o.h + rowGap;
          moved = true;
        }
      }
    }
    result.set(f.id, { x: f.x, y, layer: f.layer });
    placed.push({ x: f.x, y, w: b.width, h: b.height });
  }
  return result;
}
