import * as assert from 'node:assert/strict';
import { sidecarDefaultDuplicate as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-default-duplicate';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `metadata.name` is on line 4, column 9. */
const sc = (name: string, namespace = 'shop', selector = '') =>
  `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${selector}  egress:\n    - hosts: ["./*"]\n`;

testRule(rule, {
  valid: [
    { name: 'one default per namespace', files: { 'a.yaml': sc('default'), 'b.yaml': sc('default', 'other') } },
    { name: 'a second Sidecar with a selector', files: { 'a.yaml': sc('default'), 'b.yaml': sc('reviews', 'shop', '  workloadSelector:\n    labels: {app: reviews}\n') } },
    { name: 'an empty selector is no selector, but here only one', files: { 'a.yaml': sc('default', 'shop', '  workloadSelector:\n    labels: {}\n') } },
  ],
  invalid: [
    {
      name: 'two namespace defaults (one with an empty selector)',
      files: { 'a.yaml': sc('default'), 'b.yaml': sc('restrict', 'shop', '  workloadSelector: {}\n') },
      expected: [
        ['ML1132', 'Sidecar shop/default', 'metadata.name'],
        ['ML1132', 'Sidecar shop/restrict', 'metadata.name'],
      ],
      at: ['a.yaml:4:9', 'b.yaml:4:9'],
    },
  ],
});

describe('ML1132 message', () => {
  it('names the others', () => {
    assert.deepEqual(lint(rule, { 'a.yaml': sc('default'), 'b.yaml': sc('restrict') }).map((f) => f.message), [
      'Namespace shop has other Sidecars without workloadSelector (Sidecar shop/restrict); only one namespace default applies.',
      'Namespace shop has other Sidecars without workloadSelector (Sidecar shop/default); only one namespace default applies.',
    ]);
  });
});
