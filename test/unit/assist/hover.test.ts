import * as assert from 'node:assert/strict';
import { hover, rolloutEstimates } from '../../../src/core/assist/index';
import { at, offsetsOf, shown, WORLD } from './world';

function hoverAt(name: string, marked: string) {
  const { engine, uri, offset } = at(name, marked);
  const h = hover(engine, uri, offset);
  return { h, engine, targets: h?.targets.map((l) => shown(engine, l)) ?? [] };
}

const has = (text: string | undefined, ...parts: string[]) => {
  for (const p of parts) assert.ok(text?.includes(p), `expected ${JSON.stringify(p)} in:\n${text}`);
};

describe('assist hover: fields', () => {
  it('a key: the field from the catalog with its type, required and fields', () => {
    const { h } = hoverAt('shop/istio.yaml', '  - name: primary\n    ro¦ute:');
    has(h?.contents, '**route**', '`list of object`');
    assert.deepEqual(h?.targets, []);
  });

  it('an enum value: the allowed values', () => {
    const { h } = hoverAt('pay/services.yaml', 'resolution: D¦NS');
    has(h?.contents, '**resolution**', '`enum`', 'Values:', '`DNS`', '`STATIC`');
  });

  it('a required field says so', () => {
    const { h } = hoverAt('shop/istio.yaml', '    - destination:\n        ho¦st: reviews\n        subset: v1');
    has(h?.contents, '**host**', 'required');
  });

  it('the range is the token under the cursor', () => {
    const { h } = hoverAt('pay/services.yaml', 'resolution: D¦NS');
    assert.deepEqual(h?.range, { start: offsetsOf('pay/services.yaml', 'resolution: «DNS»').start, end: offsetsOf('pay/services.yaml', 'resolution: «DNS»').end });
  });
});

describe('assist hover: Istio references', () => {
  it('a short destination host: the Service with its ports, selector and workloads, then the field', () => {
    const { h, targets } = hoverAt('shop/istio.yaml', '        host: revie¦ws\n        subset: v1');
    has(h?.contents, '**Service shop/reviews**', '`9080 http → 9080`', 'Selector: `app=reviews`', 'Selects: Rollout shop/reviews', '[Service shop/reviews](file:///ws/shop/services.yaml#L4)', '**host**');
    assert.deepEqual(targets, ['shop/services.yaml: reviews']);
  });

  it('a FQDN host of another namespace resolves to that Service', () => {
    const { h, targets } = hoverAt('shop/istio.yaml', 'host: payments.pay¦.svc.cluster.local');
    has(h?.contents, '**Service pay/payments**', '`80 http`');
    assert.deepEqual(targets, ['pay/services.yaml: payments']);
  });

  it('a host exported only to its own namespace does not resolve, and says so', () => {
    const ledger = hoverAt('shop/istio.yaml', 'host: ledger¦.pay.svc.cluster.local');
    has(ledger.h?.contents, '**Not found:** `ledger.pay.svc.cluster.local`', 'Service or ServiceEntry host visible to this VirtualService');
    assert.deepEqual(ledger.targets, []);
    const bank = hoverAt('shop/istio.yaml', 'host: bank¦.example.com');
    has(bank.h?.contents, '**Not found:** `bank.example.com`');
  });

  it('a subset: its labels and the workloads they select with the Service selector', () => {
    const v2 = hoverAt('shop/istio.yaml', 'subset: v¦2');
    has(v2.h?.contents, '**Subset `v2`** of DestinationRule shop/reviews', 'Labels: `version=v2`', 'Selects: Rollout shop/reviews');
    assert.deepEqual(v2.targets, ['shop/istio.yaml: name: v2\n    labels:\n      version: v2']);
    const v1 = hoverAt('shop/istio.yaml', 'subset: v¦1');
    has(v1.h?.contents, 'Labels: `version=v1`', 'Selects: no workload in the workspace');
  });

  it('a destination port: the Service port', () => {
    const { h, targets } = hoverAt('shop/istio.yaml', 'number: 90¦80');
    has(h?.contents, '**Port 9080** (http, target port 9080) of Service shop/reviews');
    assert.deepEqual(targets, ['shop/services.yaml: name: http\n    port: 9080\n    targetPort: 9080']);
  });

  it('a gateway in another namespace: its servers; `mesh` is explained, not missing', () => {
    const { h, targets } = hoverAt('shop/istio.yaml', '- edge/w¦eb');
    has(h?.contents, '**Gateway edge/web**', 'port 443/HTTPS (https): `reviews.example.com`', 'Selector: `istio=ingressgateway`');
    assert.deepEqual(targets, ['edge/gateway.yaml: web']);
    const mesh = hoverAt('shop/istio.yaml', '- me¦sh');
    has(mesh.h?.contents, '`mesh`: the sidecars of the mesh');
    assert.ok(!mesh.h?.contents.includes('Not found'));
  });

  it('a DestinationRule host (FQDN) resolves to the Service', () => {
    const { targets } = hoverAt('shop/istio.yaml', 'host: reviews.shop¦.svc.cluster.local');
    assert.deepEqual(targets, ['shop/services.yaml: reviews']);
  });
});

