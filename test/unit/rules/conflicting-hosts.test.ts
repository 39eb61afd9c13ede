import * as assert from 'node:assert/strict';
import { conflictingHosts } from '../../../src/core/analysis/rules/istio/virtualservice/conflicting-hosts';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (ns: string, name: string, hosts: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts: [${hosts}]
${extra}  http:
    - route:
        - destination: {host: ratings}
`;

testRule(conflictingHosts, {
  valid: [
    { name: 'different hosts', files: { 'a.yaml': vs('foo', 'a', 'ratings'), 'b.yaml': vs('foo', 'b', 'reviews') } },
    { name: 'the same short name in two namespaces is two hosts', files: { 'a.yaml': vs('foo', 'a', 'ratings'), 'b.yaml': vs('bar', 'b', 'ratings') } },
    { name: 'kept apart by exportTo', files: { 'a.yaml': vs('team1', 'a', 'ratings', '  exportTo: ["."]\n'), 'b.yaml': vs('team2', 'b', 'ratings.team1.svc.cluster.local', '  exportTo: ["."]\n') } },
    { name: 'one for the mesh, one for a gateway', files: { 'a.yaml': vs('foo', 'a', 'ratings'), 'b.yaml': vs('bar', 'b', 'ratings.foo.svc.cluster.local', '  gateways: [istio-system/public]\n') } },
    {
      name: 'kustomize overlays are rendered apart',
      files: {
        'overlays/prod/kustomization.yaml': 'resources: [vs.yaml]\n',
        'overlays/prod/vs.yaml': vs('foo', 'a', 'ratings'),
        'overlays/dev/kustomization.yaml': 'resources: [vs.yaml]\n',
        'overlays/dev/vs.yaml': vs('foo', 'b', 'ratings'),
      },
    },
  ],
  invalid: [
    {
      name: 'a short name and its FQDN from another namespace, on the mesh',
      files: { 'a.yaml': vs('foo', 'ratings', 'ratings'), 'b.yaml': vs('bar', 'ratings', 'google.com, ratings.foo.svc.cluster.local', '  gateways: [istio-system/public, mesh]\n') },
      expected: [
        ['ML1008', 'VirtualService foo/ratings', 'spec.hosts[0]'],
        ['ML1008', 'VirtualService bar/ratings', 'spec.hosts[1]'],
      ],
      at: ['a.yaml:7:11', 'b.yaml:7:23'],
    },
    {
      name: 'a VirtualService kept to its namespace meets one exported everywhere',
      files: { 'a.yaml': vs('team2', 'a', 'google.com', '  exportTo: ["."]\n'), 'b.yaml': vs('bar', 'b', 'google.com') },
      expected: [
        ['ML1008', 'VirtualService team2/a', 'spec.hosts[0]'],
        ['ML1008', 'VirtualService bar/b', 'spec.hosts[0]'],
      ],
    },
    {
      name: 'two VirtualServices for one host on one gateway',
      files: { 'a.yaml': vs('shop', 'a', 'shop.example.com', '  gateways: [istio-system/public]\n'), 'b.yaml': vs('shop', 'b', 'shop.example.com', '  gateways: [istio-system/public]\n') },
      expected: [
        ['ML1008', 'VirtualService shop/a', 'spec.hosts[0]'],
        ['ML1008', 'VirtualService shop/b', 'spec.hosts[0]'],
      ],
    },
  ],
});

describe('ML1008 messages', () => {
  it('names the other VirtualService, with its host as related location', () => {
    const found = allFindings(engineWith({ 'a.yaml': vs('foo', 'ratings', 'ratings'), 'b.yaml': vs('foo', 'ratings-2', 'ratings.foo.svc.cluster.local') }, [conflictingHosts]));
    assert.deepEqual(found.map((f) => [f.message, f.severity, f.upstream.join()]), [
      ['Host "ratings" is also claimed for the mesh by VirtualService foo/ratings-2: sidecars use only one of them, which one is undefined.', 'error', 'IST0109,KIA1106'],
      ['Host "ratings.foo.svc.cluster.local" is also claimed for the mesh by VirtualService foo/ratings: sidecars use only one of them, which one is undefined.', 'error', 'IST0109,KIA1106'],
    ]);
    assert.deepEqual(found[0].related.map((r) => [r.uri.split('/').pop(), r.range.start.line + 1]), [['b.yaml', 7]]);
  });

  it('a shared gateway host is a warning with Kiali\'s code only', () => {
    const [f] = allFindings(engineWith({ 'a.yaml': vs('shop', 'a', 'shop.example.com', '  gateways: [public]\n'), 'b.yaml': vs('shop', 'b', 'shop.example.com', '  gateways: [shop/public]\n') }, [conflictingHosts]));
    assert.equal(f.message, 'Host "shop.example.com" on gateway shop/public is also claimed by VirtualService shop/b: the gateway merges their routes in creation order.');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(f.upstream, ['KIA1106']);
  });
});
