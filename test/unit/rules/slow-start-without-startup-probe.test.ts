import * as assert from 'node:assert/strict';
import { slowStartWithoutStartupProbe } from '../../../src/core/analysis/rules/workloads/slow-start-without-startup-probe';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, deployment, findings, messages, pod } from '../helpers/workloads';

const http = (kind: string, path: string, timing: string) => `${kind}:\n  httpGet:\n    path: ${path}\n    port: 8080\n${timing}`;
const DELAYED = http('livenessProbe', '/healthz', '  initialDelaySeconds: 120\n  periodSeconds: 10\n') + http('readinessProbe', '/ready', '  initialDelaySeconds: 5\n');

testRule(slowStartWithoutStartupProbe, {
  valid: [
    { name: 'a short delay (the Kubernetes docs use 30s)', files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  initialDelaySeconds: 30\n')) } },
    { name: 'a startupProbe already takes the start', files: { 'a.yaml': pod(http('startupProbe', '/healthz', '  failureThreshold: 30\n') + DELAYED) } },
    { name: 'a moderate failureThreshold', files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  failureThreshold: 5\n')) } },
    { name: 'just under the thresholds: 59s, 9 failures', files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  initialDelaySeconds: 59\n  failureThreshold: 9\n  periodSeconds: 30\n')) } },
    { name: 'many failures but a short window', files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  failureThreshold: 10\n  periodSeconds: 1\n')) } },
    { name: 'a huge failureThreshold on readiness kills nothing', files: { 'a.yaml': pod(http('readinessProbe', '/ready', '  failureThreshold: 30\n')) } },
  ],
  invalid: [
    {
      name: 'a long liveness delay',
      files: { 'a.yaml': deployment(DELAYED) },
      expected: [['ML4020', 'Deployment shop/web', 'spec.template.spec.containers[0].livenessProbe.initialDelaySeconds']],
      at: ['a.yaml:22:34'],
    },
    {
      name: 'a huge liveness failureThreshold',
      files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  failureThreshold: 30\n')) },
      expected: [['ML4020', 'Pod default/web', 'spec.containers[0].livenessProbe.failureThreshold']],
      at: ['a.yaml:13:27'],
    },
    {
      name: 'at the thresholds: 10 failures × 6s',
      files: { 'a.yaml': pod(http('livenessProbe', '/healthz', '  failureThreshold: 10\n  periodSeconds: 6\n')) },
      expected: [['ML4020', 'Pod default/web', 'spec.containers[0].livenessProbe.failureThreshold']],
      at: ['a.yaml:13:27'],
    },
    {
      name: 'a long readiness delay',
      files: { 'a.yaml': pod(http('readinessProbe', '/ready', '  initialDelaySeconds: 90\n')) },
      expected: [['ML4020', 'Pod default/web', 'spec.containers[0].readinessProbe.initialDelaySeconds']],
      at: ['a.yaml:13:30'],
    },
  ],
});

describe('ML4020 messages and fix', () => {
  it('explain the cost', () => {
    assert.deepEqual(messages(slowStartWithoutStartupProbe, pod(DELAYED)), [
      'The livenessProbe of container "web" waits 120s before its first check, on every start; a startupProbe would give the app that time only while it starts, and check it as soon as it is up.',
    ]);
    assert.deepEqual(messages(slowStartWithoutStartupProbe, pod(http('livenessProbe', '/healthz', '  failureThreshold: 30\n'))), [
      'The livenessProbe of container "web" tolerates 30 failures (300s) so that the app can start; a hung container then serves errors that long before it is restarted. A startupProbe gives the start its own budget.',
    ]);
    const [f] = findings(slowStartWithoutStartupProbe, pod(DELAYED));
    assert.equal(span(f), '13:30-13:33');
    assert.equal(f.severity, 'info');
  });

  it('converts a long delay into a startupProbe whose budget covers the old delay and failures', () => {
    const { fixed, fix } = applyOnlyFix(slowStartWithoutStartupProbe, deployment(DELAYED));
    assert.equal(fix.preferred, false);
    assert.equal(fix.title, 'Add a startupProbe (15 × 10s) instead of the long wait');
    // 15 × 10 s = 150 s ≥ the old 120 s delay (+ 3 × 10 s of failures it tolerated after it).
    assert.equal(
      fixed,
      deployment(
        http('startupProbe', '/healthz', '  periodSeconds: 10\n  failureThreshold: 15\n') +
          http('livenessProbe', '/healthz', '  periodSeconds: 10\n') +
          http('readinessProbe', '/ready', '  initialDelaySeconds: 5\n'),
      ),
    );
  });

  it('moves a huge failureThreshold to the startupProbe and drops long delays on both probes', () => {
    const text = pod(http('livenessProbe', '/healthz', '  initialDelaySeconds: 60\n  failureThreshold: 12\n  periodSeconds: 5\n') + http('readinessProbe', '/ready', '  initialDelaySeconds: 60\n'));
    const { fixed } = applyOnlyFix(slowStartWithoutStartupProbe, text);
    // ceil(60 / 5) + 12 = 24 failures × 5 s = 120 s = 60 s delay + 12 × 5 s of failures.
    assert.equal(
      fixed,
      pod(
        http('startupProbe', '/healthz', '  periodSeconds: 5\n  failureThreshold: 24\n') +
          http('livenessProbe', '/healthz', '  periodSeconds: 5\n') +
          http('readinessProbe', '/ready', ''),
      ),
    );
  });

  it('takes the readiness check when only readiness waits', () => {
    const { fixed } = applyOnlyFix(slowStartWithoutStartupProbe, pod(http('readinessProbe', '/ready', '  initialDelaySeconds: 90\n')));
    assert.equal(fixed, pod(http('startupProbe', '/ready', '  periodSeconds: 10\n  failureThreshold: 12\n') + http('readinessProbe', '/ready', '')));
  });

  it('offers no fix in flow style', () => {
    const [f] = findings(slowStartWithoutStartupProbe, pod('livenessProbe: {tcpSocket: {port: 80}, initialDelaySeconds: 300}\n'));
    assert.deepEqual(f.fixes, []);
  });
});
