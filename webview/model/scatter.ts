// The duration-over-time scatter above the trace list (as in Jaeger's search view): which scales and
// domains to draw. Pure, so the choices are unit-tested; the view draws with d3.
import type { TraceSummaryDto } from '../../src/shared/protocol';

/** Above this ratio of longest to shortest duration a linear axis squeezes most traces onto the floor. */
export const LOG_RATIO = 20;
/** The log axis's floor: durations below it (a 0 ms trace) sit on it instead of at -infinity. */
export const MIN_LOG_MS = 0.001;

export interface YDomain {
  readonly kind: 'log' | 'linear';
  readonly domain: readonly [number, number];
}

export function durationDomain(durationsMs: readonly number[]): YDomain {
  const finite = durationsMs.filter((d) => Number.isFinite(d) && d >= 0);
  if (finite.length === 0) return { kind: 'linear', domain: [0, 1] };
  const max = Math.max(...finite);
  const positive = finite.filter((d) => d > 0);
  const min = positive.length ? Math.min(...positive) : 0;
  if (min > 0 && max / min >= LOG_RATIO) return { kind: 'log', domain: [Math.max(MIN_LOG_MS, min), max] };
  // Linear from 0, so heights compare; a flat list still gets some room above its points.
  return { kind: 'linear', domain: [0, max > 0 ? max : 1] };
}

/** The time axis: the starts' range, widened around a single trace (or traces that began together). */
export function timeDomain(startsUnixMs: readonly number[]): readonly [number, number] {
  const finite = startsUnixMs.filter((t) => Number.isFinite(t));
  if (finite.length === 0) {
    const now = Date.now();
    return [now - 60_000, now];
  }
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  if (hi - lo < 1) return [lo - 500, hi + 500];
  return [lo, hi];
}

/** A duration as the y scale takes it (log scales cannot take 0). */
export function yValue(durationMs: number, kind: YDomain['kind']): number {
  return kind === 'log' ? Math.max(MIN_LOG_MS, durationMs) : durationMs;
}

export interface ScatterPoint {
  readonly traceId: string;
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly hasError: boolean;
}

/** One point per trace; errors last so they are drawn on top of the others. */
export function scatterPoints(traces: readonly TraceSummaryDto[]): ScatterPoint[] {
  const pts = traces.map((t) => ({ traceId: t.traceId, startUnixMs: t.startUnixMs, durationMs: t.durationMs, hasError: t.hasError }));
  return [...pts.filter((p) => !p.hasError), ...pts.filter((p) => p.hasError)];
}
