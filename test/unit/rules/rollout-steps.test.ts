import * as assert from 'node:assert/strict';
import { rolloutSteps } from '../../../src/core/analysis/rules/rollouts/rollout-steps';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const S = 'spec.strategy.canary.steps';
const ISTIO =
  '  canaryService: c\n  stableService: s\n  trafficRouting:\n    managedRoutes:\n    - name: header\n    istio:\n      virtualService: {name: shop, routes: [primary]}\n';
const steps = (list: string, routing = '') => rollout(`canary:\n${routing}  steps:\n${list}`);

testRule(rolloutSteps, {
  valid: [
    {
      name: 'weights, pauses, analysis',
      files: {
        'a.yaml': steps('  - setWeight: 20\n  - pause: {duration: 1m}\n  - analysis:\n      templates: [{templateName: t}]\n  - setWeight: 100\n'),
      },
    },
    {
      name: 'a header route listed in managedRoutes',
      files: {
        'a.yaml': steps('  - setHeaderRoute:\n      name: header\n      match:\n      - headerName: x-canary\n        headerValue: {exact: "yes"}\n', ISTIO),
      },
    },
    {
      name: 'setCanaryScale with traffic routing',
      files: { 'a.yaml': steps('  - setCanaryScale: {replicas: 1}\n', ISTIO) },
    },
    {
      name: 'a weight up to maxTrafficWeight',
      files: {
        'a.yaml': steps('  - setWeight: 500\n', '  canaryService: c\n  stableService: s\n  trafficRouting:\n    maxTrafficWeight: 1000\n    nginx: {stableIngress: i}\n'),
      },
    },
    {
      name: 'fieldRef to a label',
      files: {
        'a.yaml': steps(
          '  - analysis:\n      templates: [{templateName: t}]\n      args:\n      - name: app\n        valueFrom:\n          fieldRef: {fieldPath: "metadata.labels[\'app\']"}\n',
        ),
      },
    },
    {
      name: 'blue-green has no steps',
      files: { 'a.yaml': rollout('blueGreen: {activeService: a}\n') },
    },
  ],
  invalid: [
    {
      name: 'a step with nothing',
      files: { 'a.yaml': steps('  - {}\n') },
      expected: [['ML3003', R, `${S}[0]`]],
      at: ['a.yaml:23:9'],
    },
    {
      name: 'two actions in one step',
      files: { 'a.yaml': steps('  - setWeight: 20\n    pause: {}\n') },
      expected: [['ML3003', R, `${S}[0].pause`]],
      at: ['a.yaml:24:9'],
    },
    {
      name: 'weights out of range',
      files: { 'a.yaml': steps('  - setWeight: 120\n  - setWeight: -5\n') },
      expected: [
        ['ML3003', R, `${S}[0].setWeight`],
        ['ML3003', R, `${S}[1].setWeight`],
      ],
      at: ['a.yaml:23:20', 'a.yaml:24:20'],
    },
    {
      name: 'setCanaryScale without traffic routing',
      files: { 'a.yaml': steps('  - setCanaryScale: {weight: 20}\n') },
      expected: [['ML3003', R, `${S}[0].setCanaryScale`]],
      at: ['a.yaml:23:9'],
    },
    {
      name: 'experiment weight without traffic routing',
      files: {
        'a.yaml': steps('  - experiment:\n      templates:\n      - {name: exp, specRef: canary, weight: 5}\n'),
      },
      expected: [['ML3003', R, `${S}[0].experiment.templates[0].weight`]],
      at: ['a.yaml:25:50'],
    },
    {
      name: 'experiment weight with NGINX',
      files: {
        'a.yaml': steps(
          '  - experiment:\n      templates:\n      - {name: exp, specRef: canary, weight: 5}\n',
          '  canaryService: c\n  stableService: s\n  trafficRouting:\n    nginx: {stableIngress: i}\n',
        ),
      },
      expected: [['ML3003', R, `${S}[0].experiment.templates[0].weight`]],
      at: ['a.yaml:29:50'],
    },
    {
      name: 'header route without managedRoutes',
      files: {
        'a.yaml': steps(
          '  - setHeaderRoute: {name: header, match: [{headerName: x, headerValue: {exact: y}}]}\n',
          '  canaryService: c\n  stableService: s\n  trafficRouting:\n    istio:\n      virtualService: {name: shop}\n',
        ),
      },
      expected: [['ML3003', R, `${S}[0].setHeaderRoute`]],
      at: ['a.yaml:28:9'],
    },
    {
      name: 'header route not in managedRoutes, match without a value',
      files: {
        'a.yaml': steps('  - setHeaderRoute:\n      name: headr\n      match:\n      - headerName: x-canary\n        headerValue: {}\n', ISTIO),
      },
      expected: [
        ['ML3003', R, `${S}[0].setHeaderRoute.match[0].headerValue`],
        ['ML3003', R, `${S}[0].setHeaderRoute.name`],
      ],
      at: ['a.yaml:31:17', 'a.yaml:34:13'],
    },
    {
      name: 'mirror route without Istio, path with two values',
      files: {
        'a.yaml': steps('  - setMirrorRoute:\n      name: mirror\n      match:\n      - path: {exact: /a, prefix: /b}\n'),
      },
      expected: [
        ['ML3003', R, `${S}[0].setMirrorRoute`],
        ['ML3003', R, `${S}[0].setMirrorRoute.match[0].path`],
      ],
      at: ['a.yaml:23:9', 'a.yaml:26:13'],
    },
    {
      name: 'setCanaryScale with replicas and weight, and a weight over 100 (warnings)',
      files: { 'a.yaml': steps('  - setCanaryScale:\n      replicas: 2\n      weight: 120\n', ISTIO) },
      expected: [
        ['ML3003', R, `${S}[0].setCanaryScale.weight`],
        ['ML3003', R, `${S}[0].setCanaryScale.weight`],
      ],
      at: ['a.yaml:32:11', 'a.yaml:32:19'],
    },
    {
      name: 'fieldRef the downward API does not offer',
      files: {
        'a.yaml': steps(
          '  - analysis:\n      templates: [{templateName: t}]\n      args:\n      - name: app\n        valueFrom:\n          fieldRef: {fieldPath: "metadata.label[\'app\']"}\n',
        ),
      },
      expected: [['ML3003', R, `${S}[0].analysis.args[0].valueFrom.fieldRef.fieldPath`]],
      at: ['a.yaml:28:37'],
    },
    {
      name: 'background analysis starting after the last step (a warning)',
      files: {
        'a.yaml': rollout('canary:\n  analysis:\n    templates: [{templateName: t}]\n    startingStep: 3\n  steps:\n  - setWeight: 20\n'),
      },
      expected: [['ML3003', R, 'spec.strategy.canary.analysis.startingStep']],
      at: ['a.yaml:24:23'],
    },
  ],
});

describe('ML3003 messages', () => {
  it('quote the controller', () => {
    assert.deepEqual(
      messagesOf(rolloutSteps, {
        'a.yaml': steps('  - setWeight: 120\n  - setCanaryScale: {weight: 20}\n  - setHeaderRoute: {name: h}\n'),
      }),
      [
        'SetWeight needs to be between 0 and 100, not 120.',
        'SetCanaryScale requires TrafficRouting to be set: without it the canary weight is the share of pods, so the scale cannot be set apart from it.',
        'SetHeaderRoute requires TrafficRouting, supports Istio and ALB and Apisix.',
      ],
    );
    assert.deepEqual(
      messagesOf(rolloutSteps, {
        'a.yaml': steps('  - setHeaderRoute: {name: headr}\n', ISTIO),
      }),
      ['Steps define a route that does not exist in spec.strategy.canary.trafficRouting.managedRoutes: "headr" (managed routes: header).'],
    );
  });
});
