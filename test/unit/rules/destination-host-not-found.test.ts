import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/config';
import { destinationHostNotFound } from '../../../src/core/analysis/rules/istio/virtualservice/destination-host-not-found';
import { allFindings, applyFix, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const SERVICES = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
spec:
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata:
  name: details
  namespace: default
  annotations:
    networking.istio.io/exportTo: banana
spec:
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: eu
  namespace: default
spec:
  hosts: ["*.eu.bookinfo.com"]
  ports: [{number: 443, name: https, protocol: HTTPS}]
---
apiVersion: v1
kind: Service
metadata:
  name: hello
  namespace: hello
  annotations:
    networking.istio.io/exportTo: hello1,.
spec:
  ports: [{name: http, port: 9080}]
`;

const vs = (ns: string, body: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: ${ns}
spec:
  hosts: [reviews]
${extra}${body}`;

const route = (host: string) => `  http:
    - route:
        - destination:
            host: ${host}
`;

testRule(destinationHostNotFound, {
  valid: [
    { name: 'short name, FQDN, wildcard ServiceEntry host', files: { 's.yaml': SERVICES, 'vs.yaml': vs('default', route('reviews') + '    - route:\n        - destination: {host: reviews.default.svc.cluster.local}\n    - route:\n        - destination: {host: ratings.eu.bookinfo.com}\n') } },
    { name: 'a Service exported to the namespace of the VirtualService', files: { 's.yaml': SERVICES, 'vs.yaml': vs('banana', route('details.default.svc.cluster.local')) } },
    { name: 'a VirtualService exported where its Service is', files: { 's.yaml': SERVICES, 'vs.yaml': vs('hello', route('hello'), '  exportTo: [hello1, .]\n') } },
    { name: 'mirrors and tcp routes to existing hosts', files: { 's.yaml': SERVICES, 'vs.yaml': vs('default', '  tcp:\n    - route:\n        - destination: {host: reviews}\n  http:\n    - route:\n        - destination: {host: reviews}\n      mirror: {host: reviews}\n') } },
  ],
  invalid: [
    {
      name: 'a misspelt short name, a hidden Service, a mirror to nowhere',
      files: {
        's.yaml': SERVICES,
        'vs.yaml': vs('default', route('reviewz') + '    - route:\n        - destination: {host: details}\n      mirror:\n        host: other.example.com\n'),
      },
      expected: [
        ['ML1001', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.host'],
        ['ML1001', 'VirtualService default/reviews', 'spec.http[1].route[0].destination.host'],
        ['ML1001', 'VirtualService default/reviews', 'spec.http[1].mirror.host'],
      ],
      at: ['vs.yaml:11:19', 'vs.yaml:13:31', 'vs.yaml:15:15'],
    },
    {
      name: 'a VirtualService exported to a namespace the Service is not exported to',
      files: { 's.yaml': SERVICES, 'vs.yaml': vs('hello', route('hello'), '  exportTo: [bogus]\n') },
      expected: [['ML1001', 'VirtualService hello/reviews', 'spec.http[0].route[0].destination.host']],
      at: ['vs.yaml:12:19'],
    },
    {
      name: 'a namespace with no Services at all: unresolved',
      files: { 's.yaml': SERVICES, 'vs.yaml': vs('default', route('ratings.prod.svc.cluster.local')) },
      expected: [['ML1001', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.host']],
    },
  ],
});

describe('ML1001 messages, severity and fixes', () => {
  const text = vs('default', route('reviewz'));
  const [f] = allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': text }, [destinationHostNotFound]));

  it('says what was probably meant, with the Service as related location', () => {
    assert.equal(f.message, 'Route destination host "reviewz" is not a Service or ServiceEntry visible from namespace default: did you mean "reviews"?');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.upstream, ['IST0101', 'KIA1101']);
    assert.equal(span(f), '11:19-11:26');
    assert.deepEqual(f.related.map((r) => [r.uri.split('/').pop(), r.range.start.line + 1, r.message]), [['s.yaml', 4, 'reviews is defined here']]);
  });

  it('replaces the host with the suggestion, which then resolves', () => {
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Change the host to "reviews"', false]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs('default', route('reviews')));
    assert.deepEqual(allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': fixed }, [destinationHostNotFound])), []);
  });

  it('suggests the FQDN of a Service of that name in another namespace', () => {
    const other = vs('istio-system', route('reviews'));
    const [g] = allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': other }, [destinationHostNotFound]));
    assert.equal(g.message, 'Route destination host "reviews" is not a Service or ServiceEntry visible from namespace istio-system: did you mean "reviews.default.svc.cluster.local"?');
    const fixed = applyFix(other, g.fixes[0]);
    assert.deepEqual(allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': fixed }, [destinationHostNotFound])), []);
  });

  it('without a near miss, says where it looked', () => {
    const [g] = allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': vs('default', route('other.example.com')) }, [destinationHostNotFound]));
    assert.equal(g.message, 'Route destination host "other.example.com" is not a Service or ServiceEntry visible from namespace default.');
    assert.deepEqual(g.fixes, []);
  });

  it('a host in a namespace the workspace has nothing of follows references.unresolved', () => {
    const files = { 's.yaml': SERVICES, 'vs.yaml': vs('default', route('ratings.prod.svc.cluster.local')) };
    const [g] = allFindings(engineWith(files, [destinationHostNotFound]));
    assert.equal(g.message, 'Route destination host "ratings.prod.svc.cluster.local" is not defined in the workspace (no Service or ServiceEntry in namespace prod); it may be defined elsewhere.');
    assert.equal(g.severity, 'warning');
    const off = engineWith(files, [destinationHostNotFound], { ...DEFAULT_CONFIG, unresolvedReferences: 'off' });
    assert.deepEqual(allFindings(off), []);
  });
});
