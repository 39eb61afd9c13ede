import * as assert from 'node:assert/strict';
import { destinationruleOutlierDetection as rule } from '../../../src/core/analysis/rules/istio/destinationrule/destinationrule-outlier-detection';
import { deployment, deploymentConfig, lint, service } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

const dr = (od: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    outlierDetection:\n${od}`;
const SVC = { 's.yaml': service('reviews', { selector: { app: 'reviews' } }) };

testRule(rule, {
  valid: [
    { name: 'ejects on 5xx with a bounded share', files: { 'd.yaml': dr('      consecutive5xxErrors: 5\n      maxEjectionPercent: 50\n') } },
    { name: '5xx off but gateway errors on', files: { 'd.yaml': dr('      consecutive5xxErrors: 0\n      consecutiveGatewayErrors: 3\n') } },
    { name: 'maxEjectionPercent 100 with many replicas', files: { ...SVC, 'v1.yaml': deployment('reviews', { app: 'reviews' }, { replicas: 6 }), 'd.yaml': dr('      maxEjectionPercent: 100\n') } },
    { name: 'maxEjectionPercent 100 with a many-replica DeploymentConfig', files: { ...SVC, 'v1.yaml': deploymentConfig('reviews', { app: 'reviews' }, { replicas: 6 }), 'd.yaml': dr('      maxEjectionPercent: 100\n') } },
    { name: 'maxEjectionPercent 100 with minHealthPercent', files: { ...SVC, 'v1.yaml': deployment('reviews', { app: 'reviews' }), 'd.yaml': dr('      maxEjectionPercent: 100\n      minHealthPercent: 50\n') } },
    { name: 'maxEjectionPercent 100, replicas unknown (no workload, or set by a template)', files: { ...SVC, 'v1.yaml': deployment('reviews', { app: 'reviews' }, { replicas: '"{{ .Values.replicas }}"' }), 'd.yaml': dr('      maxEjectionPercent: 100\n') } },
  ],
  invalid: [
    {
      name: 'never ejects',
      files: { 'd.yaml': dr('      consecutive5xxErrors: 0\n      interval: 10s\n') },
      expected: [['ML1106', 'DestinationRule default/reviews', 'spec.trafficPolicy.outlierDetection.consecutive5xxErrors']],
      at: ['d.yaml:9:29'],
    },
    {
      name: 'can eject both pods of two replicas (one Deployment with the default replica count, one with 1)',
      files: { ...SVC, 'v1.yaml': deployment('reviews-v1', { app: 'reviews', version: 'v1' }), 'v2.yaml': deployment('reviews-v2', { app: 'reviews', version: 'v2' }, { replicas: 1 }), 'd.yaml': dr('      maxEjectionPercent: 100\n') },
      expected: [['ML1106', 'DestinationRule default/reviews', 'spec.trafficPolicy.outlierDetection.maxEjectionPercent']],
      at: ['d.yaml:9:27'],
    },
    {
      name: 'can eject both pods of an OpenShift DeploymentConfig with 2 replicas',
      files: { ...SVC, 'v1.yaml': deploymentConfig('reviews', { app: 'reviews' }, { replicas: 2 }), 'd.yaml': dr('      maxEjectionPercent: 100\n') },
      expected: [['ML1106', 'DestinationRule default/reviews', 'spec.trafficPolicy.outlierDetection.maxEjectionPercent']],
      at: ['d.yaml:9:27'],
    },
  ],
});

describe('ML1106 messages', () => {
  it('says why, with the pod count', () => {
    const found = lint(rule, { ...SVC, 'v1.yaml': deployment('reviews', { app: 'reviews' }, { replicas: 2 }), 'd.yaml': dr('      consecutive5xxErrors: 0\n      maxEjectionPercent: 100\n') });
    assert.deepEqual(found.map((f) => f.message), [
      'This outlierDetection never ejects a host: consecutive5xxErrors is 0 and no other error count is set.',
      'maxEjectionPercent 100 lets outlier detection eject all 2 pod(s) behind reviews.default.svc.cluster.local, leaving none to serve (no minHealthPercent).',
    ]);
  });
});
