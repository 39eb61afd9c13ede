// The halves of requests that wait for their other half (service-graph.ts), kept in arrays of
// fields instead of an object per half. A busy mesh sends hundreds of thousands of spans a second
// and about every other one waits for a moment: an object per waiting half, and the Map entry
// that held it, were garbage the ingest paid for in collections, while these arrays are made once
// and only grow (to a bound).
//
// - Slots are taken in arrival order, round a ring: the oldest half is at `head`, so expiry (the TTL
//   is the same for all, and the clock does not go back) and dropping the oldest at the cap look
//   only at the front. A half that is paired is taken out where it is and leaves its slot dead
//   until the front passes it; when the ring is full of live and dead slots, the live ones are
//   copied to the front of a ring of the same size (or, while there are many, one twice as large).
// - Halves are found by the span id that pairs them, as two 32-bit words (the caller's span id,
//   the callee's parent id), and their trace id, in an open-addressing index over the slots
//   (linear probing, at most half full, deletion by shifting back). Each place holds the slot and
//   the id's words, so that a probe compares ids in the index's own cache line and goes to the
//   slot's fields only on a hit. An id that is not 16 hex
//   digits (no decoder gives one) is found by its text in a Map instead.

/** Bits of a slot's flags. */
export const LIVE = 1;
export const CALLER = 2;
export const MESSAGING = 4;
export const ERROR = 8;

const FIRST_CAPACITY = 256;

/** The index's number for a span id given as two 32-bit words (both words count: ids that count, or are random in only some bytes, must not collide). */
export function wordsHash(w0: number, w1: number): number {
  return (w0 ^ Math.imul(w1, 0x9e3779b1)) >>> 0;
}

export class WaitingHalves<E, A> {
  /** Live halves. */
  size = 0;
  // Set by allocate().
  flags!: Uint8Array;
  w0!: Int32Array;
  w1!: Int32Array;
  startMs!: Float64Array;
  durationMs!: Float64Array;
  expiresAtMs!: Float64Array;
  traceIds!: (string | undefined)[];
  endpoints!: (E | undefined)[];
  alones!: (A | undefined)[];
  /** The text key of a half found by text (see findText); undefined for one found by words. */
  private textKeys!: (string | undefined)[];
  private readonly byText = new Map<string, number>();
  /** Per place, three numbers: slot + 1 of a half found by words (0: empty), and its id's words. */
  private index!: Int32Array;
  private head = 0;
  private tail = 0;

  /**
   * The ring (a power of two) grows only while over half of it is live, so it stays under twice
   * the most halves that ever waited at once: the caller's cap bounds it.
   */
  constructor() {
    this.allocate(FIRST_CAPACITY);
  }

  /** Empty arrays for a ring of `capacity` slots, and its index. */
  private allocate(capacity: number): void {
    this.flags = new Uint8Array(capacity);
    this.w0 = new Int32Array(capacity);
    this.w1 = new Int32Array(capacity);
    this.startMs = new Float64Array(capacity);
    this.durationMs = new Float64Array(capacity);
    this.expiresAtMs = new Float64Array(capacity);
    this.traceIds = new Array<string | undefined>(capacity).fill(undefined);
    this.endpoints = new Array<E | undefined>(capacity).fill(undefined);
    this.alones = new Array<A | undefined>(capacity).fill(undefined);
    this.textKeys = new Array<string | undefined>(capacity).fill(undefined);
    this.index = new Int32Array(3 * 2 * capacity);
  }

  /** The slot of the live half with this id (as words) in this trace, or -1. */
  find(w0: number, w1: number, traceId: string): number {
    const index = this.index;
    const mask = index.length / 3 - 1;
    for (let i = wordsHash(w0, w1) & mask; ; i = (i + 1) & mask) {
      const e = index[3 * i];
      if (e === 0) return -1;
      if (index[3 * i + 1] === w0 && index[3 * i + 2] === w1 && this.traceIds[e - 1] === traceId) return e - 1;
    }
  }

  /** The slot of the live half kept under this text (trace id and span id), or -1. */
  findText(key: string): number {
    return this.byText.size === 0 ? -1 : (this.byText.get(key) ?? -1);
  }

  /** The oldest live half's slot, or -1 when none waits. */
  oldest(): number {
    const mask = this.flags.length - 1;
    while (this.head < this.tail) {
      const s = this.head & mask;
      if (this.flags[s] & LIVE) return s;
      this.head++;
    }
    return -1;
  }

