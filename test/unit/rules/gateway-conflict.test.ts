import * as assert from 'node:assert/strict';
import { gatewayConflict as rule } from '../../../src/core/analysis/rules/istio/gateway/gateway-conflict';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** Server i's port number is on line 10 + 4i, column 17. */
const gw = (name: string, servers: Array<[number, string]>, selector = '{istio: ingressgateway}', namespace = 'default') =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n  selector: ${selector}\n  servers:\n${servers.map(([port, host]) => `    - port:\n        number: ${port}\n        name: p${port}\n      hosts: ["${host}"]\n`).join('')}`;

testRule(rule, {
  valid: [
    { name: 'same port, different hosts', files: { 'a.yaml': gw('a', [[80, 'a.example.com']]), 'b.yaml': gw('b', [[80, 'b.example.com']]) } },
    { name: 'same host, different ports', files: { 'a.yaml': gw('a', [[80, 'a.example.com']]), 'b.yaml': gw('b', [[8080, 'a.example.com']]) } },
    { name: 'different selectors', files: { 'a.yaml': gw('a', [[80, '*']]), 'b.yaml': gw('b', [[80, '*']], '{istio: internal-gateway}') } },
  ],
  invalid: [
    {
      name: 'one of two ports conflicts, across namespaces, a wildcard covering a host, namespace-prefixed hosts',
      files: { 'a.yaml': gw('a', [[80, 'a.example.com'], [443, 'shop/*.example.com']]), 'b.yaml': gw('b', [[443, 'pay.example.com']], '{istio: ingressgateway}', 'pay') },
      expected: [
        ['ML1113', 'Gateway default/a', 'spec.servers[1].port.number'],
        ['ML1113', 'Gateway pay/b', 'spec.servers[0].port.number'],
      ],
      at: ['a.yaml:14:17', 'b.yaml:10:17'],
    },
  ],
});

describe('ML1113 message', () => {
  it('names the port, the hosts and the other Gateway', () => {
    const found = lint(rule, { 'a.yaml': gw('a', [[80, 'foo.bar']]), 'b.yaml': gw('b', [[80, 'foo.bar']]) });
    assert.deepEqual(found.map((f) => f.message), [
      'Server on port 80 for foo.bar conflicts with Gateway default/b (same selector "istio=ingressgateway", port and host).',
      'Server on port 80 for foo.bar conflicts with Gateway default/a (same selector "istio=ingressgateway", port and host).',
    ]);
  });
});
