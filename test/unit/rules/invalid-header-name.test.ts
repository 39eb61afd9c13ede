import * as assert from 'node:assert/strict';
import { invalidHeaderName } from '../../../src/core/analysis/rules/istio-validation/invalid-header-name';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  gateways: [istio-system/ingress]
  http:
    - ${http}
      route:
        - destination: {host: reviews}
`;

testRule(invalidHeaderName, {
  valid: [
    {
      name: 'token names, upper case included, and JWT claim routes',
      files: { 'a.yaml': VS('match:\n        - headers: {X-User_Group: {exact: beta}, "@request.auth.claims.groups": {exact: admin}, "@request.auth.claims[nested][key]": {exact: x}}') },
    },
    {
      name: 'setting the authority on requests, ordinary headers on responses, "*" for CORS',
      files: { 'a.yaml': VS('headers:\n        request: {set: {":authority": api.example.com, host: api.example.com}}\n        response: {remove: [x-powered-by]}\n      corsPolicy: {allowHeaders: ["*", x-token]}') },
    },
  ],
  invalid: [
    {
      name: 'a match on a name with a space',
      files: { 'a.yaml': VS('match:\n        - headers: {"end user": {exact: jason}}') },
      expected: [['ML0026', 'VirtualService default/reviews', 'spec.http[0].match[0].headers["end user"]']],
      at: ['a.yaml:10:21'],
    },
    {
      name: 'setting :path on a request, removing Host from a response, an empty name to remove',
      files: { 'a.yaml': VS('headers:\n        request: {set: {":path": /v2}, remove: [""]}\n        response: {remove: [Host]}') },
      expected: [
        ['ML0026', 'VirtualService default/reviews', 'spec.http[0].headers.request.set[":path"]'],
        ['ML0026', 'VirtualService default/reviews', 'spec.http[0].headers.request.remove[0]'],
        ['ML0026', 'VirtualService default/reviews', 'spec.http[0].headers.response.remove[0]'],
      ],
      at: ['a.yaml:10:25', 'a.yaml:10:49', 'a.yaml:11:29'],
    },
    {
      name: 'a CORS header with a colon',
      files: { 'a.yaml': VS('corsPolicy: {exposeHeaders: ["x:trace"]}') },
      expected: [['ML0026', 'VirtualService default/reviews', 'spec.http[0].corsPolicy.exposeHeaders[0]']],
      at: ['a.yaml:9:36'],
    },
  ],
});

describe('ML0026 messages', () => {
  it('say which names are accepted where', () => {
    const found = allFindings(engineWith({ 'a.yaml': VS('match:\n        - headers: {"end user": {exact: jason}}'), 'b.yaml': VS('headers:\n        request: {set: {":path": /v2}}\n        response: {remove: [Host]}') }, [invalidHeaderName]));
    assert.deepEqual(
      found.map((f) => `${span(f)} ${f.message}`),
      [
        '10:21-10:31 "end user" is not a valid header name: use letters, digits, \'-\' and \'_\' (or @request.auth.claims.<claim> to route on a JWT claim).',
        '10:25-10:32 Header ":path" cannot be set: names starting with ":" are pseudo-headers Envoy manages (only ":authority" may be set on requests).',
        '11:29-11:33 The Host header cannot be removed here; to change the host of a request, set ":authority" in request headers or use rewrite.authority.',
      ],
    );
  });
});
