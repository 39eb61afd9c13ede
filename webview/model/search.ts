// Search inside one trace, and stepping between matches and errors. Indices are positions in
// trace.spans, which is also display order (depth-first), so "next" is simply the next larger index,
// whatever is collapsed; a match hidden by a collapsed ancestor is revealed by expanding those.
import type { TraceDto } from '../../src/shared/protocol';
import { formatAttrValue } from './format';
import { STATUS_ERROR, type WaterfallModel } from './waterfall';

export interface TraceSearch {
  /** Span indices matching `query` (case-insensitive substring), ascending = display order. */
  find(query: string): number[];
}

/**
 * A searcher for one trace. The lowercase text of each span (name, service, span id, attribute keys
 * and values) is built on the first search, not per keystroke; attribute values as the details pane
 * shows them (format.ts), so what you see is what you can find.
 */
export function traceSearch(trace: TraceDto): TraceSearch {
  let haystacks: string[] | undefined;
  const build = (): string[] => {
    // A separator no query can contain keeps a match from spanning two fields ("ab" in "a"+"b").
    const SEP = '\u0000';
    return trace.spans.map((s) => {
      const parts = [s.name, s.serviceName, s.spanId];
      for (const a of s.attributes) parts.push(a.key, formatAttrValue(a.value));
      return parts.join(SEP).toLowerCase();
    });
  };
  return {
    find(query: string): number[] {
      const q = query.trim().toLowerCase();
      if (q === '' || q.includes('\u0000')) return [];
      haystacks ??= build();
      const out: number[] = [];
      for (let i = 0; i < haystacks.length; i++) if (haystacks[i].includes(q)) out.push(i);
      return out;
    },
  };
}

/** Span ids of a list of indices (the views key rows by id). */
export function spanIdsOf(trace: TraceDto, indices: readonly number[]): string[] {
  return indices.map((i) => trace.spans[i].spanId);
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
export function errorIndices(trace: TraceDto): number[] {
  const out: number[] = [];
  for (let i = 0; i < trace.spans.length; i++) if (trace.spans[i].status.code === STATUS_ERROR) out.push(i);
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
    const id = model.trace.spans[p].spanId;
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
