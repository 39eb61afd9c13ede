import * as assert from 'node:assert/strict';
import { probeTimeoutNotBelowPeriod } from '../../../src/core/analysis/rules/workloads/probe-timeout-not-below-period';
import { testRule } from '../helpers/ruleTester';
import { messages, pod } from '../helpers/workloads';

const probe = (timing: string) => `readinessProbe:\n  tcpSocket:\n    port: 8080\n${timing}`;

testRule(probeTimeoutNotBelowPeriod, {
  valid: [
    { name: 'defaults (1s and 10s)', files: { 'a.yaml': pod(probe('')) } },
    { name: 'timeout below period', files: { 'a.yaml': pod(probe('  timeoutSeconds: 2\n  periodSeconds: 5\n')) } },
  ],
  invalid: [
    { name: 'timeout above period', files: { 'a.yaml': pod(probe('  timeoutSeconds: 10\n  periodSeconds: 5\n')) }, expected: [['ML4022', 'Pod default/web', 'spec.containers[0].readinessProbe.timeoutSeconds']], at: ['a.yaml:12:25'] },
    { name: 'timeout equal to the default period', files: { 'a.yaml': pod(probe('  timeoutSeconds: 10\n')) }, expected: [['ML4022', 'Pod default/web', 'spec.containers[0].readinessProbe.timeoutSeconds']], at: ['a.yaml:12:25'] },
    { name: 'period down to the default timeout', files: { 'a.yaml': pod(probe('  periodSeconds: 1\n')) }, expected: [['ML4022', 'Pod default/web', 'spec.containers[0].readinessProbe.periodSeconds']], at: ['a.yaml:12:24'] },
  ],
});

describe('ML4022 message', () => {
  it('names both values', () => {
    assert.deepEqual(messages(probeTimeoutNotBelowPeriod, pod(probe('  timeoutSeconds: 10\n  periodSeconds: 5\n'))), [
      'The readinessProbe of container "web" has timeoutSeconds 10 ≥ periodSeconds 5: a probe that hangs delays the next one, so failures are detected later than the period suggests.',
    ]);
  });
});
