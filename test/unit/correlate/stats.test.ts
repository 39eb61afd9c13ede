// Pearson's chi-square goodness of fit against textbook critical values and hand-computed statistics.
import * as assert from 'node:assert/strict';
import { chiSquareGoodnessOfFit, chiSquareSurvival } from '../../../src/core/correlate';

const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * b, `${what}: ${a} vs ${b}`);

describe('chi-square', () => {
  it('upper tail at the tables\' critical values', () => {
    // (statistic, df, p) from the standard chi-square table.
    const table: Array<[number, number, number]> = [
      [3.841, 1, 0.05],
      [6.635, 1, 0.01],
      [10.828, 1, 0.001],
      [5.991, 2, 0.05],
      [13.816, 2, 0.001],
      [16.266, 3, 0.001],
      [18.467, 4, 0.001],
    ];
    for (const [x, df, p] of table) close(chiSquareSurvival(x, df), p, 0.002, `Q(${x}, ${df})`);
    assert.equal(chiSquareSurvival(0, 3), 1);
  });

  it('goodness of fit: 500/500 against 80/20 and an exact fit', () => {
    // Expected 800/200: (500-800)^2/800 + (500-200)^2/200 = 112.5 + 450.
    const t = chiSquareGoodnessOfFit([500, 500], [80, 20]);
    close(t.chi2, 562.5, 1e-12, 'chi2');
    assert.equal(t.df, 1);
    assert.ok(t.p < 1e-100);
    assert.deepEqual(chiSquareGoodnessOfFit([800, 200], [80, 20]), { chi2: 0, df: 1, p: 1 });
  });

  it('a request into a weight-0 destination is impossible under the configuration', () => {
    const t = chiSquareGoodnessOfFit([99, 1], [100, 0]);
    assert.equal(t.p, 0);
    assert.equal(chiSquareGoodnessOfFit([100, 0], [100, 0]).p, 1);
  });
});
