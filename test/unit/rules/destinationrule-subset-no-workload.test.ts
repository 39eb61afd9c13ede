import * as assert from 'node:assert/strict';
import { destinationruleSubsetNoWorkload as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-subset-no-workload';
import { deployment, deploymentConfig, fixesClear, lint, pod, service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Subset i's labels are on line 9 + 3i. */
const dr = (...subsets: string[]) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets:\n${subsets.map((s) => `    - name: ${s.split('=')[1] ?? 'any'}\n      labels:\n        ${s.replace('=', ': ')}\n`).join('')}`;

const WORKLOADS = {
  's.yaml': service('reviews', { selector: { app: 'reviews' } }),
  'v1.yaml': deployment('reviews-v1', { app: 'reviews', version: 'v1' }),
  'v2.yaml': pod('reviews-v2', { app: 'reviews', version: 'v2' }),
  'other.yaml': deployment('ratings-v3', { app: 'ratings', version: 'v3' }),
};

testRule(rule, {
  valid: [
    { name: 'each subset selects a Deployment or a Pod behind the Service', files: { ...WORKLOADS, 'd.yaml': dr('version=v1', 'version=v2') } },
    { name: 'a subset that selects an OpenShift DeploymentConfig behind the Service', files: { ...WORKLOADS, 'v4.yaml': deploymentConfig('reviews-v4', { app: 'reviews', version: 'v4' }), 'd.yaml': dr('version=v4') } },
    { name: 'topology labels come from nodes', files: { ...WORKLOADS, 'd.yaml': dr('topology.kubernetes.io/zone=us-west-1a') } },
    { name: 'no workload behind the Service in the workspace: not checked', files: { 's.yaml': service('reviews', { selector: { app: 'reviews' } }), 'd.yaml': dr('version=v9') } },
    { name: 'a host without a Service: left to ML1101', files: { 'd.yaml': dr('version=v9') } },
  ],
  invalid: [
    {
      name: 'a version that runs only behind another Service, and a typo',
      files: { ...WORKLOADS, 'd.yaml': dr('version=v1', 'version=v3', 'version=v02') },
      expected: [
        ['ML1102', 'DestinationRule default/reviews', 'spec.subsets[1].labels'],
        ['ML1102', 'DestinationRule default/reviews', 'spec.subsets[2].labels.version'],
      ],
      at: ['d.yaml:13:9', 'd.yaml:16:18'],
    },
  ],
});

describe('ML1102 messages and fix', () => {
  it('names the versions that do run, with the workloads as related locations', () => {
    const found = lint(rule, { ...WORKLOADS, 'd.yaml': dr('version=v3', 'version=v02') });
    assert.deepEqual(found.map((f) => f.message), [
      'Subset "v3" selects none of the workloads behind reviews.default.svc.cluster.local (their versions: v1, v2).',
      'Subset "v02" selects none of the workloads behind reviews.default.svc.cluster.local; version: "v02" matches nothing, did you mean "v2"?',
    ]);
    assert.deepEqual(found[0].related.map((r) => r.message), ['Deployment default/reviews-v1 runs behind reviews.default.svc.cluster.local', 'Pod default/reviews-v2 runs behind reviews.default.svc.cluster.local']);
  });

  it('changes the mistyped label value to the one the workloads carry', () => {
    const files = { ...WORKLOADS, 'd.yaml': dr('version=v02') };
    assert.deepEqual(fixesClear(rule, files, 'd.yaml'), [dr('version=v2').replace('name: v2', 'name: v02')]);
  });
});
