// Latencies for percentiles, in bounded memory: a sparse log-scale histogram (as Prometheus'
// native histograms and DDSketch do), so windows merge by adding bins and a busy edge costs no
// more than a quiet one. Bin i holds latencies in (2^((i-1)/16), 2^(i/16)] microseconds; a
// percentile is reported as the bin's geometric middle, clamped to the smallest and largest
// latency seen, so it is within 2^(1/32) - 1 = 2.19% of the exact nearest-rank value (and exact
// when all latencies are equal). Sub-microsecond latencies share bin 0.

const BINS_PER_OCTAVE = 16;
/** Beyond 2^(1200/16) us (~10^19 years) nothing is measured; keeps the bin count finite. */
const MAX_BIN = 1200;
/** The relative error bound of a percentile (see above). */
export const PERCENTILE_RELATIVE_ERROR = 2 ** (1 / (2 * BINS_PER_OCTAVE)) - 1;

export function binOf(ms: number): number {
  const us = ms * 1000;
  if (!(us > 1)) return 0;
  const i = Math.ceil(Math.log2(us) * BINS_PER_OCTAVE);
  return i > MAX_BIN ? MAX_BIN : i;
}

function middleMs(bin: number): number {
  return bin === 0 ? 0 : 2 ** ((bin - 0.5) / BINS_PER_OCTAVE) / 1000;
}

/** Counts, errors and latencies of one side (client or server) of an edge for some time. */
export class SideStats {
  count = 0;
  errors = 0;
  minMs = Number.POSITIVE_INFINITY;
  maxMs = Number.NEGATIVE_INFINITY;
  firstStartMs = Number.POSITIVE_INFINITY;
  lastStartMs = Number.NEGATIVE_INFINITY;
  readonly bins = new Map<number, number>();

  add(startMs: number, durationMs: number, error: boolean, bin: number = binOf(durationMs)): void {
    this.count++;
    if (error) this.errors++;
    if (durationMs < this.minMs) this.minMs = durationMs;
    if (durationMs > this.maxMs) this.maxMs = durationMs;
    if (startMs < this.firstStartMs) this.firstStartMs = startMs;
    if (startMs > this.lastStartMs) this.lastStartMs = startMs;
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + 1);
  }

  /** The figures of other requests, given as numbers (a second of an edge's series, series.ts); their bins are added with addBin. */
  addStats(count: number, errors: number, minMs: number, maxMs: number, firstStartMs: number, lastStartMs: number): void {
    if (count === 0) return;
    this.count += count;
    this.errors += errors;
    if (minMs < this.minMs) this.minMs = minMs;
    if (maxMs > this.maxMs) this.maxMs = maxMs;
    if (firstStartMs < this.firstStartMs) this.firstStartMs = firstStartMs;
    if (lastStartMs > this.lastStartMs) this.lastStartMs = lastStartMs;
  }

  addBin(bin: number, count: number): void {
    this.bins.set(bin, (this.bins.get(bin) ?? 0) + count);
  }

  merge(o: SideStats): void {
    if (o.count === 0) return;
    this.count += o.count;
    this.errors += o.errors;
    if (o.minMs < this.minMs) this.minMs = o.minMs;
    if (o.maxMs > this.maxMs) this.maxMs = o.maxMs;
    if (o.firstStartMs < this.firstStartMs) this.firstStartMs = o.firstStartMs;
    if (o.lastStartMs > this.lastStartMs) this.lastStartMs = o.lastStartMs;
    for (const [b, n] of o.bins) this.bins.set(b, (this.bins.get(b) ?? 0) + n);
  }

  /** Nearest-rank percentiles (the smallest latency with at least p of the requests at or below it), approximate as above. */
  percentiles(ps: readonly number[]): (number | null)[] {
    if (this.count === 0) return ps.map(() => null);
    const bins = [...this.bins.keys()].sort((a, b) => a - b);
    return ps.map((p) => {
      const rank = Math.max(1, Math.ceil(p * this.count));
      let seen = 0;
      for (const b of bins) {
        seen += this.bins.get(b)!;
        if (seen >= rank) return Math.min(this.maxMs, Math.max(this.minMs, middleMs(b)));
      }
      return this.maxMs;
    });
  }
}
