import * as assert from 'node:assert/strict';
import { destinationruleSubsetWithoutLabels as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-subset-without-labels';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const dr = (subsets: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n${subsets}`;

testRule(rule, {
  valid: [
    { name: 'every subset has labels', files: { 'd.yaml': dr('    - name: v1\n      labels: {version: v1}\n') } },
    { name: 'no subsets at all', files: { 'd.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n' } },
  ],
  invalid: [
    {
      name: 'a subset without labels and one with an empty map',
      files: { 'd.yaml': dr('    - name: v1\n    - name: v2\n      labels: {}\n') },
      expected: [
        ['ML1103', 'DestinationRule default/reviews', 'spec.subsets[0].name'],
        ['ML1103', 'DestinationRule default/reviews', 'spec.subsets[1].labels'],
      ],
      at: ['d.yaml:8:7', 'd.yaml:10:7'],
    },
  ],
});

describe('ML1103 message', () => {
  it('names the subset', () => {
    assert.deepEqual(lint(rule, { 'd.yaml': dr('    - name: canary\n') }).map((f) => f.message), ['Subset "canary" has no labels, so it selects every endpoint of the host.']);
  });
});
