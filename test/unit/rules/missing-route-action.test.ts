import * as assert from 'node:assert/strict';
import { missingRouteAction } from '../../../src/core/analysis/rules/istio-validation/missing-route-action';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (routes: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
${routes}`;

testRule(missingRouteAction, {
  valid: [
    {
      name: 'HTTP routes that route, redirect, answer or delegate',
      files: {
        'a.yaml': VS(
          '  http:\n    - match: [{uri: {prefix: /old}}]\n      redirect: {uri: /new}\n    - match: [{uri: {prefix: /health}}]\n      directResponse: {status: 200}\n    - match: [{uri: {prefix: /v2}}]\n      delegate: {name: reviews-v2}\n    - route: [{destination: {host: reviews}}]\n',
        ),
      },
    },
    { name: 'TCP and TLS routes with destinations', files: { 'a.yaml': VS('  tcp:\n    - route: [{destination: {host: db}}]\n  tls:\n    - match: [{sniHosts: [reviews]}]\n      route: [{destination: {host: reviews}}]\n') } },
  ],
  invalid: [
    {
      name: 'an HTTP route that only matches, and one that only injects a fault',
      files: { 'a.yaml': VS('  http:\n    - match: [{uri: {prefix: /v2}}]\n    - fault: {abort: {httpStatus: 503, percentage: {value: 10}}}\n      route: []\n') },
      expected: [
        ['ML0027', 'VirtualService default/reviews', 'spec.http[0].match'],
        ['ML0027', 'VirtualService default/reviews', 'spec.http[1].fault'],
      ],
      at: ['a.yaml:8:7', 'a.yaml:9:7'],
    },
    {
      name: 'a TCP route without destinations, a TLS route without match or destinations',
      files: { 'a.yaml': VS('  tcp:\n    - match: [{port: 5432}]\n  tls:\n    - route: []\n') },
      expected: [
        ['ML0027', 'VirtualService default/reviews', 'spec.tcp[0].match'],
        ['ML0027', 'VirtualService default/reviews', 'spec.tls[0].route'],
        ['ML0027', 'VirtualService default/reviews', 'spec.tls[0].route'],
      ],
      at: ['a.yaml:8:7', 'a.yaml:10:7', 'a.yaml:10:7'],
    },
  ],
});

describe('ML0027 messages', () => {
  it('say which actions a route may have', () => {
    const found = allFindings(engineWith({ 'a.yaml': VS('  http:\n    - match: [{uri: {prefix: /v2}}]\n  tcp:\n    - match: [{port: 5432}]\n') }, [missingRouteAction]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '8:7-8:12 This HTTP route has no action: add route (destinations), redirect, directResponse or delegate ("HTTP route, redirect or direct_response is required").',
        '10:7-10:12 This TCP route has no destinations: add route ("TCP route is required").',
      ],
    );
  });
});
