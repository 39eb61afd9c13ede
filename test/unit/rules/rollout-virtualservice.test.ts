import * as assert from 'node:assert/strict';
import { rolloutVirtualservice } from '../../../src/core/analysis/rules/rollouts/rollout-virtualservice';
import { allFindings, applyFix, engineWith, span, uri } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const VS_NAME = 'spec.strategy.canary.trafficRouting.istio.virtualService.name';
const istio = (vs: string, extra = '') =>
  rollout(`canary:\n  canaryService: shop-canary\n  stableService: shop-stable\n  trafficRouting:\n    istio:\n      virtualService:\n${vs}${extra}`);
const vs = (spec: string, name = 'shop') => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\nspec:\n  hosts: [shop]\n${spec}`;
const BOTH = '    - destination:\n        host: shop-stable\n      weight: 100\n    - destination:\n        host: shop-canary.default.svc.cluster.local\n      weight: 0\n';
const STABLE_ONLY = '    - destination:\n        host: shop-stable\n      weight: 100\n';
const SUBSETS = '      destinationRule:\n        name: shop\n        canarySubsetName: canary\n        stableSubsetName: stable\n';
const DR =
  'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: shop\nspec:\n  host: shop\n  subsets:\n  - {name: stable, labels: {app: shop}}\n  - {name: canary, labels: {app: shop}}\n';

testRule(rolloutVirtualservice, {
  valid: [
    {
      name: 'the single HTTP route has both Services',
      files: {
        'a.yaml': istio('        name: shop\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${BOTH}`),
      },
    },
    {
      name: 'named routes, plus another route the Rollout does not patch',
      files: {
        'a.yaml': istio('        name: shop\n        routes: [primary]\n'),
        'vs.yaml': vs(`  http:\n  - name: primary\n    route:\n${BOTH}  - name: other\n    route:\n${STABLE_ONLY}`),
      },
    },
    {
      name: 'subsets of a DestinationRule that defines them',
      files: {
        'a.yaml': istio('        name: shop\n', SUBSETS),
        'vs.yaml': vs('  http:\n  - route:\n    - destination: {host: shop, subset: stable}\n      weight: 100\n    - destination: {host: shop, subset: canary}\n'),
        'dr.yaml': DR,
      },
    },
    {
      name: 'a TCP route matched by port',
      files: {
        'a.yaml': istio('        name: shop\n        tcpRoutes:\n        - port: 5432\n'),
        'vs.yaml': vs(`  tcp:\n  - match:\n    - port: 5432\n    route:\n${BOTH}`),
      },
    },
    {
      name: 'a VirtualService in another namespace, named name.namespace',
      files: {
        'a.yaml': istio('        name: shop.mesh\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${BOTH}`).replace('  name: shop\n', '  name: shop\n  namespace: mesh\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'ping-pong: the route needs the ping and the pong Service',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n  trafficRouting:\n    istio:\n      virtualService:\n        name: shop\n'),
        'vs.yaml': vs('  http:\n  - route:\n    - destination: {host: ping}\n      weight: 100\n'),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:26:19'],
    },
    {
      name: 'the route lacks the canary Service',
      files: {
        'a.yaml': istio('        name: shop\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${STABLE_ONLY}`),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:27:19'],
    },
    {
      name: 'several HTTP routes and no routes list',
      files: {
        'a.yaml': istio('        name: shop\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${BOTH}  - route:\n${BOTH}`),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:27:19'],
    },
    {
      name: 'a named route the VirtualService does not have',
      files: {
        'a.yaml': istio('        name: shop\n        routes: [primary]\n'),
        'vs.yaml': vs(`  http:\n  - name: main\n    route:\n${BOTH}`),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:27:19'],
    },
    {
      name: 'no routes at all',
      files: {
        'a.yaml': istio('        name: shop\n'),
        'vs.yaml': vs('  gateways: [mesh]\n'),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:27:19'],
    },
    {
      name: 'the canary subset is not in the route, nor in the DestinationRule',
      files: {
        'a.yaml': istio('        name: shop\n', SUBSETS),
        'vs.yaml': vs('  http:\n  - route:\n    - destination: {host: shop, subset: stable}\n'),
        'dr.yaml': DR.replace('  - {name: canary, labels: {app: shop}}\n', ''),
      },
      expected: [
        ['ML3005', R, VS_NAME],
        ['ML3005', R, 'spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName'],
      ],
      at: ['a.yaml:27:19', 'a.yaml:30:31'],
    },
    {
      name: 'TLS route not matched',
      files: {
        'a.yaml': istio('        name: shop\n        tlsRoutes:\n        - port: 443\n          sniHosts: [shop.example.com]\n'),
        'vs.yaml': vs(`  tls:\n  - match:\n    - port: 443\n      sniHosts: [other.example.com]\n    route:\n${BOTH}`),
      },
      expected: [['ML3005', R, VS_NAME]],
      at: ['a.yaml:27:19'],
    },
    {
      name: 'a missing VirtualService: near miss is an error, another namespace is unresolved',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    istio:\n      virtualServices:\n      - name: shp\n      - name: shop.mesh\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${BOTH}`),
      },
      expected: [
        ['ML3005', R, 'spec.strategy.canary.trafficRouting.istio.virtualServices[0].name'],
        ['ML3005', R, 'spec.strategy.canary.trafficRouting.istio.virtualServices[1].name'],
      ],
      at: ['a.yaml:27:19', 'a.yaml:28:19'],
    },
  ],
});

describe('ML3005 messages and related locations', () => {
  it('quote the controller', () => {
    assert.deepEqual(
      messagesOf(rolloutVirtualservice, {
        'a.yaml': istio('        name: shop\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${STABLE_ONLY}`),
      }),
      ["Istio VirtualService has invalid HTTP routes. Error: Canary Service 'shop-canary' not found in route"],
    );
    assert.deepEqual(
      messagesOf(rolloutVirtualservice, {
        'a.yaml': istio('        name: shop\n        routes: [primary]\n'),
        'vs.yaml': vs(`  http:\n  - route:\n${BOTH}`),
      }),
      ["Istio VirtualService has invalid HTTP routes. Error: HTTP Route 'primary' is not found in the defined Virtual Service."],
    );
    assert.deepEqual(
      messagesOf(rolloutVirtualservice, {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n  trafficRouting:\n    istio:\n      virtualService:\n        name: shop\n'),
        'vs.yaml': vs('  http:\n  - route:\n    - destination: {host: ping}\n      weight: 100\n'),
      }),
      ["Istio VirtualService has invalid HTTP routes. Error: Canary Service 'pong' not found in route"],
    );
  });

  it('points at the route in the VirtualService; severities follow the unresolved rule', () => {
    const [f] = allFindings(
      engineWith(
        {
          'a.yaml': istio('        name: shop\n'),
          'vs.yaml': vs(`  http:\n  - route:\n${STABLE_ONLY}`),
        },
        [rolloutVirtualservice],
      ),
    );
    assert.deepEqual(
      f.related.map((r) => [r.uri, span(r)]),
      [[uri('vs.yaml'), '8:5-8:10']],
    );
    const missing = allFindings(
      engineWith(
        {
          'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    istio:\n      virtualServices:\n      - name: shp\n      - name: shop.mesh\n'),
          'vs.yaml': vs(`  http:\n  - route:\n${BOTH}`),
        },
        [rolloutVirtualservice],
      ),
    );
    assert.deepEqual(
      missing.map((m) => [m.severity, m.unresolved ?? false, m.message]),
      [
        ['error', false, 'VirtualService "shp" not found in namespace default (did you mean "shop"?).'],
        ['warning', true, 'VirtualService "shop" not found in namespace mesh.'],
      ],
    );
  });
});

