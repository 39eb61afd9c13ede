import * as assert from 'node:assert/strict';
import { telemetrySelectorNoWorkload as rule } from '../../../src/core/analysis/rules/istio/telemetry/telemetry-selector-no-workload';
import { fixesClear, lint, pod } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `selector.matchLabels` is on line 8, its first label on line 9. */
const tm = (labels: string, namespace = 'default', extra = '') =>
  `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: t\n  namespace: ${namespace}\nspec:\n  selector:\n    matchLabels:\n${labels}${extra}  tracing:\n    - randomSamplingPercentage: 10\n`;
const PODS = { 'a.yaml': pod('productpage', { app: 'productpage' }), 'b.yaml': pod('reviews', { app: 'reviews' }, 'other') };

testRule(rule, {
  valid: [
    { name: 'selects a pod of its namespace', files: { ...PODS, 't.yaml': tm('      app: productpage\n') } },
    { name: 'bound by targetRefs, the selector is not used', files: { ...PODS, 't.yaml': tm('      app: nothing\n', 'default', '  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: gw}]\n') } },
  ],
  invalid: [
    {
      name: 'a typo, a workload of another namespace, a namespace without workloads here',
      files: { ...PODS, 't1.yaml': tm('      app: prodcutpage\n'), 't2.yaml': tm('      app: reviews\n'), 't3.yaml': tm('      app: reviews\n', 'empty') },
      expected: [
        ['ML1140', 'Telemetry default/t', 'spec.selector.matchLabels.app'],
        ['ML1140', 'Telemetry default/t', 'spec.selector.matchLabels'],
        ['ML1140', 'Telemetry empty/t', 'spec.selector.matchLabels'],
      ],
      at: ['t1.yaml:9:12', 't2.yaml:8:5', 't3.yaml:8:5'],
    },
  ],
});

describe('ML1140 messages and fix', () => {
  it('says what it looked for and where', () => {
    assert.deepEqual(lint(rule, { ...PODS, 't.yaml': tm('      app: reviews\n') }).map((f) => f.message), ['Selector "app=reviews" matches no workload in namespace default.']);
    assert.deepEqual(lint(rule, { ...PODS, 't.yaml': tm('      app: prodcutpage\n') }).map((f) => f.message), ['Selector "app=prodcutpage" matches no workload in namespace default; did you mean app: productpage?']);
  });

  it('changes the label value', () => {
    assert.deepEqual(fixesClear(rule, { ...PODS, 't.yaml': tm('      app: prodcutpage\n') }, 't.yaml'), [tm('      app: productpage\n')]);
  });
});
