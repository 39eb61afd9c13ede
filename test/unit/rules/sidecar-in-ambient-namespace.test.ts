import * as assert from 'node:assert/strict';
import { sidecarInAmbientNamespace as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-in-ambient-namespace';
import { deployment, lint, namespaceObject } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `metadata.namespace` is on line 5, `workloadSelector.labels` on line 8. */
const sc = (namespace: string, selector = '') => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: sc\n  namespace: ${namespace}\nspec:\n${selector}  egress:\n    - hosts: ["./*"]\n`;
const AMBIENT = { 'ns.yaml': namespaceObject('shop', { 'istio.io/dataplane-mode': 'ambient' }) };

testRule(rule, {
  valid: [
    { name: 'a sidecar-injected namespace', files: { 'ns.yaml': namespaceObject('shop', { 'istio-injection': 'enabled' }), 's.yaml': sc('shop') } },
    { name: 'ambient and injection both: injection wins', files: { 'ns.yaml': namespaceObject('shop', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'canary' }), 's.yaml': sc('shop') } },
    { name: 'the Namespace is not in the workspace', files: { 's.yaml': sc('shop') } },
    {
      name: 'a workload of an ambient namespace that opted into a sidecar',
      files: { ...AMBIENT, 'd.yaml': deployment('web', { app: 'web', 'sidecar.istio.io/inject': '"true"' }, { namespace: 'shop' }), 's.yaml': sc('shop', '  workloadSelector:\n    labels: {app: web}\n') },
    },
  ],
  invalid: [
    {
      name: 'a namespace-wide Sidecar in an ambient namespace',
      files: { ...AMBIENT, 's.yaml': sc('shop') },
      expected: [['ML1133', 'Sidecar shop/sc', 'metadata.namespace']],
      at: ['s.yaml:5:14'],
    },
    {
      name: 'a Sidecar selecting only ambient workloads',
      files: { ...AMBIENT, 'd.yaml': deployment('web', { app: 'web' }, { namespace: 'shop' }), 's.yaml': sc('shop', '  workloadSelector:\n    labels: {app: web}\n') },
      expected: [['ML1133', 'Sidecar shop/sc', 'spec.workloadSelector.labels']],
      at: ['s.yaml:8:5'],
    },
  ],
});

describe('ML1133 messages', () => {
  it('says why the Sidecar has no effect', () => {
    assert.deepEqual(lint(rule, { ...AMBIENT, 's.yaml': sc('shop') }).map((f) => f.message), ['Namespace shop is an ambient namespace: its workloads run without sidecar proxies, so this Sidecar has no effect.']);
    assert.deepEqual(lint(rule, { ...AMBIENT, 'd.yaml': deployment('web', { app: 'web' }, { namespace: 'shop' }), 's.yaml': sc('shop', '  workloadSelector:\n    labels: {app: web}\n') }).map((f) => f.message), [
      'This Sidecar selects Deployment shop/web, which runs in ambient mode without a sidecar proxy.',
    ]);
  });
});
