// editDistance and closest run for every candidate of every did-you-mean (hosts, fields, names),
// so they are written for speed; these check them against the plain versions they replaced.
import * as assert from 'node:assert/strict';
import { closest, editDistance } from '../../../src/core/schema/suggest';
import { rng } from '../rng';

/** The straightforward optimal string alignment distance, capped early (the reference). */
function referenceDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j];
    prev = cur;
    if (rowMin > max) return max + 1;
  }
  return prev[b.length];
}

function referenceClosest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c !== word && c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const max = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = referenceDistance(lower, c.toLowerCase(), max);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

// Few letters, so that near misses and swaps are common; İ lowercases to two code units.
const ALPHABET = 'abcdeXYZ-.0éİ';

describe('did-you-mean suggestions', () => {
  const r = rng(42);
  const word = (max: number) => Array.from({ length: Math.floor(r() * (max + 1)) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('');

  it('editDistance equals the plain algorithm on 100,000 random pairs and caps', () => {
    for (let n = 0; n < 100_000; n++) {
      const [a, b, max] = [word(10), word(10), Math.floor(r() * 5)];
      assert.equal(editDistance(a, b, max), referenceDistance(a, b, max), `${JSON.stringify(a)} ${JSON.stringify(b)} ${max}`);
    }
    assert.equal(editDistance('subset', 'subest'), 1);
    assert.equal(editDistance('reviews.prod.svc.cluster.local', 'reviews.prd.svc.cluster.local'), 1);
    assert.equal(editDistance('a'.repeat(200), 'a'.repeat(199) + 'b', 3), 1, 'longer than the first buffer');
  });

  it('closest picks what the plain algorithm picks on 20,000 random candidate lists', () => {
    for (let n = 0; n < 20_000; n++) {
      const w = word(9) || 'x';
      const candidates = Array.from({ length: Math.floor(r() * 12) }, () => {
        const k = r();
        return k < 0.15 ? w.toUpperCase() : k < 0.2 ? w : k < 0.5 ? w.slice(1) + word(2) : word(10);
      });
      assert.equal(closest(w, candidates), referenceClosest(w, candidates), `${JSON.stringify(w)} in ${JSON.stringify(candidates)}`);
    }
    assert.equal(closest('weigth', ['weight', 'destination']), 'weight');
    assert.equal(closest('Subset', ['host', 'subset']), 'subset');
  });
});
