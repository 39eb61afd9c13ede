// Stepping between the matches of a search inside one trace (the host finds them: it has the
// attributes, the viewer only the layout) and between errors. Indices are positions in the layout,
// which is also display order (depth-first), so "next" is simply the next larger index, whatever is
// collapsed; a match hidden by a collapsed ancestor is revealed by expanding those.
import { LAYOUT_ERROR, type TraceLayoutDto } from '../../src/shared/protocol';
import type { WaterfallModel } from './waterfall';

/** Span indices of `spanIds` (the host's search answer) in the model, ascending; unknown ids are left out. */
export function indicesOf(model: WaterfallModel, spanIds: readonly string[]): number[] {
  const out: number[] = [];
  for (const id of spanIds) {
    const i = model.indexById.get(id);
    if (i !== undefined) out.push(i);
  }
  return out.sort((x, y) => x - y);
}

/** First position in sorted `xs` whose value is > x. */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The match after `current` (a span index, or -1 for "none selected"), wrapping to the first.
 * `current` need not be a match itself: the user may have clicked another row in between.
 */
export function nextMatch(matches: readonly number[], current: number): number | undefined {
  if (matches.length === 0) return undefined;
  const k = upperBound(matches, current);
  return k < matches.length ? matches[k] : matches[0];
}

/** The match before `current`, wrapping to the last; with no current (-1), the last match. */
export function previousMatch(matches: readonly number[], current: number): number | undefined {
  if (matches.length === 0) return undefined;
  if (current < 0) return matches[matches.length - 1];
  // Last position whose value is < current.
  let lo = 0;
  let hi = matches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (matches[mid] < current) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? matches[lo - 1] : matches[matches.length - 1];
}

/** Indices of the error spans (status code 2), ascending. */
export function errorIndices(layout: TraceLayoutDto): number[] {
  const out: number[] = [];
  for (let i = 0; i < layout.flags.length; i++) if (layout.flags[i] & LAYOUT_ERROR) out.push(i);
  return out;
}

/** "Next error" from `current`, wrapping; undefined when the trace has none. */
export function nextError(errors: readonly number[], current: number): number | undefined {
  return nextMatch(errors, current);
}

export function previousError(errors: readonly number[], current: number): number | undefined {
  return previousMatch(errors, current);
}

/**
 * The collapsed ancestors that hide span `index`, outermost first: expand these (remove them from
 * the collapsed set) and the span shows. Walks parent links, so it costs the span's depth.
 */
export function ancestorsToExpand(model: WaterfallModel, index: number, collapsed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (collapsed.size === 0) return out;
  for (let p = model.parent[index]; p >= 0; p = model.parent[p]) {
    const id = model.layout.spanIds[p];
    if (collapsed.has(id)) out.push(id);
  }
  return out.reverse();
}

/** The collapsed set with the ancestors of `index` expanded (a new set; the given one is kept). */
export function reveal(model: WaterfallModel, index: number, collapsed: ReadonlySet<string>): Set<string> {
  const out = new Set(collapsed);
  for (const id of ancestorsToExpand(model, index, collapsed)) out.delete(id);
  return out;
}
