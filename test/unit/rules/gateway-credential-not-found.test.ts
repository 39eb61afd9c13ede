import * as assert from 'node:assert/strict';
import { gatewayCredentialNotFound as rule } from '../../../src/core/analysis/rules/istio/gateway/gateway-credential-not-found';
import { fixesClear, lint, pod, secret } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** credentialName is on line 14. */
const gw = (credential: string, selector = 'istio: ingressgateway') =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: public\n  namespace: shop\nspec:\n  selector:\n    ${selector}\n  servers:\n    - port: {number: 443, name: https, protocol: HTTPS}\n      hosts: [shop.example.com]\n      tls:\n        mode: SIMPLE\n        credentialName: ${credential}\n`;
const GATEWAY_POD = { 'p.yaml': pod('ingressgateway', { istio: 'ingressgateway' }, 'istio-system') };

testRule(rule, {
  valid: [
    { name: 'the Secret is in the gateway pods\' namespace', files: { ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'istio-system'), 'g.yaml': gw('shop-cert') } },
    { name: 'the gateway workload is not in the workspace: left to ML1110', files: { 's.yaml': secret('other', 'istio-system'), 'g.yaml': gw('shop-cert') } },
    { name: 'no credentialName', files: { ...GATEWAY_POD, 'g.yaml': gw('""') } },
  ],
  invalid: [
    {
      name: 'a misspelt Secret name',
      files: { ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'istio-system'), 'g.yaml': gw('shop-crt') },
      expected: [['ML1111', 'Gateway shop/public', 'spec.servers[0].tls.credentialName']],
      at: ['g.yaml:14:25'],
    },
    {
      name: 'the Secret is in the Gateway\'s namespace, not the workload\'s',
      files: { ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'shop'), 's2.yaml': secret('ingress-cert', 'istio-system'), 'g.yaml': gw('shop-cert') },
      expected: [['ML1111', 'Gateway shop/public', 'spec.servers[0].tls.credentialName']],
      at: ['g.yaml:14:25'],
    },
    {
      name: 'no Secrets in the workload namespace: unresolved',
      files: { ...GATEWAY_POD, 'g.yaml': gw('shop-cert') },
      expected: [['ML1111', 'Gateway shop/public', 'spec.servers[0].tls.credentialName']],
      at: ['g.yaml:14:25'],
    },
  ],
});

describe('ML1111 messages and fix', () => {
  it('says where the Secret must be', () => {
    const m = (files: Record<string, string>) => lint(rule, files).map((f) => `${f.severity}: ${f.message}`);
    assert.deepEqual(m({ ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'istio-system'), 'g.yaml': gw('shop-crt') }), [
      'error: Secret "shop-crt" is not in namespace istio-system, where the gateway workload reads it; did you mean "shop-cert"?',
    ]);
    assert.deepEqual(m({ ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'shop'), 's2.yaml': secret('ingress-cert', 'istio-system'), 'g.yaml': gw('shop-cert') }), [
      'error: Secret "shop-cert" is not in namespace istio-system, where the gateway workload reads it.',
    ]);
    assert.deepEqual(m({ ...GATEWAY_POD, 'g.yaml': gw('shop-cert') }), ['warning: Secret "shop-cert" is not in the workspace (namespace istio-system has no Secrets here; it may be created elsewhere).']);
  });

  it('changes the credential to the existing Secret', () => {
    assert.deepEqual(fixesClear(rule, { ...GATEWAY_POD, 's.yaml': secret('shop-cert', 'istio-system'), 'g.yaml': gw('shop-crt') }, 'g.yaml'), [gw('shop-cert')]);
  });
});
