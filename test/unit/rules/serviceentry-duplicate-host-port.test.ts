import * as assert from 'node:assert/strict';
import { serviceentryDuplicateHostPort as rule } from '../../../src/core/analysis/rules/istio/serviceentry/serviceentry-duplicate-host-port';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** The host is on line 7, column 11. */
const se = (name: string, opts: { namespace?: string; exportTo?: string; protocol?: string; port?: number } = {}) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: ${opts.namespace ?? 'default'}\nspec:\n  hosts: [api.example.com]\n  ports:\n    - {number: ${opts.port ?? 443}, name: p, protocol: ${opts.protocol ?? 'HTTPS'}}\n  resolution: DNS\n${opts.exportTo ? `  exportTo: ${opts.exportTo}\n` : ''}`;

testRule(rule, {
  valid: [
    { name: 'different ports', files: { 'a.yaml': se('a'), 'b.yaml': se('b', { port: 8443 }) } },
    { name: 'different protocols (that is ML1121)', files: { 'a.yaml': se('a'), 'b.yaml': se('b', { protocol: 'TLS' }) } },
    { name: 'a namespace\'s own entry overrides an exported one', files: { 'a.yaml': se('a'), 'b.yaml': se('b', { namespace: 'team-b', exportTo: '["."]' }) } },
    { name: 'in one namespace but never seen together', files: { 'a.yaml': se('a', { exportTo: '["."]' }), 'b.yaml': se('b', { exportTo: '["~"]' }) } },
  ],
  invalid: [
    {
      name: 'two entries of one namespace',
      files: { 'a.yaml': se('a'), 'b.yaml': se('b') },
      expected: [
        ['ML1122', 'ServiceEntry default/a', 'spec.hosts[0]'],
        ['ML1122', 'ServiceEntry default/b', 'spec.hosts[0]'],
      ],
      at: ['a.yaml:7:11', 'b.yaml:7:11'],
    },
  ],
});

describe('ML1122 message', () => {
  it('names the other entry', () => {
    assert.deepEqual(lint(rule, { 'a.yaml': se('a'), 'b.yaml': se('b') }).map((f) => f.message), ['Host api.example.com port 443 is also declared by ServiceEntry default/b.', 'Host api.example.com port 443 is also declared by ServiceEntry default/a.']);
  });
});
