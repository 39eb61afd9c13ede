import * as assert from 'node:assert/strict';
import { rolloutManualPause } from '../../../src/core/analysis/rules/rollouts/rollout-manual-pause';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const steps = (list: string) => rollout(`canary:\n  steps:\n${list}`);

testRule(rolloutManualPause, {
  valid: [
    {
      name: 'timed pauses',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - pause:\n      duration: 30\n'),
      },
    },
    {
      name: 'blue-green has no steps',
      files: { 'a.yaml': rollout('blueGreen: {activeService: a}\n') },
    },
  ],
  invalid: [
    {
      name: 'pauses without duration',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {}\n  - pause:\n'),
      },
      expected: [
        ['ML3010', R, 'spec.strategy.canary.steps[1].pause'],
        ['ML3010', R, 'spec.strategy.canary.steps[2].pause'],
      ],
      at: ['a.yaml:24:9', 'a.yaml:25:9'],
    },
  ],
});

describe('ML3010 severity and message', () => {
  it('is information naming the promote command', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': steps('  - pause: {}\n') }, [rolloutManualPause]));
    assert.equal(f.severity, 'info');
    assert.equal(f.message, 'This pause has no duration: the rollout stops here until it is promoted by hand (kubectl argo rollouts promote shop).');
  });
});
