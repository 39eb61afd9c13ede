import * as assert from 'node:assert/strict';
import { rolloutWithoutReadinessProbe } from '../../../src/core/analysis/rules/workloads/rollout-without-readiness-probe';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, findings, indent } from '../helpers/workloads';

const rollout = (containerFields: string, strategy: string) =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:1\n${indent(containerFields, 10)}  strategy:\n${indent(strategy, 4)}`;
const ISTIO = 'canary:\n  canaryService: web-canary\n  stableService: web-stable\n  trafficRouting:\n    istio:\n      virtualService:\n        name: web\n  steps:\n    - setWeight: 20\n';
const PORTS = 'ports:\n  - name: http\n    containerPort: 8080\n';
const READY = 'readinessProbe:\n  httpGet:\n    path: /ready\n    port: http\n';
const REF_ROLLOUT =
  'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  workloadRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  strategy:\n' + indent(ISTIO, 4);
const REF_DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 0\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web:1\n';

testRule(rolloutWithoutReadinessProbe, {
  valid: [
    { name: 'with a readiness probe', files: { 'a.yaml': rollout(PORTS + READY, ISTIO) } },
    { name: 'a canary without traffic routing (replica-based split)', files: { 'a.yaml': rollout(PORTS, 'canary:\n  steps:\n    - setWeight: 20\n') } },
    { name: 'blue-green', files: { 'a.yaml': rollout(PORTS, 'blueGreen:\n  activeService: web\n') } },
    { name: 'a Deployment is not a Rollout', files: { 'd.yaml': REF_DEPLOYMENT } },
    { name: 'workloadRef to a Deployment that is not in the workspace', files: { 'r.yaml': REF_ROLLOUT } },
  ],
  invalid: [
    { name: 'istio traffic routing', files: { 'a.yaml': rollout(PORTS, ISTIO) }, expected: [['ML4024', 'Rollout shop/web', 'spec.template.spec.containers[0].name']], at: ['a.yaml:16:17'] },
    {
      name: 'the template of a referenced Deployment, reported on the reference',
      files: { 'r.yaml': REF_ROLLOUT, 'd.yaml': REF_DEPLOYMENT },
      expected: [['ML4024', 'Rollout shop/web', 'spec.workloadRef.name']],
      at: ['r.yaml:10:11'],
    },
  ],
});

describe('ML4024 messages and fix', () => {
  it('explains the canary risk; a workloadRef finding points at the Deployment container', () => {
    assert.deepEqual(findings(rolloutWithoutReadinessProbe, rollout(PORTS, ISTIO)).map((f) => [f.severity, f.message]), [
      ['warning', 'Container "web" of this Rollout has no readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.'],
    ]);
    const [f] = allFindings(engineWith({ 'r.yaml': REF_ROLLOUT, 'd.yaml': REF_DEPLOYMENT }, [rolloutWithoutReadinessProbe]));
    assert.equal(
      f.message,
      'Container "web" of Deployment "web", whose template this Rollout uses, has no readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
    );
    assert.deepEqual(f.related.map((r) => [r.uri.endsWith('d.yaml'), span(r), r.message]), [[true, '17:17-17:20', 'container "web" without a readinessProbe']]);
  });

  it('adds a readiness probe skeleton on the container port', () => {
    const { fixed, fix } = applyOnlyFix(rolloutWithoutReadinessProbe, rollout(PORTS, ISTIO));
    assert.equal(fix.title, 'Add a readinessProbe (tcpSocket on port http)');
    assert.equal(fixed, rollout(PORTS + 'readinessProbe:\n  tcpSocket:\n    port: http\n  periodSeconds: 5\n', ISTIO));
  });
});
