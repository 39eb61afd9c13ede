// An edge's requests by the second (service-graph.ts): for each second with requests in the last
// HORIZON_S seconds, per side (client, server) the count, errors, shortest and longest latency and
// first and last start, and the latencies' histogram bins (histogram.ts); everything older is
// folded into `older`, so `all` is `older` plus the seconds.
//
// Numbers in typed arrays, not an object per second: recording a request is on the ingest's hot
// path, and a second's objects (two SideStats with their double fields each boxed, and a Map of
// bins each) were several cache misses per request, the largest share of what the graph cost
// ingest (bench:graph). Here a request touches its second's twelve numbers and one place of the
// edge's table of bins.
import { binOf, SideStats } from './histogram';

/** Per-second buckets are kept this long: the largest window. */
export const HORIZON_S = 900;

/** Numbers per side of a second: count, errors, min ms, max ms, first start ms, last start ms. */
const SIDE = 6;
const FIRST_SECONDS = 8;
const FIRST_BINS = 64;

export type Side = 0 | 1;
export const CLIENT_SIDE: Side = 0;
export const SERVER_SIDE: Side = 1;

export interface Window {
  readonly client: SideStats;
  readonly server: SideStats;
}

export class EdgeSeries {
  /** The seconds with requests, ascending, at [lo, n). */
  private secs = new Float64Array(FIRST_SECONDS);
  /** 2 * SIDE numbers per second, at the second's index. */
  private stats = new Float64Array(FIRST_SECONDS * 2 * SIDE);
  private lo = 0;
  private n = 0;
  /** Everything older than the seconds kept; a late request for such a second goes here at once. */
  readonly older: Window = { client: new SideStats(), server: new SideStats() };
  /** Seconds up to this one were folded into `older` (their bins may still be in the table until it is rebuilt). */
  private foldedThrough = Number.NEGATIVE_INFINITY;
  private readonly bins = new BinTable();

  record(side: Side, startMs: number, durationMs: number, error: boolean): void {
    const second = Math.floor(startMs / 1000);
    // Before 1970 (no decoder gives it) is kept as older, outside the table's keys.
    const i = second < 0 ? -1 : this.indexOf(second);
    const bin = binOf(durationMs);
    if (i < 0) {
      (side === CLIENT_SIDE ? this.older.client : this.older.server).add(startMs, durationMs, error, bin);
      return;
    }
    const st = this.stats;
    const o = i * 2 * SIDE + side * SIDE;
    st[o]++;
    if (error) st[o + 1]++;
    if (durationMs < st[o + 2]) st[o + 2] = durationMs;
    if (durationMs > st[o + 3]) st[o + 3] = durationMs;
    if (startMs < st[o + 4]) st[o + 4] = startMs;
    if (startMs > st[o + 5]) st[o + 5] = startMs;
    this.bins.add(second, side, bin, this.foldedThrough, this.older);
  }

  /** The figures from `fromSecond` on (`all`, when undefined: `older` too). */
  window(fromSecond: number | undefined): Window {
    const out: Window = { client: new SideStats(), server: new SideStats() };
    if (fromSecond === undefined) {
      out.client.merge(this.older.client);
      out.server.merge(this.older.server);
    }
    const st = this.stats;
    for (let i = this.n - 1; i >= this.lo && (fromSecond === undefined || this.secs[i] >= fromSecond); i--) {
      const o = i * 2 * SIDE;
      out.client.addStats(st[o], st[o + 1], st[o + 2], st[o + 3], st[o + 4], st[o + 5]);
      out.server.addStats(st[o + SIDE], st[o + SIDE + 1], st[o + SIDE + 2], st[o + SIDE + 3], st[o + SIDE + 4], st[o + SIDE + 5]);
    }
    // Bins of folded seconds not yet moved to `older` count for `all` only, where `older`'s counts have them.
    const from = fromSecond === undefined ? Number.NEGATIVE_INFINITY : Math.max(fromSecond, this.foldedThrough + 1);
    this.bins.each((second, side, bin, count) => {
      if (second >= from) (side === CLIENT_SIDE ? out.client : out.server).addBin(bin, count);
    });
    return out;
  }

