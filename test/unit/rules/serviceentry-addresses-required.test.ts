import * as assert from 'node:assert/strict';
import { serviceentryAddressesRequired as rule } from '../../../src/core/analysis/rules/istio/serviceentry/serviceentry-addresses-required';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Port i starts on line 9 + 3i; its protocol is on line 11 + 3i. */
const se = (ports: Array<[number, string | undefined]>, extra = '') =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: db\nspec:\n  hosts: [db.example.com]\n  resolution: DNS\n  ports:\n${ports.map(([n, p]) => `    - number: ${n}\n      name: p${n}\n${p === undefined ? '' : `      protocol: ${p}\n`}`).join('')}${extra}`;

testRule(rule, {
  valid: [
    { name: 'HTTP-family ports', files: { 'se.yaml': se([[443, 'HTTPS'], [80, 'HTTP'], [8443, 'TLS']]) } },
    { name: 'TCP with addresses', files: { 'se.yaml': se([[5432, 'TCP']], '  addresses: [10.1.2.3/32]\n') } },
    { name: 'TCP with addresses allocated by Istio', files: { 'se.yaml': se([[5432, 'TCP']], 'status:\n  addresses:\n    - {host: db.example.com, value: 240.240.0.1}\n') } },
  ],
  invalid: [
    {
      name: 'TCP (any case) and unset protocols without addresses',
      files: { 'se.yaml': se([[5432, 'tcp'], [443, 'HTTPS'], [6379, undefined]]) },
      expected: [
        ['ML1120', 'ServiceEntry default/db', 'spec.ports[0].protocol'],
        ['ML1120', 'ServiceEntry default/db', 'spec.ports[2]'],
      ],
      at: ['se.yaml:11:17', 'se.yaml:15:7'],
    },
  ],
});

describe('ML1120 message', () => {
  it('explains the catch-all listener', () => {
    assert.deepEqual(lint(rule, { 'se.yaml': se([[6379, undefined]]) }).map((f) => f.message), [
      'Port 6379 is unset (TCP) and the ServiceEntry has no addresses: its listener on 0.0.0.0:6379 captures all TCP traffic to that port.',
    ]);
  });
});
