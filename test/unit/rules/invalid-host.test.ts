import * as assert from 'node:assert/strict';
import { invalidHost } from '../../../src/core/analysis/rules/istio-validation/invalid-host';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const VS = (hosts: string, gateways = '', destination = 'reviews') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: ${hosts}${gateways ? `\n  gateways: ${gateways}` : ''}
  http:
    - route:
        - destination: {host: "${destination}"}
`;

const SE = (hosts: string, resolution: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external
spec:
  hosts: ${hosts}
  ports: [{name: https, number: 443, protocol: TLS}]
  resolution: ${resolution}
`;

const GW = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
spec:
  selector: {istio: ingressgateway}
  servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ${hosts}
`;

const SIDECAR = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata:
  name: default
spec:
  egress:
    - hosts: ${hosts}
`;

testRule(invalidHost, {
  valid: [
    { name: 'short names, FQDNs, wildcards and IPs in a mesh route', files: { 'vs.yaml': VS('[reviews, reviews.prod.svc.cluster.local, "*.example.com", 10.0.0.1]') } },
    { name: '"*" in a route bound to a gateway', files: { 'vs.yaml': VS('["*"]', '[istio-system/ingress]') } },
    {
      name: 'service entries: a wildcard without DNS resolution, a DNS name with it',
      files: { 'a.yaml': SE('["*.example.com"]', 'NONE'), 'b.yaml': SE('[api.example.com]', 'DNS') },
    },
    { name: 'gateway hosts: "*", namespaces, FQDNs and IPs', files: { 'gw.yaml': GW('["*", "istio-system/*", "./*.example.com", bookinfo.com, 1.2.3.4]') } },
    { name: 'sidecar egress hosts with namespaces', files: { 'sc.yaml': SIDECAR('["./*", "istio-system/*", "*/api.example.com", "~/*"]') } },
  ],
  invalid: [
    {
      name: '"*" as a ServiceEntry host',
      files: { 'se.yaml': SE('["*"]', 'NONE') },
      expected: [['ML0019', 'ServiceEntry default/external', 'spec.hosts[0]']],
      at: ['se.yaml:6:11'],
    },
    {
      name: 'a wildcard host that DNS would have to resolve',
      files: { 'se.yaml': SE('["*.example.com"]', 'DNS') },
      expected: [['ML0019', 'ServiceEntry default/external', 'spec.hosts[0]']],
      at: ['se.yaml:6:11'],
    },
    {
      name: '"*" in a mesh route, an underscore in a host, "*" as a destination',
      files: { 'vs.yaml': VS('["*", api_v1.example.com]', '', '*') },
      expected: [
        ['ML0019', 'VirtualService default/reviews', 'spec.hosts[0]'],
        ['ML0019', 'VirtualService default/reviews', 'spec.hosts[1]'],
        ['ML0019', 'VirtualService default/reviews', 'spec.http[0].route[0].destination.host'],
      ],
      at: ['vs.yaml:6:11', 'vs.yaml:6:16', 'vs.yaml:9:31'],
    },
    {
      name: 'an all-numeric top-level domain in a DestinationRule',
      files: { 'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\nspec:\n  host: reviews.123\n' },
      expected: [['ML0019', 'DestinationRule default/r', 'spec.host']],
      at: ['dr.yaml:6:9'],
    },
    {
      name: 'gateway hosts: a short name, a bad namespace, a partial wildcard',
      files: { 'gw.yaml': GW('[reviews, "my ns/a.example.com", "*foo.example.com"]') },
      expected: [
        ['ML0019', 'Gateway default/gw', 'spec.servers[0].hosts[0]'],
        ['ML0019', 'Gateway default/gw', 'spec.servers[0].hosts[1]'],
        ['ML0019', 'Gateway default/gw', 'spec.servers[0].hosts[2]'],
      ],
      at: ['gw.yaml:9:15', 'gw.yaml:9:24', 'gw.yaml:9:47'],
    },
    {
      name: 'sidecar egress hosts without a namespace, or with an empty one',
      files: { 'sc.yaml': SIDECAR('[api.example.com, "/api.example.com"]') },
      expected: [
        ['ML0019', 'Sidecar default/default', 'spec.egress[0].hosts[0]'],
        ['ML0019', 'Sidecar default/default', 'spec.egress[0].hosts[1]'],
      ],
      at: ['sc.yaml:7:15', 'sc.yaml:7:32'],
    },
  ],
});

describe('ML0019 messages', () => {
  it('say why a host is refused and how to write it', () => {
    const messages = (files: Record<string, string>) => allFindings(engineWith(files, [invalidHost])).map((f) => `${span(f)} ${f.message}`);
    assert.deepEqual(messages({ 'se.yaml': SE('["*"]', 'NONE') }), [
      '6:11-6:14 A ServiceEntry host cannot be "*" ("hostname cannot be wildcard"); name the host, or use a wildcard such as *.example.com.',
    ]);
    assert.deepEqual(messages({ 'vs.yaml': VS('["*", api_v1.example.com]') }), [
      '6:11-6:14 Host "*" is not allowed in a VirtualService bound to the mesh (no gateways, or "mesh" among them); name the hosts it routes.',
      '6:16-6:34 "api_v1.example.com" is not a valid host name (label "api_v1" invalid): use DNS labels of letters, digits and \'-\' separated by dots, with "*" only as the whole first label.',
    ]);
    assert.deepEqual(messages({ 'gw.yaml': GW('[reviews]'), 'sc.yaml': SIDECAR('[api.example.com]') }), [
      '9:15-9:22 "reviews" is a short name; Gateway hosts must be fully qualified (reviews.prod.svc.cluster.local, *.example.com) or "*".',
      '7:15-7:30 Sidecar egress host "api.example.com" must have the form namespace/host, such as ./*, istio-system/* or */api.example.com.',
    ]);
  });
});
