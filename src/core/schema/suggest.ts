/** Three DP rows in one reused buffer: this runs for every candidate of every did-you-mean. */
let rows = new Int32Array(3 * 64);

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), capped early. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  const w = n + 1;
  if (rows.length < 3 * w) rows = new Int32Array(6 * w);
  const r = rows;
  let prev2 = 0;
  let prev = w;
  let cur = 2 * w;
  for (let j = 0; j <= n; j++) {
    r[prev2 + j] = 0;
    r[prev + j] = j;
  }
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const before = i > 1 ? a.charCodeAt(i - 2) : -1;
    r[cur] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(r[prev + j] + 1, r[cur + j - 1] + 1, r[prev + j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && before === bj) d = Math.min(d, r[prev2 + j - 2] + 1);
      r[cur + j] = d;
      if (d < rowMin) rowMin = d;
    }
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
    if (rowMin > max) return max + 1;
  }
  return r[prev + n];
}

/**
 * The candidate a person most likely meant: the same word in another case, else the nearest one
 * within a distance that grows with the word's length (1 up to 4 letters, 2 up to 8, then 3).
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const max = word.length <= 4 ? 1 : word.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    // The same word in another case wins over any distance, the first one in order.
    if (lc === lower && c !== word) return c;
    if (Math.abs(lc.length - lower.length) > max) continue;
    const d = editDistance(lower, lc, max);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}
