import * as assert from 'node:assert/strict';
import { telemetrySelectorConflict as rule } from '../../../src/core/analysis/rules/istio/telemetry/telemetry-selector-conflict';
import { lint, pod } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `selector.matchLabels` is on line 8, column 5. */
const tm = (name: string, labels: string) => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: ${name}\n  namespace: default\nspec:\n  selector:\n    matchLabels: ${labels}\n  tracing:\n    - randomSamplingPercentage: 10\n`;
const PODS = { 'a.yaml': pod('ratings', { app: 'ratings', tier: 'backend' }), 'b.yaml': pod('reviews', { app: 'reviews' }) };

testRule(rule, {
  valid: [{ name: 'each selects its own workload', files: { ...PODS, 't1.yaml': tm('a', '{app: ratings}'), 't2.yaml': tm('b', '{app: reviews}') } }],
  invalid: [
    {
      name: 'two selectors that pick one pod',
      files: { ...PODS, 't1.yaml': tm('a', '{app: ratings}'), 't2.yaml': tm('b', '{tier: backend}') },
      expected: [
        ['ML1141', 'Telemetry default/a', 'spec.selector.matchLabels'],
        ['ML1141', 'Telemetry default/b', 'spec.selector.matchLabels'],
      ],
      at: ['t1.yaml:8:5', 't2.yaml:8:5'],
    },
  ],
});

describe('ML1141 message', () => {
  it('names the other Telemetry and the workload', () => {
    assert.deepEqual(lint(rule, { ...PODS, 't1.yaml': tm('a', '{app: ratings}'), 't2.yaml': tm('b', '{tier: backend}') }).map((f) => f.message), [
      'This Telemetry and Telemetry default/b both select Pod default/ratings; only one applies to it.',
      'This Telemetry and Telemetry default/a both select Pod default/ratings; only one applies to it.',
    ]);
  });
});
