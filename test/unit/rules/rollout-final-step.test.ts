import * as assert from 'node:assert/strict';
import { rolloutFinalStep } from '../../../src/core/analysis/rules/rollouts/rollout-final-step';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const steps = (list: string) => rollout(`canary:\n  steps:\n${list}`);

testRule(rolloutFinalStep, {
  valid: [
    {
      name: 'a pause after the last weight',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - setWeight: 50\n  - pause: {}\n'),
      },
    },
    {
      name: 'ending at 100',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - setWeight: 100\n'),
      },
    },
    {
      name: 'an analysis after the last weight',
      files: {
        'a.yaml': steps('  - setWeight: 50\n  - analysis: {templates: [{templateName: t}]}\n'),
      },
    },
    {
      name: 'a single setWeight step',
      files: { 'a.yaml': steps('  - setWeight: 20\n') },
    },
  ],
  invalid: [
    {
      name: 'the last step is a weight below 100',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - setWeight: 50\n'),
      },
      expected: [['ML3009', R, 'spec.strategy.canary.steps[2].setWeight']],
      at: ['a.yaml:25:20'],
    },
  ],
});

describe('ML3009 message', () => {
  it('says what happens', () => {
    assert.deepEqual(
      messagesOf(rolloutFinalStep, {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - setWeight: 50\n'),
      }),
      ['The last step sets 50% and nothing follows: the rollout goes straight on to 100%, so 50% is never held. Add a pause or an analysis after it.'],
    );
  });
});
