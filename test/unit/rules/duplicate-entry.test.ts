import * as assert from 'node:assert/strict';
import { duplicateEntry } from '../../../src/core/analysis/rules/istio-validation/duplicate-entry';
import { allFindings, engineWith, span, where } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const SE = (ports: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
spec:
  hosts: [ext.example.com]
  ports:
${ports}`;

const VS = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts: ${hosts}
  http:
    - route:
        - destination: {host: web}
`;

const GW = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["a.example.com"]
    - port: {number: 8080, name: http, protocol: HTTP}
      hosts: ["b.example.com"]
`;

const WASM = `apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata:
  name: auth
spec:
  url: oci://ghcr.io/example/auth:1
  vmConfig:
    env:
      - name: a
      - name: a
`;

testRule(duplicateEntry, {
  valid: [
    { name: 'distinct port names and numbers', files: { 'se.yaml': SE('    - {name: http, number: 80}\n    - {name: https, number: 443}\n') } },
    { name: 'hosts that do not overlap', files: { 'vs.yaml': VS('[web, "*.example.com", api.other.com]') } },
  ],
  invalid: [
    {
      name: 'a port name twice, and a port number twice',
      files: { 'se.yaml': SE('    - {name: a, number: 1}\n    - {name: a, number: 12}\n    - {name: b, number: 1}\n') },
      expected: [
        ['ML0024', 'ServiceEntry default/ext', 'spec.ports[1].name'],
        ['ML0024', 'ServiceEntry default/ext', 'spec.ports[2].number'],
      ],
      at: ['se.yaml:9:14', 'se.yaml:10:25'],
    },
    {
      name: 'a host twice, and a host a wildcard already covers',
      files: { 'vs.yaml': VS('[web, "*.example.com", web, api.example.com]') },
      expected: [
        ['ML0024', 'VirtualService default/web', 'spec.hosts[2]'],
        ['ML0024', 'VirtualService default/web', 'spec.hosts[3]'],
      ],
      at: ['vs.yaml:6:33', 'vs.yaml:6:38'],
    },
    {
      name: 'two gateway servers with one port name',
      files: { 'gw.yaml': GW },
      expected: [['ML0024', 'Gateway default/gw', 'spec.servers[1].port.name']],
      at: ['gw.yaml:9:34'],
    },
    {
      name: 'a Wasm env variable twice',
      files: { 'w.yaml': WASM },
      expected: [['ML0024', 'WasmPlugin default/auth', 'spec.vmConfig.env[1].name']],
      at: ['w.yaml:10:15'],
    },
  ],
});

describe('ML0024 messages', () => {
  it('name the duplicate, where it was first, and point there too', () => {
    const [f] = allFindings(engineWith({ 'se.yaml': SE('    - {name: a, number: 1}\n    - {name: a, number: 12}\n') }, [duplicateEntry]));
    assert.equal(f.message, 'Duplicate port name "a": spec.ports[0] has it already ("Duplicate value").');
    assert.equal(span(f), '9:14-9:15');
    assert.deepEqual(f.related.map((r) => [where(r), r.message]), [['se.yaml:8:14', 'first port name "a"']]);
    const [h] = allFindings(engineWith({ 'vs.yaml': VS('["*.example.com", api.example.com]') }, [duplicateEntry]));
    assert.equal(h.message, 'Host "api.example.com" overlaps with "*.example.com" (spec.hosts[0]) in the same VirtualService ("duplicate hosts in virtual service"); keep one.');
  });
});
