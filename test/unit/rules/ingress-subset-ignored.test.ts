import * as assert from 'node:assert/strict';
import { ingressSubsetIgnored } from '../../../src/core/analysis/rules/istio/virtualservice/ingress-subset-ignored';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const INGRESS = (dest: string, gateways = 'istio-system/public') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews-ingress
spec:
  hosts: [reviews.example.com]
  gateways: [${gateways}]
  http:
    - route:
        - destination: ${dest}
`;

const MESH = (gateways = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
${gateways}  http:
    - route:
        - destination: {host: reviews, subset: v1}
`;

testRule(ingressSubsetIgnored, {
  valid: [
    { name: 'the gateway route names a subset too', files: { 'a.yaml': INGRESS('{host: reviews, subset: v1}'), 'b.yaml': MESH() } },
    { name: 'the mesh VirtualService is bound to the gateway as well', files: { 'a.yaml': INGRESS('{host: reviews}'), 'b.yaml': MESH('  gateways: [mesh, istio-system/public]\n') } },
    { name: 'no subset routing for the host', files: { 'a.yaml': INGRESS('{host: ratings}'), 'b.yaml': MESH() } },
    { name: 'mesh-only VirtualServices are not checked', files: { 'a.yaml': INGRESS('{host: reviews}', 'mesh'), 'b.yaml': MESH() } },
  ],
  invalid: [
    {
      name: 'a gateway route to all versions of a host split for the mesh',
      files: { 'a.yaml': INGRESS('{host: reviews.default.svc.cluster.local}'), 'b.yaml': MESH() },
      expected: [['ML1013', 'VirtualService default/reviews-ingress', 'spec.http[0].route[0].destination.host']],
      at: ['a.yaml:10:31'],
    },
  ],
});

describe('ML1013 message', () => {
  it('names the mesh VirtualService', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': INGRESS('{host: reviews}'), 'b.yaml': MESH() }, [ingressSubsetIgnored]));
    assert.equal(f.message, 'Route to "reviews" through the gateway ignores the subset routing of VirtualService default/reviews, which applies to the mesh only.');
    assert.deepEqual(f.upstream, ['IST0140']);
    assert.deepEqual(f.related.map((r) => [r.uri.split('/').pop(), r.range.start.line + 1]), [['b.yaml', 6]]);
  });
});
