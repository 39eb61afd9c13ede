// The trace list, client side: filter and sort the summaries the host sent, and a colour per service.
// The host filters too (TraceQueryDto); this is for the instant response while typing and for live
// updates, and it cannot filter by attribute (summaries carry none): that filter stays on the host.
import type { TraceSummaryDto } from '../../src/shared/protocol';

export interface ListFilter {
  /** One of the trace's services (exact). */
  readonly service?: string;
  /** The root span's name (exact). */
  readonly operation?: string;
  readonly minMs?: number;
  readonly maxMs?: number;
  readonly errorsOnly?: boolean;
  /** Case-insensitive substring of the trace id, root service, root name or any service. */
  readonly text?: string;
}

export function matchesFilter(t: TraceSummaryDto, f: ListFilter): boolean {
  if (f.service !== undefined && f.service !== '' && !t.services.includes(f.service)) return false;
  if (f.operation !== undefined && f.operation !== '' && t.rootName !== f.operation) return false;
  if (f.minMs !== undefined && t.durationMs < f.minMs) return false;
  if (f.maxMs !== undefined && t.durationMs > f.maxMs) return false;
  if (f.errorsOnly && !t.hasError) return false;
  const q = f.text?.trim().toLowerCase();
  if (q) {
    const hit =
      t.traceId.includes(q) ||
      t.rootServiceName.toLowerCase().includes(q) ||
      t.rootName.toLowerCase().includes(q) ||
      t.services.some((s) => s.toLowerCase().includes(q));
    if (!hit) return false;
  }
  return true;
}

export function filterSummaries(list: readonly TraceSummaryDto[], f: ListFilter): TraceSummaryDto[] {
  return list.filter((t) => matchesFilter(t, f));
}

export type ListColumn = 'rootService' | 'rootName' | 'spanCount' | 'services' | 'errors' | 'duration' | 'start';
export type SortDirection = 'asc' | 'desc';

// Code-unit order after case folding: the same on every machine and locale, unlike localeCompare.
function compareText(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const COMPARE: Record<ListColumn, (a: TraceSummaryDto, b: TraceSummaryDto) => number> = {
  rootService: (a, b) => compareText(a.rootServiceName, b.rootServiceName) || compareText(a.rootName, b.rootName),
  rootName: (a, b) => compareText(a.rootName, b.rootName),
  spanCount: (a, b) => a.spanCount - b.spanCount,
  services: (a, b) => a.services.length - b.services.length,
  errors: (a, b) => a.errorCount - b.errorCount,
  duration: (a, b) => a.durationMs - b.durationMs,
  start: (a, b) => a.startUnixMs - b.startUnixMs,
};

/**
 * Sorted copy. Stable in both directions: ties keep the input order (newest first, as the host sends
 * it) whether ascending or descending, because "desc" negates the comparison instead of reversing.
 */
export function sortSummaries(list: readonly TraceSummaryDto[], column: ListColumn, direction: SortDirection): TraceSummaryDto[] {
  const cmp = COMPARE[column];
  const sign = direction === 'asc' ? 1 : -1;
  return [...list].sort((a, b) => sign * cmp(a, b));
}

/**
 * A colour index in [0, paletteSize) for a service name: a hash of the name (FNV-1a, 32 bits, over
 * UTF-16 code units), so the same service keeps its colour across traces, sessions and machines.
 * Two services may share a colour; the legend names them.
 */
export function serviceColorIndex(service: string, paletteSize: number): number {
  const size = Math.max(1, Math.floor(paletteSize));
  let h = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    h ^= service.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % size;
}

/** Colour indices for the services of a trace (legend order: by name). */
export function serviceColors(services: Iterable<string>, paletteSize: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of [...new Set(services)].sort(compareText)) out.set(s, serviceColorIndex(s, paletteSize));
  return out;
}

/**
 * The row a key moves the list's focus to, from `current` (-1: none yet) among `count` rows;
 * undefined for keys that do not move it. `page` rows per PageUp/PageDown.
 */
export function rovingIndex(current: number, key: string, count: number, page = 10): number | undefined {
  if (count <= 0) return undefined;
  const at = Math.min(Math.max(current, -1), count - 1);
  const clamp = (i: number) => Math.max(0, Math.min(count - 1, i));
  switch (key) {
    case 'ArrowDown':
      return at < 0 ? 0 : clamp(at + 1);
    case 'ArrowUp':
      return at < 0 ? 0 : clamp(at - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'PageDown':
      return clamp(Math.max(at, 0) + page);
    case 'PageUp':
      return clamp(Math.max(at, 0) - page);
    default:
      return undefined;
  }
}
