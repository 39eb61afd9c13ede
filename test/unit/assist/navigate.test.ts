import * as assert from 'node:assert/strict';
import { definition, referenceCounts, references } from '../../../src/core/assist/index';
import { at, offsetsOf, shown, uri, WORLD, yaml } from './world';

function defs(name: string, marked: string, files = WORLD) {
  const { engine, uri: u, offset } = at(name, marked, files);
  return definition(engine, u, offset);
}

function refs(name: string, marked: string, includeDeclaration = false): string[] {
  const { engine, uri: u, offset } = at(name, marked);
  return references(engine, u, offset, { includeDeclaration }).map((l) => shown(engine, l));
}

describe('assist definition', () => {
  it('a short host: the Service name, exact offsets', () => {
    assert.deepEqual(defs('shop/istio.yaml', '    host: rev¦iews\n        subset: v1'), [offsetsOf('shop/services.yaml', 'name: «reviews»\n')]);
  });

  it('a FQDN host of another namespace: that Service', () => {
    assert.deepEqual(defs('shop/istio.yaml', 'host: payments¦.pay.svc.cluster.local'), [offsetsOf('pay/services.yaml', 'name: «payments»')]);
  });

  it('a ServiceEntry host: the hosts entry, when it is exported to the namespace', () => {
    assert.deepEqual(defs('shop/istio.yaml', 'host: bank¦.example.com'), [], 'exportTo: ["."] hides it from shop');
    const files = { ...WORLD, 'pay/services.yaml': WORLD['pay/services.yaml'].replace('exportTo: ["."]', 'exportTo: ["*"]') };
    assert.deepEqual(defs('shop/istio.yaml', 'host: bank¦.example.com', files), [offsetsOf('pay/services.yaml', 'hosts: [«bank.example.com»]', files)]);
  });

  it('a subset: the subset entry of the DestinationRule (FQDN host) that applies to the short host', () => {
    assert.deepEqual(defs('shop/istio.yaml', 'subset: v¦2'), [offsetsOf('shop/istio.yaml', '  - «name: v2\n    labels:\n      version: v2»')]);
  });

  it('a destination port: the Service port entry', () => {
    assert.deepEqual(defs('shop/istio.yaml', 'number: 90¦80'), [offsetsOf('shop/services.yaml', '  - «name: http\n    port: 9080\n    targetPort: 9080»')]);
  });

  it('a gateway `ns/name`: the Gateway; `mesh`: nothing', () => {
    assert.deepEqual(defs('shop/istio.yaml', '- edge/w¦eb'), [offsetsOf('edge/gateway.yaml', 'name: «web»')]);
    assert.deepEqual(defs('shop/istio.yaml', '- me¦sh'), []);
  });

  it('Rollout references: Services, VirtualService, route entry, DestinationRule, subset, template, argument', () => {
    const r = 'shop/rollout.yaml';
    assert.deepEqual(defs(r, 'canaryService: reviews-¦canary'), [offsetsOf('shop/services.yaml', 'name: «reviews-canary»')]);
    assert.deepEqual(defs(r, 'stableService: rev¦iews'), [offsetsOf('shop/services.yaml', 'name: «reviews»\n')]);
    const vsName = offsetsOf('shop/istio.yaml', 'kind: VirtualService\nmetadata:\n  name: «reviews»');
    assert.deepEqual(defs(r, '    name: rev¦iews\n            routes:'), [vsName]);
    assert.deepEqual(defs(r, '- prim¦ary'), [offsetsOf('shop/istio.yaml', '  - «name: primary\n    route:\n    - destination:\n        host: reviews\n        subset: v1\n        port:\n          number: 9080\n      weight: 80\n    - destination:\n        host: reviews\n        subset: v2\n      weight: 20»')]);
    assert.deepEqual(defs(r, '    name: rev¦iews\n            canarySubsetName'), [offsetsOf('shop/istio.yaml', 'kind: DestinationRule\nmetadata:\n  name: «reviews»')]);
    assert.deepEqual(defs(r, 'stableSubsetName: v¦1'), [offsetsOf('shop/istio.yaml', '  - «name: v1\n    labels:\n      version: v1»')]);
    assert.deepEqual(defs(r, 'templateName: succ¦ess-rate'), [offsetsOf('shop/analysis.yaml', '  name: «success-rate»\n  namespace')]);
    assert.deepEqual(defs(r, '- name: service¦-name'), [offsetsOf('shop/analysis.yaml', '  - «name: service-name»')]);
  });

  it('a name in another namespace does not resolve; `name.namespace` for a VirtualService does', () => {
    const files = {
      ...WORLD,
      'other/rollout.yaml': yaml`
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        metadata: {name: r, namespace: other}
        spec:
          strategy:
            canary:
              stableService: reviews
              trafficRouting:
                istio:
                  virtualService:
                    name: reviews.shop
      `,
    };
    assert.deepEqual(defs('other/rollout.yaml', 'stableService: rev¦iews', files), []);
    assert.deepEqual(defs('other/rollout.yaml', 'name: rev¦iews.shop', files), [offsetsOf('shop/istio.yaml', 'kind: VirtualService\nmetadata:\n  name: «reviews»')]);
  });

  it('a probe port and a selector label', () => {
    assert.deepEqual(defs('shop/rollout.yaml', 'port: ht¦tp'), [offsetsOf('shop/rollout.yaml', '    - «name: http\n          containerPort: 9080»')]);
    assert.deepEqual(defs('shop/services.yaml', '  selector:\n    app: revi¦ews\n  ports:\n  - name: http\n    port: 9080\n    targetPort'), [
      offsetsOf('shop/rollout.yaml', '    labels:\n        app: «reviews»'),
    ]);
  });

  it('nothing on a plain field or outside any manifest', () => {
    assert.deepEqual(defs('shop/rollout.yaml', 'replicas: ¦2'), []);
    assert.deepEqual(definition(at('shop/rollout.yaml', 'replicas: ¦2').engine, uri('nope.yaml'), 0), []);
  });
});