  /** The index of `second`'s numbers (made if new), or -1 when it is older than the seconds kept. */
  private indexOf(second: number): number {
    const n = this.n;
    const secs = this.secs;
    if (n > this.lo) {
      const last = secs[n - 1];
      if (last === second) return n - 1;
      if (second < last) {
        if (second <= last - HORIZON_S) return -1;
        // Out of order (a late span, or exporters flushing at their own pace). A busy edge has
        // every second: where it would be then is looked at first, else a binary search.
        const guess = n - 1 - (last - second);
        if (guess >= this.lo && secs[guess] === second) return guess;
        let lo = this.lo;
        let hi = n - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const s = secs[mid];
          if (s === second) return mid;
          if (s < second) lo = mid + 1;
          else hi = mid - 1;
        }
        return this.insertAt(lo, second);
      }
    }
    // A newer second: the kept ones it pushes past the horizon are folded into `older`.
    while (this.lo < this.n && this.secs[this.lo] <= second - HORIZON_S) this.fold();
    return this.insertAt(this.n, second);
  }

  private fold(): void {
    const o = this.lo * 2 * SIDE;
    const st = this.stats;
    this.older.client.addStats(st[o], st[o + 1], st[o + 2], st[o + 3], st[o + 4], st[o + 5]);
    this.older.server.addStats(st[o + SIDE], st[o + SIDE + 1], st[o + SIDE + 2], st[o + SIDE + 3], st[o + SIDE + 4], st[o + SIDE + 5]);
    this.foldedThrough = this.secs[this.lo];
    this.lo++;
  }

  /** A new second's numbers at index `at` (shifting the later ones up). */
  private insertAt(at: number, second: number): number {
    if (this.n === this.secs.length) {
      // Full: the folded front is reused, else the arrays double.
      const count = this.n - this.lo;
      const capacity = count * 2 > this.secs.length ? this.secs.length * 2 : this.secs.length;
      const secs = capacity === this.secs.length ? this.secs : new Float64Array(capacity);
      const stats = capacity === this.secs.length ? this.stats : new Float64Array(capacity * 2 * SIDE);
      secs.set(this.secs.subarray(this.lo, this.n));
      stats.set(this.stats.subarray(this.lo * 2 * SIDE, this.n * 2 * SIDE));
      at -= this.lo;
      this.lo = 0;
      this.n = count;
      this.secs = secs;
      this.stats = stats;
    }
    const secs = this.secs;
    const st = this.stats;
    if (at < this.n) {
      secs.copyWithin(at + 1, at, this.n);
      st.copyWithin((at + 1) * 2 * SIDE, at * 2 * SIDE, this.n * 2 * SIDE);
    }
    this.n++;
    secs[at] = second;
    const o = at * 2 * SIDE;
    for (let side = 0; side < 2; side++) {
      const p = o + side * SIDE;
      st[p] = 0;
      st[p + 1] = 0;
      st[p + 2] = Number.POSITIVE_INFINITY;
      st[p + 3] = Number.NEGATIVE_INFINITY;
      st[p + 4] = Number.POSITIVE_INFINITY;
      st[p + 5] = Number.NEGATIVE_INFINITY;
    }
    return at;
  }
}

/**
 * Counts by (second, side, bin), in open addressing over one typed array of (key, count) pairs,
 * so that a probe reads both from one cache line (linear probing, at most half full). The bins of seconds folded into `older` move there when the table is rebuilt, which
 * it is when it is half full: it is then made a quarter full at most, so rebuilding costs a few
 * steps per request over time.
 */
class BinTable {
  /** Per place: the key (second * 4096 + side * 2048 + bin, plus one; 0: empty; seconds up to 2^40 stay exact) and the count. */
  private table = new Float64Array(2 * FIRST_BINS);
  private size = 0;

  add(second: number, side: Side, bin: number, foldedThrough: number, older: Window): void {
    this.table[2 * this.place(second, side, bin) + 1]++;
    if (this.size > this.table.length >> 2) this.rebuild(foldedThrough, older);
  }

  each(f: (second: number, side: Side, bin: number, count: number) => void): void {
    eachBin(this.table, f);
  }

  /** The place of this key, taken (with a count of 0) if it was not there. */
  private place(second: number, side: Side, bin: number): number {
    const key = second * 4096 + side * 2048 + bin + 1;
    const table = this.table;
    const mask = (table.length >> 1) - 1;
    let i = hashOf(second, side * 2048 + bin) & mask;
    for (;;) {
      const k = table[2 * i];
      if (k === key) return i;
      if (k === 0) break;
      i = (i + 1) & mask;
    }
    table[2 * i] = key;
    this.size++;
    return i;
  }

  private rebuild(foldedThrough: number, older: Window): void {
    const old = this.table;
    let live = 0;
    eachBin(old, (second) => {
      if (second > foldedThrough) live++;
    });
    let capacity = FIRST_BINS;
    while (capacity < 4 * live) capacity *= 2;
    this.table = new Float64Array(2 * capacity);
    this.size = 0;
    eachBin(old, (second, side, bin, count) => {
      if (second <= foldedThrough) (side === SERVER_SIDE ? older.server : older.client).addBin(bin, count);
      else this.table[2 * this.place(second, side, bin) + 1] = count;
    });
  }
}

function eachBin(table: Float64Array, f: (second: number, side: Side, bin: number, count: number) => void): void {
  for (let i = 0; i < table.length; i += 2) {
    const k = table[i];
    if (k === 0) continue;
    const v = k - 1;
    const low = v % 4096;
    f((v - low) / 4096, low >= 2048 ? SERVER_SIDE : CLIENT_SIDE, low % 2048, table[i + 1]);
  }
}

function hashOf(second: number, sideBin: number): number {
  const h = Math.imul(second | 0, 0x9e3779b1) ^ Math.imul(sideBin + 1, 0x85ebca6b);
  return (h ^ (h >>> 15)) >>> 0;
}
