import * as assert from 'node:assert/strict';
import { probeSuccessThreshold } from '../../../src/core/analysis/rules/workloads/probe-success-threshold';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, deployment, findings, messages, pod } from '../helpers/workloads';

const LIVENESS = 'livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n  successThreshold: 3\n';

testRule(probeSuccessThreshold, {
  valid: [
    { name: 'successThreshold 1', files: { 'a.yaml': pod(LIVENESS.replace('3', '1')) } },
    { name: 'absent (defaults to 1)', files: { 'a.yaml': pod('startupProbe:\n  tcpSocket:\n    port: 8080\n') } },
    { name: '0 is defaulted to 1', files: { 'a.yaml': pod(LIVENESS.replace('3', '0')) } },
    { name: 'a readiness probe may ask for several successes', files: { 'a.yaml': pod(LIVENESS.replace('livenessProbe', 'readinessProbe')) } },
  ],
  invalid: [
    { name: 'liveness', files: { 'a.yaml': pod(LIVENESS) }, expected: [['ML4002', 'Pod default/web', 'spec.containers[0].livenessProbe.successThreshold']], at: ['a.yaml:13:27'] },
    {
      name: 'startup, in a Deployment',
      files: { 'a.yaml': deployment(LIVENESS.replace('livenessProbe', 'startupProbe')) },
      expected: [['ML4002', 'Deployment shop/web', 'spec.template.spec.containers[0].startupProbe.successThreshold']],
      at: ['a.yaml:22:31'],
    },
  ],
});

describe('ML4002 message and fix', () => {
  it('quotes the API server', () => {
    assert.deepEqual(messages(probeSuccessThreshold, pod(LIVENESS)), [
      'successThreshold of the livenessProbe of container "web" is 3; the API server rejects it ("must be 1"): liveness and startup probes succeed on one success.',
    ]);
  });

  it('sets successThreshold: 1 as a preferred fix (the only value the API accepts)', () => {
    const [f] = findings(probeSuccessThreshold, pod(LIVENESS));
    assert.equal(span(f), '13:27-13:28');
    const { fixed, fix } = applyOnlyFix(probeSuccessThreshold, pod(LIVENESS));
    assert.equal(fix.title, 'Set successThreshold: 1');
    assert.equal(fix.preferred, true);
    assert.equal(fixed, pod(LIVENESS.replace('successThreshold: 3', 'successThreshold: 1')));
  });
});
