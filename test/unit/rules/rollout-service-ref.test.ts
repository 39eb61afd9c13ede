import * as assert from 'node:assert/strict';
import { DEFAULT_CONFIG } from '../../../src/core/analysis/config';
import { rolloutServiceRef } from '../../../src/core/analysis/rules/rollouts/rollout-service-ref';
import { allFindings, applyFix, engineWith, span, uri } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout, service } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const C = 'spec.strategy.canary';
const CANARY = 'canary:\n  canaryService: shop-canary\n  stableService: shop-stable\n';
const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  template:\n    metadata:\n      labels: {app: shop}\n';

testRule(rolloutServiceRef, {
  valid: [
    {
      name: 'both Services select the template labels',
      files: {
        'a.yaml': rollout(CANARY),
        's.yaml': `${service('shop-canary')}---\n${service('shop-stable')}`,
      },
    },
    {
      name: "the pod-template-hash label is the controller's",
      files: {
        'a.yaml': rollout(CANARY),
        's.yaml': `${service('shop-canary', 'app: shop\nrollouts-pod-template-hash: abc')}---\n${service('shop-stable')}`,
      },
    },
    {
      name: 'a label of canaryMetadata',
      files: {
        'a.yaml': rollout(`${CANARY}  canaryMetadata:\n    labels: {role: canary}\n`),
        's.yaml': `${service('shop-canary', 'app: shop\nrole: canary')}---\n${service('shop-stable')}`,
      },
    },
    {
      name: 'labels from the workloadRef Deployment',
      files: {
        'a.yaml': rollout('blueGreen: {activeService: shop-active}\n', 'workloadRef: {apiVersion: apps/v1, kind: Deployment, name: shop}\n'),
        'd.yaml': DEPLOYMENT,
        's.yaml': service('shop-active'),
      },
    },
    { name: 'no Services named', files: { 'a.yaml': rollout('canary: {}\n') } },
  ],
  invalid: [
    {
      name: 'a Service missing where the namespace has others: an error with a guess',
      files: {
        'a.yaml': rollout(CANARY),
        's.yaml': `${service('shop-canary')}---\n${service('shop-stabel')}`,
      },
      expected: [['ML3004', R, `${C}.stableService`]],
      at: ['a.yaml:23:22'],
    },
    {
      name: 'Services of a namespace the workspace has none of: unresolved',
      files: { 'a.yaml': rollout(CANARY) },
      expected: [
        ['ML3004', R, `${C}.canaryService`],
        ['ML3004', R, `${C}.stableService`],
      ],
      at: ['a.yaml:22:22', 'a.yaml:23:22'],
    },
    {
      name: 'a selector label the template does not have',
      files: {
        'a.yaml': rollout(CANARY),
        's.yaml': `${service('shop-canary', 'app: shop-v2')}---\n${service('shop-stable')}`,
      },
      expected: [['ML3004', R, `${C}.canaryService`]],
      at: ['a.yaml:22:22'],
    },
    {
      name: 'ping and pong Services selecting other pods',
      files: {
        'a.yaml': rollout('canary:\n  pingPong: {pingService: ping, pongService: pong}\n'),
        's.yaml': `${service('ping', 'app: other')}---\n${service('pong')}`,
      },
      expected: [['ML3004', R, `${C}.pingPong.pingService`]],
      at: ['a.yaml:22:31'],
    },
    {
      name: 'a Service another Rollout manages',
      files: {
        'a.yaml': rollout('blueGreen: {activeService: shop-active}\n'),
        's.yaml': service('shop-active').replace('metadata:\n', 'metadata:\n  annotations:\n    argo-rollouts.argoproj.io/managed-by-rollouts: cart\n'),
      },
      expected: [['ML3004', R, 'spec.strategy.blueGreen.activeService']],
      at: ['a.yaml:21:32'],
    },
  ],
});

