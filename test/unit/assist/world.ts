import type { ManifestEngine } from '../../../src/core/analysis/engine';
import type { Location } from '../../../src/core/assist/index';
import { engineWith, uri, WS } from '../helpers/engine';
import { CURSOR, withCursor, yaml } from './cursor';

/**
 * A small mesh in three namespaces for hover, definition, references and symbols: `shop` routes to
 * its own `reviews` (short host, subsets, a Gateway in another namespace), to `payments` in `pay`
 * by FQDN, and to a ServiceEntry exported only to `pay`; a Rollout drives the `reviews` traffic.
 */
export const WORLD: Record<string, string> = {
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
        targetPort: 9080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: reviews-canary
      namespace: shop
    spec:
      selector:
        app: reviews
      ports:
      - name: http
        port: 9080
  `,
  'shop/rollout.yaml': yaml`
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata:
      name: reviews
      namespace: shop
    spec:
      replicas: 2
      selector:
        matchLabels:
          app: reviews
      template:
        metadata:
          labels:
            app: reviews
            version: v2
        spec:
          containers:
          - name: app
            image: example/reviews:2
            ports:
            - name: http
              containerPort: 9080
            readinessProbe:
              httpGet:
                path: /ready
                port: http
      strategy:
        canary:
          canaryService: reviews-canary
          stableService: reviews
          trafficRouting:
            istio:
              virtualService:
                name: reviews
                routes:
                - primary
              destinationRule:
                name: reviews
                canarySubsetName: v2
                stableSubsetName: v1
          steps:
          - setWeight: 20
          - pause: {duration: 10m}
          - analysis:
              templates:
              - templateName: success-rate
              args:
              - name: service-name
                value: reviews
  `,
  'shop/istio.yaml': yaml`
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata:
      name: reviews
      namespace: shop
    spec:
      host: reviews.shop.svc.cluster.local
      subsets:
      - name: v1
        labels:
          version: v1
      - name: v2
        labels:
          version: v2
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata:
      name: reviews
      namespace: shop
    spec:
      hosts:
      - reviews.example.com
      gateways:
      - edge/web
      - mesh
      http:
      - name: primary
        route:
        - destination:
            host: reviews
            subset: v1
            port:
              number: 9080
          weight: 80
        - destination:
            host: reviews
            subset: v2
          weight: 20
      - name: pay
        route:
        - destination:
            host: payments.pay.svc.cluster.local
      - route:
        - destination:
            host: bank.example.com
      tcp:
      - route:
        - destination:
            host: ledger.pay.svc.cluster.local
  `,
  'shop/analysis.yaml': yaml`
    apiVersion: argoproj.io/v1alpha1
    kind: AnalysisTemplate
    metadata:
      name: success-rate
      namespace: shop
    spec:
      args:
      - name: service-name
      - name: threshold
        value: "0.95"
      metrics:
      - name: success-rate
        interval: 1m
        successCondition: result[0] >= 0.95
        provider:
          prometheus:
            address: http://prometheus.monitoring:9090
            query: sum(rate(requests{service="{{args.service-name}}"}[1m]))
  `,
  'edge/gateway.yaml': yaml`
    apiVersion: networking.istio.io/v1
    kind: Gateway
    metadata:
      name: web
      namespace: edge
    spec:
      selector:
        istio: ingressgateway
      servers:
      - port:
          number: 443
          name: https
          protocol: HTTPS
        hosts:
        - reviews.example.com
        tls:
          mode: SIMPLE
          credentialName: reviews-cert
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
      - name: tcp
        port: 5432
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
  `,
};

/** The world with the cursor put in one file: `marked` is a unique snippet of it with `¦` in it. */
export function at(name: string, marked: string, files: Record<string, string> = WORLD): { engine: ManifestEngine; uri: string; offset: number } {
  const plain = marked.replace(CURSOR, '');
  const text = files[name];
  const first = text.indexOf(plain);
  if (first < 0 || text.indexOf(plain, first + 1) >= 0) throw new Error(`"${plain}" must occur exactly once in ${name}`);
  const { text: full, offset } = withCursor(text.slice(0, first) + marked + text.slice(first + plain.length));
  return { engine: engineFor(files, name, full), uri: uri(name), offset };
}

const engines = new Map<string, ManifestEngine>();

/** Engines are shared between tests that read the same files (nothing here edits them). */
function engineFor(files: Record<string, string>, name: string, text: string): ManifestEngine {
  if (files === WORLD && text === WORLD[name]) {
    let e = engines.get('world');
    if (!e) engines.set('world', (e = engineWith(WORLD)));
    return e;
  }
  return engineWith({ ...files, [name]: text });
}

/** `file: text` of a location: what the editor would select. */
export function shown(engine: ManifestEngine, l: Location): string {
  const text = engine.index.get(l.uri)!.file!.text;
  return `${l.uri.slice(WS.length + 1)}: ${text.slice(l.start, l.end)}`;
}

/** The offsets of a unique snippet of a fixture file (the snippet `needle`, or the part of it inside «guillemets»). */
export function offsetsOf(name: string, needle: string, files: Record<string, string> = WORLD): Location {
  const open = needle.indexOf('«');
  const close = needle.indexOf('»');
  const plain = open >= 0 ? needle.slice(0, open) + needle.slice(open + 1, close) + needle.slice(close + 1) : needle;
  const text = files[name];
  const first = text.indexOf(plain);
  if (first < 0 || text.indexOf(plain, first + 1) >= 0) throw new Error(`"${plain}" must occur exactly once in ${name}`);
  const start = first + (open >= 0 ? open : 0);
  return { uri: uri(name), start, end: start + (open >= 0 ? close - open - 1 : plain.length) };
}

export { uri, yaml };
