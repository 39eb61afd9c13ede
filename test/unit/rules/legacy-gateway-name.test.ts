import * as assert from 'node:assert/strict';
import { legacyGatewayName } from '../../../src/core/analysis/rules/istio/virtualservice/legacy-gateway-name';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (gateways: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: shop
spec:
  hosts: [shop.example.com]
  gateways: [${gateways}]
  http:
    - route:
        - destination: {host: shop}
`;

testRule(legacyGatewayName, {
  valid: [{ name: 'namespace/name, short names and mesh', files: { 'vs.yaml': vs('istio-system/public, public, mesh') } }],
  invalid: [
    {
      name: 'name.namespace and the FQDN form',
      files: { 'vs.yaml': vs('public.istio-system, edge.gateways.svc.cluster.local') },
      expected: [
        ['ML1005', 'VirtualService default/shop', 'spec.gateways[0]'],
        ['ML1005', 'VirtualService default/shop', 'spec.gateways[1]'],
      ],
      at: ['vs.yaml:7:14', 'vs.yaml:7:35'],
    },
  ],
});

describe('ML1005 message and fix', () => {
  it('rewrites to namespace/name as a preferred fix', () => {
    const text = vs('public.istio-system');
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [legacyGatewayName]));
    assert.equal(f.message, 'Gateway "public.istio-system" uses the legacy dotted form: write "istio-system/public".');
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Write "istio-system/public"', true]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs('istio-system/public'));
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [legacyGatewayName])), []);
  });
});
