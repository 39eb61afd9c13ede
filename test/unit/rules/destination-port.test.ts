import * as assert from 'node:assert/strict';
import { destinationPort } from '../../../src/core/analysis/rules/istio/virtualservice/destination-port';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const SERVICES = `apiVersion: v1
kind: Service
metadata:
  name: reviews
spec:
  ports: [{name: http, port: 9080}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports: [{name: http, port: 80}, {name: https, port: 443}]
`;

const vs = (dest: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: front
spec:
  hosts: [front]
  http:
    - route:
        - destination:
${dest}`;

testRule(destinationPort, {
  valid: [
    { name: 'one port: none needed', files: { 's.yaml': SERVICES, 'vs.yaml': vs('            host: reviews\n') } },
    { name: 'several ports: one chosen', files: { 's.yaml': SERVICES, 'vs.yaml': vs('            host: web\n            port: {number: 443}\n') } },
    { name: 'unknown hosts are destination-host-not-found\'s', files: { 's.yaml': SERVICES, 'vs.yaml': vs('            host: nowhere\n            port: {number: 1}\n') } },
  ],
  invalid: [
    {
      name: 'no port for a Service with two; a port a Service does not expose',
      files: {
        's.yaml': SERVICES,
        'vs.yaml': vs('            host: web\n') + '    - route:\n        - destination:\n            host: reviews\n            port:\n              number: 9090\n',
      },
      expected: [
        ['ML1002', 'VirtualService default/front', 'spec.http[0].route[0].destination.host'],
        ['ML1002', 'VirtualService default/front', 'spec.http[1].route[0].destination.port.number'],
      ],
      at: ['vs.yaml:10:19', 'vs.yaml:15:23'],
    },
  ],
});

describe('ML1002 messages and fixes', () => {
  const text = vs('            host: web\n') + '      mirror:\n        host: reviews\n        port: {number: 9090}\n';
  const found = allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': text }, [destinationPort]));

  it('names the ports, with the upstream code of each case', () => {
    assert.deepEqual(
      found.map((f) => [f.message, f.upstream.join()]),
      [
        ['Route destination "web" has several ports (80, 443): say which with port.number.', 'IST0112'],
        ['Mirror port 9090 is not a port of "reviews" (ports: 9080).', 'IST0101'],
      ],
    );
    assert.deepEqual(found[0].fixes, [], 'which port is meant cannot be guessed');
  });

  it('offers the only port of the Service, which then passes', () => {
    assert.deepEqual(found[1].fixes.map((f) => [f.title, f.preferred]), [['Use port 9080', false]]);
    const fixed = applyFix(text, found[1].fixes[0]);
    assert.match(fixed, /port: \{number: 9080\}/);
    assert.deepEqual(allFindings(engineWith({ 's.yaml': SERVICES, 'vs.yaml': fixed.replace('host: web\n', 'host: web\n            port: {number: 80}\n') }, [destinationPort])), []);
  });
});
