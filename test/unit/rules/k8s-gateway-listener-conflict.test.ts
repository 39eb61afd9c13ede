import * as assert from 'node:assert/strict';
import { k8sGatewayListenerConflict as rule } from '../../../src/core/analysis/rules/istio/gateway-api/k8s-gateway-listener-conflict';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

/** A Gateway whose listener i is on line 9 + i; `    - {hostname: ` puts a hostname at column 18. */
const gw = (name: string, listeners: string[], opts: { namespace?: string; unnamed?: boolean } = {}) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n${opts.unnamed ? '' : `  name: ${name}\n`}  namespace: ${opts.namespace ?? 'istio-ingress'}\nspec:\n  gatewayClassName: istio\n  listeners:\n${listeners.map((l) => `    - ${l}\n`).join('')}`;

const l = (hostname: string | undefined, port: number, protocol = 'HTTP') => `{${hostname ? `hostname: ${hostname}, ` : ''}port: ${port}, protocol: ${protocol}, name: l${port}}`;

testRule(rule, {
  valid: [
    { name: 'different hosts on a port', files: { 'a.yaml': gw('a', [l('shop.example.com', 80)]), 'b.yaml': gw('b', [l('api.example.com', 80)]) } },
    { name: 'a host on different ports, or with different protocols', files: { 'a.yaml': gw('a', [l('shop.example.com', 80)]), 'b.yaml': gw('b', [l('shop.example.com', 8080), l('shop.example.com', 80, 'HTTPS')]) } },
    { name: 'listeners without a hostname (any host) are not compared', files: { 'a.yaml': gw('a', [l(undefined, 80)]), 'b.yaml': gw('b', [l(undefined, 80)]) } },
    { name: 'one listener on its own, the same host twice in one Gateway (KIA1503, not this)', files: { 'a.yaml': gw('a', [l('shop.example.com', 80), l('shop.example.com', 80).replace('name: l80', 'name: again')]) } },
    { name: 'copies of one Gateway', files: { 'a.yaml': gw('a', [l('shop.example.com', 80)]), 'b.yaml': gw('a', [l('shop.example.com', 80)]) } },
    {
      name: 'kustomize overlays are rendered apart',
      files: {
        'overlays/prod/kustomization.yaml': 'resources: [gw.yaml]\n',
        'overlays/prod/gw.yaml': gw('prod', [l('shop.example.com', 80)]),
        'overlays/dev/kustomization.yaml': 'resources: [gw.yaml]\n',
        'overlays/dev/gw.yaml': gw('dev', [l('shop.example.com', 80)]),
      },
    },
  ],
  invalid: [
    {
      name: 'one of two listeners conflicts, across namespaces',
      files: { 'a.yaml': gw('a', [l('api.example.com', 80), l('shop.example.com', 443, 'HTTPS')]), 'b.yaml': gw('b', [l('shop.example.com', 443, 'HTTPS')], { namespace: 'shop' }) },
      expected: [
        ['ML1172', 'Gateway istio-ingress/a', 'spec.listeners[1].hostname'],
        ['ML1172', 'Gateway shop/b', 'spec.listeners[0].hostname'],
      ],
      at: ['a.yaml:10:18', 'b.yaml:9:18'],
    },
    {
      name: 'two unnamed Gateways are two objects, not copies of one',
      files: { 'a.yaml': `${gw('', [l('shop.example.com', 80)], { unnamed: true })}---\n${gw('', [l('shop.example.com', 80)], { unnamed: true })}` },
      expected: [
        ['ML1172', 'Gateway istio-ingress/<unnamed>', 'spec.listeners[0].hostname'],
        ['ML1172', 'Gateway istio-ingress/<unnamed>', 'spec.listeners[0].hostname'],
      ],
      at: ['a.yaml:8:18', 'a.yaml:17:18'],
    },
  ],
});

describe('ML1172 message and ranges', () => {
  it('names the listener, host, port and the other Gateways, and points at their listeners', () => {
    const found = allFindings(engineWith({ 'a.yaml': gw('a', [l('shop.example.com', 80)]), 'b.yaml': gw('b', [l('shop.example.com', 80)]), 'c.yaml': gw('c', [l('shop.example.com', 80)]) }, [rule]));
    assert.deepEqual(
      found.map((f) => [f.message, f.severity, span(f)]),
      [
        ['Listener "l80" for shop.example.com on port 80 (HTTP) is also declared by Gateway istio-ingress/b, Gateway istio-ingress/c: more than one Gateway for the same host and port.', 'warning', '9:18-9:34'],
        ['Listener "l80" for shop.example.com on port 80 (HTTP) is also declared by Gateway istio-ingress/a, Gateway istio-ingress/c: more than one Gateway for the same host and port.', 'warning', '9:18-9:34'],
        ['Listener "l80" for shop.example.com on port 80 (HTTP) is also declared by Gateway istio-ingress/a, Gateway istio-ingress/b: more than one Gateway for the same host and port.', 'warning', '9:18-9:34'],
      ],
    );
    assert.deepEqual(found[0].related.map((r) => [r.uri.slice(r.uri.lastIndexOf('/') + 1), span(r), r.message]), [
      ['b.yaml', '9:18-9:34', 'Gateway istio-ingress/b has a listener for the same host and port'],
      ['c.yaml', '9:18-9:34', 'Gateway istio-ingress/c has a listener for the same host and port'],
    ]);
    assert.deepEqual(found[0].upstream, ['KIA1501']);
  });
});
