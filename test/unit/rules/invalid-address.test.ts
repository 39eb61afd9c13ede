import * as assert from 'node:assert/strict';
import { invalidAddress } from '../../../src/core/analysis/rules/istio-validation/invalid-address';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const WE = (spec: string) => `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata:
  name: vm
spec:${spec}`;

const SE = (rest: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
spec:
  hosts: [ext.example.com]
  ports: [{name: http, number: 80, protocol: HTTP}]
${rest}`;

testRule(invalidAddress, {
  valid: [
    {
      name: 'IPs, host names, absolute and abstract unix sockets, a network instead of an address',
      files: {
        'a.yaml': WE('\n  address: 10.0.0.2\n  ports: {http: 8080}\n'),
        'b.yaml': WE('\n  address: vm-1.example.com\n'),
        'c.yaml': WE('\n  address: unix:///var/run/app.sock\n'),
        'd.yaml': WE('\n  address: unix://@app\n'),
        'e.yaml': WE('\n  network: vm-net\n'),
      },
    },
    {
      name: 'service entry addresses and CIDR blocks under NONE (the default) and STATIC',
      files: { 'a.yaml': SE('  addresses: [10.0.0.1, 10.1.0.0/16, "2001:db8::/32"]\n'), 'b.yaml': SE('  addresses: [10.1.0.0/16]\n  resolution: STATIC\n  endpoints: [{address: 10.1.0.7}]\n') },
    },
  ],
  invalid: [
    {
      name: 'a workload without an address',
      files: { 'we.yaml': WE(' {}\n') },
      expected: [['ML0022', 'WorkloadEntry default/vm', 'spec']],
      at: ['we.yaml:5:1'],
    },
    {
      name: 'unix sockets: a directory, a relative path, one with ports',
      files: { 'a.yaml': WE('\n  address: unix:///dir/\n'), 'b.yaml': WE('\n  address: unix://relative\n'), 'c.yaml': WE('\n  address: unix://@foo\n  ports: {http: 80}\n') },
      expected: [
        ['ML0022', 'WorkloadEntry default/vm', 'spec.address'],
        ['ML0022', 'WorkloadEntry default/vm', 'spec.address'],
        ['ML0022', 'WorkloadEntry default/vm', 'spec.ports'],
      ],
      at: ['a.yaml:6:12', 'b.yaml:6:12', 'c.yaml:7:3'],
    },
    {
      name: 'a CIDR block under DNS resolution, and an address that is no IP',
      files: { 'se.yaml': SE('  addresses: [1.2.3.4/16, 10.0.0.300]\n  resolution: DNS\n') },
      expected: [
        ['ML0022', 'ServiceEntry default/ext', 'spec.addresses[0]'],
        ['ML0022', 'ServiceEntry default/ext', 'spec.addresses[1]'],
      ],
      at: ['se.yaml:8:15', 'se.yaml:8:27'],
    },
    {
      name: 'a host name as a STATIC endpoint',
      files: { 'se.yaml': SE('  resolution: STATIC\n  endpoints:\n    - address: db.example.com\n') },
      expected: [['ML0022', 'ServiceEntry default/ext', 'spec.endpoints[0].address']],
      at: ['se.yaml:10:16'],
    },
    {
      name: 'an authorization IP block that does not parse',
      files: {
        'ap.yaml':
          'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: deny\nspec:\n  action: DENY\n  rules:\n    - from:\n        - source: {ipBlocks: [10.0.0.0/33]}\n',
      },
      expected: [['ML0022', 'AuthorizationPolicy default/deny', 'spec.rules[0].from[0].source.ipBlocks[0]']],
      at: ['ap.yaml:9:31'],
    },
  ],
});

describe('ML0022 messages', () => {
  it('say what is wrong with the address and what is accepted', () => {
    const found = allFindings(engineWith({ 'a.yaml': WE('\n  address: unix://relative\n'), 'se.yaml': SE('  addresses: [1.2.3.4/16]\n  resolution: DNS\n') }, [invalidAddress]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '6:12-6:27 Unix socket "unix://relative" must be an absolute path (unix:///var/run/app.sock) or an abstract socket (unix://@name) ("UDS must be an absolute path or abstract socket").',
        '8:15-8:25 CIDR block "1.2.3.4/16" needs resolution NONE or STATIC, not DNS ("CIDR addresses are allowed only for NONE/STATIC resolution types").',
      ],
    );
  });
});
