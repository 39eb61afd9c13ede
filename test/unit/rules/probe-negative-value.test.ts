import * as assert from 'node:assert/strict';
import { probeNegativeValue } from '../../../src/core/analysis/rules/workloads/probe-negative-value';
import { testRule } from '../helpers/ruleTester';
import { messages, pod } from '../helpers/workloads';

const probe = (fields: string) => `readinessProbe:\n  tcpSocket:\n    port: 8080\n${fields}`;

testRule(probeNegativeValue, {
  valid: [
    { name: 'zeros and positives', files: { 'a.yaml': pod(probe('  initialDelaySeconds: 0\n  timeoutSeconds: 0\n  periodSeconds: 3\n  successThreshold: 2\n  failureThreshold: 5\n')) } },
  ],
  invalid: [
    {
      name: 'each negative field',
      files: { 'a.yaml': pod(probe('  initialDelaySeconds: -5\n  failureThreshold: -1\n')) },
      expected: [
        ['ML4006', 'Pod default/web', 'spec.containers[0].readinessProbe.initialDelaySeconds'],
        ['ML4006', 'Pod default/web', 'spec.containers[0].readinessProbe.failureThreshold'],
      ],
      at: ['a.yaml:12:30', 'a.yaml:13:27'],
    },
  ],
});

describe('ML4006 message', () => {
  it('quotes the API server', () => {
    assert.deepEqual(messages(probeNegativeValue, pod(probe('  periodSeconds: -10\n'))), [
      'periodSeconds of the readinessProbe of container "web" is -10; the API server rejects it ("must be greater than or equal to 0").',
    ]);
  });
});
