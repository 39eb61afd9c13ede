import * as assert from 'node:assert/strict';
import { probeTerminationGracePeriod } from '../../../src/core/analysis/rules/workloads/probe-termination-grace-period';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, deployment, findings, messages, pod } from '../helpers/workloads';

const READINESS = 'readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080\n  terminationGracePeriodSeconds: 10\n  periodSeconds: 5\n';

testRule(probeTerminationGracePeriod, {
  valid: [
    { name: 'on a liveness probe, positive', files: { 'a.yaml': pod(READINESS.replace('readinessProbe', 'livenessProbe')) } },
    { name: 'readiness without it', files: { 'a.yaml': pod('readinessProbe:\n  tcpSocket:\n    port: 8080\n') } },
  ],
  invalid: [
    {
      name: 'on a readiness probe',
      files: { 'a.yaml': deployment(READINESS) },
      expected: [['ML4003', 'Deployment shop/web', 'spec.template.spec.containers[0].readinessProbe.terminationGracePeriodSeconds']],
      at: ['a.yaml:22:13'],
    },
    {
      name: 'zero on a startup probe',
      files: { 'a.yaml': pod(READINESS.replace('readinessProbe', 'startupProbe').replace(': 10', ': 0')) },
      expected: [['ML4003', 'Pod default/web', 'spec.containers[0].startupProbe.terminationGracePeriodSeconds']],
      at: ['a.yaml:13:40'],
    },
  ],
});

describe('ML4003 messages and fix', () => {
  it('quote the API server', () => {
    assert.deepEqual(messages(probeTerminationGracePeriod, pod(READINESS + READINESS.replace('readinessProbe', 'livenessProbe').replace(': 10', ': -1'))), [
      'terminationGracePeriodSeconds on the readinessProbe of container "web": the API server rejects it ("must not be set for readinessProbes"); a failing readiness probe kills nothing.',
      'terminationGracePeriodSeconds of the livenessProbe of container "web" is -1; the API server rejects it ("must be greater than 0").',
    ]);
  });

  it('removes the field from a readiness probe (preferred: it has no effect there)', () => {
    const [f] = findings(probeTerminationGracePeriod, pod(READINESS));
    assert.equal(span(f), '13:9-13:38');
    const { fixed, fix } = applyOnlyFix(probeTerminationGracePeriod, pod(READINESS));
    assert.equal(fix.preferred, true);
    assert.equal(fixed, pod(READINESS.replace('  terminationGracePeriodSeconds: 10\n', '')));
  });

  it('offers no fix in flow style', () => {
    const [f] = findings(probeTerminationGracePeriod, pod('readinessProbe: {tcpSocket: {port: 80}, terminationGracePeriodSeconds: 5}\n'));
    assert.deepEqual(f.fixes, []);
  });
});
