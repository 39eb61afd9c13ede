import * as assert from 'node:assert/strict';
import { httpProbeOnGrpcPort } from '../../../src/core/analysis/rules/workloads/http-probe-on-grpc-port';
import { span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { applyOnlyFix, findings, pod } from '../helpers/workloads';

const ports = 'ports:\n  - name: grpc-api\n    containerPort: 9000\n  - name: admin\n    containerPort: 9001\n    appProtocol: grpc\n  - name: http\n    containerPort: 8080\n';
const probe = (port: string | number) => `readinessProbe:\n  httpGet:\n    path: /healthz\n    port: ${port}\n  periodSeconds: 5\n`;

testRule(httpProbeOnGrpcPort, {
  valid: [
    { name: 'an HTTP port', files: { 'a.yaml': pod(ports + probe('http')) } },
    { name: 'a grpc probe', files: { 'a.yaml': pod(ports + 'readinessProbe:\n  grpc:\n    port: 9000\n') } },
    { name: 'a port the container does not declare is ML4010', files: { 'a.yaml': pod(ports + probe(7000)) } },
  ],
  invalid: [
    { name: 'named grpc-*', files: { 'a.yaml': pod(ports + probe('grpc-api')) }, expected: [['ML4023', 'Pod default/web', 'spec.containers[0].readinessProbe.httpGet']], at: ['a.yaml:18:9'] },
    { name: 'appProtocol grpc, by number', files: { 'a.yaml': pod(ports + probe(9001)) }, expected: [['ML4023', 'Pod default/web', 'spec.containers[0].readinessProbe.httpGet']], at: ['a.yaml:18:9'] },
  ],
});

describe('ML4023 message and fixes', () => {
  it('says why the port is gRPC', () => {
    const [f] = findings(httpProbeOnGrpcPort, pod(ports + probe('grpc-api')));
    assert.equal(
      f.message,
      'The readinessProbe of container "web" sends an HTTP GET to port grpc-api, which is a gRPC port (named "grpc-api"): a gRPC server answers HTTP/2 only. Use a grpc probe (grpc.health.v1) or a tcpSocket probe.',
    );
    assert.equal(span(f), '18:9-18:16');
    assert.deepEqual(f.related.map((r) => `${span(r)} ${r.message}`), ['10:17-10:25 what makes it a gRPC port']);
    const [byAppProtocol] = findings(httpProbeOnGrpcPort, pod(ports + probe(9001)));
    assert.match(byAppProtocol.message, /\(appProtocol: grpc\)/);
    assert.deepEqual(byAppProtocol.related.map((r) => span(r)), ['14:24-14:28']);
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [
      ['Use a grpc probe on port 9000', false],
      ['Use a tcpSocket probe on port grpc-api', false],
    ]);
  });

  it('replaces the httpGet block with a grpc probe on the port number', () => {
    const { fixed } = applyOnlyFix(httpProbeOnGrpcPort, pod(ports + probe('grpc-api')), 0);
    assert.equal(fixed, pod(ports + 'readinessProbe:\n  grpc:\n    port: 9000\n  periodSeconds: 5\n'));
  });

  it('or with a tcpSocket probe on the same port', () => {
    const { fixed } = applyOnlyFix(httpProbeOnGrpcPort, pod(ports + probe('grpc-api')), 1);
    assert.equal(fixed, pod(ports + 'readinessProbe:\n  tcpSocket:\n    port: grpc-api\n  periodSeconds: 5\n'));
  });
});
