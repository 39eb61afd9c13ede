import * as assert from 'node:assert/strict';
import { hostNotInGateway } from '../../../src/core/analysis/rules/istio/virtualservice/host-not-in-gateway';
import { allFindings, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const gw = (name: string, hosts: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: istio-system
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: [${hosts}]
`;

const vs = (ns: string, hosts: string, gateways: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  namespace: ${ns}
spec:
  hosts: [${hosts}]
  gateways: [${gateways}]
  http:
    - route:
        - destination: {host: web}
`;

const GWS = `${gw('wild', '"*.example.com"')}---\n${gw('local', '"./admin.example.org"')}---\n${gw('any', '"*/*"')}`;

testRule(hostNotInGateway, {
  valid: [
    { name: 'a wildcard server host', files: { 'g.yaml': GWS, 'vs.yaml': vs('default', 'web.example.com', 'istio-system/wild') } },
    { name: 'a ./host offered to the Gateway\'s own namespace', files: { 'g.yaml': GWS, 'vs.yaml': vs('istio-system', 'admin.example.org', 'local') } },
    { name: '*/* offers everything', files: { 'g.yaml': GWS, 'vs.yaml': vs('default', 'anything.test', 'istio-system/any') } },
    { name: 'a missing Gateway is gateway-not-found\'s', files: { 'g.yaml': GWS, 'vs.yaml': vs('default', 'web.example.com', 'istio-system/nope') } },
  ],
  invalid: [
    {
      name: 'a host the wildcard does not cover; a ./host of another namespace',
      files: { 'g.yaml': GWS, 'vs.yaml': vs('default', 'web.example.org', 'istio-system/wild, istio-system/local, mesh') },
      expected: [
        ['ML1006', 'VirtualService default/web', 'spec.gateways[0]'],
        ['ML1006', 'VirtualService default/web', 'spec.gateways[1]'],
      ],
      at: ['vs.yaml:8:14', 'vs.yaml:8:33'],
    },
  ],
});

describe('ML1006 message', () => {
  it('lists both sides and points at the Gateway\'s servers', () => {
    const [f] = allFindings(engineWith({ 'g.yaml': GWS, 'vs.yaml': vs('default', 'admin.example.org', 'istio-system/local') }, [hostNotInGateway]));
    assert.equal(f.message, 'No host of this VirtualService (admin.example.org) is served by Gateway istio-system/local to namespace default (its hosts: ./admin.example.org).');
    assert.deepEqual(f.related.map((r) => r.range.start.line + 1), [20]);
  });
});
