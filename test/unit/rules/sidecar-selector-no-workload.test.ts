import * as assert from 'node:assert/strict';
import { sidecarSelectorNoWorkload as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-selector-no-workload';
import { deployment, fixesClear, lint, pod } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `workloadSelector.labels` is on line 8, its first label on line 9. */
const sc = (labels: string, namespace = 'shop') =>
  `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: reviews\n  namespace: ${namespace}\nspec:\n  workloadSelector:\n    labels:\n${labels}  egress:\n    - hosts: ["./*"]\n`;
const WORKLOADS = { 'd.yaml': deployment('reviews', { app: 'reviews', version: 'v1' }, { namespace: 'shop' }), 'p.yaml': pod('ratings', { app: 'ratings' }, 'other') };

testRule(rule, {
  valid: [
    { name: 'selects a Deployment\'s pods', files: { ...WORKLOADS, 's.yaml': sc('      app: reviews\n') } },
    { name: 'no selector: the namespace default', files: { 's.yaml': 'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\nspec:\n  egress: [{hosts: ["./*"]}]\n' } },
  ],
  invalid: [
    {
      name: 'a typo',
      files: { ...WORKLOADS, 's.yaml': sc('      app: reveiws\n') },
      expected: [['ML1130', 'Sidecar shop/reviews', 'spec.workloadSelector.labels.app']],
      at: ['s.yaml:9:12'],
    },
    {
      name: 'the workload is in another namespace',
      files: { ...WORKLOADS, 's.yaml': sc('      app: ratings\n') },
      expected: [['ML1130', 'Sidecar shop/reviews', 'spec.workloadSelector.labels']],
      at: ['s.yaml:8:5'],
    },
    {
      name: 'no workload in the namespace: unresolved',
      files: { ...WORKLOADS, 's.yaml': sc('      app: reviews\n', 'empty') },
      expected: [['ML1130', 'Sidecar empty/reviews', 'spec.workloadSelector.labels']],
      at: ['s.yaml:8:5'],
    },
  ],
});

describe('ML1130 messages and fix', () => {
  it('says what it looked for and where', () => {
    const m = (files: Record<string, string>) => lint(rule, files).map((f) => `${f.severity}: ${f.message}`);
    assert.deepEqual(m({ ...WORKLOADS, 's.yaml': sc('      app: reveiws\n') }), ['error: workloadSelector "app=reveiws" matches no workload in namespace shop; did you mean app: reviews?']);
    assert.deepEqual(m({ ...WORKLOADS, 's.yaml': sc('      app: ratings\n') }), ['error: workloadSelector "app=ratings" matches no workload in namespace shop.']);
    assert.deepEqual(m({ ...WORKLOADS, 's.yaml': sc('      app: reviews\n', 'empty') }), [
      'warning: workloadSelector "app=reviews" matches no workload in the workspace (namespace empty has none here; it may be deployed from elsewhere).',
    ]);
  });

  it('changes the label value', () => {
    assert.deepEqual(fixesClear(rule, { ...WORKLOADS, 's.yaml': sc('      app: reveiws\n') }, 's.yaml'), [sc('      app: reviews\n')]);
  });
});
