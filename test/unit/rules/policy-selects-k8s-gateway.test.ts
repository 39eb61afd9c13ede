import * as assert from 'node:assert/strict';
import { policySelectsK8sGateway as rule } from '../../../src/core/analysis/rules/istio/policy/policy-selects-k8s-gateway';
import { lint, pod } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `selector.matchLabels` is on line 8, column 5. */
const policy = (apiVersion: string, kind: string, labels: string, extra = '') =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: p\n  namespace: default\nspec:\n  selector:\n    matchLabels: ${labels}\n${extra}`;
const GW_POD = { 'p.yaml': pod('bookinfo-gateway-istio-6ff4', { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway', app: 'edge' }) };
const TARGET = '  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: bookinfo-gateway}]\n';

testRule(rule, {
  valid: [
    { name: 'a selector on application pods', files: { ...GW_POD, 'a.yaml': policy('security.istio.io/v1', 'AuthorizationPolicy', '{app: reviews}') } },
    { name: 'targetRefs set: effective', files: { ...GW_POD, 't.yaml': policy('telemetry.istio.io/v1', 'Telemetry', '{gateway.networking.k8s.io/gateway-name: bookinfo-gateway}', TARGET) } },
  ],
  invalid: [
    {
      name: 'the gateway-name label in the selector, for each kind; and a selector that picks the gateway pod by another label',
      files: {
        ...GW_POD,
        'ra.yaml': policy('security.istio.io/v1', 'RequestAuthentication', '{gateway.networking.k8s.io/gateway-name: bookinfo-gateway}'),
        'ap.yaml': policy('security.istio.io/v1', 'AuthorizationPolicy', '{gateway.networking.k8s.io/gateway-name: bookinfo-gateway}'),
        'wp.yaml': policy('extensions.istio.io/v1alpha1', 'WasmPlugin', '{gateway.networking.k8s.io/gateway-name: bookinfo-gateway}', '  url: oci://example.com/filter:1\n'),
        'tm.yaml': policy('telemetry.istio.io/v1', 'Telemetry', '{app: edge}'),
      },
      expected: [
        ['ML1145', 'AuthorizationPolicy default/p', 'spec.selector.matchLabels'],
        ['ML1145', 'RequestAuthentication default/p', 'spec.selector.matchLabels'],
        ['ML1145', 'Telemetry default/p', 'spec.selector.matchLabels'],
        ['ML1145', 'WasmPlugin default/p', 'spec.selector.matchLabels'],
      ],
      at: ['ap.yaml:8:5', 'ra.yaml:8:5', 'tm.yaml:8:5', 'wp.yaml:8:5'],
    },
  ],
});

describe('ML1145 message', () => {
  it('names the gateway', () => {
    assert.deepEqual(lint(rule, { ...GW_POD, 'tm.yaml': policy('telemetry.istio.io/v1', 'Telemetry', '{app: edge}') }).map((f) => f.message), [
      'This Telemetry selects the Kubernetes Gateway "bookinfo-gateway" by label, which has no effect; attach it with targetRefs instead.',
    ]);
  });
});
