import * as assert from 'node:assert/strict';
import { serviceentryConflictingProtocol as rule } from '../../../src/core/analysis/rules/istio/serviceentry/serviceentry-conflicting-protocol';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** The protocol is on line 9, column 41. */
const se = (name: string, protocol: string, opts: { namespace?: string; exportTo?: string; host?: string } = {}) =>
  `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: ${name}\n  namespace: ${opts.namespace ?? 'default'}\nspec:\n  hosts: [${opts.host ?? 'example.com'}]\n  ports:\n    - {number: 8443, name: p, protocol: ${protocol}}\n  resolution: DNS\n${opts.exportTo ? `  exportTo: ${opts.exportTo}\n` : ''}`;

testRule(rule, {
  valid: [
    { name: 'same protocol (that is ML1122)', files: { 'a.yaml': se('a', 'HTTPS'), 'b.yaml': se('b', 'HTTPS') } },
    { name: 'exportTo scopes that do not overlap', files: { 'a.yaml': se('a', 'HTTPS', { namespace: 'ns1', exportTo: '["."]' }), 'b.yaml': se('b', 'HTTP', { namespace: 'ns2', exportTo: '["."]' }) } },
    { name: 'another host', files: { 'a.yaml': se('a', 'HTTPS'), 'b.yaml': se('b', 'HTTP', { host: 'other.com' }) } },
  ],
  invalid: [
    {
      name: 'HTTPS and HTTP for one host and port; a short host is resolved in its namespace',
      files: { 'a.yaml': se('a', 'HTTPS', { host: 'api' }), 'b.yaml': se('b', 'http', { host: 'api.default.svc.cluster.local', namespace: 'other' }) },
      expected: [
        ['ML1121', 'ServiceEntry default/a', 'spec.ports[0].protocol'],
        ['ML1121', 'ServiceEntry other/b', 'spec.ports[0].protocol'],
      ],
      at: ['a.yaml:9:41', 'b.yaml:9:41'],
    },
  ],
});

describe('ML1121 message', () => {
  it('names both protocols and the other entry', () => {
    assert.deepEqual(lint(rule, { 'a.yaml': se('a', 'HTTPS'), 'b.yaml': se('b', 'HTTP') }).map((f) => f.message), [
      'Host example.com port 8443 is HTTPS here but HTTP in ServiceEntry default/b.',
      'Host example.com port 8443 is HTTP here but HTTPS in ServiceEntry default/a.',
    ]);
  });
});
