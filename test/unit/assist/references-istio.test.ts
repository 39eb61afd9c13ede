import * as assert from 'node:assert/strict';
import { yaml } from './cursor';
import { completeIn, labels } from './helpers';

/** Services, ServiceEntries, DestinationRules and Gateways in three namespaces. */
const MESH: Record<string, string> = {
  'shop/services.yaml': yaml`
    apiVersion: v1
    kind: Service
    metadata:
      name: reviews
      namespace: shop
    spec:
      selector:
        app: reviews
      ports:
      - name: http
        port: 9080
      - name: grpc-admin
        port: 9090
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: ratings
      namespace: shop
    spec:
      selector:
        app: ratings
      ports:
      - name: http
        port: 8080
  `,
  'pay/services.yaml': yaml`
    apiVersion: v1
    kind: Service
    metadata:
      name: payments
      namespace: pay
    spec:
      selector:
        app: payments
      ports:
      - name: http
        port: 80
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: ledger
      namespace: pay
      annotations:
        networking.istio.io/exportTo: "."
    spec:
      ports:
      - name: http
        port: 80
  `,
  'external.yaml': yaml`
    apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata:
      name: stripe
      namespace: shop
    spec:
      hosts: [api.stripe.com]
      ports:
      - number: 443
        name: https
        protocol: HTTPS
      resolution: DNS
    ---
    apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata:
      name: bank
      namespace: pay
    spec:
      hosts: [bank.example.com]
      exportTo: ["."]
      ports:
      - number: 443
        name: https
        protocol: HTTPS
      resolution: DNS
    ---
    apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata:
      name: wildcard
      namespace: shop
    spec:
      hosts: ["*.googleapis.com"]
      ports:
      - number: 443
        name: https
        protocol: HTTPS
      resolution: NONE
  `,
  'shop/dr.yaml': yaml`
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata:
      name: reviews
      namespace: shop
    spec:
      host: reviews
      subsets:
      - name: v1
        labels:
          version: v1
      - name: v2
        labels:
          version: v2
    ---
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata:
      name: payments
      namespace: pay
    spec:
      host: payments.pay.svc.cluster.local
      subsets:
      - name: blue
        labels:
          color: blue
  `,
  'gateways.yaml': yaml`
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata:
      name: public
      namespace: istio-system
    spec:
      selector:
        istio: ingressgateway
      servers:
      - port: {number: 80, name: http, protocol: HTTP}
        hosts: ["shop.example.com"]
    ---
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata:
      name: internal
      namespace: shop
    spec:
      selector:
        istio: ingressgateway
      servers:
      - port: {number: 80, name: http, protocol: HTTP}
        hosts: ["*"]
  `,
};

/** A VirtualService in `ns` whose first destination ends with `lines` (indented under `destination`). */
function vs(ns: string, lines: string, extra = ''): Record<string, string> {
  const text = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: front\n  namespace: ${ns}\nspec:\n  hosts: [front]\n${extra}  http:\n  - route:\n    - destination:\n${lines
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n`;
  return { ...MESH, 'vs.yaml': text };
}

describe('assist: Istio references', () => {
  it('destination.host: own Services by short name, others as FQDN, ServiceEntry hosts, as exported', () => {
    assert.deepEqual(labels(vs('shop', 'host: ¦')), [
      'ratings',
      'reviews',
      'api.stripe.com',
      // `ledger` and `bank.example.com` are exported only to `pay`.
      'payments.pay.svc.cluster.local',
    ]);
    assert.deepEqual(labels(vs('pay', 'host: pa¦')), ['ledger', 'payments', 'api.stripe.com', 'bank.example.com', 'ratings.shop.svc.cluster.local', 'reviews.shop.svc.cluster.local']);
  });

  it('destination.host items say what they resolve to and replace the typed word', () => {
    const { items, text } = completeIn(vs('shop', 'host: rev¦'));
    const reviews = items.find((i) => i.label === 'reviews')!;
    assert.deepEqual([reviews.kind, reviews.detail], ['reference', 'Service shop/reviews']);
    assert.match(reviews.documentation!, /9080\/http, 9090\/grpc-admin/);
    assert.equal(text.slice(reviews.replaceRange.start, reviews.replaceRange.end), 'rev');
  });

  it('a VirtualService exported to another namespace sees what that namespace sees', () => {
    assert.deepEqual(labels(vs('shop', 'host: ¦', '  exportTo: [pay]\n')), ['ratings', 'reviews', 'api.stripe.com', 'bank.example.com', 'ledger.pay.svc.cluster.local', 'payments.pay.svc.cluster.local']);
  });

  it('subset: the subsets of the DestinationRule of that host, short or FQDN', () => {
    const { items } = completeIn(vs('shop', 'host: reviews\nsubset: ¦'));
    assert.deepEqual(items.map((i) => i.label), ['v1', 'v2']);
    assert.deepEqual([items[0].detail, items[0].documentation], ['DestinationRule shop/reviews', 'version=v1']);
    assert.deepEqual(labels(vs('shop', 'subset: ¦\nhost: payments.pay.svc.cluster.local')), ['blue']);
    // The same short name from another namespace is another host.
    assert.deepEqual(labels(vs('pay', 'host: reviews\nsubset: ¦')), []);
    assert.deepEqual(labels(vs('shop', 'host: nowhere\nsubset: ¦')), []);
  });

  it('port.number: the ports of the destination Service', () => {
    const { items } = completeIn(vs('shop', 'host: reviews\nport:\n  number: ¦'));
    assert.deepEqual(items.map((i) => [i.label, i.detail]), [['9080', 'http'], ['9090', 'grpc-admin']]);
    assert.deepEqual(labels(vs('shop', 'host: api.stripe.com\nport:\n  number: ¦')), ['443']);
  });

  it('gateways: `ns/name` with the own namespace first, then `mesh`; not those already listed', () => {
    const front = (gateways: string) => ({ ...MESH, 'vs.yaml': `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: front\n  namespace: shop\nspec:\n  hosts: [shop.example.com]\n  gateways:\n${gateways}\n  http:\n  - route:\n    - destination:\n        host: reviews\n` });
    assert.deepEqual(labels(front('  - ¦')), ['shop/internal', 'istio-system/public', 'mesh']);
    assert.deepEqual(labels(front('  - mesh\n  - ist¦')), ['shop/internal', 'istio-system/public']);
    assert.deepEqual(labels({ ...MESH, 'vs.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: f\n  namespace: shop\nspec:\n  gateways: [istio-system/public, ¦]\n' }), ['shop/internal', 'mesh']);
    const { items } = completeIn(front('  - ¦'));
    assert.equal(items[1].documentation, 'Hosts: shop.example.com');
  });

  it('DestinationRule host: hosts visible from its namespace', () => {
    const dr = (ns: string) => ({ ...MESH, 'new-dr.yaml': `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: x\n  namespace: ${ns}\nspec:\n  host: ¦\n` });
    assert.deepEqual(labels(dr('pay')), ['ledger', 'payments', 'api.stripe.com', 'bank.example.com', 'ratings.shop.svc.cluster.local', 'reviews.shop.svc.cluster.local']);
    assert.deepEqual(labels(dr('web')), ['api.stripe.com', 'payments.pay.svc.cluster.local', 'ratings.shop.svc.cluster.local', 'reviews.shop.svc.cluster.local']);
  });
});
