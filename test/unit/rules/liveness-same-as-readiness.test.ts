import * as assert from 'node:assert/strict';
import { livenessSameAsReadiness } from '../../../src/core/analysis/rules/workloads/liveness-same-as-readiness';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { findings, pod } from '../helpers/workloads';

const probe = (kind: string, path: string, extra = '') => `${kind}:\n  httpGet:\n    path: ${path}\n    port: 8080\n${extra}`;

testRule(livenessSameAsReadiness, {
  valid: [
    { name: 'different endpoints', files: { 'a.yaml': pod(probe('readinessProbe', '/ready') + probe('livenessProbe', '/healthz')) } },
    { name: 'same check, different tolerance', files: { 'a.yaml': pod(probe('readinessProbe', '/healthz') + probe('livenessProbe', '/healthz', '  failureThreshold: 6\n')) } },
    { name: 'only one of them', files: { 'a.yaml': pod(probe('livenessProbe', '/healthz')) } },
  ],
  invalid: [
    {
      name: 'identical, keys in another order',
      files: { 'a.yaml': pod(probe('readinessProbe', '/healthz', '  periodSeconds: 5\n') + 'livenessProbe:\n  periodSeconds: 5\n  httpGet:\n    port: 8080\n    path: /healthz\n') },
      expected: [['ML4021', 'Pod default/web', 'spec.containers[0].livenessProbe']],
      at: ['a.yaml:14:7'],
    },
  ],
});

describe('ML4021 message', () => {
  it('is a hint pointing at both probes', () => {
    const [f] = findings(livenessSameAsReadiness, pod(probe('readinessProbe', '/healthz') + probe('livenessProbe', '/healthz')));
    assert.equal(f.severity, 'hint');
    assert.equal(
      f.message,
      'The livenessProbe of container "web" is identical to its readinessProbe: an overloaded pod fails both and is restarted, not just taken out of service (kube-score: Container has the same readiness and liveness probe).',
    );
    assert.equal(span(f), '13:7-13:20');
    assert.deepEqual(f.related.map((r) => [span(r), r.message]), [['9:7-9:21', 'the readinessProbe it repeats']]);
  });
});
