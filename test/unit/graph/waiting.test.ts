// The table of waiting halves (src/core/graph/waiting.ts) against a plain Map that does the same
// by the book: halves found by id words and trace, or by text; taken out anywhere; the oldest at
// the front; through many wraps of its ring, its compactions and its growth. Ids are drawn from a
// few values so that many share a place in the index and deletions must shift others back.
import * as assert from 'node:assert/strict';
import { rng } from '../rng';
import { CALLER, ERROR, LIVE, WaitingHalves } from '../../../src/core/graph/waiting';

interface Ref {
  flags: number;
  w0: number;
  w1: number;
  text?: string;
  traceId: string;
  startMs: number;
  expiresAtMs: number;
  endpoint: string;
}

const keyOf = (r: { w0: number; w1: number; text?: string; traceId: string }) => r.text ?? `${r.traceId}/${r.w0}/${r.w1}`;

describe('waiting halves', () => {
  // [what, operations, most live at once, distinct ids, share of operations that expire]
  for (const [name, ops, maxLive, ids, expiring] of [
    ['a few live, many wraps of the ring', 40_000, 50, 400, 0.1],
    ['up to 3,000 live (the oldest dropped beyond): the ring grows, and compacts when mostly dead', 60_000, 3000, 50_000, 0.002],
    ['ids from a handful of values: long probe runs in the index', 30_000, 500, 40, 0.1],
  ] as const) {
    it(`does what a Map does: ${name}`, () => {
      const rnd = rng(ids + maxLive);
      const table = new WaitingHalves<string, string>();
      // Insertion order is the oldest-first order the table must keep.
      const ref = new Map<string, Ref>();
      let now = 0;
      let most = 0;
      const pick = () => Math.floor(rnd() * ids);
      // Words that share their index place: w1 is fixed, w0 varies over a few values.
      const idOf = (n: number) => ({ w0: (n * 0x9e3779b1) | 0, w1: n % 7 === 0 ? -1 : n % 3, traceId: `t${n % 5}` });
      for (let op = 0; op < ops; op++) {
        now += rnd() < 0.3 ? 1 : 0;
        const n = pick();
        const id = idOf(n);
        const text = n % 11 === 0 ? `text:${n}` : undefined;
        const key = keyOf({ ...id, text });
        const found = text === undefined ? table.find(id.w0, id.w1, id.traceId) : table.findText(text);
        const want = ref.get(key);
        assert.equal(found >= 0, want !== undefined, `op ${op}: find ${key}`);
        if (want !== undefined) {
          assert.equal(table.flags[found], want.flags | LIVE);
          assert.equal(table.startMs[found], want.startMs);
          assert.equal(table.endpoints[found], want.endpoint);
          assert.equal(table.traceIds[found], want.traceId);
          table.remove(found);
          ref.delete(key);
          continue;
        }
        const r = rnd();
        if (r < expiring) {
          // Expire what is due, oldest first.
          for (let s = table.expired(now - 20); s >= 0; s = table.expired(now - 20)) {
            const [k, oldest] = ref.entries().next().value as [string, Ref];
            assert.ok(oldest.expiresAtMs <= now - 20);
            assert.equal(keyOf({ w0: table.w0[s], w1: table.w1[s], traceId: table.traceIds[s]!, text: oldest.text }), k);
            table.remove(s);
            ref.delete(k);
          }
          const next = ref.values().next().value;
          assert.ok(next === undefined || next.expiresAtMs > now - 20);
          continue;
        }
        if (ref.size >= maxLive) {
          const s = table.oldest();
          const [k, oldest] = ref.entries().next().value as [string, Ref];
          assert.equal(table.startMs[s], oldest.startMs);
          table.remove(s);
          ref.delete(k);
        }
        const flags = (n % 2 ? CALLER : 0) | (op % 3 ? ERROR : 0);
        const half: Ref = { flags, ...id, text, startMs: op, expiresAtMs: now, endpoint: `e${op}` };
        table.add(flags, id.w0, id.w1, text, id.traceId, op, 0, now, half.endpoint, 'alone');
        ref.set(key, half);
        assert.equal(table.size, ref.size);
        most = Math.max(most, ref.size);
      }
      // Everything left is still found, and the front is the oldest.
      for (const [k, r] of ref) {
        const s = r.text === undefined ? table.find(r.w0, r.w1, r.traceId) : table.findText(r.text);
        assert.ok(s >= 0, k);
        assert.equal(table.startMs[s], r.startMs);
      }
      const oldest = ref.values().next().value;
      if (oldest) assert.equal(table.startMs[table.oldest()], oldest.startMs);
      // The ring (256 slots at first) grows only to twice the most that waited at once, rounded up to a power of two.
      if (most > 256) assert.ok(table.flags.length > 256, 'grown');
      assert.ok(table.flags.length <= Math.max(256, 2 * 2 ** Math.ceil(Math.log2(most))), `${table.flags.length} slots for at most ${most}`);
    });
  }

  it('one old half and a stream paired behind it: the ring compacts instead of growing, and the old half is kept', () => {
    const table = new WaitingHalves<string, string>();
    table.add(CALLER, 7, 7, undefined, 'old', 1, 0, 0, 'old', 'x');
    for (let i = 0; i < 100_000; i++) {
      table.add(0, i, -i, undefined, 'new', 2, 0, 0, 'new', 'x');
      table.remove(table.find(i, -i, 'new'));
    }
    assert.equal(table.flags.length, 256);
    assert.equal(table.size, 1);
    assert.equal(table.oldest(), table.find(7, 7, 'old'));
    assert.equal(table.endpoints[table.oldest()], 'old');
  });

  it('a half not there is not found, also when it shares an index place with one that is', () => {
    const table = new WaitingHalves<string, string>();
    table.add(0, 1, 2, undefined, 'a', 0, 0, 0, 'e', 'x');
    assert.equal(table.find(1, 2, 'b'), -1, 'another trace');
    assert.equal(table.find(1, 3, 'a'), -1, 'another id');
    assert.ok(table.find(1, 2, 'a') >= 0);
    assert.equal(table.oldest(), table.find(1, 2, 'a'));
    table.remove(table.find(1, 2, 'a'));
    assert.equal(table.size, 0);
    assert.equal(table.oldest(), -1);
    assert.equal(table.expired(1e15), -1);
  });
});
