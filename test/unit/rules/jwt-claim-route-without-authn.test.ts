import * as assert from 'node:assert/strict';
import { jwtClaimRouteWithoutAuthn } from '../../../src/core/analysis/rules/istio/virtualservice/jwt-claim-route-without-authn';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (gateways: string, header = '"@request.auth.claims.groups"') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: api
spec:
  hosts: [api.example.com]
  gateways: [${gateways}]
  http:
    - match:
        - uri: {prefix: /}
          headers:
            ${header}: {exact: beta}
      route:
        - destination: {host: api}
`;

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: public
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
---
apiVersion: v1
kind: Pod
metadata:
  name: ingress-pod
  namespace: istio-system
  labels: {istio: ingressgateway}
spec:
  containers: [{name: istio-proxy, image: proxy}]
`;

const RA = (ns: string, selector: string) => `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata:
  name: jwt
  namespace: ${ns}
spec:
${selector}  jwtRules:
    - issuer: https://issuer.example.com
`;

testRule(jwtClaimRouteWithoutAuthn, {
  valid: [
    { name: 'a RequestAuthentication selects the gateway pods', files: { 'g.yaml': GATEWAY, 'vs.yaml': VS('istio-system/public'), 'ra.yaml': RA('istio-system', '  selector: {matchLabels: {istio: ingressgateway}}\n') } },
    { name: 'a root-namespace RequestAuthentication without selector applies to all', files: { 'g.yaml': GATEWAY, 'vs.yaml': VS('istio-system/public'), 'ra.yaml': RA('istio-system', '') } },
    { name: 'routes on ordinary headers', files: { 'g.yaml': GATEWAY, 'vs.yaml': VS('istio-system/public', 'x-group') } },
    { name: 'mesh only', files: { 'g.yaml': GATEWAY, 'vs.yaml': VS('mesh') } },
  ],
  invalid: [
    {
      name: 'no RequestAuthentication; one in another namespace does not count',
      files: { 'g.yaml': GATEWAY, 'vs.yaml': VS('istio-system/public, mesh'), 'ra.yaml': RA('shop', '') },
      expected: [['ML1014', 'VirtualService default/api', 'spec.http[0].match[0].headers["@request.auth.claims.groups"]']],
      at: ['vs.yaml:12:13'],
    },
  ],
});

describe('ML1014 message', () => {
  it('names the claim, the gateway and its workload', () => {
    const [f] = allFindings(engineWith({ 'g.yaml': GATEWAY, 'vs.yaml': VS('istio-system/public') }, [jwtClaimRouteWithoutAuthn]));
    assert.equal(f.message, 'Routes on JWT claim "@request.auth.claims.groups" through Gateway istio-system/public, but no RequestAuthentication applies to its workload Pod istio-system/ingress-pod: the claim is never set.');
    assert.deepEqual(f.upstream, ['IST0149']);
  });
});
