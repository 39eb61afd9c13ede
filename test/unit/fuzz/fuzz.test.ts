// A short seeded fuzz run of every target (the long one is `npm run fuzz`), and the replay of every
// input that once failed (regressions/). Both run in a worker with the hang detector of
// supervisor.ts. Deterministic: the same seed makes the same inputs on every run.
import * as assert from 'node:assert/strict';
import { TARGET_NAMES } from './names';
import { fuzz, regressionFiles, replay } from './supervisor';
import type { Failure } from './run';

const SEED = 20261130;
/** Inputs per target: about 8 s of CPU for all targets together on the development machine. */
const COUNT = 40;
/** Heap growth a target may show after its inputs (MB): its stores are bounded far below this. */
const MAX_HEAP_GROWTH_MB = 64;

function describeFailures(failures: readonly Failure[]): string {
  return failures.map((f) => `${f.target} input ${f.index}: ${f.kind}: ${f.message.slice(0, 400)}`).join('\n');
}

describe('fuzz', function () {
  // Wall time on a loaded machine is several times the CPU time; the hang detector decides hangs.
  this.timeout(240_000);

  it('replays every kept input that once failed: no crash, hang, broken property or slow answer', async () => {
    const files = regressionFiles();
    assert.ok(files.length > 0, 'regressions/ holds the inputs that once failed');
    const report = await replay(files);
    assert.equal(report.results.reduce((n, r) => n + r.tried, 0), files.length);
    assert.deepEqual(report.failures, [], describeFailures(report.failures));
  });

  it(`${COUNT} seeded inputs per target: no crash, hang, broken property or slow input; heap bounded`, async () => {
    const report = await fuzz({ targets: TARGET_NAMES, seed: SEED, count: COUNT });
    assert.deepEqual(report.failures, [], `replay with: npm run fuzz -- --seed ${SEED} --count ${COUNT} --targets <target>\n${describeFailures(report.failures)}`);
    for (const r of report.results) {
      assert.equal(r.tried, COUNT, r.target);
      // Most inputs must get past the decoders' first checks, or the run tests nothing but them.
      assert.ok(r.accepted > 0, `${r.target}: no input was accepted`);
      assert.ok(r.heapEndMb - r.heapStartMb < MAX_HEAP_GROWTH_MB, `${r.target}: heap grew from ${r.heapStartMb} to ${r.heapEndMb} MB`);
    }
  });
});
