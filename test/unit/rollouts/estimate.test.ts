import * as assert from 'node:assert/strict';
import { durationSeconds, estimateRollout, formatSeconds, rolloutEstimateOf } from '../../../src/core/rollouts/estimate';
import { allFindings, engineWith, uri } from '../helpers/engine';
import { rollout } from '../helpers/rollouts';

describe('rollout time estimate', () => {
  it('sums timed pauses between weights (the example of the issue)', () => {
    const e = estimateRollout([
      { setWeight: 20 },
      { pause: { duration: '1m' } },
      { setWeight: 50 },
      { pause: { duration: 60 } },
      { setWeight: 80 },
      { pause: { duration: '60s' } },
    ]);
    assert.equal(e.seconds, 180);
    assert.equal(e.text, '~3m to 100%: 20% → 1m → 50% → 1m → 80% → 1m → 100%');
    assert.equal(e.manual, false);
  });

  it('names a manual gate and analysis time instead of guessing them', () => {
    const e = estimateRollout([{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }, { analysis: { templates: [{ templateName: 't' }] } }, { setWeight: 100 }]);
    assert.equal(e.text, '~0s plus manual promotion, plus analysis to 100%: 10% → manual → 50% → analysis → 100%');
    assert.deepEqual([e.manual, e.analysis, e.seconds], [true, true, 0]);
  });

  it('counts experiment durations and mixed units', () => {
    const e = estimateRollout([{ setWeight: 20 }, { experiment: { duration: '5m', templates: [] } }, { pause: { duration: '1h30m' } }]);
    assert.equal(e.seconds, 5700);
    assert.equal(e.plan, '20% → experiment 5m → 1h30m → 100%');
    assert.equal(e.text, '~1h35m to 100%: 20% → experiment 5m → 1h30m → 100%');
  });

  it('an empty plan goes straight to 100%', () => {
    assert.equal(estimateRollout([]).text, '~0s to 100%: 100%');
  });

  it('treats an unreadable or negative duration as a manual gate', () => {
    assert.equal(durationSeconds('-1s'), undefined);
    assert.equal(durationSeconds('1d'), undefined);
    assert.equal(durationSeconds('90'), 90);
    assert.equal(durationSeconds('1.5s'), 1.5);
    assert.equal(estimateRollout([{ pause: { duration: '1d' } }]).manual, true);
  });

  it('formats seconds the way durations are written', () => {
    assert.deepEqual([formatSeconds(0), formatSeconds(45), formatSeconds(90), formatSeconds(3600), formatSeconds(3725)], ['0s', '45s', '1m30s', '1h', '1h2m5s']);
  });

  it('finds the steps of a Rollout for the editor, and nothing for blue-green', () => {
    const engine = engineWith(
      { 'a.yaml': rollout('canary:\n  steps:\n  - setWeight: 50\n  - pause: {duration: 90s}\n'), 'b.yaml': rollout('blueGreen: {activeService: a}\n') },
      [],
    );
    const [canary] = engine.index.get(uri('a.yaml'))!.objects;
    const [blueGreen] = engine.index.get(uri('b.yaml'))!.objects;
    assert.deepEqual(rolloutEstimateOf(canary)?.path, ['spec', 'strategy', 'canary', 'steps']);
    assert.equal(rolloutEstimateOf(canary)?.estimate.text, '~1m30s to 100%: 50% → 1m30s → 100%');
    assert.equal(rolloutEstimateOf(blueGreen), undefined);
    assert.deepEqual(allFindings(engine), []);
  });
});
