import * as assert from 'node:assert/strict';
import { gatewaySelectorNoWorkload as rule } from '../../../src/core/analysis/rules/istio/gateway/gateway-selector-no-workload';
import { deployment, fixesClear, lint, pod } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** The selector's first label is on line 7. */
const gw = (selector: string) =>
  `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: public\nspec:\n  selector:\n${selector}  servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n      hosts: ["*"]\n`;
const INGRESS = { 'ig.yaml': deployment('istio-ingressgateway', { istio: 'ingressgateway', app: 'istio-ingressgateway' }, { namespace: 'istio-system' }) };

testRule(rule, {
  valid: [
    { name: 'selects the ingress gateway Deployment in another namespace', files: { ...INGRESS, 'g.yaml': gw('    istio: ingressgateway\n') } },
    { name: 'selects a gateway Pod', files: { 'p.yaml': pod('gw', { app: 'edge' }, 'edge'), 'g.yaml': gw('    app: edge\n') } },
    { name: 'no workload carries the selector\'s keys: the gateways are installed elsewhere', files: { 'g.yaml': gw('    istio: ingressgateway\n') } },
    { name: 'an empty selector is not checked', files: { ...INGRESS, 'g.yaml': gw('    {}\n') } },
  ],
  invalid: [
    {
      name: 'a typo in the value',
      files: { ...INGRESS, 'g.yaml': gw('    istio: ingresgateway\n') },
      expected: [['ML1110', 'Gateway default/public', 'spec.selector.istio']],
      at: ['g.yaml:7:12'],
    },
    {
      name: 'one label matches, another does not',
      files: { ...INGRESS, 'g.yaml': gw('    istio: ingressgateway\n    app: istio-ingresgateway\n') },
      expected: [['ML1110', 'Gateway default/public', 'spec.selector.app']],
      at: ['g.yaml:8:10'],
    },
    {
      name: 'a gateway of another name: unresolved',
      files: { ...INGRESS, 'g.yaml': gw('    istio: eastwestgateway\n') },
      expected: [['ML1110', 'Gateway default/public', 'spec.selector']],
      at: ['g.yaml:6:3'],
    },
  ],
});

describe('ML1110 messages and fix', () => {
  it('suggests the label value of an existing gateway, or says it may be installed elsewhere', () => {
    assert.deepEqual(lint(rule, { ...INGRESS, 'g.yaml': gw('    istio: ingresgateway\n') }).map((f) => `${f.severity}: ${f.message}`), [
      'error: Selector "istio=ingresgateway" matches no workload; did you mean istio: ingressgateway?',
    ]);
    assert.deepEqual(lint(rule, { ...INGRESS, 'g.yaml': gw('    istio: eastwestgateway\n') }).map((f) => `${f.severity} ${f.unresolved}: ${f.message}`), [
      'warning true: Selector "istio=eastwestgateway" matches no workload in the workspace (the gateway may be installed from elsewhere).',
    ]);
  });

  it('changes the label value', () => {
    assert.deepEqual(fixesClear(rule, { ...INGRESS, 'g.yaml': gw('    istio: "ingresgateway"\n') }, 'g.yaml'), [gw('    istio: "ingressgateway"\n')]);
  });
});