describe('assist hover: Rollout references', () => {
  it('canaryService and stableService: the Services', () => {
    const c = hoverAt('shop/rollout.yaml', 'canaryService: reviews-c¦anary');
    has(c.h?.contents, '**Service shop/reviews-canary**', 'Ports: `9080 http`');
    assert.deepEqual(c.targets, ['shop/services.yaml: reviews-canary']);
  });

  it('the VirtualService, its route, the DestinationRule and its subsets', () => {
    assert.deepEqual(hoverAt('shop/rollout.yaml', '    name: revi¦ews\n            routes:').targets, ['shop/istio.yaml: reviews']);
    const route = hoverAt('shop/rollout.yaml', '- prim¦ary');
    has(route.h?.contents, '**Route `primary`** (http[0]) of VirtualService shop/reviews', '`reviews` subset `v1` weight 80');
    const dr = hoverAt('shop/rollout.yaml', '    name: revi¦ews\n            canarySubsetName');
    has(dr.h?.contents, '**DestinationRule shop/reviews**', 'Subsets: `v1`, `v2`');
    const subset = hoverAt('shop/rollout.yaml', 'canarySubsetName: v¦2');
    has(subset.h?.contents, '**Subset `v2`**', 'Labels: `version=v2`');
  });

  it('an analysis template: its args and metrics; an argument: how it is supplied', () => {
    const t = hoverAt('shop/rollout.yaml', 'templateName: success¦-rate');
    has(t.h?.contents, '**AnalysisTemplate shop/success-rate**', '- `service-name` (required)', '- `threshold` = `0.95`', '- `success-rate` (prometheus): `result[0] >= 0.95`');
    assert.deepEqual(t.targets, ['shop/analysis.yaml: success-rate']);
    const a = hoverAt('shop/rollout.yaml', '- name: service¦-name');
    has(a.h?.contents, '**Argument `service-name`** of AnalysisTemplate shop/success-rate · required');
  });

  it('a probe port by name: the container port', () => {
    const { h, targets } = hoverAt('shop/rollout.yaml', 'port: ht¦tp');
    has(h?.contents, '**Port 9080/TCP** `http` of container `app` in Rollout shop/reviews');
    assert.deepEqual(targets, ['shop/rollout.yaml: name: http\n          containerPort: 9080']);
  });

  it('a selector label: the workloads it picks', () => {
    const { h, targets } = hoverAt('shop/services.yaml', '  selector:\n    app: revi¦ews\n  ports:\n  - name: http\n    port: 9080\n    targetPort');
    has(h?.contents, '**Rollout shop/reviews**: pod labels `app=reviews`, `version=v2`');
    assert.deepEqual(targets, ['shop/rollout.yaml: reviews']);
  });
});

describe('assist hover: ServiceEntries and sources', () => {
  it('a ServiceEntry host exported to all: its hosts, ports, resolution and exportTo', () => {
    const files = { ...WORLD, 'pay/services.yaml': WORLD['pay/services.yaml'].replace('exportTo: ["."]', 'exportTo: ["*"]') };
    const { engine, uri, offset } = at('shop/istio.yaml', 'host: bank¦.example.com', files);
    const h = hover(engine, uri, offset);
    has(h?.contents, '**ServiceEntry pay/bank**', 'Hosts: `bank.example.com`', 'Ports: `443 https HTTPS`', 'resolution: DNS', 'Exported to: `*`');
    assert.deepEqual(
      h?.targets.map((l) => shown(engine, l)),
      ['pay/services.yaml: bank.example.com'],
    );
  });

  it('answers from a bare workspace index as from the engine', () => {
    const { engine, uri, offset } = at('shop/istio.yaml', 'subset: v¦2');
    assert.deepEqual(hover(engine.index, uri, offset), hover(engine, uri, offset));
  });

  it('nothing outside a manifest or on a document marker', () => {
    const { engine, uri } = at('shop/istio.yaml', 'subset: v¦2');
    assert.equal(hover(engine, 'file:///ws/none.yaml', 0), undefined);
    assert.equal(hover(engine, uri, WORLD['shop/istio.yaml'].indexOf('---') + 1), undefined);
  });
});

describe('assist hover: findings and rollout time', () => {
  it('on a finding: the rule, what it checks and how to fix it', () => {
    const { engine, uri } = at('shop/rollout.yaml', '- ¦name: app');
    const found = engine.findings(uri);
    assert.ok(found.length > 0, 'the fixture Rollout has findings');
    const f = found[0];
    const lines = engine.index.get(uri)!.file!.lines;
    const h = hover(engine, uri, lines.offsetAt(f.range.start));
    const meta = engine.metaOf(f.code)!;
    has(h?.contents, `**${f.code} ${f.ruleId}**`, meta.title, `*How to fix:* ${meta.remediation}`);
    // Outside every finding's range, no rule text.
    const quiet = hover(engine, uri, offsetsOf('shop/rollout.yaml', 'replicas: «2»').start);
    assert.ok(!quiet?.contents.includes('*How to fix:*'), quiet?.contents);
  });

  it('on canary steps: how long the rollout takes to reach 100%', () => {
    const { h } = hoverAt('shop/rollout.yaml', 'setWeight: ¦20');
    has(h?.contents, '**Rollout time:**', '20%', '10m');
    const { h: elsewhere } = hoverAt('shop/rollout.yaml', 'replicas: ¦2');
    assert.ok(!elsewhere?.contents.includes('Rollout time'), elsewhere?.contents);
  });

  it('a lens per Rollout with canary steps, on its steps key', () => {
    const { engine, uri } = at('shop/rollout.yaml', 'repl¦icas: 2');
    const lenses = rolloutEstimates(engine.index, uri);
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0].range, { start: offsetsOf('shop/rollout.yaml', '«steps»:').start, end: offsetsOf('shop/rollout.yaml', '«steps»:').end });
    has(lenses[0].text, 'to 100%', '10m');
  });
});