describe('ML3005 quick fixes (edits in the VirtualService file)', () => {
  const relint = (rollout_: string, vsText: string, extra: Record<string, string> = {}) =>
    allFindings(engineWith({ 'a.yaml': rollout_, 'vs.yaml': vsText, ...extra }, [rolloutVirtualservice]));

  it("adds the missing canary destination with weight 0 at the route's indentation", () => {
    const ro = istio('        name: shop\n');
    const text = vs(`  http:\n  - route:\n${STABLE_ONLY}`);
    const [f] = relint(ro, text);
    assert.equal(f.fixes.length, 1);
    assert.equal(f.fixes[0].title, 'Add a destination for the canary Service shop-canary (weight 0) to VirtualService shop');
    assert.ok(f.fixes[0].edits.every((e) => e.uri === uri('vs.yaml')));
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs(`  http:\n  - route:\n${STABLE_ONLY}    - destination:\n        host: shop-canary\n      weight: 0\n`));
    assert.deepEqual(relint(ro, fixed), []);
  });

  it('adds the missing subset destination, also at the end of a file without a final newline', () => {
    const ro = istio('        name: shop\n', SUBSETS);
    const text = vs('  http:\n  - route:\n    - destination:\n        host: shop\n        subset: stable').replace(/\n$/, '');
    const [f] = relint(ro, text, { 'dr.yaml': DR });
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(fixed.endsWith('        subset: stable\n    - destination:\n        host: shop\n        subset: canary\n      weight: 0\n'), fixed);
    assert.deepEqual(relint(ro, fixed, { 'dr.yaml': DR }), []);
  });

  it('adds a missing named route with both destinations', () => {
    const ro = istio('        name: shop\n        routes: [primary]\n');
    const text = vs(`  http:\n  - name: main\n    route:\n${BOTH}`);
    const [f] = relint(ro, text);
    assert.equal(f.fixes[0].title, 'Add HTTP route primary (stable 100, canary 0) to VirtualService shop');
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(
      fixed.endsWith(
        '  - name: primary\n    route:\n    - destination:\n        host: shop-stable\n      weight: 100\n    - destination:\n        host: shop-canary\n      weight: 0\n',
      ),
      fixed,
    );
    assert.deepEqual(relint(ro, fixed), []);
  });
});