  /** The oldest live half's slot if its time is over at `nowMs`, else -1. */
  expired(nowMs: number): number {
    const s = this.oldest();
    return s >= 0 && this.expiresAtMs[s] <= nowMs ? s : -1;
  }

  /** Takes a live half out; its fields stay readable until the next add. */
  remove(slot: number): void {
    this.flags[slot] = 0;
    this.size--;
    const text = this.textKeys[slot];
    if (text !== undefined) {
      this.byText.delete(text);
      this.textKeys[slot] = undefined;
    } else this.unindex(slot);
  }

  /** A half that starts to wait, found by its words, or by `textKey` when given. */
  add(flags: number, w0: number, w1: number, textKey: string | undefined, traceId: string, startMs: number, durationMs: number, expiresAtMs: number, endpoint: E, alone: A): void {
    if (this.tail - this.head === this.flags.length) {
      this.oldest();
      if (this.tail - this.head === this.flags.length) this.rebuild(2 * this.size > this.flags.length ? 2 * this.flags.length : this.flags.length);
    }
    const s = this.tail & (this.flags.length - 1);
    this.tail++;
    this.flags[s] = flags | LIVE;
    this.w0[s] = w0;
    this.w1[s] = w1;
    this.startMs[s] = startMs;
    this.durationMs[s] = durationMs;
    this.expiresAtMs[s] = expiresAtMs;
    this.traceIds[s] = traceId;
    this.endpoints[s] = endpoint;
    this.alones[s] = alone;
    this.size++;
    if (textKey !== undefined) {
      this.textKeys[s] = textKey;
      this.byText.set(textKey, s);
    } else this.indexSlot(s);
  }

  private indexSlot(s: number): void {
    const index = this.index;
    const mask = index.length / 3 - 1;
    const w0 = this.w0[s];
    const w1 = this.w1[s];
    let i = wordsHash(w0, w1) & mask;
    while (index[3 * i] !== 0) i = (i + 1) & mask;
    index[3 * i] = s + 1;
    index[3 * i + 1] = w0;
    index[3 * i + 2] = w1;
  }

  private unindex(s: number): void {
    const index = this.index;
    const mask = index.length / 3 - 1;
    let i = wordsHash(this.w0[s], this.w1[s]) & mask;
    while (index[3 * i] !== s + 1) i = (i + 1) & mask;
    // Shift back the entries after it that probed past it, so that no search stops early.
    for (let j = (i + 1) & mask; index[3 * j] !== 0; j = (j + 1) & mask) {
      const k = wordsHash(index[3 * j + 1], index[3 * j + 2]) & mask;
      // j's home k is cyclically in (i, j]: it stays; otherwise it moves to the hole at i.
      if (i <= j ? i < k && k <= j : i < k || k <= j) continue;
      index[3 * i] = index[3 * j];
      index[3 * i + 1] = index[3 * j + 1];
      index[3 * i + 2] = index[3 * j + 2];
      i = j;
    }
    index[3 * i] = 0;
  }

  /** The live halves, in order, to the front of a ring of `capacity` slots. */
  private rebuild(capacity: number): void {
    const old = {
      flags: this.flags,
      w0: this.w0,
      w1: this.w1,
      startMs: this.startMs,
      durationMs: this.durationMs,
      expiresAtMs: this.expiresAtMs,
      traceIds: this.traceIds,
      endpoints: this.endpoints,
      alones: this.alones,
      textKeys: this.textKeys,
    };
    const mask = old.flags.length - 1;
    this.allocate(capacity);
    this.byText.clear();
    let n = 0;
    for (let pos = this.head; pos < this.tail; pos++) {
      const o = pos & mask;
      if (!(old.flags[o] & LIVE)) continue;
      this.flags[n] = old.flags[o];
      this.w0[n] = old.w0[o];
      this.w1[n] = old.w1[o];
      this.startMs[n] = old.startMs[o];
      this.durationMs[n] = old.durationMs[o];
      this.expiresAtMs[n] = old.expiresAtMs[o];
      this.traceIds[n] = old.traceIds[o];
      this.endpoints[n] = old.endpoints[o];
      this.alones[n] = old.alones[o];
      const text = old.textKeys[o];
      if (text !== undefined) {
        this.textKeys[n] = text;
        this.byText.set(text, n);
      } else this.indexSlot(n);
      n++;
    }
    this.head = 0;
    this.tail = n;
  }
}
