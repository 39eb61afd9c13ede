import * as assert from 'node:assert/strict';
import { routeWeights } from '../../../src/core/analysis/rules/istio/virtualservice/route-weights';
import { allFindings, applyFix, engineWith } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';

const vs = (route: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
    - route:
${route}`;

const dest = (subset: string, weight?: number) => `        - destination: {host: reviews, subset: ${subset}}\n${weight === undefined ? '' : `          weight: ${weight}\n`}`;

testRule(routeWeights, {
  valid: [
    { name: 'weights adding up to 100', files: { 'vs.yaml': vs(dest('v1', 75) + dest('v2', 25)) } },
    { name: 'no weights; a single destination without weight or with 100', files: { 'vs.yaml': vs(dest('v1') + dest('v2')) + '    - route:\n' + dest('v1') + '    - route:\n' + dest('v2', 100) } },
    { name: 'all weights 0 is another rule\'s concern', files: { 'vs.yaml': vs(dest('v1', 0) + dest('v2', 0)) } },
  ],
  invalid: [
    {
      name: 'a sum of 120; a single destination with weight 50; a tcp route',
      files: { 'vs.yaml': vs(dest('v1', 80) + dest('v2', 40)) + '    - route:\n' + dest('v3', 50) + '  tcp:\n    - route:\n        - destination: {host: db}\n          weight: 10\n        - destination: {host: db-replica}\n          weight: 10\n' },
      expected: [
        ['ML1011', 'VirtualService default/reviews', 'spec.http[0].route[0].weight'],
        ['ML1011', 'VirtualService default/reviews', 'spec.http[1].route[0].weight'],
        ['ML1011', 'VirtualService default/reviews', 'spec.tcp[0].route[0].weight'],
      ],
      at: ['vs.yaml:10:19', 'vs.yaml:15:19', 'vs.yaml:19:19'],
    },
  ],
});

describe('ML1011 messages and fixes', () => {
  it('shows the real shares and scales the weights to 100', () => {
    const text = vs(dest('v1', 80) + dest('v2', 40) + dest('v3'));
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [routeWeights]));
    assert.equal(f.message, 'The weights of this http route add up to 120, not 100: the destinations get 66.7%, 33.3%, 0%.');
    assert.deepEqual(f.upstream, []);
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Scale the weights to add up to 100 (67, 33, 0)', false]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs(dest('v1', 67) + dest('v2', 33) + dest('v3')));
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [routeWeights])), []);
  });

  it('rounds so that the total is exactly 100', () => {
    const text = vs(dest('v1', 1) + dest('v2', 1) + dest('v3', 1));
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [routeWeights]));
    const fixed = applyFix(text, f.fixes[0]);
    assert.equal(fixed, vs(dest('v1', 34) + dest('v2', 33) + dest('v3', 33)));
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [routeWeights])), []);
  });

  it('a single weighted destination: Kiali\'s KIA1104, with a preferred fix', () => {
    const text = vs(dest('v1', 50));
    const [f] = allFindings(engineWith({ 'vs.yaml': text }, [routeWeights]));
    assert.equal(f.message, 'The only destination of this route gets all the traffic: weight 50 is taken as 100.');
    assert.deepEqual(f.upstream, ['KIA1104']);
    assert.deepEqual(f.fixes.map((x) => [x.title, x.preferred]), [['Set the weight to 100 (what it means already)', true]]);
    const fixed = applyFix(text, f.fixes[0]);
    assert.deepEqual(allFindings(engineWith({ 'vs.yaml': fixed }, [routeWeights])), []);
  });
});