describe('assist references', () => {
  it('a Service name: destinations (short and FQDN), DestinationRule hosts, Rollout services, across files', () => {
    assert.deepEqual(refs('shop/services.yaml', 'name: revi¦ews\n  namespace'), [
      'shop/istio.yaml: reviews.shop.svc.cluster.local',
      'shop/istio.yaml: reviews',
      'shop/istio.yaml: reviews',
      'shop/rollout.yaml: reviews',
    ]);
    const located = references(at('shop/services.yaml', 'name: revi¦ews\n  namespace').engine, uri('shop/services.yaml'), offsetsOf('shop/services.yaml', 'name: «reviews»\n').start);
    assert.deepEqual(located[3], offsetsOf('shop/rollout.yaml', 'stableService: «reviews»'));
  });

  it('with the declaration when asked', () => {
    assert.deepEqual(refs('pay/services.yaml', 'name: paym¦ents', true), ['pay/services.yaml: payments', 'shop/istio.yaml: payments.pay.svc.cluster.local']);
  });

  it('a Service hidden by exportTo has no references from other namespaces', () => {
    assert.deepEqual(refs('pay/services.yaml', 'name: led¦ger'), []);
  });

  it('a subset name: VirtualService subsets and Rollout subset names', () => {
    assert.deepEqual(refs('shop/istio.yaml', '- name: v¦2'), ['shop/istio.yaml: v2', 'shop/rollout.yaml: v2']);
    assert.deepEqual(refs('shop/istio.yaml', '- name: v¦1'), ['shop/istio.yaml: v1', 'shop/rollout.yaml: v1']);
  });

  it('a route name: the Rollout routes entry', () => {
    assert.deepEqual(refs('shop/istio.yaml', '- name: prim¦ary'), ['shop/rollout.yaml: primary']);
  });

  it('VirtualService, DestinationRule, Gateway and template names', () => {
    assert.deepEqual(refs('shop/istio.yaml', 'kind: VirtualService\nmetadata:\n  name: rev¦iews'), ['shop/rollout.yaml: reviews']);
    assert.deepEqual(refs('shop/istio.yaml', 'kind: DestinationRule\nmetadata:\n  name: rev¦iews'), ['shop/rollout.yaml: reviews']);
    assert.deepEqual(refs('edge/gateway.yaml', 'name: w¦eb'), ['shop/istio.yaml: edge/web']);
    assert.deepEqual(refs('shop/analysis.yaml', '  name: succ¦ess-rate\n  namespace'), ['shop/rollout.yaml: success-rate']);
  });

  it('from a reference: the other references to what it names', () => {
    assert.deepEqual(refs('shop/rollout.yaml', 'canarySubsetName: v¦2', true), ['shop/istio.yaml: name: v2\n    labels:\n      version: v2', 'shop/istio.yaml: v2', 'shop/rollout.yaml: v2']);
  });

  it('a workload name: the selectors that pick it (its own too), once each', () => {
    assert.deepEqual(refs('shop/rollout.yaml', '  name: rev¦iews\n  namespace'), ['shop/rollout.yaml: app: reviews', 'shop/services.yaml: app: reviews', 'shop/services.yaml: app: reviews']);
  });
});

