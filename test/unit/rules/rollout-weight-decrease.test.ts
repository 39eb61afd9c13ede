import * as assert from 'node:assert/strict';
import { rolloutWeightDecrease } from '../../../src/core/analysis/rules/rollouts/rollout-weight-decrease';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const steps = (list: string) => rollout(`canary:\n  steps:\n${list}`);

testRule(rolloutWeightDecrease, {
  valid: [
    {
      name: 'rising weights',
      files: {
        'a.yaml': steps('  - setWeight: 10\n  - pause: {duration: 1m}\n  - setWeight: 50\n  - setWeight: 50\n'),
      },
    },
    {
      name: 'suppressed on purpose',
      files: {
        'a.yaml': steps('  - setWeight: 50\n  # meshlens-disable-next-line ML3008\n  - setWeight: 10\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'a weight lower than the one before',
      files: {
        'a.yaml': steps('  - setWeight: 80\n  - pause: {duration: 1m}\n  - setWeight: 50\n'),
      },
      expected: [['ML3008', R, 'spec.strategy.canary.steps[2].setWeight']],
      at: ['a.yaml:25:20'],
    },
  ],
});

describe('ML3008 message', () => {
  it('names both weights', () => {
    assert.deepEqual(
      messagesOf(rolloutWeightDecrease, {
        'a.yaml': steps('  - setWeight: 80\n  - setWeight: 50\n'),
      }),
      ['setWeight goes down from 80% (step 0) to 50%: the canary loses traffic it already had. If this is intended, add "# meshlens-disable-next-line ML3008" above the step.'],
    );
  });
});
