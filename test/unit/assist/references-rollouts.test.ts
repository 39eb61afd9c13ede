import * as assert from 'node:assert/strict';
import { yaml } from './cursor';
import { completeIn, labels } from './helpers';

const WORLD: Record<string, string> = {
  'shop.yaml': yaml`
    apiVersion: v1
    kind: Service
    metadata: {name: shop-stable, namespace: shop}
    spec:
      selector: {app: shop}
      ports: [{name: http, port: 80}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: shop-canary, namespace: shop}
    spec:
      selector: {app: shop}
      ports: [{name: http, port: 80}]
    ---
    apiVersion: v1
    kind: Service
    metadata: {name: elsewhere, namespace: other}
    spec:
      ports: [{name: http, port: 80}]
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: shop, namespace: shop}
    spec:
      hosts: [shop]
      http:
      - name: primary
        route:
        - destination: {host: shop-stable}
        - destination: {host: shop-canary}
      - name: secondary
        route:
        - destination: {host: shop-stable}
    ---
    apiVersion: networking.istio.io/v1
    kind: VirtualService
    metadata: {name: edge, namespace: other}
    spec:
      hosts: [edge]
      http:
      - name: edge-route
        route:
        - destination: {host: elsewhere}
    ---
    apiVersion: networking.istio.io/v1
    kind: DestinationRule
    metadata: {name: shop, namespace: shop}
    spec:
      host: shop
      subsets:
      - name: stable
        labels: {app: shop}
      - name: canary
        labels: {app: shop}
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: AnalysisTemplate
    metadata: {name: success-rate, namespace: shop}
    spec:
      args:
      - name: interval
        value: 1m
      - name: service-name
      - name: namespace
        valueFrom:
          fieldRef: {fieldPath: metadata.namespace}
      metrics:
      - name: success
        successCondition: result[0] >= 0.95
        provider:
          prometheus:
            address: http://prometheus:9090
            query: sum(rate(x{service="{{args.service-name}}"}[{{args.interval}}]))
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: AnalysisTemplate
    metadata: {name: latency, namespace: shop}
    spec:
      args:
      - name: threshold
      metrics:
      - name: p99
        successCondition: result[0] < {{args.threshold}}
        provider:
          prometheus:
            address: http://prometheus:9090
            query: x
    ---
    apiVersion: argoproj.io/v1alpha1
    kind: ClusterAnalysisTemplate
    metadata: {name: global-errors}
    spec:
      args:
      - name: app
      metrics:
      - name: errors
        successCondition: result[0] < 1
        provider:
          prometheus:
            address: http://prometheus:9090
            query: x
  `,
};

/** A canary Rollout in `shop` whose `canary:` mapping holds `lines` (indented under it). */
function canary(lines: string): Record<string, string> {
  const body = lines
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return {
    ...WORLD,
    'rollout.yaml': `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers:\n      - name: shop\n        image: shop\n  strategy:\n    canary:\n${body}\n`,
  };
}

describe('assist: Argo Rollouts references', () => {
  it('canaryService / stableService: the Services of the namespace', () => {
    const { items } = completeIn(canary('canaryService: ¦'));
    assert.deepEqual(items.map((i) => [i.label, i.kind, i.detail]), [
      ['shop-canary', 'reference', 'Service shop/shop-canary'],
      ['shop-stable', 'reference', 'Service shop/shop-stable'],
    ]);
    assert.deepEqual(labels(canary('canaryService: shop-canary\nstableService: shop-s¦')), ['shop-canary', 'shop-stable']);
  });

  it('activeService / previewService of a blue-green Rollout', () => {
    const files = canary('canaryService: x');
    files['rollout.yaml'] = files['rollout.yaml'].replace(/ {4}canary:\n.*$/s, '    blueGreen:\n      activeService: shop-stable\n      previewService: ¦\n');
    assert.deepEqual(labels(files), ['shop-canary', 'shop-stable']);
  });

  it('trafficRouting.istio.virtualService.name: own namespace by name, others as name.namespace', () => {
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    virtualService:\n      name: ¦')), ['shop', 'edge.other']);
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    virtualServices:\n    - name: ¦')), ['shop', 'edge.other']);
  });

  it('routes: the http route names of that VirtualService, not those already listed', () => {
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    virtualService:\n      name: shop\n      routes:\n      - ¦')), ['primary', 'secondary']);
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    virtualService:\n      name: shop\n      routes:\n      - primary\n      - ¦')), ['secondary']);
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    virtualServices:\n    - name: edge.other\n      routes: [¦]')), ['edge-route']);
  });

  it('destinationRule.name and its subset names', () => {
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    destinationRule:\n      name: ¦')), ['shop']);
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    destinationRule:\n      name: shop\n      canarySubsetName: ¦')), ['stable', 'canary']);
    assert.deepEqual(labels(canary('trafficRouting:\n  istio:\n    destinationRule:\n      stableSubsetName: ¦\n      name: shop')), ['stable', 'canary']);
  });

  it('analysis templateName: AnalysisTemplates, or ClusterAnalysisTemplates with clusterScope', () => {
    const { items } = completeIn(canary('steps:\n- setWeight: 20\n- analysis:\n    templates:\n    - templateName: ¦'));
    assert.deepEqual(items.map((i) => i.label), ['latency', 'success-rate']);
    assert.equal(items[1].documentation, 'Args: interval, service-name, namespace');
    assert.deepEqual(labels(canary('analysis:\n  templates:\n  - clusterScope: true\n    templateName: ¦')), ['global-errors']);
    const experiment = 'steps:\n- experiment:\n    templates:\n    - name: c\n      specRef: canary\n    analyses:\n    - name: a\n      templateName: ';
    assert.deepEqual(labels(canary(`${experiment}¦`)), ['latency', 'success-rate']);
    assert.deepEqual(labels(canary(`${experiment}latency\n      args:\n      - name: ¦`)), ['threshold']);
  });

  it('analysis args: the arguments of its templates, required first, not those given', () => {
    const { items } = completeIn(canary('analysis:\n  templates:\n  - templateName: success-rate\n  - templateName: latency\n  args:\n  - name: ¦'));
    assert.deepEqual(items.map((i) => [i.label, i.detail]), [
      ['service-name', 'required'],
      ['threshold', 'required'],
      ['interval', 'default: 1m'],
      ['namespace', 'optional'],
    ]);
    assert.deepEqual(labels(canary('analysis:\n  templates:\n  - templateName: success-rate\n  args:\n  - name: service-name\n    value: shop\n  - name: ¦')), ['interval', 'namespace']);
  });
});
