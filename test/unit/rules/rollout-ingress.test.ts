import * as assert from 'node:assert/strict';
import { rolloutIngress } from '../../../src/core/analysis/rules/rollouts/rollout-ingress';
import { allFindings, engineWith, span, uri } from '../helpers/engine';
import { testRule } from '../helpers/ruleTester';
import { messagesOf, rollout } from '../helpers/rollouts';

const R = 'Rollout default/shop';
const TR = 'spec.strategy.canary.trafficRouting';
const canary = (router: string) => rollout(`canary:\n  canaryService: shop-canary\n  stableService: shop-stable\n  trafficRouting:\n${router}`);
const ingress = (name: string, backend: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: ${backend}, port: {number: 80}}\n`;

testRule(rolloutIngress, {
  valid: [
    { name: 'NGINX: the Ingress routes to the stable Service', files: { 'a.yaml': canary('    nginx: {stableIngress: shop}\n'), 'i.yaml': ingress('shop', 'shop-stable') } },
    {
      name: 'ALB: the Ingress routes to the root Service',
      files: { 'a.yaml': canary('    alb: {ingress: shop, rootService: shop-root, servicePort: 80}\n'), 'i.yaml': ingress('shop', 'shop-root') },
    },
    {
      name: 'a v1beta1-style backend',
      files: {
        'a.yaml': canary('    nginx: {stableIngress: shop}\n'),
        'i.yaml': ingress('shop', 'x').replace('service: {name: x, port: {number: 80}}', 'serviceName: shop-stable'),
      },
    },
    { name: 'Istio needs no Ingress', files: { 'a.yaml': canary('    istio: {virtualService: {name: shop}}\n') } },
  ],
  invalid: [
    {
      name: 'NGINX: the Ingress routes elsewhere',
      files: { 'a.yaml': canary('    nginx:\n      stableIngress: shop\n'), 'i.yaml': ingress('shop', 'shop-root') },
      expected: [['ML3011', R, `${TR}.nginx.stableIngress`]],
      at: ['a.yaml:26:26'],
    },
    {
      name: 'ALB: each of several Ingresses',
      files: {
        'a.yaml': canary('    alb:\n      rootService: shop-root\n      servicePort: 80\n      ingresses: [a, b]\n'),
        'i.yaml': `${ingress('a', 'shop-root')}---\n${ingress('b', 'shop-stable')}`,
      },
      expected: [['ML3011', R, `${TR}.alb.ingresses[1]`]],
      at: ['a.yaml:28:26'],
    },
    {
      name: 'a missing Ingress: near miss is an error, otherwise unresolved',
      files: { 'a.yaml': canary('    nginx:\n      stableIngresses: [shp]\n'), 'i.yaml': ingress('shop', 'shop-stable') },
      expected: [['ML3011', R, `${TR}.nginx.stableIngresses[0]`]],
      at: ['a.yaml:26:29'],
    },
  ],
});

describe('ML3011 messages', () => {
  it('quote the controller and point at the Ingress rules', () => {
    const files = { 'a.yaml': canary('    nginx:\n      stableIngress: shop\n'), 'i.yaml': ingress('shop', 'shop-root') };
    assert.deepEqual(messagesOf(rolloutIngress, files), [
      'ingress `shop` has no rules using service shop-stable backend: NGINX shifts traffic by copying this Ingress for the canary, so a rule must send traffic to shop-stable.',
    ]);
    const [f] = allFindings(engineWith(files, [rolloutIngress]));
    assert.deepEqual(
      f.related.map((r) => [r.uri, span(r)]),
      [[uri('i.yaml'), '6:3-6:8']],
    );
    const far = allFindings(engineWith({ 'a.yaml': canary('    nginx:\n      stableIngress: shop\n') }, [rolloutIngress]));
    assert.deepEqual(
      far.map((x) => [x.severity, x.unresolved, x.message]),
      [['warning', true, 'Ingress "shop" not found in namespace default: ingress.networking.k8s.io "shop" not found.']],
    );
  });
});
