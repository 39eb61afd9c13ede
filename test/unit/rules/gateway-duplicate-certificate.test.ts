import * as assert from 'node:assert/strict';
import { gatewayDuplicateCertificate as rule } from '../../../src/core/analysis/rules/istio/gateway/gateway-duplicate-certificate';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** credentialName is on line 13. */
const gw = (name: string, host: string, credential: string, selector = '{istio: ingressgateway}') =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: ${name}\n  namespace: istio-system\nspec:\n  selector: ${selector}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [${host}]\n      tls:\n        mode: SIMPLE\n        credentialName: ${credential}\n`;

testRule(rule, {
  valid: [
    { name: 'different certificates', files: { 'a.yaml': gw('a', 'a.example.com', 'a-cert'), 'b.yaml': gw('b', 'b.example.com', 'b-cert') } },
    {
      name: 'the same certificate on gateways whose pods differ (neither selector contained in the other)',
      files: { 'a.yaml': gw('a', 'a.example.com', 'cert', '{istio: ingressgateway, type: public}'), 'b.yaml': gw('b', 'b.example.com', 'cert', '{istio: ingressgateway, type: internal}') },
    },
  ],
  invalid: [
    {
      name: 'the same certificate; only the Gateway whose selector is contained in the other\'s is reported',
      files: { 'a.yaml': gw('a', 'a.example.com', 'wildcard'), 'b.yaml': gw('b', 'b.example.com', 'wildcard'), 'c.yaml': gw('c', 'c.example.com', 'wildcard', '{istio: ingressgateway, type: internal}') },
      expected: [
        ['ML1112', 'Gateway istio-system/a', 'spec.servers[0].tls.credentialName'],
        ['ML1112', 'Gateway istio-system/b', 'spec.servers[0].tls.credentialName'],
      ],
      at: ['a.yaml:13:25', 'b.yaml:13:25'],
    },
  ],
});

describe('ML1112 message', () => {
  it('names the other gateways', () => {
    const found = lint(rule, { 'a.yaml': gw('a', 'a.example.com', 'wildcard'), 'b.yaml': gw('b', 'b.example.com', 'wildcard'), 'c.yaml': gw('c', 'c.example.com', 'wildcard', '{istio: ingressgateway, type: internal}') });
    assert.equal(found[0].message, 'The certificate "wildcard" is also used by Gateway istio-system/b, Gateway istio-system/c, served by the same gateway workload; HTTP/2 connection reuse across them can give 404s.');
    assert.equal(found[0].related.length, 2);
  });
});
