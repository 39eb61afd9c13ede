import * as assert from 'node:assert/strict';
import { sidecarSelectorConflict as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-selector-conflict';
import { deployment, lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `workloadSelector.labels` is on line 8, column 5. */
const sc = (name: string, labels: string, namespace = 'shop') =>
  `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  workloadSelector:\n    labels: ${labels}\n  egress:\n    - hosts: ["./*"]\n`;
const WORKLOADS = { 'd1.yaml': deployment('reviews-v1', { app: 'reviews', version: 'v1' }, { namespace: 'shop' }), 'd2.yaml': deployment('reviews-v2', { app: 'reviews', version: 'v2' }, { namespace: 'shop' }) };

testRule(rule, {
  valid: [
    { name: 'disjoint selectors', files: { ...WORKLOADS, 'a.yaml': sc('a', '{version: v1}'), 'b.yaml': sc('b', '{version: v2}') } },
    { name: 'selectors that would overlap but select nothing in common', files: { ...WORKLOADS, 'a.yaml': sc('a', '{app: reviews, version: v1}'), 'b.yaml': sc('b', '{tier: web}') } },
    { name: 'the same selector in another namespace', files: { ...WORKLOADS, 'a.yaml': sc('a', '{app: reviews}'), 'b.yaml': sc('b', '{app: reviews}', 'other') } },
  ],
  invalid: [
    {
      name: 'overlapping selectors (one picks a subset of the other\'s workloads)',
      files: { ...WORKLOADS, 'a.yaml': sc('a', '{app: reviews}'), 'b.yaml': sc('b', '{version: v2}') },
      expected: [
        ['ML1131', 'Sidecar shop/a', 'spec.workloadSelector.labels'],
        ['ML1131', 'Sidecar shop/b', 'spec.workloadSelector.labels'],
      ],
      at: ['a.yaml:8:5', 'b.yaml:8:5'],
    },
  ],
});

describe('ML1131 message', () => {
  it('names the other Sidecar and a workload both select', () => {
    const found = lint(rule, { ...WORKLOADS, 'a.yaml': sc('a', '{app: reviews}'), 'b.yaml': sc('b', '{version: v2}') });
    assert.deepEqual(found.map((f) => f.message), [
      'This Sidecar and Sidecar shop/b both select Deployment shop/reviews-v2; a proxy uses only one Sidecar.',
      'This Sidecar and Sidecar shop/a both select Deployment shop/reviews-v2; a proxy uses only one Sidecar.',
    ]);
    assert.deepEqual(found[0].related.map((r) => r.message), ['Sidecar shop/b also selects Deployment shop/reviews-v2']);
  });
});
