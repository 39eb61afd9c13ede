import * as assert from 'node:assert/strict';
import { k8sGatewayAddressConflict as rule } from '../../../src/core/analysis/rules/istio/gateway-api/k8s-gateway-address-conflict';
import { allFindings, engineWith, span } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

/** A Gateway whose address i is on line 9 + i; `    - {value: ` puts a value at column 15. */
const gw = (name: string, addresses: string[], opts: { namespace?: string; unnamed?: boolean } = {}) =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n${opts.unnamed ? '' : `  name: ${name}\n`}  namespace: ${opts.namespace ?? 'istio-ingress'}\nspec:\n  gatewayClassName: istio\n  addresses:\n${addresses.map((a) => `    - ${a}\n`).join('')}  listeners: [{name: http, port: 80, protocol: HTTP}]\n`;

testRule(rule, {
  valid: [
    { name: 'different addresses', files: { 'a.yaml': gw('a', ['{value: 203.0.113.10}']), 'b.yaml': gw('b', ['{value: 203.0.113.11}']) } },
    { name: 'the same value with different types', files: { 'a.yaml': gw('a', ['{value: gw.example.com, type: Hostname}']), 'b.yaml': gw('b', ['{value: gw.example.com, type: example.com/NamedAddress}']) } },
    { name: 'copies of one Gateway', files: { 'a.yaml': gw('a', ['{value: 203.0.113.10}']), 'b.yaml': gw('a', ['{value: 203.0.113.10}']) } },
    {
      name: 'kustomize overlays are rendered apart',
      files: {
        'overlays/prod/kustomization.yaml': 'resources: [gw.yaml]\n',
        'overlays/prod/gw.yaml': gw('prod', ['{value: 203.0.113.10}']),
        'overlays/dev/kustomization.yaml': 'resources: [gw.yaml]\n',
        'overlays/dev/gw.yaml': gw('dev', ['{value: 203.0.113.10}']),
      },
    },
  ],
  invalid: [
    {
      name: 'an IP address with and without its default type, across namespaces',
      files: { 'a.yaml': gw('a', ['{value: 203.0.113.9}', '{value: 203.0.113.10}']), 'b.yaml': gw('b', ['{value: 203.0.113.10, type: IPAddress}'], { namespace: 'partners' }) },
      expected: [
        ['ML1173', 'Gateway istio-ingress/a', 'spec.addresses[1].value'],
        ['ML1173', 'Gateway partners/b', 'spec.addresses[0].value'],
      ],
      at: ['a.yaml:10:15', 'b.yaml:9:15'],
    },
    {
      name: 'two unnamed Gateways with one Hostname address',
      files: { 'a.yaml': `${gw('', ['{value: gw.example.com, type: Hostname}'], { unnamed: true })}---\n${gw('', ['{value: gw.example.com, type: Hostname}'], { unnamed: true })}` },
      expected: [
        ['ML1173', 'Gateway istio-ingress/<unnamed>', 'spec.addresses[0].value'],
        ['ML1173', 'Gateway istio-ingress/<unnamed>', 'spec.addresses[0].value'],
      ],
      at: ['a.yaml:8:15', 'a.yaml:18:15'],
    },
  ],
});

describe('ML1173 message and ranges', () => {
  it('names the address, its type and the other Gateway, and points at its address', () => {
    const found = allFindings(engineWith({ 'a.yaml': gw('a', ['{value: 203.0.113.10}']), 'b.yaml': gw('b', ['{value: 203.0.113.10}']) }, [rule]));
    assert.deepEqual(
      found.map((f) => [f.message, f.severity, span(f)]),
      [
        ['Address 203.0.113.10 (IPAddress) is also requested by Gateway istio-ingress/b: more than one Gateway for the same address and type.', 'warning', '9:15-9:27'],
        ['Address 203.0.113.10 (IPAddress) is also requested by Gateway istio-ingress/a: more than one Gateway for the same address and type.', 'warning', '9:15-9:27'],
      ],
    );
    assert.deepEqual(found[0].related.map((r) => [r.uri.slice(r.uri.lastIndexOf('/') + 1), span(r), r.message]), [['b.yaml', '9:15-9:27', 'Gateway istio-ingress/b requests the same address']]);
    assert.deepEqual(found[0].upstream, ['KIA1502']);
  });
});
