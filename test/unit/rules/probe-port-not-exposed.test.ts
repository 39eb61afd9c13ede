import * as assert from 'node:assert/strict';
import { probePortNotExposed } from '../../../src/core/analysis/rules/workloads/probe-port-not-exposed';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { findings, messages, pod } from '../helpers/workloads';

const ports = 'ports:\n  - name: http\n    containerPort: 8080\n  - name: dns\n    containerPort: 53\n    protocol: UDP\n';
const probe = (port: string, handler = 'httpGet', kind = 'readinessProbe') => `${kind}:\n  ${handler}:\n    port: ${port}\n`;
const PATH = 'spec.containers[0].readinessProbe';

testRule(probePortNotExposed, {
  valid: [
    { name: 'by name', files: { 'a.yaml': pod(ports + probe('http')) } },
    { name: 'by number', files: { 'a.yaml': pod(ports + probe('8080', 'tcpSocket')) } },
    { name: 'grpc by number, protocol left to its TCP default', files: { 'a.yaml': pod(ports + probe('8080', 'grpc', 'startupProbe')) } },
    { name: 'exec has no port', files: { 'a.yaml': pod('livenessProbe:\n  exec:\n    command: [true]\n') } },
    { name: 'malformed ports are ML4004', files: { 'a.yaml': pod(probe('70000') + probe('metrics-endpoint', 'tcpSocket', 'livenessProbe') + probe('1.5', 'grpc', 'startupProbe')) } },
  ],
  invalid: [
    { name: 'a name the container does not declare', files: { 'a.yaml': pod(ports + probe('web')) }, expected: [['ML4010', 'Pod default/web', `${PATH}.httpGet.port`]], at: ['a.yaml:17:17'] },
    { name: 'a name of a UDP port', files: { 'a.yaml': pod(ports + probe('dns', 'tcpSocket')) }, expected: [['ML4010', 'Pod default/web', `${PATH}.tcpSocket.port`]], at: ['a.yaml:17:17'] },
    { name: 'a number not declared', files: { 'a.yaml': pod(ports + probe('9090', 'grpc')) }, expected: [['ML4010', 'Pod default/web', `${PATH}.grpc.port`]], at: ['a.yaml:17:17'] },
    { name: 'a number, no ports declared', files: { 'a.yaml': pod(probe('9090', 'httpGet', 'livenessProbe')) }, expected: [['ML4010', 'Pod default/web', 'spec.containers[0].livenessProbe.httpGet.port']], at: ['a.yaml:11:17'] },
  ],
});

describe('ML4010 messages and severities', () => {
  it('error for an unresolvable name, warning for UDP and undeclared numbers, information without ports', () => {
    const cases: Array<[string, string, string]> = [
      [
        pod(ports + probe('web')),
        'error',
        'readinessProbe of container "web" uses port "web", which the container does not declare: the kubelet cannot resolve the name, so the probe always fails (kube-linter: does not expose port web for the HTTPGet).',
      ],
      [pod(ports + probe('dns', 'tcpSocket')), 'warning', 'readinessProbe of container "web" probes port dns over TCP, but the container declares it as UDP.'],
      [pod(ports + probe('9090', 'grpc')), 'warning', 'readinessProbe of container "web" probes port 9090, which is not among the ports the container declares (http 8080, dns 53): a stale or mistyped port?'],
      [
        pod(probe('9090')),
        'info',
        'readinessProbe of container "web" probes port 9090, but the container declares no ports; declare containerPort 9090 so the port is documented and checked.',
      ],
    ];
    for (const [text, severity, message] of cases) {
      assert.deepEqual(findings(probePortNotExposed, text).map((f) => [f.severity, f.message]), [[severity, message]]);
    }
  });

  it('points at the ports the container declares', () => {
    const related = (text: string) => findings(probePortNotExposed, text).flatMap((f) => f.related.map((r) => `${span(r)} ${r.message}`));
    assert.deepEqual(related(pod(ports + probe('web'))), ['9:7-9:12 the ports container "web" declares']);
    assert.deepEqual(related(pod(ports + probe('9090'))), ['9:7-9:12 the ports container "web" declares']);
    assert.deepEqual(related(pod(ports + probe('dns', 'tcpSocket'))), ['14:21-14:24 the port is declared UDP']);
    assert.deepEqual(related(pod(probe('web'))), []);
  });

  it('carries the container, port and handler for tools (kube-linter wording)', () => {
    const [f] = findings(probePortNotExposed, pod(ports + probe('9090', 'grpc')));
    assert.deepEqual([f.data.container, f.data.port, f.data.handler, f.data.probe], ['web', 9090, 'GRPC', 'readinessProbe']);
    assert.deepEqual(messages(probePortNotExposed, pod(ports + probe('http'))), []);
  });
});
