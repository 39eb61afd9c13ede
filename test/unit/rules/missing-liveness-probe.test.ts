import * as assert from 'node:assert/strict';
import { missingLivenessProbe } from '../../../src/core/analysis/rules/workloads/missing-liveness-probe';
import { testRule } from '../helpers/ruleTester';
import { deploymentConfig, findings, pod } from '../helpers/workloads';

const CRONJOB =
  'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: "@daily"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: report:1\n';

testRule(missingLivenessProbe, {
  valid: [
    { name: 'has one', files: { 'a.yaml': pod('livenessProbe:\n  tcpSocket:\n    port: 8080\n') } },
    { name: 'CronJobs run to completion', files: { 'a.yaml': CRONJOB } },
    { name: 'init containers are not checked', files: { 'a.yaml': pod('livenessProbe:\n  tcpSocket:\n    port: 8080\n', '  initContainers:\n    - name: init\n      image: init:1\n') } },
  ],
  invalid: [
    { name: 'a Pod', files: { 'a.yaml': pod() }, expected: [['ML4012', 'Pod default/web', 'spec.containers[0].name']], at: ['a.yaml:7:13'] },
    {
      name: 'a DaemonSet',
      files: { 'a.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: agent:1\n' },
      expected: [['ML4012', 'DaemonSet default/agent', 'spec.template.spec.containers[0].name']],
      at: ['a.yaml:9:17'],
    },
    { name: 'an OpenShift DeploymentConfig', files: { 'a.yaml': deploymentConfig() }, expected: [['ML4012', 'DeploymentConfig shop/web', 'spec.template.spec.containers[0].name']], at: ['a.yaml:15:17'] },
  ],
});

describe('ML4012 message', () => {
  it('is a hint by default, in Polaris words', () => {
    assert.deepEqual(findings(missingLivenessProbe, pod()).map((f) => [f.severity, f.message]), [
      ['hint', 'Container "web" has no livenessProbe: if the app hangs without exiting, nothing restarts it (Polaris: Liveness probe should be configured).'],
    ]);
  });
});
