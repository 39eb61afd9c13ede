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
    {
      name: 'one probed container makes the pod unready until it is ready',
      files: { 'a.yaml': rollout(PORTS + READY, ISTIO).replace('  strategy:', '        - name: log\n          image: log:1\n  strategy:') },
    },
    { name: 'a canary without traffic routing (replica-based split)', files: { 'a.yaml': rollout(PORTS, 'canary:\n  steps:\n    - setWeight: 20\n') } },
    { name: 'blue-green', files: { 'a.yaml': rollout(PORTS, 'blueGreen:\n  activeService: web\n') } },
    { name: 'a Deployment is not a Rollout', files: { 'd.yaml': REF_DEPLOYMENT } },
    { name: 'workloadRef to a Deployment that is not in the workspace', files: { 'r.yaml': REF_ROLLOUT } },
  ],
  invalid: [
    { name: 'istio traffic routing', files: { 'a.yaml': rollout(PORTS, ISTIO) }, expected: [['ML4024', 'Rollout shop/web', 'spec.template.spec.containers']], at: ['a.yaml:15:7'] },
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
      ['warning', 'No container of this Rollout has a readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.'],
    ]);
    const [f] = allFindings(engineWith({ 'r.yaml': REF_ROLLOUT, 'd.yaml': REF_DEPLOYMENT }, [rolloutWithoutReadinessProbe]));
    assert.equal(
      f.message,
      'No container of Deployment "web", whose template this Rollout uses, has a readinessProbe: with traffic routing, canary pods take traffic as soon as they start, before they are ready.',
    );
    assert.deepEqual(f.related.map((r) => [r.uri.endsWith('d.yaml'), span(r), r.message]), [[true, '16:7-16:17', 'containers without a readinessProbe']]);
  });

  it('puts the skeleton on the first container with a port', () => {
    const text = rollout('', ISTIO).replace('  strategy:', '        - name: app\n          image: app:1\n          ports:\n            - containerPort: 8080\n  strategy:');
    const { fixed, fix } = applyOnlyFix(rolloutWithoutReadinessProbe, text);
    assert.equal(fix.title, 'Add a readinessProbe (tcpSocket on port 8080)');
    assert.equal(fixed, text.replace('            - containerPort: 8080\n', '            - containerPort: 8080\n          readinessProbe:\n            tcpSocket:\n              port: 8080\n            periodSeconds: 5\n'));
  });

  it('adds a readiness probe skeleton on the container port', () => {
    const { fixed, fix } = applyOnlyFix(rolloutWithoutReadinessProbe, rollout(PORTS, ISTIO));
    assert.equal(fix.title, 'Add a readinessProbe (tcpSocket on port http)');
    assert.equal(fixed, rollout(PORTS + 'readinessProbe:\n  tcpSocket:\n    port: http\n  periodSeconds: 5\n', ISTIO));
  });
});
