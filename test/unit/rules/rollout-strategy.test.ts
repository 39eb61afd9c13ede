import * as assert from 'node:assert/strict';
import { rolloutStrategy } from '../../../src/core/analysis/rules/rollouts/rollout-strategy';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const C = 'spec.strategy.canary';
const B = 'spec.strategy.blueGreen';
const ISTIO = 'canary:\n  canaryService: shop-canary\n  stableService: shop-stable\n  trafficRouting:\n    istio:\n      virtualService:\n        name: shop\n';

testRule(rolloutStrategy, {
  valid: [
    {
      name: 'a plain canary',
      files: { 'a.yaml': rollout('canary:\n  steps:\n  - setWeight: 20\n') },
    },
    {
      name: 'blue-green with two Services',
      files: {
        'a.yaml': rollout('blueGreen:\n  activeService: shop-active\n  previewService: shop-preview\n'),
      },
    },
    { name: 'Istio with both Services', files: { 'a.yaml': rollout(ISTIO) } },
    {
      name: 'Istio subsets need no Services',
      files: {
        'a.yaml': rollout(
          'canary:\n  trafficRouting:\n    istio:\n      virtualService: {name: shop}\n      destinationRule: {name: shop, canarySubsetName: canary, stableSubsetName: stable}\n',
        ),
      },
    },
    {
      name: 'ping-pong with ALB and a root Service',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n  trafficRouting:\n    alb: {ingress: shop, rootService: shop-root, servicePort: 80}\n'),
      },
    },
    {
      name: 'ping-pong with Istio (upstream e2e)',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n  trafficRouting:\n    istio:\n      virtualService: {name: shop}\n'),
      },
    },
    {
      name: 'maxSurge 0 with the default maxUnavailable',
      files: { 'a.yaml': rollout('canary:\n  maxSurge: 0\n') },
    },
    {
      name: 'maxSurge "0%" with maxUnavailable 1',
      files: {
        'a.yaml': rollout('canary:\n  maxSurge: "0%"\n  maxUnavailable: 1\n'),
      },
    },
    {
      name: 'scaleDownDelayRevisionLimit within the default history of 10',
      files: {
        'a.yaml': rollout('blueGreen:\n  activeService: a\n  previewService: b\n  scaleDownDelayRevisionLimit: 10\n'),
      },
    },
    {
      name: 'antiAffinity with one form',
      files: {
        'a.yaml': rollout('canary:\n  antiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n      weight: 50\n'),
      },
    },
    {
      name: 'nginx with a stable Ingress',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    nginx: {stableIngress: shop}\n'),
      },
    },
    {
      name: 'strategy the schema cannot read is left to the schema rules',
      files: { 'a.yaml': rollout('canary: 5\n') },
    },
  ],
  invalid: [
    {
      name: 'no strategy',
      files: { 'a.yaml': rollout('{}\n') },
      expected: [['ML3001', R, 'spec.strategy']],
      at: ['a.yaml:20:3'],
    },
    {
      name: 'no spec.strategy at all',
      files: {
        'a.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: shop\nspec:\n  replicas: 1\n',
      },
      expected: [['ML3001', R, 'spec']],
      at: ['a.yaml:5:1'],
    },
    {
      name: 'both strategies',
      files: {
        'a.yaml': rollout('canary: {}\nblueGreen: {activeService: a}\n'),
      },
      expected: [['ML3001', R, `${B}`]],
      at: ['a.yaml:22:5'],
    },
    {
      name: 'same canary and stable Service',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: shop\n  stableService: shop\n'),
      },
      expected: [['ML3001', R, `${C}.stableService`]],
      at: ['a.yaml:23:22'],
    },
    {
      name: 'same active and preview Service',
      files: {
        'a.yaml': rollout('blueGreen:\n  activeService: shop\n  previewService: shop\n'),
      },
      expected: [['ML3001', R, `${B}.previewService`]],
      at: ['a.yaml:23:23'],
    },
    {
      name: 'maxSurge and maxUnavailable zero',
      files: {
        'a.yaml': rollout('canary:\n  maxSurge: "0%"\n  maxUnavailable: 0\n'),
      },
      expected: [['ML3001', R, `${C}.maxSurge`]],
      at: ['a.yaml:22:17'],
    },
    {
      name: 'traffic routing without Services',
      files: { 'a.yaml': rollout('canary:\n  trafficRouting:\n    smi: {}\n') },
      expected: [
        ['ML3001', R, `${C}.trafficRouting`],
        ['ML3001', R, `${C}.trafficRouting`],
      ],
      at: ['a.yaml:22:7', 'a.yaml:22:7'],
    },
    {
      name: 'scaleDownDelaySeconds and dynamicStableScale without traffic routing',
      files: {
        'a.yaml': rollout('canary:\n  scaleDownDelaySeconds: 30\n  dynamicStableScale: true\n'),
      },
      expected: [
        ['ML3001', R, `${C}.scaleDownDelaySeconds`],
        ['ML3001', R, `${C}.dynamicStableScale`],
      ],
      at: ['a.yaml:22:7', 'a.yaml:23:7'],
    },
    {
      name: 'dynamicStableScale with scaleDownDelaySeconds',
      files: {
        'a.yaml': rollout(`${ISTIO}  scaleDownDelaySeconds: 30\n  dynamicStableScale: true\n`),
      },
      expected: [['ML3001', R, `${C}.dynamicStableScale`]],
      at: ['a.yaml:29:7'],
    },
    {
      name: 'ping-pong: same Services, unsupported router',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: p, pongService: p}\n  trafficRouting:\n    nginx: {stableIngress: shop}\n'),
      },
      expected: [
        ['ML3001', R, `${C}.pingPong`],
        ['ML3001', R, `${C}.pingPong.pongService`],
      ],
      at: ['a.yaml:22:7', 'a.yaml:22:47'],
    },
    {
      name: 'ping-pong with ALB and no root Service',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n  trafficRouting:\n    alb: {ingress: shop}\n'),
      },
      expected: [['ML3001', R, `${C}.trafficRouting.alb`]],
      at: ['a.yaml:24:9'],
    },
    {
      name: 'antiAffinity with both forms and a bad weight',
      files: {
        'a.yaml': rollout(
          'canary:\n  antiAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution: {}\n    preferredDuringSchedulingIgnoredDuringExecution:\n      weight: 0\n',
        ),
      },
      expected: [
        ['ML3001', R, `${C}.antiAffinity`],
        ['ML3001', R, `${C}.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight`],
      ],
      at: ['a.yaml:22:7', 'a.yaml:25:19'],
    },
    {
      name: 'scaleDownDelayRevisionLimit above revisionHistoryLimit',
      files: {
        'a.yaml': rollout(
          'blueGreen:\n  activeService: a\n  previewService: b\n  scaleDownDelayRevisionLimit: 3\n',
          'revisionHistoryLimit: 2\nselector: {matchLabels: {app: shop}}\n',
        ),
      },
      expected: [['ML3001', R, `${B}.scaleDownDelayRevisionLimit`]],
      at: ['a.yaml:12:36'],
    },
    {
      name: 'Istio with neither virtualService nor virtualServices',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    istio: {}\n'),
      },
      expected: [['ML3001', R, `${C}.trafficRouting.istio`]],
      at: ['a.yaml:25:9'],
    },
    {
      name: 'ALB with both ingress and ingresses; NGINX with neither',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    alb: {ingress: a, ingresses: [b]}\n    nginx: {}\n'),
      },
      expected: [
        ['ML3001', R, `${C}.trafficRouting.nginx`],
        ['ML3001', R, `${C}.trafficRouting.alb`],
      ],
      at: ['a.yaml:25:9', 'a.yaml:26:9'],
    },
    {
      name: 'maxTrafficWeight with a router that ignores it',
      files: {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    maxTrafficWeight: 1000\n    smi: {}\n'),
      },
      expected: [['ML3001', R, `${C}.trafficRouting.maxTrafficWeight`]],
      at: ['a.yaml:25:9'],
    },
  ],
});

describe('ML3001 messages', () => {
  it('quote the controller', () => {
    assert.deepEqual(messagesOf(rolloutStrategy, { 'a.yaml': rollout('{}\n') }), [
      "Rollout has missing field '.spec.strategy.canary or .spec.strategy.blueGreen': add a canary or a blueGreen strategy.",
    ]);
    assert.deepEqual(
      messagesOf(rolloutStrategy, {
        'a.yaml': rollout('canary:\n  canaryService: shop\n  stableService: shop\n  maxSurge: 0\n  maxUnavailable: 0\n'),
      }),
      [
        'This rollout uses the same service for the stable and canary services, but two different services are required. Both are "shop".',
        'MaxSurge and MaxUnavailable both can not be zero: the rollout could neither add nor remove a pod.',
      ],
    );
    assert.deepEqual(
      messagesOf(rolloutStrategy, {
        'a.yaml': rollout('canary:\n  canaryService: c\n  stableService: s\n  trafficRouting:\n    istio: {}\n'),
      }),
      ['either VirtualService or VirtualServices must be configured. Neither are configured.'],
    );
  });
});
