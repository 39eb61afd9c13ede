import * as assert from 'node:assert/strict';
import { telemetryDefaultDuplicate as rule } from '../../../src/core/analysis/rules/istio/telemetry/telemetry-default-duplicate';
import { lint } from '../helpers/istio-objects';
import { testRule } from '../helpers/ruleTester';

/** `metadata.name` is on line 4, column 9. */
const tm = (name: string, namespace = 'ns2', extra = '') => `apiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\nspec:\n${extra}  tracing:\n    - randomSamplingPercentage: 10\n`;

testRule(rule, {
  valid: [
    { name: 'one default per namespace', files: { 'a.yaml': tm('a'), 'b.yaml': tm('b', 'ns1') } },
    { name: 'the other has a selector or targetRefs', files: { 'a.yaml': tm('a'), 'b.yaml': tm('b', 'ns2', '  selector:\n    matchLabels: {app: web}\n'), 'c.yaml': tm('c', 'ns2', '  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw}]\n') } },
  ],
  invalid: [
    {
      name: 'two namespace defaults',
      files: { 'a.yaml': tm('has-conflict-1'), 'b.yaml': tm('has-conflict-2') },
      expected: [
        ['ML1142', 'Telemetry ns2/has-conflict-1', 'metadata.name'],
        ['ML1142', 'Telemetry ns2/has-conflict-2', 'metadata.name'],
      ],
      at: ['a.yaml:4:9', 'b.yaml:4:9'],
    },
  ],
});

describe('ML1142 message', () => {
  it('names the others', () => {
    assert.deepEqual(lint(rule, { 'a.yaml': tm('a'), 'b.yaml': tm('b'), 'c.yaml': tm('c') }).map((f) => f.message)[0], 'Namespace ns2 has other Telemetries without selector (Telemetry ns2/b, Telemetry ns2/c); only one namespace default applies.');
  });
});
