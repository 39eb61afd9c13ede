import * as assert from 'node:assert/strict';
import { applicationUid } from '../../../src/core/analysis/rules/istio/workload/application-uid';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { deployment } from '../helpers/security-fixtures';

const pod = (spec: string, labels = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n${labels}spec:\n${spec}`;

testRule(applicationUid, {
  valid: [
    { name: 'another UID', files: { 'p.yaml': pod('  securityContext:\n    runAsUser: 1000\n  containers:\n  - name: app\n    image: app\n') } },
    { name: 'the sidecar container itself', files: { 'p.yaml': pod('  containers:\n  - name: istio-proxy\n    image: proxyv2\n    securityContext:\n      runAsUser: 1337\n') } },
    { name: 'Istio\'s control plane', files: { 'p.yaml': pod('  securityContext:\n    runAsUser: 1337\n  containers:\n  - name: discovery\n    image: pilot\n', '  labels:\n    istio: pilot\n') } },
  ],
  invalid: [
    {
      name: 'pod-level UID 1337',
      files: { 'p.yaml': pod('  securityContext:\n    runAsUser: 1337\n  containers:\n  - name: app\n    image: app\n') },
      expected: [['ML1204', 'Pod default/app', 'spec.securityContext.runAsUser']],
      at: ['p.yaml:7:16'],
    },
    {
      name: 'a container of a Deployment\'s template',
      files: { 'd.yaml': deployment('web', 'shop', { app: 'web' }).replace('        image: web\n', '        image: web\n        securityContext:\n          runAsUser: 1337\n') },
      expected: [['ML1204', 'Deployment shop/web', 'spec.template.spec.containers[0].securityContext.runAsUser']],
      at: ['d.yaml:19:22'],
    },
  ],
});

describe('ML1204 messages', () => {
  it('names the container', () => {
    const [f] = allFindings(engineWith({ 'p.yaml': pod('  containers:\n  - name: app\n    image: app\n    securityContext:\n      runAsUser: 1337\n') }, [applicationUid]));
    assert.equal(f.message, 'Container "app" runs as UID 1337, the sidecar\'s user: its traffic bypasses the Istio proxy. Use another UID.');
    assert.deepEqual(f.upstream, ['IST0144']);
  });
});