describe('ML3004 severity, messages and related locations', () => {
  it('a near miss is an error naming the guess; a namespace without Services gives an unresolved warning', () => {
    const [near] = allFindings(
      engineWith(
        {
          'a.yaml': rollout(CANARY),
          's.yaml': `${service('shop-canary')}---\n${service('shop-stabel')}`,
        },
        [rolloutServiceRef],
      ),
    );
    assert.equal(near.severity, 'error');
    assert.equal(near.unresolved, undefined);
    assert.equal(near.message, 'service "shop-stable" not found: the stableService of this Rollout is not defined in namespace default (did you mean "shop-stabel"?).');
    const far = allFindings(engineWith({ 'a.yaml': rollout(CANARY) }, [rolloutServiceRef]));
    assert.deepEqual(
      far.map((f) => [f.severity, f.unresolved]),
      [
        ['warning', true],
        ['warning', true],
      ],
    );
  });

  it('quotes the controller and points at the Service selector', () => {
    const files = {
      'a.yaml': rollout(CANARY),
      's.yaml': `${service('shop-canary', 'app: shop-v2')}---\n${service('shop-stable')}`,
    };
    assert.deepEqual(messagesOf(rolloutServiceRef, files), [
      'Service "shop-canary" has unmatch label "app" in rollout: the Service selects app=shop-v2, the pod template has app=shop.',
    ]);
    const [f] = allFindings(engineWith(files, [rolloutServiceRef]));
    assert.deepEqual(
      f.related.map((r) => [r.uri.split('/').pop(), span(r)]),
      [['s.yaml', '7:10-7:17']],
    );
  });
});

describe('ML3004 quick fix: create the Service', () => {
  it('appends a Service from the selector and container ports after the Rollout, which then resolves', () => {
    const text = `${rollout(CANARY)}---\n${service('shop-stable')}`;
    const [f] = allFindings(engineWith({ 'a.yaml': text }, [rolloutServiceRef]));
    assert.equal(f.fixes.length, 1);
    assert.equal(f.fixes[0].preferred, false);
    assert.equal(f.fixes[0].title, "Create Service shop-canary for the Rollout's pods");
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(
      fixed.includes(
        '    stableService: shop-stable\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-canary\nspec:\n  selector:\n    app: "shop"\n  ports:\n  - name: http\n    port: 8080\n    targetPort: http\n---\n',
      ),
      fixed,
    );
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed }, [rolloutServiceRef])), []);
  });

  it('keeps an explicit namespace', () => {
    const text = rollout('blueGreen: {activeService: shop-active}\n').replace('  name: shop\n', '  name: shop\n  namespace: web\n');
    const [f] = allFindings(engineWith({ 'a.yaml': text }, [rolloutServiceRef]));
    const fixed = applyFix(text, f.fixes[0]);
    assert.ok(fixed.includes('\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: shop-active\n  namespace: web\n'), fixed);
    assert.deepEqual(allFindings(engineWith({ 'a.yaml': fixed }, [rolloutServiceRef])), []);
  });
});

describe('ML3004 incremental re-checks', () => {
  it('a Rollout whose Services resolve is not re-checked when an unrelated Service changes', () => {
    const engine = engineWith({ 'a.yaml': rollout(CANARY), 's.yaml': `${service('shop-canary')}---\n${service('shop-stable')}`, 'o.yaml': service('other') }, [rolloutServiceRef]);
    engine.setFile(uri('o.yaml'), { text: service('other', 'app: other') });
    assert.deepEqual([...engine.analyze()], [uri('o.yaml')]);
  });

  it('re-checks the Rollout when its missing Service appears', () => {
    const engine = engineWith({ 'a.yaml': rollout(CANARY), 's.yaml': service('shop-canary') }, [rolloutServiceRef]);
    assert.equal(allFindings(engine).length, 1);
    engine.setFile(uri('t.yaml'), { text: service('shop-stable') });
    assert.deepEqual([...engine.analyze()].sort(), [uri('a.yaml'), uri('t.yaml')]);
    assert.deepEqual(allFindings(engine), []);
  });
});

describe('ML3004 and the unresolved-reference setting', () => {
  const files = { 'a.yaml': rollout(CANARY) };
  it('raises a reference to an absent namespace to error, or turns it off', () => {
    const raised = allFindings(engineWith(files, [rolloutServiceRef], { ...DEFAULT_CONFIG, unresolvedReferences: 'error' }));
    assert.deepEqual(
      raised.map((f) => f.severity),
      ['error', 'error'],
    );
    assert.deepEqual(allFindings(engineWith(files, [rolloutServiceRef], { ...DEFAULT_CONFIG, unresolvedReferences: 'off' })), []);
  });

  it('leaves a near miss an error whatever the setting', () => {
    const near = { 'a.yaml': rollout(CANARY), 's.yaml': `${service('shop-canary')}---\n${service('shop-stabel')}` };
    assert.deepEqual(
      allFindings(engineWith(near, [rolloutServiceRef], { ...DEFAULT_CONFIG, unresolvedReferences: 'off' })).map((f) => f.severity),
      ['error'],
    );
  });
});
