import * as assert from 'node:assert/strict';
import { rolloutSpec } from '../../../src/core/analysis/rules/rollouts/rollout-spec';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const CANARY = 'canary: {}\n';
const template = (labels: string) => `template:\n  metadata:\n    labels:\n${labels}  spec:\n    containers: [{name: shop, image: shop:1}]\n`;

testRule(rolloutSpec, {
  valid: [
    {
      name: 'selector equal to the template labels',
      files: { 'a.yaml': rollout(CANARY) },
    },
    {
      name: 'selector a subset of the labels',
      files: {
        'a.yaml': rollout(CANARY, `selector:\n  matchLabels: {app: shop}\n${template('      app: shop\n      tier: web\n')}`),
      },
    },
    {
      name: 'matchExpressions that hold',
      files: {
        'a.yaml': rollout(CANARY, `selector:\n  matchExpressions:\n  - {key: app, operator: In, values: [shop]}\n${template('      app: shop\n')}`),
      },
    },
    {
      name: 'workloadRef without template or selector',
      files: {
        'a.yaml': rollout(CANARY, 'workloadRef:\n  apiVersion: apps/v1\n  kind: Deployment\n  name: shop\n'),
      },
    },
    {
      name: 'progressDeadlineSeconds above minReadySeconds',
      files: {
        'a.yaml': rollout(CANARY, `minReadySeconds: 700\nprogressDeadlineSeconds: 900\nselector:\n  matchLabels: {app: shop}\n${template('      app: shop\n')}`),
      },
    },
  ],
  invalid: [
    {
      name: 'no selector',
      files: { 'a.yaml': rollout(CANARY, template('      app: shop\n')) },
      expected: [['ML3002', R, 'spec']],
      at: ['a.yaml:5:1'],
    },
    {
      name: 'empty selector',
      files: {
        'a.yaml': rollout(CANARY, `selector: {}\n${template('      app: shop\n')}`),
      },
      expected: [['ML3002', R, 'spec.selector']],
      at: ['a.yaml:6:3'],
    },
    {
      name: 'selector value differs from the template',
      files: {
        'a.yaml': rollout(CANARY, `selector:\n  matchLabels:\n    app: shop\n${template('      app: cart\n')}`),
      },
      expected: [['ML3002', R, 'spec.selector.matchLabels.app']],
      at: ['a.yaml:8:12'],
    },
    {
      name: 'matchExpressions that fail',
      files: {
        'a.yaml': rollout(CANARY, `selector:\n  matchExpressions:\n  - {key: app, operator: NotIn, values: [shop]}\n${template('      app: shop\n')}`),
      },
      expected: [['ML3002', R, 'spec.selector.matchExpressions[0]']],
      at: ['a.yaml:8:7'],
    },
    {
      name: 'workloadRef with a template',
      files: {
        'a.yaml': rollout(CANARY, `workloadRef:\n  kind: Deployment\n  name: shop\n${template('      app: shop\n')}`),
      },
      expected: [['ML3002', R, 'spec.template']],
      at: ['a.yaml:9:3'],
    },
    {
      name: 'negative replicas',
      files: {
        'a.yaml': rollout(CANARY, `replicas: -1\nselector:\n  matchLabels: {app: shop}\n${template('      app: shop\n')}`),
      },
      expected: [['ML3002', R, 'spec.replicas']],
      at: ['a.yaml:6:13'],
    },
    {
      name: 'minReadySeconds above the default progress deadline',
      files: {
        'a.yaml': rollout(CANARY, `minReadySeconds: 600\nselector:\n  matchLabels: {app: shop}\n${template('      app: shop\n')}`),
      },
      expected: [['ML3002', R, 'spec.minReadySeconds']],
      at: ['a.yaml:6:20'],
    },
  ],
});

describe('ML3002 messages', () => {
  it('quote the controller', () => {
    assert.deepEqual(
      messagesOf(rolloutSpec, {
        'a.yaml': rollout(CANARY, `replicas: -1\nminReadySeconds: 600\nselector: {}\n${template('      app: shop\n')}`),
      }),
      [
        'spec.replicas: must be greater than or equal to 0 (it is -1).',
        'spec.progressDeadlineSeconds (600, the default) must be greater than minReadySeconds (600).',
        'empty selector is invalid for deployment: it would select every pod in the namespace; list the template labels under matchLabels.',
      ],
    );
    assert.deepEqual(
      messagesOf(rolloutSpec, {
        'a.yaml': rollout(CANARY, template('      app: shop\n')),
      }),
      ["Rollout has missing field '.spec.selector': add spec.selector.matchLabels with the pod template's labels."],
    );
  });
});
