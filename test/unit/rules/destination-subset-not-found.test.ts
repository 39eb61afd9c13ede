import * as assert from 'node:assert/strict';
import { destinationSubsetNotFound } from '../../../src/core/analysis/rules/istio/virtualservice/destination-subset-not-found';
import { allFindings, applyFix, engineWith, uri } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews.default.svc.cluster.local
  subsets:
    - name: v1
      labels:
        version: v1
    - name: v2
      labels:
        version: v2
`;

const APP = `apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: reviews-v3
spec:
  selector: {matchLabels: {app: reviews, version: v3}}
  template:
    metadata: {labels: {app: reviews, version: v3}}
    spec:
      containers: [{name: reviews, image: reviews:v3}]
`;

const vs = (subset: string, mirror = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
        - destination:
            host: reviews
            subset: ${subset}
${mirror}`;

testRule(destinationSubsetNotFound, {
  valid: [
    { name: 'short name and FQDN name the same host', files: { 'dr.yaml': DR, 'vs.yaml': vs('v2', '      mirror: {host: reviews.default.svc.cluster.local, subset: v1}\n') } },
    { name: 'a wildcard DestinationRule covers the host', files: { 'dr.yaml': DR.replace('reviews.default.svc.cluster.local', '"*.default.svc.cluster.local"'), 'vs.yaml': vs('v1') } },
    { name: 'no subset, nothing to check', files: { 'vs.yaml': vs('v1').replace('            subset: v1\n', '') } },
  ],
  invalid: [
    {
      name: 'a misspelt subset in a route and an unknown one in a mirror',
      files: { 'dr.yaml': DR, 'vs.yaml': vs('V1', '      mirror:\n        host: reviews\n        subset: canary\n') },
      expected: [
        ['ML1003', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.subset'],
        ['ML1003', 'VirtualService default/reviews', 'spec.http[0].mirror.subset'],
      ],
      at: ['vs.yaml:11:21', 'vs.yaml:14:17'],
    },
    {
      name: 'DestinationRules in the namespace, none for this host',
      files: { 'dr.yaml': DR.replace('host: reviews.default.svc.cluster.local', 'host: ratings'), 'vs.yaml': vs('v1') },
      expected: [['ML1003', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.subset']],
    },
    {
      name: 'no DestinationRule at all: unresolved',
      files: { 'vs.yaml': vs('v1') },
      expected: [['ML1003', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.subset']],
    },
  ],
});

describe('ML1003 messages and fixes', () => {
  it('suggests the subset that exists, with the DestinationRule as related location', () => {
    const text = vs('V1');
    const [f] = allFindings(engineWith({ 'dr.yaml': DR, 'vs.yaml': text }, [destinationSubsetNotFound]));
    assert.equal(f.message, 'Route destination subset "V1" of host "reviews" is not defined by DestinationRule default/reviews: did you mean "v1"?');
    assert.deepEqual(f.related.map((r) => [r.uri, r.range.start.line + 1, r.message]), [[uri('dr.yaml'), 8, 'the subsets of DestinationRule default/reviews']]);
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [
      ['Change the subset to "v1"', false],
      ['Add subset "V1" (version: V1) to DestinationRule default/reviews (no workload in the workspace has this version yet)', false],
    ]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.deepEqual(allFindings(engineWith({ 'dr.yaml': DR, 'vs.yaml': fixed }, [destinationSubsetNotFound])), []);
  });

  it('adds the missing subset to the DestinationRule in its own file, labels from the workloads', () => {
    const files = { 'app.yaml': APP, 'dr.yaml': DR, 'vs.yaml': vs('v3') };
    const [f] = allFindings(engineWith(files, [destinationSubsetNotFound]));
    assert.equal(f.message, 'Route destination subset "v3" of host "reviews" is not defined by DestinationRule default/reviews (subsets: v1, v2).');
    const add = f.fixes.find((x) => x.title.startsWith('Add'))!;
    assert.equal(add.title, 'Add subset "v3" (version: v3) to DestinationRule default/reviews');
    assert.deepEqual([...new Set(add.edits.map((e) => e.uri))], [uri('dr.yaml')]);
    const dr = applyFix(DR, add);
    assert.equal(dr, `${DR}    - name: v3\n      labels:\n        version: v3\n`);
    assert.deepEqual(allFindings(engineWith({ ...files, 'dr.yaml': dr }, [destinationSubsetNotFound])), []);
  });

  it('starts a subsets list in a DestinationRule that has none', () => {
    const bare = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}\n';
    const files = { 'dr.yaml': bare, 'vs.yaml': vs('v1') };
    const [f] = allFindings(engineWith(files, [destinationSubsetNotFound]));
    const dr = applyFix(bare, f.fixes[0]);
    assert.equal(dr, `${bare}  subsets:\n    - name: v1\n      labels:\n        version: v1\n`);
    assert.deepEqual(allFindings(engineWith({ ...files, 'dr.yaml': dr }, [destinationSubsetNotFound])), []);
  });

  it('a namespace without DestinationRules gives an unresolved reference', () => {
    const [f] = allFindings(engineWith({ 'vs.yaml': vs('v1') }, [destinationSubsetNotFound]));
    assert.equal(f.message, 'Route destination subset "v1" of host "reviews": the workspace has no DestinationRule for it (no DestinationRule in namespace default); it may be defined elsewhere.');
    assert.equal(f.severity, 'warning');
  });
});
