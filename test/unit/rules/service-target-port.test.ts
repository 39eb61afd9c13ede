import * as assert from 'node:assert/strict';
import { serviceTargetPort } from '../../../src/core/analysis/rules/istio/workload/service-target-port';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { deployment, deploymentConfig, service } from '../helpers/security-fixtures';

const ports = '      ports:\n      - name: web\n        containerPort: 8080\n';
const DEP = deployment('ratings', 'shop', { app: 'ratings' }).replace('        image: ratings\n', `        image: ratings\n${ports.replace(/^ {6}/gm, '        ')}`);
const DEP_NO_PORTS = deployment('ratings', 'shop', { app: 'ratings' });
const svc = (portYaml: string) => service('ratings', 'shop', portYaml);
// An OpenShift DeploymentConfig is selected by its pod labels like any workload; its own selector is a plain map.
const DC = deploymentConfig('ratings', 'shop', { app: 'ratings' }).replace('        image: ratings\n', `        image: ratings\n${ports.replace(/^ {6}/gm, '        ')}`);

testRule(serviceTargetPort, {
  valid: [
    { name: 'targetPort by number and by name', files: { 'd.yaml': DEP, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: 8080\n  - name: http-web\n    port: 80\n    targetPort: web\n') } },
    { name: 'no targetPort, the port itself is exposed', files: { 'd.yaml': DEP, 's.yaml': svc('  - name: http\n    port: 8080\n') } },
    { name: 'containers that list no ports are not judged', files: { 'd.yaml': DEP_NO_PORTS, 's.yaml': svc('  - name: http\n    port: 9080\n') } },
    { name: 'no workload in the workspace', files: { 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: metrics\n') } },
    { name: 'a DeploymentConfig exposing the target port', files: { 'd.yaml': DC, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: web\n') } },
    { name: 'UDP ports are not checked', files: { 'd.yaml': DEP, 's.yaml': svc('  - name: udp\n    port: 53\n    protocol: UDP\n') } },
  ],
  invalid: [
    {
      name: 'Kiali docs KIA0701: the port is not exposed (no targetPort)',
      files: { 'd.yaml': DEP, 's.yaml': svc('  - name: http\n    port: 9080\n') },
      expected: [['ML1205', 'Service shop/ratings', 'spec.ports[0].port']],
      at: ['s.yaml:11:11'],
    },
    {
      name: 'a named targetPort no container declares',
      files: { 'd.yaml': DEP_NO_PORTS, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: http-web\n') },
      expected: [['ML1205', 'Service shop/ratings', 'spec.ports[0].targetPort']],
      at: ['s.yaml:12:17'],
    },
    {
      name: 'a DeploymentConfig whose pods the Service selects, without the named port',
      files: { 'd.yaml': DC, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: wbe\n') },
      expected: [['ML1205', 'Service shop/ratings', 'spec.ports[0].targetPort']],
      at: ['s.yaml:12:17'],
    },
  ],
});

describe('ML1205 messages and severities', () => {
  it('names a DeploymentConfig behind the Service the way it names a Deployment', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': DC, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: wbe\n') }, [serviceTargetPort]));
    assert.equal(f.severity, 'error');
    assert.equal(f.message, 'No container of DeploymentConfig shop/ratings declares a port named "wbe"; this Service port has no endpoints.');
  });

  it('a name no container declares is a warning while none declares any name', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': DEP_NO_PORTS, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: http-web\n') }, [serviceTargetPort]));
    assert.equal(f.severity, 'warning');
    assert.equal(f.message, 'No container of Deployment shop/ratings declares a port named "http-web"; this Service port has no endpoints.');
  });

  it('a number is a warning listing what is exposed; a name is an error', () => {
    const [n] = allFindings(engineWith({ 'd.yaml': DEP, 's.yaml': svc('  - name: http\n    port: 9080\n') }, [serviceTargetPort]));
    assert.equal(n.severity, 'warning');
    assert.equal(n.message, 'The pods of Deployment shop/ratings do not expose port 9080 (they expose 8080); check the targetPort.');
    assert.deepEqual(n.upstream, ['KIA0701']);
    const [m] = allFindings(engineWith({ 'd.yaml': DEP, 's.yaml': svc('  - name: http\n    port: 9080\n    targetPort: wbe\n') }, [serviceTargetPort]));
    assert.equal(m.severity, 'error');
    assert.equal(m.message, 'No container of Deployment shop/ratings declares a port named "wbe"; this Service port has no endpoints.');
  });
});