describe('assist reference counts', () => {
  it('counts references from other objects to VirtualServices, DestinationRules, Services and Rollouts', () => {
    const { engine } = at('shop/istio.yaml', '- name: prim¦ary');
    const counts = (name: string) => referenceCounts(engine.index, uri(name)).map((c) => `${c.object}: ${c.count}`);
    assert.deepEqual(counts('shop/istio.yaml'), ['DestinationRule shop/reviews: 5', 'VirtualService shop/reviews: 2']);
    assert.deepEqual(counts('shop/services.yaml'), ['Service shop/reviews: 5', 'Service shop/reviews-canary: 1']);
    assert.deepEqual(counts('shop/rollout.yaml'), ['Rollout shop/reviews: 2']);
    assert.deepEqual(counts('pay/services.yaml'), ['Service pay/payments: 1', 'Service pay/ledger: 0']);
    assert.deepEqual(counts('edge/gateway.yaml'), [], 'Gateways get no lens');
  });

  it('lists the references it counts, the subsets and routes included', () => {
    const { engine } = at('shop/istio.yaml', '- name: prim¦ary');
    const [dr, vs] = referenceCounts(engine.index, uri('shop/istio.yaml'));
    assert.deepEqual(
      dr.references.map((l) => shown(engine, l)),
      ['shop/istio.yaml: v1', 'shop/istio.yaml: v2', 'shop/rollout.yaml: reviews', 'shop/rollout.yaml: v2', 'shop/rollout.yaml: v1'],
    );
    assert.deepEqual(
      vs.references.map((l) => shown(engine, l)),
      ['shop/rollout.yaml: reviews', 'shop/rollout.yaml: primary'],
    );
    const [rollout] = referenceCounts(engine.index, uri('shop/rollout.yaml'));
    assert.deepEqual(
      rollout.references.map((l) => shown(engine, l)),
      ['shop/services.yaml: app: reviews', 'shop/services.yaml: app: reviews'],
      'its own selector is not counted',
    );
  });

  it('gives the document and the name ranges for the lens', () => {
    const { engine } = at('shop/istio.yaml', '- name: prim¦ary');
    const [dr] = referenceCounts(engine.index, uri('shop/istio.yaml'));
    const name = offsetsOf('shop/istio.yaml', 'kind: DestinationRule\nmetadata:\n  name: «reviews»');
    assert.deepEqual(dr.nameRange, { start: name.start, end: name.end });
    assert.equal(dr.range.start, 0);
  });
});

describe('assist navigation: cluster-scoped templates', () => {
  const files = {
    ...WORLD,
    'cluster.yaml': yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: ClusterAnalysisTemplate
      metadata:
        name: error-budget
      spec:
        args:
        - name: service-name
        metrics:
        - name: budget
          provider:
            prometheus:
              address: http://prometheus.monitoring:9090
              query: vector(1)
    `,
    'shop/rollout.yaml': WORLD['shop/rollout.yaml'].replace('          - templateName: success-rate\n', '          - templateName: success-rate\n          - templateName: error-budget\n            clusterScope: true\n'),
  };

  it('`clusterScope: true` resolves to the ClusterAnalysisTemplate, and an argument to both templates', () => {
    assert.deepEqual(defs('shop/rollout.yaml', 'templateName: error¦-budget', files), [offsetsOf('cluster.yaml', 'name: «error-budget»', files)]);
    assert.deepEqual(defs('shop/rollout.yaml', '- name: service¦-name', files), [offsetsOf('shop/analysis.yaml', '  - «name: service-name»'), offsetsOf('cluster.yaml', '  - «name: service-name»', files)]);
  });

  it('references to a ClusterAnalysisTemplate and to its argument', () => {
    const { engine } = at('shop/rollout.yaml', 'templateName: error¦-budget', files);
    const name = offsetsOf('cluster.yaml', 'name: «error-budget»', files);
    assert.deepEqual(
      references(engine, name.uri, name.start).map((l) => shown(engine, l)),
      ['shop/rollout.yaml: error-budget'],
    );
    const arg = offsetsOf('cluster.yaml', '  - name: «service-name»', files);
    assert.deepEqual(
      references(engine, arg.uri, arg.start).map((l) => shown(engine, l)),
      ['shop/rollout.yaml: service-name'],
    );
  });
});

describe('assist navigation: experiments and ping-pong Services', () => {
  const files = {
    ...WORLD,
    'shop/experiment.yaml': yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: Rollout
      metadata:
        name: trial
        namespace: shop
      spec:
        strategy:
          canary:
            pingPong:
              pingService: reviews
              pongService: reviews-canary
            steps:
            - experiment:
                templates:
                - name: baseline
                  specRef: stable
                analyses:
                - name: check
                  templateName: success-rate
                  args:
                  - name: threshold
                    value: "0.99"
    `,
  };

  it('resolves an experiment analysis, its argument and the ping/pong Services', () => {
    const f = 'shop/experiment.yaml';
    assert.deepEqual(defs(f, 'templateName: success¦-rate', files), [offsetsOf('shop/analysis.yaml', '  name: «success-rate»\n  namespace')]);
    assert.deepEqual(defs(f, '- name: thres¦hold', files), [offsetsOf('shop/analysis.yaml', '  - «name: threshold\n    value: "0.95"»')]);
    assert.deepEqual(defs(f, 'pongService: reviews¦-canary', files), [offsetsOf('shop/services.yaml', 'name: «reviews-canary»')]);
    const { engine } = at(f, 'pingService: revi¦ews', files);
    const name = offsetsOf('shop/analysis.yaml', '  name: «success-rate»\n  namespace');
    assert.deepEqual(
      references(engine, name.uri, name.start).map((l) => shown(engine, l)),
      ['shop/experiment.yaml: success-rate', 'shop/rollout.yaml: success-rate'],
    );
  });
});
