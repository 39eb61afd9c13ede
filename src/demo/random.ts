// Seeded randomness for the demo, so a run with --seed makes the same requests (routes, errors,
// latencies, ids) every time; tests rely on it.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** mulberry32: tiny, fast, and good enough for traffic that only has to look plausible. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A standard normal value (Box-Muller; the second value is dropped for simplicity). */
export function normal(r: Random): number {
  const u = 1 - r.next();
  const v = r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * A latency in ms: log-normal around `medianMs` (`sigma` is the spread of its logarithm), which is
 * how service latencies look: a body near the median and a long right tail.
 */
export function lognormal(r: Random, medianMs: number, sigma: number): number {
  return medianMs * Math.exp(sigma * normal(r));
}

/** Seconds until the next arrival of a Poisson process with `ratePerSec`. */
export function exponential(r: Random, ratePerSec: number): number {
  return -Math.log(1 - r.next()) / ratePerSec;
}

export function chance(r: Random, p: number): boolean {
  return r.next() < p;
}

/** Trace and span ids from a seeded generator (the SDK's IdGenerator shape). */
export function idGenerator(r: Random): { generateTraceId(): string; generateSpanId(): string } {
  const hex = (bytes: number) => {
    let s = '';
    for (let i = 0; i < bytes; i++) s += Math.floor(r.next() * 256).toString(16).padStart(2, '0');
    // All zeros is an invalid id; a seeded stream never gives it in practice, but never is better.
    return /^0+$/.test(s) ? s.slice(0, -1) + '1' : s;
  };
  return { generateTraceId: () => hex(16), generateSpanId: () => hex(8) };
}
