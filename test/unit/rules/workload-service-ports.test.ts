import * as assert from 'node:assert/strict';
import { workloadServicePorts } from '../../../src/core/analysis/rules/istio/workload/workload-service-ports';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { deployment, deploymentConfig, namespace, service } from '../helpers/security-fixtures';

const DEP = deployment('details', 'bookinfo', { app: 'details' });
const port = (name: string, n: number, protocol = 'TCP', target?: number) => `  - name: ${name}\n    port: ${n}\n    protocol: ${protocol}\n${target ? `    targetPort: ${target}\n` : ''}`;
const svc = (name: string, ports: string) => service(name, 'bookinfo', ports, '    app: details\n');

testRule(workloadServicePorts, {
  valid: [
    { name: 'two Services on different ports', files: { 'd.yaml': DEP, 'a.yaml': svc('a', port('http', 9080)), 'b.yaml': svc('b', port('http-admin', 9090)) } },
    { name: 'one Service', files: { 'd.yaml': DEP, 'a.yaml': svc('a', port('tcp', 9080) + port('udp', 9080, 'UDP')) } },
    {
      name: 'a workload outside the mesh (namespace without injection)',
      files: { 'ns.yaml': namespace('bookinfo'), 'd.yaml': DEP, 'a.yaml': svc('a', port('tcp', 9080)), 'b.yaml': svc('b', port('udp', 9080, 'UDP')) },
    },
  ],
  invalid: [
    {
      name: 'one port, two protocols (IST0116)',
      files: { 'd.yaml': DEP, 'a.yaml': svc('details-tcp', port('tcp', 9080)), 'b.yaml': svc('details-udp', port('udp', 9080, 'UDP')) },
      expected: [['ML1202', 'Deployment bookinfo/details', 'metadata.name']],
      at: ['d.yaml:4:9'],
    },
    {
      name: 'an OpenShift DeploymentConfig behind both Services',
      files: { 'd.yaml': deploymentConfig('details', 'bookinfo', { app: 'details' }), 'a.yaml': svc('details-tcp', port('tcp', 9080)), 'b.yaml': svc('details-udp', port('udp', 9080, 'UDP')) },
      expected: [['ML1202', 'DeploymentConfig bookinfo/details', 'metadata.name']],
      at: ['d.yaml:4:9'],
    },
    {
      name: 'one target port behind two ports (IST0137), namespace with injection',
      files: {
        'ns.yaml': namespace('bookinfo', '    istio-injection: enabled\n'),
        'd.yaml': DEP,
        'a.yaml': svc('one', port('tcp', 9080, 'TCP', 9080)),
        'b.yaml': svc('two', port('http', 9090, 'TCP', 9080)),
      },
      expected: [['ML1202', 'Deployment bookinfo/details', 'metadata.name']],
    },
  ],
});

describe('ML1202 messages', () => {
  it('names the Services and points at their ports', () => {
    const [f] = allFindings(engineWith({ 'd.yaml': DEP, 'a.yaml': svc('details-tcp', port('tcp', 9080)), 'b.yaml': svc('details-udp', port('udp', 9080, 'UDP')) }, [workloadServicePorts]));
    assert.equal(f.message, 'Services details-tcp, details-udp select the pods of this Deployment and use port 9080 with different protocols (TCP, UDP); the sidecar can serve only one.');
    assert.deepEqual(f.upstream, ['IST0116']);
    assert.deepEqual(f.related.map((r) => [r.uri.split('/').pop(), r.range.start.line + 1]), [['a.yaml', 10], ['b.yaml', 10]]);
    const [t] = allFindings(engineWith({ 'd.yaml': DEP, 'a.yaml': svc('one', port('tcp', 9080)), 'b.yaml': svc('two', port('http', 9090, 'TCP', 9080)) }, [workloadServicePorts]));
    assert.equal(t.message, 'Services one, two select the pods of this Deployment and send target port 9080 to different ports (9080, 9090); the sidecar can serve only one.');
    assert.deepEqual(t.upstream, ['IST0137']);
  });
});
