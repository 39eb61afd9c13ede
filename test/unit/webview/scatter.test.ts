// The scatter's scales and points (webview/model/scatter.ts).
import { strict as assert } from 'node:assert';
import type { TraceSummaryDto } from '../../../src/shared/protocol';
import { durationDomain, LOG_RATIO, MIN_LOG_MS, scatterPoints, timeDomain, yValue } from '../../../webview/model/scatter';
import { sid, traceOf } from './fixtures';

describe('duration scatter (webview/model/scatter.ts)', () => {
  it('a linear duration axis from 0 while the durations are within a factor of 20', () => {
    assert.deepEqual(durationDomain([5, 40, 99]), { kind: 'linear', domain: [0, 99] });
    assert.deepEqual(durationDomain([10, 10 * LOG_RATIO - 1]), { kind: 'linear', domain: [0, 10 * LOG_RATIO - 1] });
    assert.deepEqual(durationDomain([7]), { kind: 'linear', domain: [0, 7] });
  });

  it('a log axis when the range is wide, from the shortest positive duration', () => {
    assert.deepEqual(durationDomain([0.26, 1.4, 80, 250]), { kind: 'log', domain: [0.26, 250] });
    assert.deepEqual(durationDomain([10, 10 * LOG_RATIO]), { kind: 'log', domain: [10, 10 * LOG_RATIO] });
    // A 0 ms trace does not make the range infinite; it sits on the floor.
    assert.deepEqual(durationDomain([0, 1, 100]), { kind: 'log', domain: [1, 100] });
    assert.deepEqual(durationDomain([0.000001, 5]), { kind: 'log', domain: [MIN_LOG_MS, 5] });
    assert.equal(yValue(0, 'log'), MIN_LOG_MS);
    assert.equal(yValue(0, 'linear'), 0);
    assert.equal(yValue(12, 'log'), 12);
  });

  it('empty, all-zero and non-finite input still give a drawable domain', () => {
    assert.deepEqual(durationDomain([]), { kind: 'linear', domain: [0, 1] });
    assert.deepEqual(durationDomain([0, 0]), { kind: 'linear', domain: [0, 1] });
    assert.deepEqual(durationDomain([NaN, Infinity, -1, 4]), { kind: 'linear', domain: [0, 4] });
  });

  it('the time axis spans the starts, widened around a single instant', () => {
    assert.deepEqual(timeDomain([3000, 1000, 2000]), [1000, 3000]);
    assert.deepEqual(timeDomain([5000]), [4500, 5500]);
    assert.deepEqual(timeDomain([5000, 5000.5]), [4500, 5500.5]);
    const [a, b] = timeDomain([]);
    assert.equal(b - a, 60_000);
  });

  it('one point per trace, the error traces last (drawn on top)', () => {
    const t = (n: number, hasError: boolean): TraceSummaryDto => ({
      ...traceOf([{ traceId: n.toString(16).padStart(32, '0'), spanId: sid(n), name: 'x', durationMs: n }]).summary,
      hasError,
      startUnixMs: 1000 + n,
    });
    const pts = scatterPoints([t(1, true), t(2, false), t(3, true), t(4, false)]);
    assert.deepEqual(pts.map((p) => [parseInt(p.traceId, 16), p.hasError]), [[2, false], [4, false], [1, true], [3, true]]);
    assert.deepEqual(pts.map((p) => p.startUnixMs), [1002, 1004, 1001, 1003]);
  });
});
