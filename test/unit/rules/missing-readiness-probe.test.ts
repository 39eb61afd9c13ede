import * as assert from 'node:assert/strict';
import { missingReadinessProbe } from '../../../src/core/analysis/rules/workloads/missing-readiness-probe';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, deployment, deploymentConfig, findings, messages, pod } from '../helpers/workloads';

const ports = 'ports:\n  - name: http\n    containerPort: 8080\n';
const JOB = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: migrate:1\n';
const ROLLOUT_TR =
  'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: web:1\n  strategy:\n    canary:\n      trafficRouting:\n        istio:\n          virtualService: {name: web}\n';

testRule(missingReadinessProbe, {
  valid: [
    { name: 'has one', files: { 'a.yaml': pod('readinessProbe:\n  tcpSocket:\n    port: 8080\n') } },
    { name: 'a DeploymentConfig that has one', files: { 'a.yaml': deploymentConfig(`${ports}readinessProbe:\n  tcpSocket:\n    port: http\n`) } },
    { name: 'Jobs run to completion', files: { 'a.yaml': JOB } },
    { name: 'a Pod that runs to completion', files: { 'a.yaml': pod('', '  restartPolicy: Never\n') } },
    { name: 'init containers are not checked', files: { 'a.yaml': pod('readinessProbe:\n  tcpSocket:\n    port: 8080\n', '  initContainers:\n    - name: init\n      image: init:1\n') } },
    { name: 'a Rollout with traffic routing is ML4024', files: { 'a.yaml': ROLLOUT_TR } },
  ],
  invalid: [
    { name: 'a Deployment', files: { 'a.yaml': deployment(ports) }, expected: [['ML4011', 'Deployment shop/web', 'spec.template.spec.containers[0].name']], at: ['a.yaml:16:17'] },
    {
      name: 'an OpenShift DeploymentConfig (kube-linter checks it too)',
      files: { 'a.yaml': deploymentConfig(ports) },
      expected: [['ML4011', 'DeploymentConfig shop/web', 'spec.template.spec.containers[0].name']],
      at: ['a.yaml:15:17'],
    },
    {
      name: 'a Rollout without traffic routing, each container',
      files: { 'a.yaml': ROLLOUT_TR.replace(/ {6}trafficRouting:[^]*$/, '      steps: [{setWeight: 20}]\n').replace('          image: web:1\n', '          image: web:1\n        - name: log\n          image: log:1\n') },
      expected: [
        ['ML4011', 'Rollout default/web', 'spec.template.spec.containers[0].name'],
        ['ML4011', 'Rollout default/web', 'spec.template.spec.containers[1].name'],
      ],
      at: ['a.yaml:13:17', 'a.yaml:15:17'],
    },
  ],
});

describe('ML4011 message and fix', () => {
  it('is information by default, in Polaris words', () => {
    const [f] = findings(missingReadinessProbe, pod());
    assert.equal(f.severity, 'info');
    assert.equal(span(f), '7:13-7:16');
    assert.deepEqual(messages(missingReadinessProbe, pod()), [
      'Container "web" has no readinessProbe: its pod gets traffic as soon as the container starts, before the app may be listening (Polaris: Readiness probe should be configured).',
    ]);
  });

  it('adds a tcpSocket readiness probe on the container port, at the container indentation', () => {
    const { fixed, fix } = applyOnlyFix(missingReadinessProbe, deployment(ports));
    assert.equal(fix.preferred, false);
    assert.equal(fix.title, 'Add a readinessProbe (tcpSocket on port http)');
    assert.equal(fixed, deployment(ports + 'readinessProbe:\n  tcpSocket:\n    port: http\n  periodSeconds: 5\n'));
  });

  it('works at the end of a file without a final line break, and with an unnamed port', () => {
    const text = pod('ports:\n  - containerPort: 8080').trimEnd();
    const { fixed } = applyOnlyFix(missingReadinessProbe, text);
    assert.equal(fixed, text + '\n      readinessProbe:\n        tcpSocket:\n          port: 8080\n        periodSeconds: 5');
  });

  it('says and fixes the same for a DeploymentConfig as for a Deployment, one line higher', () => {
    const [d] = findings(missingReadinessProbe, deployment(ports));
    const [dc] = findings(missingReadinessProbe, deploymentConfig(ports));
    assert.equal(span(d), '16:17-16:20');
    assert.equal(span(dc), '15:17-15:20');
    assert.deepEqual([dc.severity, dc.path, dc.message, dc.data], [d.severity, d.path, d.message, d.data]);
    const { fixed } = applyOnlyFix(missingReadinessProbe, deploymentConfig(ports));
    assert.equal(fixed, deploymentConfig(ports + 'readinessProbe:\n  tcpSocket:\n    port: http\n  periodSeconds: 5\n'));
  });

  it('offers no fix without a port or in flow style', () => {
    assert.deepEqual(findings(missingReadinessProbe, pod()).flatMap((f) => f.fixes), []);
    const flow = 'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: web, ports: [{containerPort: 80}]}]\n';
    assert.deepEqual(findings(missingReadinessProbe, flow).flatMap((f) => f.fixes), []);
  });
});
