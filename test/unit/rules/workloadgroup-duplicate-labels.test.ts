import * as assert from 'node:assert/strict';
import { workloadgroupDuplicateLabels as rule } from '../../../src/core/analysis/rules/istio/workloadgroup/workloadgroup-duplicate-labels';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `spec.metadata.labels` is on line 8, column 5. */
const wg = (name: string, labels: string, namespace = 'vm') =>
  `apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  metadata:\n    labels: ${labels}\n  template:\n    serviceAccount: ratings\n`;

testRule(rule, {
  valid: [
    { name: 'labels that differ', files: { 'a.yaml': wg('a', '{app: ratings, version: v1}'), 'b.yaml': wg('b', '{app: ratings, version: v2}') } },
    { name: 'the same labels in another namespace', files: { 'a.yaml': wg('a', '{app: ratings}'), 'b.yaml': wg('b', '{app: ratings}', 'other') } },
  ],
  invalid: [
    {
      name: 'the same labels in another order',
      files: { 'a.yaml': wg('a', '{app: ratings, version: v1}'), 'b.yaml': wg('b', '{version: v1, app: ratings}') },
      expected: [
        ['ML1160', 'WorkloadGroup vm/a', 'spec.metadata.labels'],
        ['ML1160', 'WorkloadGroup vm/b', 'spec.metadata.labels'],
      ],
      at: ['a.yaml:8:5', 'b.yaml:8:5'],
    },
  ],
});

describe('ML1160 message', () => {
  it('names the labels and the other group', () => {
    assert.deepEqual(lint(rule, { 'a.yaml': wg('a', '{app: ratings}'), 'b.yaml': wg('b', '{app: ratings}') }).map((f) => f.message)[0], 'The labels "app=ratings" are also those of WorkloadGroup vm/b: selectors cannot tell their workloads apart.');
  });
});
