// The waterfall's time axis: ms (offsets from the trace start) <-> px for a zoomed range, and the
// ruler's ticks at "nice" steps (1, 2, 5 x 10^k ms) so labels read 0ms, 50ms, 100ms, not 47.3ms.

export interface TimeScale {
  readonly fromMs: number;
  readonly toMs: number;
  readonly widthPx: number;
  msToPx(ms: number): number;
  pxToMs(px: number): number;
}

export function timeScale(fromMs: number, toMs: number, widthPx: number): TimeScale {
  // A zero-length range (a trace of one instant span) still needs a finite scale.
  const span = toMs > fromMs ? toMs - fromMs : 1;
  const k = widthPx / span;
  return {
    fromMs,
    toMs,
    widthPx,
    msToPx: (ms) => (ms - fromMs) * k,
    pxToMs: (px) => fromMs + (k > 0 ? px / k : 0),
  };
}

/** The smallest step of 1, 2 or 5 x 10^k that cuts `rangeMs` into at most `maxTicks` intervals. */
export function niceStep(rangeMs: number, maxTicks: number): number {
  if (!(rangeMs > 0) || !(maxTicks >= 1)) return 1;
  const raw = rangeMs / Math.floor(maxTicks);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) {
    // The tolerance absorbs log10/pow rounding (1e-3 is not exactly representable).
    if (m * pow >= raw * (1 - 1e-9)) return m * pow;
  }
  return 10 * pow;
}

/** Tick positions in [fromMs, toMs], multiples of a nice step. */
export function ticks(fromMs: number, toMs: number, maxTicks: number): { readonly stepMs: number; readonly ticksMs: number[] } {
  const stepMs = niceStep(toMs - fromMs, maxTicks);
  const out: number[] = [];
  if (!(toMs >= fromMs)) return { stepMs, ticksMs: out };
  const firstK = Math.ceil(fromMs / stepMs - 1e-9);
  // Multiply from an integer k each time instead of adding the step, so 0.1 + 0.2 drift never shows.
  for (let k = firstK; k * stepMs <= toMs + stepMs * 1e-9; k++) {
    const v = k * stepMs;
    // Round away float noise at the step's precision (0.30000000000000004 -> 0.3).
    out.push(Number(v.toPrecision(12)));
    if (out.length > maxTicks + 2) break;
  }
  return { stepMs, ticksMs: out };
}

/** A zoom range kept inside [0, totalMs] and at least `minSpanMs` wide; the views' minimap drags it. */
export function clampRange(fromMs: number, toMs: number, totalMs: number, minSpanMs = 0): { readonly fromMs: number; readonly toMs: number } {
  let from = Math.min(fromMs, toMs);
  let to = Math.max(fromMs, toMs);
  const width = Math.min(totalMs, Math.max(to - from, minSpanMs));
  from = Math.max(0, Math.min(from, totalMs - width));
  to = from + width;
  return { fromMs: from, toMs: to };
}
