import * as assert from 'node:assert/strict';
import { rolloutAmbassadorMapping } from '../../../src/core/analysis/rules/rollouts/rollout-ambassador-mapping';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const ro = rollout('canary:\n  canaryService: shop-canary\n  stableService: shop-stable\n  trafficRouting:\n    ambassador:\n      mappings:\n      - shop\n');
const mapping = (extra = '') => `apiVersion: getambassador.io/v2\nkind: Mapping\nmetadata:\n  name: shop\nspec:\n  prefix: /\n  service: shop-stable:80\n${extra}`;

testRule(rolloutAmbassadorMapping, {
  valid: [
    { name: 'a base Mapping without weight', files: { 'a.yaml': ro, 'm.yaml': mapping() } },
    { name: 'weight 0 is no weight', files: { 'a.yaml': ro, 'm.yaml': mapping('  weight: 0\n') } },
  ],
  invalid: [
    {
      name: 'the base Mapping sets a weight',
      files: { 'a.yaml': ro, 'm.yaml': mapping('  weight: 20\n') },
      expected: [['ML3012', R, 'spec.strategy.canary.trafficRouting.ambassador.mappings[0]']],
      at: ['a.yaml:27:13'],
    },
    {
      name: 'a Mapping the workspace does not have',
      files: { 'a.yaml': ro },
      expected: [['ML3012', R, 'spec.strategy.canary.trafficRouting.ambassador.mappings[0]']],
      at: ['a.yaml:27:13'],
    },
  ],
});

describe('ML3012 messages', () => {
  it('quote the controller; a missing Mapping is unresolved', () => {
    assert.deepEqual(messagesOf(rolloutAmbassadorMapping, { 'a.yaml': ro, 'm.yaml': mapping('  weight: 20\n') }), [
      'Ambassador mapping "shop" can not define weight: the controller weighs the canary Mapping it creates; remove weight 20 from the base Mapping.',
    ]);
    assert.deepEqual(
      allFindings(engineWith({ 'a.yaml': ro }, [rolloutAmbassadorMapping])).map((f) => [f.severity, f.unresolved]),
      [['warning', true]],
    );
  });
});
