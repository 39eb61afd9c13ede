import * as assert from 'node:assert/strict';
import { sidecarRootNamespaceSelector as rule } from '../../../src/core/analysis/rules/istio/sidecar/sidecar-root-namespace-selector';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const sc = (namespace: string, selector = '') => `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${namespace}\nspec:\n${selector}  egress:\n    - hosts: ["./*"]\n`;

testRule(rule, {
  valid: [
    { name: 'the mesh-wide default', files: { 's.yaml': sc('istio-system') } },
    { name: 'a selector in an application namespace', files: { 's.yaml': sc('shop', '  workloadSelector:\n    labels: {app: web}\n') } },
  ],
  invalid: [
    {
      name: 'a selector in the root namespace',
      files: { 's.yaml': sc('istio-system', '  workloadSelector:\n    labels: {version: v1}\n') },
      expected: [['ML1134', 'Sidecar istio-system/default', 'spec.workloadSelector']],
      at: ['s.yaml:7:3'],
    },
  ],
});

describe('ML1134 message', () => {
  it('says what the selector does there', () => {
    assert.deepEqual(lint(rule, { 's.yaml': sc('istio-system', '  workloadSelector:\n    labels: {version: v1}\n') }).map((f) => f.message), [
      'A Sidecar in the root namespace istio-system with a workloadSelector is not the mesh-wide default: it applies only to matching workloads of istio-system.',
    ]);
  });
});
