import * as assert from 'node:assert/strict';
import { duplicateRouteDestination } from '../../../src/core/analysis/rules/istio/virtualservice/duplicate-route-destination';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (body: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
${body}`;

testRule(duplicateRouteDestination, {
  valid: [
    { name: 'different subsets; the same destination in different rules', files: { 'vs.yaml': vs('  http:\n    - route:\n        - destination: {host: reviews, subset: v1}\n        - destination: {host: reviews, subset: v2}\n    - route:\n        - destination: {host: reviews, subset: v1}\n') } },
    { name: 'different ports', files: { 'vs.yaml': vs('  tcp:\n    - route:\n        - destination: {host: db, port: {number: 5432}}\n        - destination: {host: db, port: {number: 5433}}\n') } },
  ],
  invalid: [
    {
      name: 'short name and FQDN of one subset in one route',
      files: { 'vs.yaml': vs('  http:\n    - route:\n        - destination: {host: reviews, subset: v1}\n          weight: 50\n        - destination: {host: reviews.default.svc.cluster.local, subset: v1}\n          weight: 50\n') },
      expected: [['ML1012', 'VirtualService default/reviews', 'spec.http[0].route[1].destination']],
      at: ['vs.yaml:11:11'],
    },
  ],
});

describe('ML1012 message', () => {
  it('names the destination and where it first appears', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs('  http:\n    - route:\n        - destination: {host: reviews, subset: v1}\n        - destination: {host: reviews, subset: v1}\n') }, [duplicateRouteDestination]));
    assert.equal(f.message, 'Destination "reviews+v1" appears twice in this route (also at route[0]).');
    assert.deepEqual(f.related.map((r) => [r.range.start.line + 1, r.range.start.character + 1]), [[9, 11]]);
    assert.deepEqual(f.upstream, ['KIA1105']);
  });
});
