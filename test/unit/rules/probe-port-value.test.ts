import * as assert from 'node:assert/strict';
import { probePortValue } from '../../../src/core/analysis/rules/workloads/probe-port-value';
import { testRule } from '../helpers/ruleTester';
import { messages, pod } from '../helpers/workloads';

const probe = (port: string, handler = 'httpGet') => `livenessProbe:\n  ${handler}:\n    port: ${port}\n`;

testRule(probePortValue, {
  valid: [
    { name: 'number', files: { 'a.yaml': pod(probe('8080')) } },
    { name: 'limits', files: { 'a.yaml': pod(probe('1') + probe('65535', 'tcpSocket').replace('liveness', 'readiness')) } },
    { name: 'name of 15 characters', files: { 'a.yaml': pod(probe('abcdefghijklmno')) } },
    { name: 'name with inner hyphens and digits', files: { 'a.yaml': pod(probe('http-8080')) } },
    { name: 'a grpc port given as a name is the schema check ML0011', files: { 'a.yaml': pod(probe('grpc', 'grpc')) } },
    { name: 'only the handler the API server validates counts (the extra one is ML4001)', files: { 'a.yaml': pod('livenessProbe:\n  tcpSocket:\n    port: 80\n  grpc:\n    port: 0\n') } },
  ],
  invalid: [
    { name: 'above 65535', files: { 'a.yaml': pod(probe('80800')) }, expected: [['ML4004', 'Pod default/web', 'spec.containers[0].livenessProbe.httpGet.port']], at: ['a.yaml:11:17'] },
    { name: 'zero', files: { 'a.yaml': pod(probe('0', 'tcpSocket')) }, expected: [['ML4004', 'Pod default/web', 'spec.containers[0].livenessProbe.tcpSocket.port']], at: ['a.yaml:11:17'] },
    { name: 'grpc out of range', files: { 'a.yaml': pod(probe('70000', 'grpc')) }, expected: [['ML4004', 'Pod default/web', 'spec.containers[0].livenessProbe.grpc.port']], at: ['a.yaml:11:17'] },
    { name: 'name longer than 15', files: { 'a.yaml': pod(probe('metrics-endpoint')) }, expected: [['ML4004', 'Pod default/web', 'spec.containers[0].livenessProbe.httpGet.port']], at: ['a.yaml:11:17'] },
    { name: 'a quoted number is a name', files: { 'a.yaml': pod(probe('"8080"')) }, expected: [['ML4004', 'Pod default/web', 'spec.containers[0].livenessProbe.httpGet.port']], at: ['a.yaml:11:17'] },
  ],
});

describe('ML4004 messages', () => {
  it('quote the API server, every reason of a bad name', () => {
    assert.deepEqual(messages(probePortValue, pod(probe('80800'))), ['livenessProbe of container "web" uses port 80800; the API server rejects it ("must be between 1 and 65535, inclusive").']);
    assert.deepEqual(messages(probePortValue, pod(probe('metrics-endpoint'))), [
      'livenessProbe of container "web" uses port "metrics-endpoint", which is not a valid port name; the API server rejects it ("must be no more than 15 characters").',
    ]);
    assert.deepEqual(messages(probePortValue, pod(probe('-Http--'))).concat(messages(probePortValue, pod(probe('"8080"')))), [
      'livenessProbe of container "web" uses port "-Http--", which is not a valid port name; the API server rejects it ("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-); must not contain consecutive hyphens; must not begin or end with a hyphen").',
      'livenessProbe of container "web" uses port "8080", which is not a valid port name; the API server rejects it ("must contain at least one letter (a-z)").',
    ]);
  });
});
